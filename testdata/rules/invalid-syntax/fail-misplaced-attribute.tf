resource "alicloud_ram_policy" "reader" {
  policy_name = "reader"
  policy_document = jsonencode({
    Version   = "1"
    Statement = [{ Effect = "Allow", Action = "ens:DescribeInstances" Resource = "*" }]
  })
}
