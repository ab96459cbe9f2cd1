--- `:checkhealth pie`: can the server start, and what does it have to work with?
---
--- Runs the configured server command with `--version`, then `pie-lsp doctor` (which compiles
--- and runs a test program for real: g++, valgrind, libclang, the sandbox, gem5, the model
--- backend, the cache) and turns each row of its table into an ok / warning / error here.

local M = {}

local health = vim.health

--- Rows of `pie-lsp doctor`'s table: { check, status, details, fix } (wrapped cells joined).
function M.parse_doctor(output)
  local rows = {}
  for line in vim.gsplit(output, "\n", { plain = true }) do
    if line:find("^│") then
      local cells = vim.split(line, "│", { plain = true })
      -- the split gives an empty first and last piece around the table borders
      local row = {}
      for i = 2, #cells - 1 do
        row[#row + 1] = vim.trim(cells[i])
      end
      if #row >= 3 then
        if row[1] == "" and #rows > 0 then
          local previous = rows[#rows]
          for i = 2, #row do
            if row[i] ~= "" then
              previous[i] = (previous[i] or "") .. " " .. row[i]
            end
          end
        else
          rows[#rows + 1] = row
        end
      end
    end
  end
  return rows
end

local function run(cmd, cwd, timeout_ms)
  local ok, process = pcall(vim.system, cmd, {
    text = true,
    cwd = cwd,
    -- a wide table that never wraps, without colours
    env = { COLUMNS = "1000", NO_COLOR = "1", TERM = "dumb" },
  })
  if not ok then
    return { code = -1, stdout = "", stderr = tostring(process) }
  end
  local result = process:wait(timeout_ms)
  if result.signal ~= 0 and result.code ~= 0 and (result.stdout or "") == "" then
    result.stderr = (result.stderr or "") .. ("(stopped after %d s)"):format(timeout_ms / 1000)
  end
  return result
end

local function last_line(text)
  local lines = vim.split(vim.trim(text or ""), "\n", { trimempty = true })
  return lines[#lines] or ""
end

function M.check()
  local pie = require("pie")

  health.start("pie: Neovim")
  if vim.fn.has("nvim-0.10") == 1 then
    health.ok(("Neovim %s"):format(tostring(vim.version())))
  else
    health.error("Neovim 0.10 or newer is needed", { "upgrade Neovim" })
  end
  if pie.options == nil then
    health.warn('require("pie").setup() has not been called: the server is not registered', {
      'add require("pie").setup({}) to your init.lua (see editors/README.md)',
    })
  else
    health.ok("setup() done; filetypes: " .. table.concat(pie.options.filetypes, ", "))
  end

  health.start("pie: server")
  local opts = pie.options or pie.defaults
  local cmd = pie.server_cmd(opts)
  local shown = table.concat(cmd, " ")
  if vim.fn.executable(cmd[1]) ~= 1 then
    health.error(("%q is not an executable"):format(cmd[1]), {
      "install pie-lsp (bash scripts/setup.sh in its repository, or pip install /path/to/pie-lsp)",
      'then setup({ interpreter = "/path/to/venv/bin/python" }) or put pie-lsp on PATH',
    })
    return
  end
  local version_cmd = pie.subcommand(cmd, "--version")
  if version_cmd == nil then
    health.info(("server command: %s (no `serve` in it, so it is not probed)"):format(shown))
    return
  end
  local version = run(version_cmd, nil, 30000)
  local found = (version.stdout or ""):match("pie%-lsp %S+")
  if version.code ~= 0 or not found then
    local why = last_line(version.stderr) ~= "" and last_line(version.stderr) or last_line(version.stdout)
    local advice = { "check `cmd` / `interpreter` in require('pie').setup" }
    if why:find("No module named") then
      advice = { ("install pie-lsp for that Python: %s -m pip install /path/to/pie-lsp"):format(cmd[1]) }
    end
    health.error(("`%s` failed: %s"):format(table.concat(version_cmd, " "), why), advice)
    return
  end
  health.ok(("%s (started as: %s)"):format(found, shown))
  local clients = vim.lsp.get_clients({ name = pie.NAME })
  if #clients > 0 then
    health.ok(("running: %d client(s), root %s"):format(#clients, clients[1].root_dir or "none"))
  else
    health.info("not running now (it starts when a C++ file is opened)")
  end
  local backend = vim.tbl_get(opts.settings or {}, "model", "backend")
  if backend then
    health.info(("model backend set in setup(): %s"):format(backend))
  end

  health.start("pie: tools (pie-lsp doctor)")
  local doctor_cmd = pie.subcommand(cmd, "doctor")
  -- the settings of setup() as the server gets them: one --set KEY=JSON per leaf
  local function add_settings(prefix, value)
    if type(value) == "table" and not vim.islist(value) then
      for name, inner in pairs(value) do
        add_settings(prefix == "" and name or (prefix .. "." .. name), inner)
      end
    elseif prefix ~= "" then
      vim.list_extend(doctor_cmd, { "--set", prefix .. "=" .. vim.json.encode(value) })
    end
  end
  add_settings("", opts.settings or {})
  local name = vim.api.nvim_buf_get_name(0)
  local cwd = name ~= "" and vim.fs.dirname(name) or nil
  if cwd and vim.fn.isdirectory(cwd) ~= 1 then
    cwd = nil
  end
  local doctor = run(doctor_cmd, cwd, 120000)
  local rows = M.parse_doctor(doctor.stdout or "")
  if #rows <= 1 then
    health.error(("`%s` gave no report: %s"):format(table.concat(doctor_cmd, " "), last_line(doctor.stderr)))
    return
  end
  for i, row in ipairs(rows) do
    local check, status, details, fix = row[1], row[2], row[3] or "", row[4] or ""
    local advice = fix ~= "" and { fix } or nil
    if i == 1 and check == "check" then
      -- the header row
    elseif status == "ok" then
      health.ok(("%s: %s"):format(check, details))
    elseif status == "optional" then
      health.warn(("%s: %s"):format(check, details), advice)
    else
      health.error(("%s: %s"):format(check, details), advice)
    end
  end
end

return M
