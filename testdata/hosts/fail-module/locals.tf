locals {
  # Not shaped as a policy (`Statment`), but main.tf takes it as one.
  typo_policy = <<EOF
{
  "Version": "1",
  "Statment": [{"Effect": "Allow", "Action": "ens:DescribeImages", "Resource": "*"}]
}
EOF
}
