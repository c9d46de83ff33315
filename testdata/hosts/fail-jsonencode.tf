resource "alicloud_ram_policy" "encoded" {
  policy_name = "encoded"
  policy_document = jsonencode({
    Version = "1"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["ens:CreateImage", "ens:CreateImage"]
        // Terraform comments are fine inside the object.
        Resource = "*"
        Condition = {
          Bool = { "acs:MFAPresent" = true }
        }
      }
    ]
  })
}
