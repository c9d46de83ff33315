variable "account_id" {}

resource "alicloud_ram_policy" "images" {
  policy_name     = "images"
  policy_document = data.alicloud_ram_policy_document.images.json
}
