-- policy-check's language server in Neovim 0.11 and later, with the
-- built-in `vim.lsp.config` (no plugin needed). Put it in init.lua.
vim.lsp.config("policy_check", {
  cmd = { "policy-check", "lsp" },
  filetypes = { "json", "yaml", "terraform", "hcl" },
  root_markers = { "policy-check.toml", ".git" },
})
vim.lsp.enable("policy_check")
