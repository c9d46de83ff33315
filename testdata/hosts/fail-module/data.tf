# The usual layout: the policy documents in data.tf, the resources that
# use them in main.tf.
data "alicloud_ram_policy_document" "images" {
  statement {
    effect   = "Allow"
    action   = ["ens:CreateImage"]
    resource = ["acs:ens:*:*:instance/*"]
  }
}

# No resource uses this one: it is still linted.
data "alicloud_ram_policy_document" "unused" {
  statement {
    effect   = "Allow"
    action   = ["ens:DescribeImagez"]
    resource = ["*"]
  }
}
