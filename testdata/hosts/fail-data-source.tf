data "alicloud_ram_policy_document" "read_images" {
  statement {
    effect   = "Allow"
    action   = ["ens:DescribeImages"]
    resource = ["acs:ens::image/*"]
    condition {
      operator = "StringEquals"
      variable = "acs:SourceVpc"
      values   = ["vpc-123"]
    }
  }
}

resource "alicloud_ram_policy" "read_images" {
  policy_name     = "read-images"
  policy_document = data.alicloud_ram_policy_document.read_images.document
}
