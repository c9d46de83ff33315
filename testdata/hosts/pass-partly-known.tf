# Values Terraform computes in part that some value of the holes makes
# right: nothing is certain, so nothing is reported.
variable "prefix" {}
variable "service" {}
variable "path" {}
variable "account_id" {}

resource "alicloud_ram_policy" "maybe" {
  policy_name = "maybe"
  policy_document = jsonencode({
    Version = "1"
    Statement = [{
      # The hole may be empty: the resource may be `*`.
      Effect   = "Allow"
      Action   = ["ens:CreateImage"]
      Resource = ["${var.prefix}*"]
    }, {
      # The service is computed: it may be `oss`.
      Effect   = "Allow"
      Action   = "oss:GetObject"
      Resource = "acs:${var.service}:*:${var.account_id}:*"
    }, {
      # The hole may hold the missing fields.
      Effect   = "Allow"
      Action   = "oss:GetObject"
      Resource = "acs:oss${var.path}"
    }, {
      # The service is computed: a valid action whatever it is.
      Effect   = "Allow"
      Action   = ["${var.service}:Describe*", "ens:${var.path}"]
      Resource = "*"
    }, {
      Effect   = "Allow"
      Action   = "oss:GetObject"
      Resource = var.path
    }]
  })
}

variable "policy" {}

resource "alicloud_ram_policy" "computed" {
  policy_name     = "computed"
  policy_document = var.policy
}
