resource "alicloud_ram_policy" "one_line" {
  policy_name     = "one-line"
  policy_document = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ens:CreateImage\",\"Resource\":\"acs:ens:*:*:image\\/x\",\"Condition\":{\"IpAdress\":{\"acs:SourceIp\":\"10.0.0.0/8\"}}}]}"
}
