# A heredoc that is JSON only once Terraform renders it: the interpolation
# stands for members of the second statement. What is known around it is
# linted (issue 22, item 3); the second statement is unknown whole, since
# the interpolation may add a Condition to it.
variable "condition" {
  default = ""
}

resource "alicloud_ram_policy" "admin" {
  policy_name     = "admin"
  policy_document = <<EOF
{
  "Version": "1",
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {"Effect": "Allow", "Action": "*", "Resource": "*", ${var.condition}}
  ]
}
EOF
}
