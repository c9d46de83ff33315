# Every position of a policy holds a value Terraform computes: none of them
# may draw a finding.
variable "version" {}
variable "statements" {}
variable "effect" {}
variable "actions" {}
variable "bucket" {}
variable "condition" {}
variable "principal" {}

resource "alicloud_ram_policy" "whole" {
  policy_name     = "whole"
  policy_document = var.document
}

resource "alicloud_ram_policy" "call" {
  policy_name     = "call"
  policy_document = try(file("policy.json"), "")
}

resource "alicloud_ram_policy" "conditional" {
  policy_name     = "conditional"
  policy_document = var.strict ? local.strict : local.loose
}

resource "alicloud_ram_policy" "version" {
  policy_name     = "version"
  policy_document = jsonencode({ Version = var.version, Statement = var.statements })
}

resource "alicloud_ram_policy" "elements" {
  policy_name = "elements"
  policy_document = jsonencode({
    Version = "1"
    Statement = [
      var.first_statement,
      {
        Effect    = var.effect
        Action    = var.actions
        Resource  = var.resources
        Condition = var.condition
      },
      {
        Effect   = "Allow"
        Action   = ["oss:GetObject", var.action, local.more[0]]
        Resource = ["acs:oss:*:*:${var.bucket}/*", "*"]
        Condition = {
          IpAddress    = var.ip_block
          StringEquals = { "acs:SourceVpc" = var.vpc, (var.key) = "x" }
          Bool         = { "acs:SecureTransport" = [var.secure] }
        }
      },
      {
        Effect    = "Allow"
        Action    = [for a in var.names : "oss:${a}"]
        Resource  = "*"
        Condition = { for k, v in var.conditions : k => v }
      },
    ]
  })
}

resource "alicloud_ram_role" "trust" {
  role_name                   = "trust"
  assume_role_policy_document = <<EOF
{
  "Version": "${var.version}",
  "Statement": [
    ${local.extra_statement},
    {
      "Effect": ${jsonencode(var.effect)},
      "Action": "sts:AssumeRole",
      "Principal": ${jsonencode(var.principal)}
    },
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {"RAM": ["acs:ram::${data.alicloud_account.this.id}:root", ${local.arn}]}
    },
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {"Service": ${jsonencode(var.services)}},
      "Condition": {"StringEquals": {"sts:ExternalId": "${var.external_id == "" ? "none" : var.external_id}"}}
    }
  ]
}
EOF
}

resource "alicloud_ram_policy" "templated" {
  policy_name     = "templated"
  policy_document = <<EOF
{
  "Version": "1",
  "Statement": [
%{ for bucket in var.buckets ~}
    {"Effect": "Allow", "Action": "oss:GetObject", "Resource": "acs:oss:*:*:${bucket}/*"},
%{ endfor ~}
    {"Effect": "Allow", "Action": "oss:ListBuckets", "Resource": "*"}
  ]
}
EOF
}

data "alicloud_ram_policy_document" "computed" {
  version = var.version
  statement {
    effect   = var.effect
    action   = var.actions
    resource = [var.bucket_arn, "*"]
    principal {
      entity      = var.entity
      identifiers = var.identifiers
    }
    condition {
      operator = var.operator
      variable = "acs:SourceIp"
      values   = var.ips
    }
  }
  dynamic "statement" {
    for_each = var.extra
    content {
      effect = "Allow"
    }
  }
}

resource "alicloud_ram_role" "from_data" {
  role_name                   = "from-data"
  assume_role_policy_document = data.alicloud_ram_policy_document.computed.document
}

resource "alicloud_ram_policy" "quoted" {
  policy_name     = "quoted"
  policy_document = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"${var.action}\",\"Resource\":\"*\"}]}"
}
