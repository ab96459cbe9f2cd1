"""The Neovim plugin (editors/nvim) driven in a real headless Neovim against the real server.

Each test starts `nvim --headless --clean` (or `nvim --embed` with an 80×24 screen attached)
with the plugin on the runtimepath; the plugin starts `python -m pie_lsp serve` as any
user's Neovim would. The only stand-in is the user: the preview's keys are typed from a
script, which records what was on screen when it was shown.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pie_lsp.measure.gem5 import find_gem5
from pie_lsp.settings import Settings

from ..conftest import EXAMPLES
from ..lsp.conftest import SPIN
from .conftest import PYTHON, lua_string, run_nvim

pytestmark = pytest.mark.usefixtures("nvim")


def setup_lua(cache: Path, **extra: str) -> str:
    """`require("pie").setup(...)` with the server from this Python and a private cache."""
    fields = "".join(f", {key} = {value}" for key, value in extra.items())
    return (
        f"require('pie').setup({{ interpreter = {lua_string(PYTHON)}, settings = {{ "
        f"cache = {{ dir = {lua_string(str(cache))} }}, simulator = {{ backend = 'estimate' }} "
        f"}}{fields} }})"
    )


def git_repo(folder: Path) -> None:
    """Commit everything in `folder`, so that HEAD is the baseline of Check speedup."""
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "HOME": str(folder),
    }
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "slow version"]):
        subprocess.run(["git", "-C", str(folder), *argv], env=env, check=True)


@pytest.fixture(scope="module")
def expected_source(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The optimized program computed independently of Neovim: `pie-lsp optimize --json`
    on another copy of the example, with its own cache."""
    folder = tmp_path_factory.mktemp("cli")
    shutil.copytree(EXAMPLES / "prefix_sums", folder / "prefix_sums")
    done = subprocess.run(
        [
            PYTHON,
            "-m",
            "pie_lsp",
            "optimize",
            str(folder / "prefix_sums" / "slow.cpp"),
            "--json",
            "--simulator",
            "estimate",
            "--set",
            f"cache.dir={folder / 'cache'}",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["status"] == "optimized", result
    source: str = result["optimized_source"]
    return source


def lens_lines(data: dict[str, Any], key: str) -> list[str]:
    return [lens["command"]["title"] for lens in data[key] if lens.get("command")]


LENS_STATE = r"""
local function lens_state(buf)
  local titles, commands = {}, {}
  for _, lens in ipairs(vim.lsp.codelens.get(buf)) do
    if lens.command then
      table.insert(titles, lens.command.title)
      table.insert(commands, lens.command.command)
    end
  end
  -- what is on screen: the virtual text Neovim draws for the lenses of line 1
  local shown = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, -1, { 0, 0 }, { 0, -1 }, { details = true })) do
    for _, chunk in ipairs(mark[4].virt_text or {}) do
      table.insert(shown, chunk[1])
    end
  end
  return titles, commands, table.concat(shown)
end
local function has_apply_lens(buf)
  local _, commands = lens_state(buf)
  return vim.tbl_contains(commands, "pie.applyResult")
end
"""


def test_optimize_shows_the_speedup_and_diff_and_applies_only_when_confirmed(
    private_tmp: Path, expected_source: str
) -> None:
    work = private_tmp / "work"
    shutil.copytree(EXAMPLES / "prefix_sums", work)
    git_repo(work)
    path = work / "slow.cpp"
    original = path.read_text()
    body = f"""
{LENS_STATE}
{setup_lua(private_tmp / "cache")}
vim.cmd("edit " .. {lua_string(str(path))})
local buf = vim.api.nvim_get_current_buf()
T.attached(buf)
D.original = T.lines(buf)
-- before the first run, a lens on main's line says PIE is there
T.wait("the lens that starts PIE", function()
  local _, commands = lens_state(buf)
  return vim.tbl_contains(commands, "pie.optimize")
end, 15000)
D.first_lenses = vim.tbl_map(function(lens)
  return {{ line = lens.range.start.line, title = lens.command and lens.command.title }}
end, vim.lsp.codelens.get(buf))
D.main_line = vim.fn.search("^int main", "nw") - 1

-- 1. optimize; the first question is answered "Cancel"
D.optimize = T.run("PieOptimize")
D.after_decline = T.lines(buf)
T.wait("the speedup code lens", function()
  local _, _, shown = lens_state(buf)
  return has_apply_lens(buf) and shown ~= ""
end, 15000)
D.lens_titles, D.lens_commands, D.lens_shown = lens_state(buf)
D.status_line = require("pie").status(buf)

-- 1b. the code action "Apply …" asks too (answered "Cancel"): not applied unasked
vim.lsp.buf.code_action({{
  apply = true,
  filter = function(action) return action.title:find("^Apply") ~= nil end,
}})
T.wait("the code action's question", function() return #D.previews >= 2 end, 15000)
D.after_action_decline = T.lines(buf)

-- 2. :PieApply asks again (the diff and the speedup), answered "Apply"
D.apply = T.run("PieApply")
D.after_apply = T.lines(buf)
T.wait("the apply lens to go: the text changed", function() return not has_apply_lens(buf) end, 15000)
D.titles_after_apply, D.commands_after_apply = lens_state(buf)

-- 3. the edited buffer (not saved) against git HEAD, then saved as the baseline
D.check = T.run("PieCheckSpeedup")
D.save = T.run("PieSaveBaseline")
D.modified = vim.bo[buf].modified
"""
    data = run_nvim(private_tmp, body, answers=["Cancel", "Cancel", "Apply"])
    original_lines = original.splitlines()
    expected_lines = expected_source.splitlines()
    assert data["original"] == original_lines
    # discoverable before the first run: a lens on main that runs pie.optimize
    assert data["first_lenses"] == [
        {"line": data["main_line"], "title": "PIE: optimize this program"}
    ]

    # optimize: verified, measured, declined; the buffer and the file untouched
    optimize = data["optimize"]
    assert optimize["command"] == "pie.optimize" and optimize.get("err") is None
    answer = optimize["result"]
    assert answer["status"] == "optimized" and answer["applied"] is False, answer
    assert answer["speedup"] >= 1.5
    assert (answer["testsPassed"], answer["testsTotal"]) == (3, 3)
    assert re.fullmatch(
        r"\d+\.\d\d× faster on Skylake \(estimate\) — 3/3 tests \+ \d+ derived inputs",
        answer["label"],
    )
    assert data["after_decline"] == original_lines
    # progress reached the user while it worked
    echoes = "\n".join(data["echoes"])
    # (how many candidates depends on which rules match the example; all were measured)
    verifying = re.search(r"PIE: optimizing slow\.cpp — Verifying (\d+) candidates", echoes)
    assert verifying, echoes
    assert f"Verified and measured {verifying[1]}/{verifying[1]}" in echoes
    notes = [n["msg"] for n in data["notes"]]
    # the server's message, in one line with the editor's command for applying it later
    declined = [n for n in notes if n.startswith("PIE: the rewrite was not applied")]
    assert declined and all("\n" not in n and len(n) < 80 for n in notes), notes

    # what the user saw when asked: the speedup with the diff, and the buffer not yet changed
    first, from_action, second = data["previews"]
    label = answer["label"]
    assert first["keys"] == ["q"] and first["states"][0]["focused"]
    assert first["label"] == f"Apply {label.replace(' faster', ' faster rewrite')}"
    windows = {w["name"]: w["lines"] for w in first["windows"]}
    assert windows[str(path)] == original_lines
    preview = windows["pie://preview"]
    assert " ".join(preview[:2]) == f"PIE: Apply {label.replace(' faster', ' faster rewrite')}"
    assert "-        cout << sum << endl;" in preview
    assert "+        cout << sum << '\\n';" in preview
    assert "+    std::ios::sync_with_stdio(false);" in preview

    # the lightbulb's ready rewrite goes through the same confirmation
    assert from_action["label"] == first["label"] and from_action["keys"] == ["q"]
    assert data["after_action_decline"] == original_lines

    # the result stays on offer: a code lens on line 1 with the speedup
    assert data["lens_commands"] == ["pie.applyResult"]
    assert data["lens_titles"] == [f"PIE: {label} — apply"]
    assert label in data["lens_shown"]
    assert data["status_line"] == f"PIE: {label}"

    # applied on confirmation: exactly the program the CLI computed on its own
    assert second["keys"] == ["a"]
    assert {w["name"]: w["lines"] for w in second["windows"]}[str(path)] == original_lines
    assert data["apply"]["result"] == {"applied": True}
    assert data["after_apply"] == expected_lines
    # no result for the new text: the lens that starts PIE is back, on main's line
    assert data["titles_after_apply"] == ["PIE: optimize this program"]
    assert data["commands_after_apply"] == ["pie.optimize"]

    # check speedup: the buffer's text against HEAD
    check = data["check"]["result"]
    assert check["status"] == "measured" and check["baseline"] == "HEAD", check
    assert check["speedup"] >= 1.5
    assert "faster than HEAD on Skylake (estimate) — 3/3 tests" in check["label"]
    save = data["save"]["result"]
    assert save["status"] == "saved"
    assert Path(save["path"]).read_text() == expected_source

    # the file on disk is the user's: only :write changes it
    assert data["modified"] is True
    assert path.read_text() == original


def test_cancel_stops_the_work_it_started(private_tmp: Path) -> None:
    work = private_tmp / "work"
    (work / "spin.tests").mkdir(parents=True)
    (work / "spin.cpp").write_text(SPIN)
    (work / "spin.tests" / "input.1.txt").write_text("200000000\n")
    (work / "spin.tests" / "output.1.txt").write_text("200000000\n")
    scratch = private_tmp / "scratch"
    scratch.mkdir()
    scratch.chmod(0o755)
    body = f"""
local SCRATCH = {lua_string(str(scratch))}
-- processes working in the server's scratch directories: its compilers, tests, simulators
local function busy()
  local count = 0
  for _, proc in ipairs(vim.fn.glob("/proc/[0-9]*", false, true)) do
    local cwd = vim.uv.fs_readlink(proc .. "/cwd")
    if cwd and vim.startswith(cwd, SCRATCH) then count = count + 1 end
  end
  return count
end
{setup_lua(private_tmp / "cache")}
vim.cmd("edit " .. {lua_string(str(work / "spin.cpp"))})
local buf = vim.api.nvim_get_current_buf()
T.attached(buf)
local before = #D.results
vim.cmd("PieOptimize")
-- events, not timing: the server's processes run and its progress has reached the plugin
T.wait("the server's work to start", function()
  return busy() > 0 and vim.startswith(require("pie").status(buf), "PIE: optimizing")
end, 120000)
D.busy_before = busy()
D.cancelled = require("pie").cancel(buf)
T.wait("the answer", function() return #D.results > before end, 120000)
D.answer = D.results[#D.results]
T.wait("every child process to end", function() return busy() == 0 end, 120000)
vim.cmd("PieCancel")

-- work started from the code action menu, not a :Pie command, is cancelled as well
vim.lsp.buf.code_action({{
  apply = true,
  filter = function(action) return action.title == "Optimize program (PIE)" end,
}})
T.wait("the server's work to start again", function() return busy() > 0 end, 120000)
-- its progress, not the last outcome ("cancelled") that status() shows between runs
T.wait("its progress", function()
  return vim.startswith(require("pie").status(buf), "PIE: optimizing")
end, 120000)
D.status_while_busy = require("pie").status(buf)
D.cancelled_action = require("pie").cancel(buf)
T.wait("every child process to end again", function() return busy() == 0 end, 120000)
D.busy_after_action = busy()
"""
    data = run_nvim(private_tmp, body, env={"TMPDIR": str(scratch)})
    assert data["busy_before"] > 0
    assert data["cancelled"] == 1
    answer = data["answer"]
    assert answer["command"] == "pie.optimize"
    # the server's own answer (cancelled through the plugin's progress token), not one the
    # plugin made up; how fast is measured by benchmarks, not asserted here
    assert answer["result"] == {"status": "cancelled"} and answer.get("err") is None, answer
    notes = [n["msg"] for n in data["notes"]]
    assert "PIE: cancelled" in notes
    assert "PIE: nothing is running for this buffer" in notes
    assert data["status_while_busy"].startswith("PIE: optimizing spin.cpp")
    assert data["cancelled_action"] == 1 and data["busy_after_action"] == 0


def health_text(data: dict[str, Any], key: str) -> str:
    return "\n".join(data[key])


def test_checkhealth_reports_the_server_and_the_tools(private_tmp: Path) -> None:
    body = f"""
{setup_lua(private_tmp / "cache", confirm="true")}
vim.cmd("checkhealth pie")
D.health = T.lines(0)
"""
    data = run_nvim(private_tmp, body)
    text = health_text(data, "health")
    assert re.search(r"OK Neovim 0\.1\d", text), text
    assert "OK setup() done; filetypes: cpp" in text
    assert f"OK pie-lsp 0.1.0 (started as: {PYTHON} -m pie_lsp serve)" in text
    # one line per `pie-lsp doctor` check, at the level the doctor gave it
    assert re.search(r"OK C\+\+ compiler: .*g\+\+.*static build of a test program works", text)
    assert re.search(r"OK valgrind \(estimate\): /\S*valgrind", text)
    assert "OK model backend: rules (embedded, offline)" in text
    assert "sandbox: " in text
    # the doctor saw setup()'s settings (passed as --set): its cache, not the default one
    assert f"cache: {private_tmp / 'cache'}" in text
    if find_gem5(Settings().simulator.gem5) is None:
        assert "WARNING gem5 (Skylake simulation): not found; the estimate is used" in text
        assert "set PIE_GEM5" in text  # the doctor's advice comes along
    else:
        assert "OK gem5 (Skylake simulation)" in text
    assert "ERROR" not in text


def test_a_server_that_cannot_start_is_explained(private_tmp: Path) -> None:
    python_without_pie = private_tmp / "bin" / "python"
    python_without_pie.parent.mkdir()
    # a real Python without pie-lsp: the interpreter this venv was made from, isolated (-I)
    base = getattr(sys, "_base_executable", None) or shutil.which("python3")
    python_without_pie.write_text(f'#!/bin/sh\nexec {base} -I "$@"\n')
    python_without_pie.chmod(0o755)
    source = private_tmp / "a.cpp"
    source.write_text("int main() { return 0; }\n")
    body = f"""
require("pie").setup({{ interpreter = "/nonexistent/python" }})
vim.cmd("checkhealth pie")
D.missing = T.lines(0)
D.details_missing = require("pie").state.details
vim.cmd("bwipeout!")
require("pie").setup({{ interpreter = {lua_string(str(python_without_pie))} }})
vim.cmd("checkhealth pie")
D.no_module = T.lines(0)
-- a C++ file: the server is started, fails (no pie_lsp), and a command says so
vim.cmd("edit " .. {lua_string(str(source))})
T.wait("the server to exit", function() return require("pie").state.exit ~= nil end, 30000)
vim.cmd("PieOptimize")
"""
    data = run_nvim(private_tmp, body)
    notes = [n["msg"] for n in data["notes"]]
    assert any('cannot start: "/nonexistent/python" is not executable' in n for n in notes), notes
    assert "set `interpreter` or `cmd`" in data["details_missing"]  # :PieDetails
    missing = health_text(data, "missing")
    assert 'ERROR "/nonexistent/python" is not an executable' in missing
    assert "interpreter = " in missing  # the advice names the setting
    no_module = health_text(data, "no_module")
    assert "No module named pie_lsp" in no_module
    assert f"{python_without_pie} -m pip install /path/to/pie-lsp" in no_module
    assert notes[-1].startswith("PIE: the server did not start or stopped (exit code 1"), notes


def test_vim_lsp_start_registration_and_buffers_it_does_not_serve(private_tmp: Path) -> None:
    work = private_tmp / "work"
    shutil.copytree(EXAMPLES / "prefix_sums", work)
    (work / "notes.txt").write_text("not C++\n")
    body = f"""
{setup_lua(private_tmp / "cache", registration="'start'")}
vim.cmd("edit " .. {lua_string(str(work / "slow.cpp"))})
local buf = vim.api.nvim_get_current_buf()
T.attached(buf)
D.registered = vim.lsp.config.pie ~= nil or vim.lsp.is_enabled("pie")
D.save = T.run("PieSaveBaseline")
vim.cmd("edit " .. {lua_string(str(work / "notes.txt"))})
D.attached_to_text = require("pie").client(0) ~= nil
vim.cmd("PieOptimize")
"""
    data = run_nvim(private_tmp, body)
    assert data["registered"] is False  # vim.lsp.start only: no global "pie" config
    assert data["save"]["result"]["status"] == "saved"
    assert data["attached_to_text"] is False
    notes = [n["msg"] for n in data["notes"]]
    assert 'PIE: this buffer is not C++ (filetype "text"): open a .cpp file' in notes


def many_outputs(folder: Path, cases: int = 24) -> Path:
    """A program whose rewrite touches more lines than an 80×24 screen has: one `endl` per
    case of a switch (each becomes '\\n'), with three tests."""
    lines = [
        "#include <iostream>",
        "using namespace std;",
        "",
        "int main() {",
        "    int n;",
        "    cin >> n;",
        "    for (int i = 0; i < n; i++) {",
        f"        switch (i % {cases}) {{",
    ]
    lines += [f"        case {k}: cout << i + {k} << endl; break;" for k in range(cases)]
    lines += ["        }", "    }", "    return 0;", "}", ""]
    path = folder / "many.cpp"
    path.write_text("\n".join(lines))
    tests = folder / "many.tests"
    tests.mkdir()
    for number, n in enumerate((2000, 4000, 6000), start=1):
        (tests / f"input.{number}.txt").write_text(f"{n}\n")
        expected = "".join(f"{i + i % cases}\n" for i in range(n))
        (tests / f"output.{number}.txt").write_text(expected)
    return path


def test_the_preview_at_80x24_scrolls_applies_and_cancels_without_press_enter(
    private_tmp: Path,
) -> None:
    work = private_tmp / "work"
    work.mkdir()
    path = many_outputs(work)
    original = path.read_text().splitlines()
    (work / "notests.cpp").write_text("int main() { return 0; }\n")
    git_repo(work)
    body = f"""
{setup_lua(private_tmp / "cache")}
D.size = {{ vim.o.columns, vim.o.lines }}
vim.cmd("edit " .. {lua_string(str(path))})
local buf = vim.api.nvim_get_current_buf()
T.attached(buf)
-- 1. the preview: scrolled, then cancelled; 2. :PieApply: scrolled, then applied
D.optimize = T.run("PieOptimize")
D.after_cancel = T.lines(buf)
D.apply = T.run("PieApply")
D.after_apply = T.lines(buf)
D.current_is_file = vim.api.nvim_get_current_buf() == buf
-- 3. more outcomes, each one short notification: check, save, a file without tests,
-- a buffer never saved
D.check = T.run("PieCheckSpeedup")
D.save = T.run("PieSaveBaseline")
vim.cmd("edit " .. {lua_string(str(work / "notests.cpp"))})
T.attached(0)
D.notests = T.run("PieOptimize")
D.notests_details = require("pie").state.details
vim.cmd("PieDetails")
T.screen("details")
vim.api.nvim_feedkeys("q", "x", false)
D.details_closed = #vim.api.nvim_tabpage_list_wins(0) == 1
vim.cmd("enew")
vim.bo.filetype = "cpp"
vim.api.nvim_buf_set_lines(0, 0, -1, false, {{ "int main() {{ return 0; }}" }})
vim.cmd("PieOptimize")
T.screen("unsaved")
D.messages = vim.api.nvim_exec2("messages", {{ output = true }}).output
"""
    data = run_nvim(private_tmp, body, answers=[["<C-d>", "G", "q"], ["<C-d>", "a"]], ui=(80, 24))
    assert data["size"] == [80, 24]
    assert data["optimize"]["result"]["status"] == "optimized", data["optimize"]

    cancelled, applied = data["previews"]
    first, after_page, after_end = cancelled["states"]
    # a focused float inside the screen, as tall as the screen allows: the diff is longer
    assert first["focused"] and first["relative"] == "editor"
    assert first["line_count"] > 24 and first["height"] <= 24 - 4 and first["width"] <= 80 - 2
    assert first["topline"] == 1
    assert after_page["topline"] > 1  # Ctrl-d scrolled it
    assert after_end["botline"] == first["line_count"]  # G reached the last line
    screen = data["screens"]["preview 1"]
    assert any("a apply · q cancel" in row for row in screen), screen
    assert any("PIE: Apply" in row for row in screen), screen
    assert any("-        case 0: cout << i + 0 << endl; break;" in row for row in screen)
    # the label whole, on two lines (it is wider than the window)
    assert any(
        "PIE: Apply 1." in row and "faster rewrite on Skylake (estimate)" in row for row in screen
    )
    assert any("— 3/3 tests + " in row and "derived inputs" in row for row in screen), screen
    at_end = data["screens"]["preview 1 after G"]
    assert any("+        case 23: cout << i + 23 << '\\n'; break;" in row for row in at_end)
    assert data["after_cancel"] == original

    # applied from the preview with `a`, after scrolling; the focus is back in the file
    assert applied["keys"] == ["<C-d>", "a"] and applied["states"][1]["topline"] > 1
    assert data["apply"]["result"] == {"applied": True}
    assert not any("endl" in line for line in data["after_apply"])
    assert any("sync_with_stdio(false)" in line for line in data["after_apply"])
    assert data["current_is_file"] is True

    # every outcome said in one line that fits, and Neovim never asked for ENTER
    assert data["hit_enter"] == [], "\n\n".join("\n".join(s) for s in data["hit_enter"])
    notes = [n["msg"] for n in data["notes"]]
    assert all("\n" not in n and len(n) <= 79 for n in notes), notes
    assert any(n.startswith("PIE: the rewrite was not applied (declined") for n in notes), notes
    assert any(n.startswith("PIE: applied the ") for n in notes), notes
    assert any("faster than" in n or "same speed as" in n for n in notes), "\n".join(notes)
    assert any(n.startswith("PIE: saved the current many.cpp") for n in notes), notes
    # first contact: the fix in this editor's words, and an unsaved buffer told to save
    assert data["notests"]["result"]["status"] == "error"
    assert any(n.startswith("PIE: optimizing notests.cpp: no tests found") for n in notes)
    details = data["notests_details"]  # what :PieDetails shows
    assert 'set setup{ tests = "DIR" }' in details and "--tests" not in details, details
    shown = " ".join(" ".join(row.strip("│ ") for row in data["screens"]["details"]).split())
    assert "no tests found" in shown and 'set setup{ tests = "DIR" }' in shown, shown
    assert data["details_closed"] is True
    assert "save the file first (:w name.cpp)" in notes[-1]
    assert "\n" not in data["messages"].strip() or all(
        len(line) <= 79 for line in data["messages"].splitlines()
    )
