# The HCL parses; the JSON in the heredoc does not: that is invalid-json.
resource "alicloud_ram_policy" "reader" {
  policy_name     = "reader"
  policy_document = <<EOT
{"Version": "1", "Statement": [{"Effect": "Allow", "Action": "ens:DescribeInstances", "Resource": "*",}]}
EOT
}
