# A session policy narrows the credentials the provider gets by assuming a
# role; an allow-all here is still worth a look, and a typo makes it fail.
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

# Another provider's session policy is not a RAM policy: never read.
provider "aws" {
  assume_role {
    role_arn = var.aws_role
    policy   = "{\"Statement\": [{\"Action\": \"s3:*\", \"Effect\": \"allow\", \"Resource\": \"arn:aws:s3:::b\"}], \"Version\": \"2012-10-17\"}"
  }
}
