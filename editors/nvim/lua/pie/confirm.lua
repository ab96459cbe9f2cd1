--- Showing pie-lsp's rewrites before they are applied, and asking.
---
--- pie-lsp delivers a rewrite as `workspace/applyEdit` whose change annotation says
--- `needsConfirmation` and whose label carries the proof ("Apply 2.52× faster rewrite on
--- Skylake (estimate) — 3/3 tests"). Neovim's own handler applies every edit at once and
--- ignores both, so the pie client gets this handler instead: it opens the diff in a
--- focused floating window sized to it (scrollable, the label on top, the keys in its
--- footer), applies only on `a` (or Enter), cancels on `q` (Esc, c, or closing the window),
--- and tells the server what happened. Server requests run inside a coroutine, so Neovim
--- stays usable while the preview waits for a key.

local M = {}

M.APPLY = "Apply"
M.CANCEL = "Cancel"

--- The text edits of `edit` for `uri` (documentChanges or changes), and the version they are for.
--- @return table[]|nil edits, integer|nil version
local function edits_for(edit, uri)
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.textDocument and change.textDocument.uri == uri then
      return change.edits, change.textDocument.version
    end
  end
  if edit.changes then
    return edit.changes[uri], nil
  end
  return nil, nil
end

--- Every document the edit touches, in order.
local function uris_of(edit)
  local uris, seen = {}, {}
  for _, change in ipairs(edit.documentChanges or {}) do
    local uri = change.textDocument and change.textDocument.uri
    if uri and not seen[uri] then
      seen[uri] = true
      table.insert(uris, uri)
    end
  end
  for uri in pairs(edit.changes or {}) do
    if not seen[uri] then
      seen[uri] = true
      table.insert(uris, uri)
    end
  end
  return uris
end

--- The sentence to show: the annotation's label (the server's proof of speed), else the
--- request's label.
function M.label(params)
  for _, annotation in pairs(params.edit and params.edit.changeAnnotations or {}) do
    if annotation.label and annotation.label ~= "" then
      return annotation.label
    end
  end
  return params.label or "Apply the PIE rewrite"
end

--- The lines of buffer `bufnr` after `edits`, computed on a scratch copy (Neovim's own
--- apply_text_edits, so positions are converted exactly as when the edit is applied).
local function lines_after(bufnr, edits, encoding)
  local scratch = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(scratch, 0, -1, false, vim.api.nvim_buf_get_lines(bufnr, 0, -1, false))
  vim.lsp.util.apply_text_edits(edits, scratch, encoding)
  local lines = vim.api.nvim_buf_get_lines(scratch, 0, -1, false)
  vim.api.nvim_buf_delete(scratch, { force = true })
  return lines
end

--- The preview: a unified diff per document, under the label.
--- @return string[] lines, table<integer, integer> ticks  (changedtick per buffer at preview time)
function M.preview_lines(params, encoding)
  -- the label on two lines, the speedup and then the tests: narrow screens show it whole
  local speed, tests = M.label(params):match("^(.-) (— .*)$")
  local lines = speed and { "PIE: " .. speed, tests, "" } or { "PIE: " .. M.label(params), "" }
  local ticks = {}
  for _, uri in ipairs(uris_of(params.edit)) do
    local bufnr = vim.uri_to_bufnr(uri)
    vim.fn.bufload(bufnr)
    ticks[bufnr] = vim.api.nvim_buf_get_changedtick(bufnr)
    local edits = edits_for(params.edit, uri) or {}
    local before = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    local after = lines_after(bufnr, edits, encoding)
    local name = vim.fn.fnamemodify(vim.uri_to_fname(uri), ":.")
    table.insert(lines, "--- a/" .. name)
    table.insert(lines, "+++ b/" .. name)
    local diff = vim.diff(table.concat(before, "\n") .. "\n", table.concat(after, "\n") .. "\n", {
      result_type = "unified",
      ctxlen = 3,
    })
    ---@cast diff string
    vim.list_extend(lines, vim.split(diff, "\n", { trimempty = true }))
  end
  return lines, ticks
end

M.KEYS_APPLY = { "a", "<CR>" }
M.KEYS_CANCEL = { "q", "<Esc>", "c" }

--- The preview: a focused floating window in the middle of the editor, as large as the
--- diff up to the screen's size (scroll it with the usual keys: j/k, Ctrl-d/u, G), its keys
--- in the footer. Returns its window and buffer.
local function open_preview(lines)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].filetype = "diff"
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = "wipe"
  pcall(vim.api.nvim_buf_set_name, buf, "pie://preview")
  local widest = 0
  for _, line in ipairs(lines) do
    widest = math.max(widest, vim.fn.strdisplaywidth(line))
  end
  -- the screen minus the border (2) and the command line and a margin
  local room_w = math.max(vim.o.columns - 4, 10)
  local room_h = math.max(vim.o.lines - vim.o.cmdheight - 4, 3)
  local footer = " a apply · q cancel · j/k Ctrl-d/u scroll "
  local width = math.min(math.max(widest, vim.fn.strdisplaywidth(footer), 40), room_w)
  local height = math.min(#lines, room_h)
  if vim.fn.strdisplaywidth(footer) > width then
    footer = " a apply · q cancel "
  end
  local win = vim.api.nvim_open_win(buf, true, {
    relative = "editor",
    row = math.max(math.floor((vim.o.lines - vim.o.cmdheight - height - 2) / 2), 0),
    col = math.max(math.floor((vim.o.columns - width - 2) / 2), 0),
    width = width,
    height = height,
    style = "minimal",
    border = "rounded",
    title = " PIE rewrite ",
    title_pos = "center",
    footer = footer,
    footer_pos = "center",
  })
  vim.wo[win].wrap = false
  vim.wo[win].cursorline = true
  vim.api.nvim_buf_set_extmark(buf, vim.api.nvim_create_namespace("pie.preview"), 0, 0, {
    end_row = (lines[2] or "") == "" and 1 or 2,
    hl_group = "Title",
  })
  return win, buf
end

--- Waits for a key in the preview: "Apply" (a, Enter) or "Cancel" (q, Esc, c, or the window
--- closed). Inside a coroutine (where Neovim runs server requests) it yields, so Neovim
--- stays usable; elsewhere it waits with vim.wait. Fires `User PiePreview` once the keys
--- are in place, with data { win, buf, label }.
function M.decide(win, buf, label, previous)
  local co, is_main = coroutine.running()
  local answer, waiting = nil, false
  local function finish(choice)
    if answer then
      return
    end
    answer = choice
    if vim.api.nvim_win_is_valid(win) then
      pcall(vim.api.nvim_win_close, win, true)
    end
    if previous and vim.api.nvim_win_is_valid(previous) then
      vim.api.nvim_set_current_win(previous)
    end
    if waiting then
      vim.schedule(function()
        local ok, err = coroutine.resume(co)
        if not ok then
          vim.notify("PIE: " .. tostring(err), vim.log.levels.ERROR)
        end
      end)
    end
  end
  for _, key in ipairs(M.KEYS_APPLY) do
    vim.keymap.set("n", key, function()
      finish(M.APPLY)
    end, { buffer = buf, nowait = true, desc = "PIE: apply the rewrite" })
  end
  for _, key in ipairs(M.KEYS_CANCEL) do
    vim.keymap.set("n", key, function()
      finish(M.CANCEL)
    end, { buffer = buf, nowait = true, desc = "PIE: cancel" })
  end
  vim.api.nvim_create_autocmd("WinClosed", {
    pattern = tostring(win),
    once = true,
    callback = function()
      vim.schedule(function()
        finish(M.CANCEL)
      end)
    end,
  })
  vim.api.nvim_exec_autocmds("User", {
    pattern = "PiePreview",
    modeline = false,
    data = { win = win, buf = buf, label = label },
  })
  if not answer then
    if co and not is_main and coroutine.isyieldable() then
      waiting = true
      coroutine.yield()
    else
      vim.wait(24 * 60 * 60 * 1000, function()
        return answer ~= nil
      end, 50)
    end
  end
  return answer
end

--- A `workspace/applyEdit` handler for the pie client.
--- @param opts { confirm: boolean }
function M.handler(opts)
  return function(_, params, ctx)
    local client = vim.lsp.get_client_by_id(ctx.client_id)
    if not client then
      return { applied = false, failureReason = "the client has shut down" }
    end
    local encoding = client.offset_encoding or "utf-16"
    local label = M.label(params)
    if opts.confirm then
      local lines, ticks = M.preview_lines(params, encoding)
      local previous = vim.api.nvim_get_current_win()
      local win, buf = open_preview(lines)
      local choice = M.decide(win, buf, label, previous)
      if choice ~= M.APPLY then
        return { applied = false, failureReason = "declined in Neovim" }
      end
      for bufnr, tick in pairs(ticks) do
        if vim.api.nvim_buf_get_changedtick(bufnr) ~= tick then
          require("pie").say("the buffer changed while you decided; the rewrite was not applied",
            vim.log.levels.WARN)
          return { applied = false, failureReason = "the buffer changed before it was confirmed" }
        end
      end
    end
    local ok, err = pcall(vim.lsp.util.apply_workspace_edit, params.edit, encoding)
    if not ok then
      return { applied = false, failureReason = tostring(err) }
    end
    for _, uri in ipairs(uris_of(params.edit)) do
      require("pie").refresh_lenses(vim.uri_to_bufnr(uri))
    end
    local done = label:gsub("^Apply ", "")
    require("pie").say("applied the " .. done)
    return { applied = true }
  end
end

return M
