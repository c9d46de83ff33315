# A small module: an image-builder role, its trust policy and two policies.
variable "office_cidr" {
  type    = string
  default = "203.0.113.0/24"
}

resource "alicloud_ram_role" "builder" {
  role_name                   = "image-builder"
  assume_role_policy_document = <<-EOF
    {
      "Version": "1",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "sts:AssumeRole",
          "Principal": {"AWS": ["ecs.aliyuncs.com"]}
        }
      ]
    }
  EOF
}

data "alicloud_ram_policy_document" "create_image" {
  statement {
    effect   = "Allow"
    action   = ["ens:CreateImage"]
    resource = ["*"]
    condition {
      operator = "IpAddress"
      variable = "acs:SourceIp"
      values   = [var.office_cidr]
    }
  }
}

resource "alicloud_ram_policy" "create_image" {
  policy_name     = "create-image"
  policy_document = data.alicloud_ram_policy_document.create_image.document
}

resource "alicloud_ram_policy" "describe" {
  policy_name = "describe-images"
  policy_document = jsonencode({
    Version = "1"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ens:DescribeImages", "ens:DescribeImage"]
      Resource = "*"
    }]
  })
}
