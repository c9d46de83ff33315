# `file()` returns the file's text, which Terraform passes on as the policy:
# the named files are plain JSON policies whatever their extension
# (issue 22, item 3).
resource "alicloud_ram_policy" "from_tf_json" {
  policy_name     = "from-tf-json"
  policy_document = file("${path.module}/policies/admin.tf.json")
}

resource "alicloud_ram_policy" "from_yaml" {
  policy_name     = "from-yaml"
  policy_document = file("policies/images.yaml")
}
