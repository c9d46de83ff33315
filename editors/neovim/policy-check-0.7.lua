-- policy-check's language server in Neovim 0.7 to 0.10 (Debian bookworm
-- ships 0.7.2), without plugins: one client for the session, attached to
-- every JSON, YAML and Terraform buffer. Neovim 0.11 and later: see
-- docs/lsp.md for the shorter `vim.lsp.config` setup.
--
-- Load it from init.lua (`dofile("/path/to/policy-check-0.7.lua")`); set
-- POLICY_CHECK to the binary when it is not on PATH.
local cmd = { os.getenv("POLICY_CHECK") or "policy-check", "lsp" }
local client_id

vim.api.nvim_create_autocmd("FileType", {
  pattern = { "json", "yaml", "terraform", "hcl" },
  callback = function(args)
    if not client_id then
      client_id = vim.lsp.start_client({
        name = "policy-check",
        cmd = cmd,
        root_dir = vim.fn.getcwd(),
      })
    end
    if client_id then
      vim.lsp.buf_attach_client(args.buf, client_id)
    end
  end,
})
