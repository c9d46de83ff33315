# Policies kept beside the module and read with file(): findings are
# reported in the JSON files, on their own lines.
resource "alicloud_ram_policy" "images" {
  policy_name     = "images"
  policy_document = file("${path.module}/policies/images.json")
}

# The same file again, relative to this folder: reported once.
resource "alicloud_ram_policy" "images_again" {
  policy_name     = "images-again"
  policy_document = file("policies/images.json")
}

resource "alicloud_ram_role" "builder" {
  name     = "builder"
  document = file("${path.module}/policies/trust.json")
}

# Computed by Terraform: unknown, not read.
resource "alicloud_ram_policy" "computed" {
  policy_name     = "computed"
  policy_document = file("${path.module}/policies/${var.name}.json")
}

# Outside the folder named: not read.
resource "alicloud_ram_policy" "outside" {
  policy_name     = "outside"
  policy_document = file("../pass-unknown-positions.json")
}
