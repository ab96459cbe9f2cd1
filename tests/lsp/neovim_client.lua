-- Drives a real Neovim as pie-lsp's client, the way a user does: open a C++ file, start
-- the server with vim.lsp.start, list the code actions, choose "Optimize program (PIE)",
-- and wait for the server's workspace/applyEdit to change the buffer.
-- Usage: nvim --clean --headless -l neovim_client.lua FILE REPORT PYTHON CACHE_DIR
local file, report_path, python, cache = arg[1], arg[2], arg[3], arg[4]
local report = { messages = {}, progress = {}, errors = {} }

local function finish(code)
  vim.fn.writefile({ vim.json.encode(report) }, report_path)
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop()
  end
  vim.wait(5000, function()
    return #vim.lsp.get_clients() == 0
  end)
  os.exit(code)
end

local function fail(why)
  table.insert(report.errors, why)
  finish(1)
end

vim.cmd.edit(file)
local buf = vim.api.nvim_get_current_buf()
local function buffer_text()
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n") .. "\n"
end
local original = buffer_text()

vim.lsp.handlers["window/showMessage"] = function(_, result)
  table.insert(report.messages, { type = result.type, message = result.message })
end
vim.api.nvim_create_autocmd("LspProgress", {
  callback = function(event)
    local value = event.data.params.value
    table.insert(report.progress, {
      kind = value.kind,
      text = value.message or value.title or "",
      cancellable = value.cancellable,
    })
  end,
})

local id = vim.lsp.start({
  name = "pie-lsp",
  cmd = { python, "-m", "pie_lsp", "serve" },
  root_dir = vim.fs.dirname(file),
  init_options = { cache = { dir = cache }, simulator = { backend = "estimate" } },
}, { bufnr = buf })
if not id then
  fail("vim.lsp.start returned nil")
end
if not vim.wait(30000, function()
  return #vim.lsp.get_clients({ bufnr = buf, name = "pie-lsp" }) > 0
end) then
  fail("the server never attached")
end
local client = assert(vim.lsp.get_client_by_id(id))
report.encoding = client.offset_encoding

local function code_action_titles()
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {} }
  local response = client:request_sync("textDocument/codeAction", params, 10000, buf)
  if not response or response.err then
    fail("codeAction failed: " .. vim.inspect(response))
  end
  return vim.tbl_map(function(action)
    return action.title
  end, response.result or {})
end
report.titles_before = code_action_titles()

-- what a user does: pick the action from the menu (the filter stands in for the choice)
vim.lsp.buf.code_action({
  apply = true,
  filter = function(action)
    return action.title == "Optimize program (PIE)"
  end,
})
if not vim.wait(180000, function()
  return buffer_text() ~= original
end, 100) then
  fail("the buffer never changed")
end
report.buffer = buffer_text()
report.modified = vim.bo[buf].modified
report.titles_after = code_action_titles()
finish(0)
