# Values Terraform computes in part: what no value of the holes changes is
# certain (issue 22, item 2).
variable "account_id" {}
variable "bucket" {}

# No value of the account makes the resource `*`.
data "alicloud_ram_policy_document" "images" {
  statement {
    effect   = "Allow"
    action   = ["ens:CreateImage"]
    resource = ["acs:ens:*:${var.account_id}:instance/*"]
  }
}

resource "alicloud_ram_policy" "images" {
  policy_name = "images"
  policy_document = jsonencode({
    Version = "1"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ens:CreateImage"]
      Resource = "acs:ens:*:${var.account_id}:instance/*"
    }, {
      Effect   = "Allow"
      Action   = "oss:GetObject"
      Resource = ["acs:ecs:*:${var.account_id}:instance/*"]
    }]
  })
}

resource "alicloud_ram_policy" "aws" {
  policy_name     = "aws"
  policy_document = <<EOF
{
  "Version": "1",
  "Statement": [{"Effect": "Allow", "Action": "oss:GetObject", "Resource": "arn:aws:s3:::${var.bucket}/*"}]
}
EOF
}

# Denied whatever the account: the Allow after the Deny grants nothing.
data "alicloud_ram_policy_document" "denied" {
  statement {
    effect   = "Deny"
    action   = ["ens:*"]
    resource = ["*"]
  }
  statement {
    effect   = "Allow"
    action   = ["ens:DeleteImage"]
    resource = ["acs:ens:*:${var.account_id}:image/*"]
  }
}

# An action no value of the operation makes valid (`/` is in no action);
# `ens:${var.operation}` may be any ens action, and draws nothing.
variable "operation" {}

data "alicloud_ram_policy_document" "actions" {
  statement {
    effect   = "Allow"
    action   = ["ens/${var.operation}", "ens:${var.operation}"]
    resource = ["*"]
  }
}
