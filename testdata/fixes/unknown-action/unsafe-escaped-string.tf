resource "alicloud_ram_policy" "one_line" {
  policy_name     = "one-line"
  policy_document = "{\"Version\":\"1\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"ens:CreateImag\",\"Resource\":\"*\"}]}"
}
