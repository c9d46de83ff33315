resource "alicloud_ram_policy" "encoded" {
  policy_name = "encoded"
  policy_document = jsonencode({
    Version = "1"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["ens:describeimages", "ens:CreateImage"]
        Resource = "*"
      }
    ]
  })
}
