resource "alicloud_ram_policy" "admin" {
  policy_name = "admin"
  # policy-check: ignore[allow-all] break-glass role, reviewed by security
  policy_document = <<EOF
  {"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
  EOF
}
