resource "alicloud_ram_role" "builder" {
  role_name                   = "builder"
  assume_role_policy_document = <<-EOT
    {
      "Version": "1",
      "Statement": [
        {
          "Effect": "Allow",
          "Action": "sts:AssumeRole",
          "Principal": {"Servce": ["ecs.aliyuncs.com"]}
        }
      ]
    }
  EOT
}
