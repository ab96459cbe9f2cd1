--- pie-lsp for Neovim (>= 0.10): faster C++, with proof.
---
--- `require("pie").setup({...})` registers the pie-lsp language server for C++ buffers
--- (`vim.lsp.config` + `vim.lsp.enable` on 0.11+, `vim.lsp.start` from a FileType autocmd on
--- 0.10) and adds :PieOptimize, :PieCheckSpeedup, :PieSaveBaseline, :PieApply, :PieProfile
--- and :PieCancel.
--- Progress (`$/progress`) is echoed on one line; each outcome is one short notification (a
--- longer text is kept for :PieDetails), so Neovim never stops at "Press ENTER"; the speedup
--- shows as a code lens on line 1; rewrites are previewed as a diff in a floating window and
--- applied only when confirmed (see pie.confirm).

local M = {}

M.NAME = "pie"

--- @class pie.Options
--- @field cmd? string[]            command that starts the server (default: pie-lsp serve)
--- @field interpreter? string      a Python with pie-lsp: runs `python -m pie_lsp serve`
--- @field filetypes? string[]      buffers the server attaches to
--- @field root_markers? string[]   files that mark a project root
--- @field settings? table          the `pie` settings tree (see `pie-lsp settings`)
--- @field tests? string             the tests folder (settings.tests.dir), relative to the file
--- @field confirm? boolean         preview and ask before applying a rewrite (default true)
--- @field progress? boolean        echo progress messages (default true)
--- @field codelens? boolean        show the speedup code lens on line 1 (default true)
--- @field on_attach? fun(client: vim.lsp.Client, bufnr: integer)
--- @field capabilities? table      merged into Neovim's client capabilities
--- @field registration? "auto"|"enable"|"start"  how the server is registered: "enable" =
---   vim.lsp.config + vim.lsp.enable (0.11+), "start" = a FileType autocmd calling
---   vim.lsp.start (0.10, or 0.11 without a global "pie" config); "auto" picks by version
M.defaults = {
  cmd = nil,
  interpreter = nil,
  filetypes = { "cpp" },
  root_markers = { ".pie-lsp.toml", "pyproject.toml", ".git" },
  settings = {},
  tests = nil,
  confirm = true,
  progress = true,
  codelens = true,
  on_attach = nil,
  capabilities = nil,
  registration = "auto",
}

--- The options setup() was called with, merged with the defaults (nil before setup()).
--- @type pie.Options|nil
M.options = nil

--- Per-buffer state: the last command's answer and the progress being shown.
M.state = { results = {}, progress = {}, requests = {}, details = nil, exit = nil }

local augroup = vim.api.nvim_create_augroup("pie", { clear = true })

local function has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

-- Server text names VS Code's actions and the CLI's flags; here the user has commands and
-- setup() options instead.
local WORDS = {
  { "the code action “[^”]*”", ":PieApply" },
  { "Optimize program %(PIE%)", ":PieOptimize" },
  { "Check speedup vs HEAD %(PIE%)", ":PieCheckSpeedup" },
  { "Save speedup baseline %(PIE%)", ":PieSaveBaseline" },
  { "%(Save speedup baseline%)", "(:PieSaveBaseline)" },
  { "give %-%-tests DIR %(setting pie%.tests%.dir%)", 'set setup{ tests = "DIR" }' },
  { "set model%.backend = ", "set setup{ settings = { model = { backend = … } } } to " },
  { "pie%.model%.backend", "setup{ settings = { model = { backend = … } } }" },
}

--- `text` in this editor's words: its commands and setup() options.
function M.editor_words(text)
  for _, pair in ipairs(WORDS) do
    text = text:gsub(pair[1], pair[2])
  end
  return text
end

--- One short notification: the first line of `text`, cut to fit the command line (a longer
--- message would stop Neovim at "Press ENTER"). A longer text is kept for :PieDetails.
function M.say(text, level)
  text = M.editor_words((vim.trim(text):gsub("^PIE: ", "")))
  local lines = vim.split(text, "\n", { trimempty = true })
  local first = lines[1] or ""
  local room = math.max(vim.o.columns - 1, 20) - #"PIE: "
  local more = " (:PieDetails)"
  if #lines > 1 or vim.fn.strdisplaywidth(first) > room then
    M.state.details = text
    local keep = room - vim.fn.strdisplaywidth(more)
    if vim.fn.strdisplaywidth(first) > keep then
      first = vim.fn.strcharpart(first, 0, keep - 1) .. "…"
    end
    first = first .. more
  end
  -- a message right after another (progress, then the outcome) would go on a second line
  -- and ask for ENTER: redraw first, so this one replaces it
  vim.cmd("redraw")
  vim.notify("PIE: " .. first, level or vim.log.levels.INFO)
end

local function notify(text, level)
  M.say(text, level)
end

--- The command that starts the server: opts.cmd, else `<interpreter> -m pie_lsp serve`,
--- else `pie-lsp serve` from PATH.
--- @param opts pie.Options
--- @return string[]
function M.server_cmd(opts)
  if opts.cmd then
    return vim.deepcopy(opts.cmd)
  end
  if opts.interpreter then
    return { vim.fn.expand(opts.interpreter), "-m", "pie_lsp", "serve" }
  end
  return { "pie-lsp", "serve" }
end

--- The same program with another pie-lsp subcommand instead of `serve` (for `doctor`,
--- `--version`), or nil when the command has no `serve` to replace.
function M.subcommand(cmd, ...)
  for i = #cmd, 1, -1 do
    if cmd[i] == "serve" then
      local out = vim.list_slice(cmd, 1, i - 1)
      vim.list_extend(out, { ... })
      return out
    end
  end
  return nil
end

--- An empty Lua table would go out as the JSON array `[]`; settings must be an object.
local function json_object(value)
  if value == nil or next(value) == nil then
    return vim.empty_dict()
  end
  return value
end

--- The project root of a buffer: a marker's folder, else the file's own folder.
function M.root_dir(bufnr, markers)
  local root = vim.fs.root(bufnr, markers)
  if root then
    return root
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  return name ~= "" and vim.fs.dirname(name) or vim.uv.cwd()
end

--- Neovim's capabilities plus what this plugin handles: versioned documentChanges with
--- change annotations (so the server marks rewrites as needing confirmation, which
--- pie.confirm honors) and `workspace/codeLens/refresh`.
function M.capabilities(extra)
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.workspace.workspaceEdit = vim.tbl_deep_extend("force", caps.workspace.workspaceEdit or {}, {
    documentChanges = true,
    changeAnnotationSupport = { groupsOnLabel = false },
  })
  caps.workspace.codeLens = { refreshSupport = true }
  -- Neovim applies a code action's edit without asking; as a command (pie.applyResult) the
  -- rewrite comes back as an annotated applyEdit, which pie.confirm previews first
  -- and a lens on main's line before the first run ("PIE: optimize this program"), so that
  -- PIE can be found without reading the docs
  caps.experimental = vim.tbl_extend("force", caps.experimental or {}, {
    pieApplyByCommand = true,
    pieOptimizeLens = true,
  })
  return vim.tbl_deep_extend("force", caps, extra or {})
end

--- The pie client attached to `bufnr`, if any.
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr or 0, name = M.NAME })[1]
end

local function refresh_lenses(bufnr)
  if M.options and M.options.codelens and vim.api.nvim_buf_is_loaded(bufnr) then
    vim.lsp.codelens.refresh({ bufnr = bufnr })
  end
end

--- Refreshes now and again shortly after: Neovim skips a refresh while one is in flight,
--- and an in-flight one may have been sent for the text before an edit.
function M.refresh_lenses(bufnr)
  refresh_lenses(bufnr)
  vim.defer_fn(function()
    refresh_lenses(bufnr)
  end, 300)
end

local function on_attach(client, bufnr)
  if M.options.codelens then
    refresh_lenses(bufnr)
    -- a re-attach (server restart) must not stack a second set of these
    vim.api.nvim_clear_autocmds({ group = augroup, buffer = bufnr })
    vim.api.nvim_create_autocmd({ "BufEnter", "InsertLeave", "BufWritePost", "TextChanged" }, {
      group = augroup,
      buffer = bufnr,
      callback = function()
        refresh_lenses(bufnr)
      end,
    })
  end
  if M.options.on_attach then
    M.options.on_attach(client, bufnr)
  end
end

local function handlers(opts)
  return {
    ["workspace/applyEdit"] = require("pie.confirm").handler({ confirm = opts.confirm }),
    -- Neovim's own handler echoes "LSP[pie][Info] …" with every line of the message: one
    -- short notification instead
    ["window/showMessage"] = function(_, params)
      local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO, vim.log.levels.DEBUG }
      M.say(params.message or "", levels[params.type] or vim.log.levels.INFO)
      return vim.NIL
    end,
    ["workspace/codeLens/refresh"] = function(_, _, ctx)
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      for bufnr in pairs(client and client.attached_buffers or {}) do
        refresh_lenses(bufnr)
      end
      return vim.NIL
    end,
  }
end

--- The client configuration (shared by the 0.10 and 0.11 registrations).
function M.client_config(opts)
  return {
    name = M.NAME,
    cmd = M.server_cmd(opts),
    -- the server pulls section `pie` (workspace/configuration) and reads initializationOptions
    settings = { pie = json_object(opts.settings) },
    init_options = json_object(opts.settings),
    capabilities = M.capabilities(opts.capabilities),
    handlers = handlers(opts),
    on_attach = on_attach,
    on_exit = function(code, signal)
      -- kept so that a command on a C++ buffer can say the server stopped, and how
      M.state.exit = { code = code, signal = signal }
    end,
  }
end

-- Progress: echo the server's steps ("PIE: optimizing slow.cpp — Verifying 2/4 [45%]").
local function on_progress(event)
  local client = vim.lsp.get_client_by_id(event.data.client_id)
  if not client or client.name ~= M.NAME then
    return
  end
  local params = event.data.params
  local value = params.value or {}
  local token = tostring(params.token)
  local entry = M.state.progress[token] or {}
  if value.kind == "begin" then
    entry = { title = value.title or "PIE", client_id = client.id, token = params.token }
  end
  entry.message = value.message or entry.message
  entry.percentage = value.percentage or entry.percentage
  local text = (entry.title or "PIE") .. (entry.message and (" — " .. entry.message) or "")
  if entry.percentage and value.kind ~= "end" then
    text = text .. (" [%d%%]"):format(entry.percentage)
  end
  if value.kind == "end" then
    M.state.progress[token] = nil
  else
    entry.text = text
    M.state.progress[token] = entry
  end
  if M.options.progress and value.kind == "end" then
    -- the outcome is said once, by the server's message or the plugin: clear the line
    vim.api.nvim_echo({ { "" } }, false, {})
  elseif M.options.progress then
    -- a line wider than the screen would stop Neovim at a "Press ENTER" prompt
    local room = math.max(vim.v.echospace - 1, 10)
    local shown = text
    if vim.fn.strdisplaywidth(shown) > room then
      shown = vim.fn.strcharpart(shown, 0, room - 1) .. "…"
    end
    vim.api.nvim_echo({ { shown, value.kind == "end" and "MoreMsg" or "None" } }, false, {})
  end
  vim.cmd("redrawstatus")
end

local function request(client, method, params, handler, bufnr)
  if has("0.11") then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function cancel_request(client, id)
  if has("0.11") then
    return client:cancel_request(id)
  end
  return client.cancel_request(id)
end

local function notify_server(client, method, params)
  if has("0.11") then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

--- Why no pie client serves `bufnr`: the wrong filetype, or a server that did not start.
function M.not_attached_reason(bufnr, ft, served)
  if not served then
    return ("this buffer is not C++ (filetype %q): open a .cpp file"):format(ft)
  end
  local cmd = M.server_cmd(M.options or M.defaults)
  if vim.fn.executable(cmd[1]) ~= 1 then
    return ("the server cannot start: %q is not executable (:checkhealth pie)\nset "
      .. "`interpreter` or `cmd` in require('pie').setup{}"):format(cmd[1])
  end
  local exit = M.state.exit
  if exit then
    return ("the server did not start or stopped (exit code %d%s); see :checkhealth pie and %s")
      :format(exit.code or -1, (exit.signal or 0) ~= 0 and (", signal " .. exit.signal) or "",
        vim.lsp.get_log_path())
  end
  if M.options == nil then
    return 'require("pie").setup{} has not been called (:checkhealth pie)'
  end
  return "the server is not attached to this buffer yet; try again, or see :checkhealth pie"
end

local next_token = 0
local REQUEST_CANCELLED = -32800

--- Runs server command `command` on buffer `bufnr` (its URI is the first argument);
--- `callback(err, result)` gets the answer. Fires `User PieResult` with
--- { bufnr, command, result, err } when the answer arrives.
function M.execute(command, bufnr, callback)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local ft = vim.bo[bufnr].filetype
  local served = M.options == nil or vim.tbl_contains(M.options.filetypes, ft)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if served and (name == "" or vim.fn.filereadable(name) == 0) then
    -- the tests are found next to the file, and the results are kept for it
    notify(name == "" and "save the file first (:w name.cpp): its tests are found next to it"
      or "save the file first (:w): its tests are found next to it", vim.log.levels.WARN)
    return nil
  end
  local client = M.client(bufnr)
  if not client then
    notify(M.not_attached_reason(bufnr, ft, served), vim.log.levels.ERROR)
    return nil
  end
  -- our own progress token: :PieCancel cancels through it, and the server then answers
  -- the request ({ status = "cancelled" }), which Neovim would not pass on after a
  -- $/cancelRequest
  next_token = next_token + 1
  local token = ("pie-nvim-%d-%d"):format(vim.fn.getpid(), next_token)
  local params = {
    command = command,
    arguments = { vim.uri_from_bufnr(bufnr) },
    workDoneToken = token,
  }
  local request_id
  local finished = false
  local function finish(err, result)
    if finished then
      return
    end
    finished = true
    M.state.requests[request_id or -1] = nil
    if err then
      if err.code == REQUEST_CANCELLED then
        notify("cancelled")
      else
        local hint = type(err.data) == "table" and err.data.hint or nil
        notify(err.message .. (hint and (" — " .. hint) or ""), vim.log.levels.ERROR)
      end
    elseif type(result) == "table" then
      -- the server shows its own messages (window/showMessage); keep the outcome
      M.state.results[bufnr] = vim.tbl_extend("force", result, { command = command })
      if result.status == "cancelled" then
        notify("cancelled")
      end
    end
    M.refresh_lenses(bufnr)
    vim.api.nvim_exec_autocmds("User", {
      pattern = "PieResult",
      modeline = false,
      data = { bufnr = bufnr, command = command, result = result, err = err },
    })
    if callback then
      callback(err, result)
    end
  end
  local ok, id = request(client, "workspace/executeCommand", params, finish, bufnr)
  if not ok then
    notify("the server stopped; see :checkhealth pie and " .. vim.lsp.get_log_path(), vim.log.levels.ERROR)
    return nil
  end
  request_id = id
  M.state.requests[id] = {
    client_id = client.id,
    bufnr = bufnr,
    command = command,
    token = token,
    finish = finish,
  }
  return id
end

--- Whether a server progress (its title: "PIE: optimizing slow.cpp") is about `bufnr`'s file.
local function progress_is_for(entry, bufnr)
  local name = vim.fs.basename(vim.api.nvim_buf_get_name(bufnr))
  return name ~= "" and (entry.title or ""):sub(-#name - 1) == " " .. name
end

--- Cancels the pie work running for `bufnr` (the server stops compilers, tests and
--- simulators): the commands this plugin sent, and work started otherwise (a code action, a
--- code lens) that reports progress for this buffer's file; returns how many were cancelled.
function M.cancel(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local count = 0
  local ours = {}
  for _, running in pairs(M.state.requests) do
    ours[tostring(running.token)] = true
  end
  for token, entry in pairs(M.state.progress) do
    local client = entry.client_id and vim.lsp.get_client_by_id(entry.client_id)
    if client and not ours[token] and progress_is_for(entry, bufnr) then
      notify_server(client, "window/workDoneProgress/cancel", { token = entry.token or token })
      count = count + 1
    end
  end
  for id, running in pairs(M.state.requests) do
    local client = vim.lsp.get_client_by_id(running.client_id)
    if running.bufnr == bufnr and client then
      count = count + 1
      if M.state.progress[tostring(running.token)] then
        -- begun: the server stops its processes and answers the request ("cancelled")
        notify_server(client, "window/workDoneProgress/cancel", { token = running.token })
      else
        -- not begun yet, so no progress to cancel: cancel the request itself, now
        cancel_request(client, id)
        running.finish({ code = REQUEST_CANCELLED, message = "cancelled" }, nil)
      end
    end
  end
  return count
end

--- A short status for statuslines: the running step, else the last outcome, else "".
function M.status(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  for _, entry in pairs(M.state.progress) do
    if progress_is_for(entry, bufnr) then
      return entry.text
    end
  end
  local last = M.state.results[bufnr]
  if last then
    return "PIE: " .. (last.label or last.error or last.status or "")
  end
  return ""
end

--- Where the time goes: a profile's hint texts (`pie.profile`'s answer, `hints`: shown when
--- the setting pie.profile.inline is on) as end-of-line virtual text, until the buffer changes.
M.profile_ns = vim.api.nvim_create_namespace("pie_profile")

function M.show_profile(bufnr, result)
  vim.api.nvim_buf_clear_namespace(bufnr, M.profile_ns, 0, -1)
  if type(result) ~= "table" or type(result.hints) ~= "table" or #result.hints == 0 then
    return
  end
  local count = vim.api.nvim_buf_line_count(bufnr)
  for _, hint in ipairs(result.hints) do
    if type(hint.line) == "number" and hint.line >= 0 and hint.line < count then
      vim.api.nvim_buf_set_extmark(bufnr, M.profile_ns, hint.line, 0, {
        virt_text = { { "  " .. tostring(hint.text), "Comment" } },
        virt_text_pos = "eol",
      })
    end
  end
  vim.api.nvim_create_autocmd({ "TextChanged", "TextChangedI" }, {
    group = augroup,
    buffer = bufnr,
    once = true,
    callback = function()
      vim.api.nvim_buf_clear_namespace(bufnr, M.profile_ns, 0, -1)
    end,
  })
end

--- The whole of the last message that did not fit on one line, in a floating window
--- (q or Esc closes it).
function M.details()
  local text = M.state.details
  if not text then
    notify("no longer message to show")
    return
  end
  local lines = vim.split(text, "\n")
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = "wipe"
  local width = math.min(vim.o.columns - 4, 100)
  -- as many rows as the wrapped text takes, up to the screen
  local rows = 0
  for _, line in ipairs(lines) do
    rows = rows + math.max(1, math.ceil(vim.fn.strdisplaywidth(line) / width))
  end
  local height = math.min(rows, vim.o.lines - vim.o.cmdheight - 4)
  local win = vim.api.nvim_open_win(buf, true, {
    relative = "editor",
    row = 1,
    col = math.max(math.floor((vim.o.columns - width - 2) / 2), 0),
    width = width,
    height = math.max(height, 1),
    style = "minimal",
    border = "rounded",
    title = " PIE ",
    footer = " q close ",
    footer_pos = "center",
  })
  vim.wo[win].wrap = true
  vim.wo[win].linebreak = true
  if vim.api.nvim_win_text_height then  -- 0.10+: the rows the wrapped text really takes
    local needed = vim.api.nvim_win_text_height(win, {}).all
    vim.api.nvim_win_set_height(win, math.max(1, math.min(needed, vim.o.lines - vim.o.cmdheight - 4)))
  end
  for _, key in ipairs({ "q", "<Esc>" }) do
    vim.keymap.set("n", key, function()
      pcall(vim.api.nvim_win_close, win, true)
    end, { buffer = buf, nowait = true })
  end
end

local COMMANDS = {
  PieOptimize = { "pie.optimize", "Find a faster, test-verified version of this C++ program" },
  PieCheckSpeedup = { "pie.checkSpeedup", "Measure this buffer against git HEAD or the saved baseline" },
  PieSaveBaseline = { "pie.saveBaseline", "Save this buffer as the baseline for :PieCheckSpeedup" },
  PieApply = { "pie.applyResult", "Preview and apply the last rewrite found for this buffer" },
}

local function register_commands()
  for name, spec in pairs(COMMANDS) do
    vim.api.nvim_create_user_command(name, function()
      M.execute(spec[1], 0)
    end, { desc = spec[2] })
  end
  vim.api.nvim_create_user_command("PieProfile", function()
    local bufnr = vim.api.nvim_get_current_buf()
    M.execute("pie.profile", bufnr, function(err, result)
      if not err then
        M.show_profile(bufnr, result)
      end
    end)
  end, { desc = "Where this program's time goes: estimated Skylake cycles per line (pie.profile)" })
  vim.api.nvim_create_user_command("PieDetails", function()
    M.details()
  end, { desc = "Show the whole of the last PIE message" })
  vim.api.nvim_create_user_command("PieCancel", function()
    if M.cancel(0) == 0 then
      notify("nothing is running for this buffer")
    end
  end, { desc = "Cancel the PIE work running for this buffer" })
end

--- Registers the server and the commands.
--- @param opts? pie.Options
function M.setup(opts)
  opts = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts or {})
  if not vim.tbl_contains({ "auto", "enable", "start" }, opts.registration) then
    error('pie.setup: registration must be "auto", "enable" or "start"')
  end
  if opts.cmd ~= nil and (type(opts.cmd) ~= "table" or #opts.cmd == 0) then
    error('pie.setup: cmd must be a list such as { "pie-lsp", "serve" }')
  end
  if opts.tests ~= nil then
    -- shorthand for settings = { tests = { dir = … } }
    opts.settings = vim.tbl_deep_extend("force", opts.settings or {}, { tests = { dir = opts.tests } })
  end
  M.options = opts
  M.state.exit = nil
  vim.api.nvim_clear_autocmds({ group = augroup })
  register_commands()
  vim.api.nvim_create_autocmd("LspProgress", { group = augroup, callback = on_progress })

  local config = M.client_config(opts)
  local executable = config.cmd[1]
  if vim.fn.executable(executable) ~= 1 then
    -- the fix (setup{ interpreter = … }) is in :checkhealth pie and :PieDetails
    notify(
      ("cannot start: %q is not executable (:checkhealth pie)\nset `interpreter` or `cmd` in "
        .. "require('pie').setup{}, or put pie-lsp on PATH"):format(executable),
      vim.log.levels.WARN
    )
  end
  local markers = opts.root_markers
  local registration = opts.registration
  if registration == "auto" then
    registration = has("0.11") and "enable" or "start"
  end
  if registration == "enable" and not has("0.11") then
    error('pie.setup: registration = "enable" needs Neovim 0.11 (vim.lsp.enable)')
  end
  if registration == "enable" then
    config.filetypes = opts.filetypes
    config.root_dir = function(bufnr, on_dir)
      on_dir(M.root_dir(bufnr, markers))
    end
    vim.lsp.config(M.NAME, config)
    vim.lsp.enable(M.NAME)
  else
    local function start(bufnr)
      local buffer_config = vim.tbl_extend("force", config, { root_dir = M.root_dir(bufnr, markers) })
      vim.lsp.start(buffer_config, { bufnr = bufnr })
    end
    vim.api.nvim_create_autocmd("FileType", {
      group = augroup,
      pattern = opts.filetypes,
      callback = function(args)
        start(args.buf)
      end,
    })
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
        start(bufnr)
      end
    end
  end
end

return M
