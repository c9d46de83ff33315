# A session policy narrows the credentials the provider gets by assuming a
# role: its Allow `*` on `*` narrows nothing and grants nothing (no finding),
# but a mistake in it still makes the session fail. The same for a Resource
# Directory control policy, a guardrail over the member accounts.
provider "alicloud" {
  region = "cn-hangzhou"
  assume_role {
    role_arn     = var.role_arn
    policy       = "{\"Statement\": [{\"Action\": [\"*\"], \"Effect\": \"Allow\", \"Resource\": [\"*\"]}], \"Version\": \"1\"}"
    session_name = "deploy"
  }
}

provider "alicloud" {
  alias  = "images"
  region = "cn-beijing"
  assume_role {
    role_arn = var.role_arn
    policy   = jsonencode({
      Version = "1"
      Statement = [{
        Effect   = "Allow"
        Action   = "ens:CreateImage"
        Resource = "acs:ens:*:${var.account_id}:instance/*"
      }]
    })
  }
}

resource "alicloud_resource_manager_control_policy" "default" {
  control_policy_name = "allow-all-but-ram"
  effect_scope        = "RAM"
  policy_document     = jsonencode({
    Version = "1"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Deny", Action = "ram:Create*", Resource = "*" },
      { Effect = "Deny", Action = "ens:CreateImage" },
    ]
  })
}

# Another provider's session policy is not a RAM policy: never read.
provider "aws" {
  assume_role {
    role_arn = var.aws_role
    policy   = "{\"Statement\": [{\"Action\": \"s3:*\", \"Effect\": \"allow\", \"Resource\": \"arn:aws:s3:::b\"}], \"Version\": \"2012-10-17\"}"
  }
}
