variable "office_cidr" {}

resource "alicloud_ram_policy" "image_builder" {
  policy_name = "image-builder"
  policy_document = jsonencode({
    Version = "1"
    Statement = [
      {
        Effect    = "Allow"
        Action    = "ens:CreateImage"
        Resource  = "*"
        Condition = { IpAddress = { "acs:SourceIp" = var.office_cidr } }
      },
    ]
  })
}
