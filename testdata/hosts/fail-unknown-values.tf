variable "bucket" {
  type = string
}

resource "alicloud_ram_policy" "mixed" {
  policy_name     = "mixed"
  policy_document = <<EOF
{
  "Version": "1",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["oss:GetObject", "${var.extra_action}"],
      "Resource": ["acs:oss:*:*:${var.bucket}/*", "acs:oss:*:*:bucket/*"]
    },
    {
      "Effect": "Alow",
      "Action": ${jsonencode(var.actions)},
      "Resource": "*"
    }
  ]
}
EOF
}
