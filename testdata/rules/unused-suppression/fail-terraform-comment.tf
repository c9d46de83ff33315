resource "alicloud_ram_policy" "admin" {
  policy_name = "admin"
  policy_document = jsonencode({
    Version = "1"
    # policy-check: ignore[allow-all, redundant-action] break-glass role
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}
