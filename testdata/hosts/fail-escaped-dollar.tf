# `\u0024{` in a quoted HCL string is the text `${`, not an interpolation
# (HCL reads the template before the escapes), so this Allow of everything
# is as literal as it looks (issue 22, item 3).
resource "alicloud_ram_policy" "everything" {
  policy_name     = "everything"
  policy_document = "{\"Version\": \"1\", \"Statement\": [{\"Sid\": \"\u0024{\", \"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}"
}
