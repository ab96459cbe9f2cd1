"""`:PieProfile` in a real headless Neovim with the plugin (editors/nvim) and the real server:
the hottest lines get end-of-line virtual text, which an edit clears."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from ..conftest import EXAMPLES
from ..editors.conftest import PYTHON, lua_string, nvim, run_nvim

__all__ = ["nvim"]  # the fixture, used by name
pytestmark = pytest.mark.usefixtures("nvim")


def test_pie_profile_shows_virtual_text_on_the_hottest_lines(private_tmp: Path) -> None:
    work = private_tmp / "work"
    shutil.copytree(EXAMPLES / "string_build", work)
    path = work / "slow.cpp"
    cache = private_tmp / "cache"
    body = f"""
require('pie').setup({{ interpreter = {lua_string(PYTHON)}, settings = {{
  cache = {{ dir = {lua_string(str(cache))} }}, simulator = {{ backend = 'estimate' }},
  profile = {{ inline = true, lines = 3 }} }} }})
vim.cmd("edit " .. {lua_string(str(path))})
local buf = vim.api.nvim_get_current_buf()
T.attached(buf)
local function marks()
  local out = {{}}
  local ns = require("pie").profile_ns
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, {{ details = true }})) do
    local text = {{}}
    for _, chunk in ipairs(mark[4].virt_text or {{}}) do table.insert(text, chunk[1]) end
    table.insert(out, {{ line = mark[2], text = table.concat(text) }})
  end
  return out
end
D.profile = T.run("PieProfile")
D.marks = marks()
vim.api.nvim_buf_set_lines(buf, -1, -1, false, {{ "// edited" }})
vim.api.nvim_exec_autocmds("TextChanged", {{ buffer = buf }})
D.after_edit = marks()
"""
    data = run_nvim(private_tmp, body)
    profile = data["profile"]
    assert profile["command"] == "pie.profile" and profile.get("err") is None
    answer = profile["result"]
    assert answer["status"] == "profiled", answer
    marks = data["marks"]
    # the hottest line first: `s = s + to_string(i);` (line 12, 0-based 11)
    assert marks and len(marks) <= 3
    by_line = {mark["line"]: mark["text"] for mark in marks}
    assert 11 in by_line and by_line[11].strip() == answer["hints"][0]["text"]
    assert re.fullmatch(r"\s+\d+% · \d+\.\d\d M cycles", by_line[11])
    assert answer["hints"][0]["line"] == 11
    assert data["after_edit"] == []
