resource "alicloud_ram_policy" "images" {
  policy_name     = "images"
  policy_document = <<EOF
{
  "Version": "1",
  "Statement": [
    {"Effect": "Allow", "Action": "ens:DescribeImages", "Resource": "*",}
  ]
}
EOF
}
