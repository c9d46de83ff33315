resource "alicloud_ram_policy" "images" {
  policy_name     = "images"
  policy_document = <<-EOT
    {
      "Version": "1",
      "Statement": [
        {
          "Effect": "allow",
          "Action": "ens:DescribeImages",
          "Resource": "acs:ens:*:${var.account}:image/*"
        }
      ]
    }
  EOT
}
