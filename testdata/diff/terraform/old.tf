resource "alicloud_ram_policy" "image_builder" {
  policy_name     = "image-builder"
  policy_document = <<-EOF
    {
      "Version": "1",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "ens:CreateImage",
          "Resource": "*",
          "Condition": {"IpAddress": {"acs:SourceIp": "203.0.113.0/24"}}
        }
      ]
    }
  EOF
}
