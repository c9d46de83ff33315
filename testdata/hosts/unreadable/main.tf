# A heredoc that is not JSON whatever Terraform renders into it (a comma is
# missing after "1"): nothing in it can be read, so nothing is reported,
# and --show-files counts it as not known rather than as linted.
variable "statements" {}

resource "alicloud_ram_policy" "broken" {
  policy_name     = "broken"
  policy_document = <<EOF
{"Version": "1" "Statement": ${var.statements}}
EOF
}
