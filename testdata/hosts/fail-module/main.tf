resource "alicloud_ram_policy" "images" {
  policy_name     = "images"
  policy_document = data.alicloud_ram_policy_document.images.json
}

resource "alicloud_ram_policy" "typo" {
  policy_name     = "typo"
  policy_document = local.typo_policy
}
