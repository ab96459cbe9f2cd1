"""The VS Code extension end to end, as a user meets it: a real VS Code (code-server) in a
headless chromium, the extension installed from its .vsix, pie-lsp from this venv, a copy of
examples/ as the workspace.

One code-server and one browser for the module (starting them is most of the cost). The
examples the tests optimize are first optimized by the CLI with the same cache directory: that
gives the expected rewrite to compare the buffer with, and the editor's runs hit the cache, so
these tests check the editor side (preview, lightbulb, lens, hover, status bar, cancel), while
the pipeline is tested elsewhere. The cancelled run is on an example the CLI did not warm.

Every wait is on the UI (a locator), never a sleep. On failure a screenshot is saved and its
path printed.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, expect, sync_playwright

from . import code_server as cs

pytestmark = pytest.mark.timeout(600)

UI_WAIT = 60_000  # ms: a UI reaction on a loaded 2-core machine
RUN_WAIT = 180_000  # ms: a server run (cached here, but the server may still be starting)

# the examples the tests optimize (warmed by the CLI), and the one a test cancels
WARM = ("prefix_sums", "string_build")
COLD = "word_count"


class IDE:
    """The browser page with VS Code, and the steps a user takes in it."""

    def __init__(
        self, page: Page, workspace: Path, user_data: Path, expected: dict[str, dict[str, Any]]
    ) -> None:
        self.page = page
        self.workspace = workspace
        self.user_data = user_data
        self.expected = expected
        self.panel = page.locator(".part.panel")
        self.preview = self.panel.get_by_role("tree", name="Bulk Edit")

    def open(self, relative: str) -> Locator:
        """Opens a workspace file with Quick Open; returns its editor."""
        path = Path(relative)
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("Control+p")
        self.page.locator(".quick-input-widget input").fill(relative)
        # the row of this file (the examples' files share names: the folder tells them apart)
        rows = self.page.locator(".quick-input-widget .monaco-list-row")
        row = rows.filter(has_text=path.name).filter(has_text=path.parent.name).first
        row.click(timeout=UI_WAIT)
        crumbs = self.page.locator(".editor-group-container.active .breadcrumbs-control")
        expect(crumbs).to_contain_text(path.parent.name, timeout=UI_WAIT)
        editor = self.page.locator(".editor-group-container.active .monaco-editor").first
        editor.locator(".view-lines").wait_for(timeout=UI_WAIT)
        return editor

    def palette(self, title: str) -> None:
        """Runs a command from the palette by its title."""
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("F1")
        box = self.page.locator(".quick-input-widget input")
        box.fill(f">{title}")
        row = self.page.locator(".quick-input-widget .monaco-list-row", has_text=title)
        row.first.wait_for(timeout=UI_WAIT)
        self.page.keyboard.press("Enter")

    def go_to_line(self, line: int) -> None:
        self.page.keyboard.press("Control+g")
        self.page.locator(".quick-input-widget input").fill(f":{line}")
        self.page.keyboard.press("Enter")
        expect(self.page.locator(".statusbar")).to_contain_text(f"Ln {line},", timeout=UI_WAIT)

    def status(self) -> Locator:
        """The extension's status bar item ("PIE …")."""
        return self.page.locator(".statusbar-item", has_text=re.compile(r"^\s*PIE\b")).last

    def apply_from_preview(self) -> None:
        """In the Refactor Preview: the rewrite ticked (only the empty no-op edit is not), then
        Apply."""
        self.preview.wait_for(timeout=RUN_WAIT)
        rows = self.preview.locator(".monaco-list-row")
        expect(rows.first).to_be_visible(timeout=UI_WAIT)
        checked = self.preview.locator(".edit-checkbox.checked")
        expect(checked.first).to_be_visible(timeout=UI_WAIT)
        # file row + each rewrite edit ticked; the one unticked row is the confirmation no-op
        assert self.preview.locator(".edit-checkbox:not(.checked)").count() == 1
        assert checked.count() >= 2
        self.panel.get_by_role("button", name="Apply", exact=True).click()
        expect(self.preview).to_be_hidden(timeout=UI_WAIT)

    def machine_settings(self, change: dict[str, Any]) -> None:
        """Changes the remote (machine) settings, as Open Remote Settings would."""
        file = self.user_data / "Machine" / "settings.json"
        file.write_text(json.dumps({**json.loads(file.read_text()), **change}, indent=2))

    def saved_text(self, relative: str) -> str:
        """The buffer's text, as saved by the user (Ctrl+S)."""
        self.page.keyboard.press("Control+s")
        expect(self.page.locator(".tab.active.dirty")).to_have_count(0, timeout=UI_WAIT)
        return (self.workspace / relative).read_text()


F = TypeVar("F", bound=Callable[..., None])


def screenshot_on_failure(test: F) -> F:
    """Saves what the browser shows when the test fails, and prints where."""

    @functools.wraps(test)
    def run(ide: IDE, *args: Any, **kwargs: Any) -> None:
        try:
            test(ide, *args, **kwargs)
        except BaseException:
            shot = Path(tempfile.mkdtemp(prefix="pie-code-server-shot-")) / f"{test.__name__}.png"
            ide.page.screenshot(path=str(shot))
            print(f"screenshot of the failure: {shot}", file=sys.stderr)
            root = ide.user_data.parent
            for log in [root / "code-server.log", *sorted((root / "pie-cache").rglob("*.log"))]:
                tail = log.read_text(errors="replace").splitlines()[-25:]
                print(f"{log}, last lines:", *tail, sep="\n", file=sys.stderr)
            raise

    return run  # type: ignore[return-value]


def warm(workspace: Path, cache: Path, name: str) -> subprocess.Popen[str]:
    """The CLI's optimize of an example: the expected rewrite, and a warm cache."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pie_lsp",
            "optimize",
            str(workspace / name / "slow.cpp"),
            "--json",
            "--simulator",
            "estimate",
            "--set",
            f"cache.dir={cache}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def ide(request: pytest.FixtureRequest) -> Iterator[IDE]:
    failed_before = request.session.testsfailed
    root = Path(tempfile.mkdtemp(prefix="pie-code-server-"))
    settings = cs.settings_for(root)
    workspace = cs.workspace_copy(root)
    runs = {name: warm(workspace, Path(settings["pie.cache.dir"]), name) for name in WARM}
    server = None
    playwright: Playwright | None = None
    browser: Browser | None = None
    try:
        vsix = cs.build_vsix(cs.tools_dir(), root)
        server = cs.CodeServer(root, workspace, vsix, settings)
        url = server.start()
        expected = {}
        for name, run in runs.items():
            out, _ = run.communicate(timeout=600)
            expected[name] = json.loads(out)
            assert expected[name]["status"] == "optimized", expected[name]
        playwright = sync_playwright().start()
        browser = playwright.chromium.launch(executable_path=cs.CHROMIUM)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{url}/?folder={workspace}")
        page.locator(".monaco-workbench").wait_for(timeout=RUN_WAIT)
        ide = IDE(page, workspace, server.user_data, expected)
        ide.open(f"{WARM[0]}/slow.cpp")
        # the server started (a rocket; a spinner while starting, an error sign if it failed)
        expect(ide.status().locator(".codicon-rocket")).to_be_visible(timeout=RUN_WAIT)
        yield ide
    finally:
        for run in runs.values():
            if run.poll() is None:
                run.kill()
                run.wait()
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()
        if server is not None:
            server.stop()
        if request.session.testsfailed == failed_before:
            shutil.rmtree(root, ignore_errors=True)
        else:  # the logs of code-server and of pie-lsp (in pie-cache) stay for a look
            print(f"kept {root} (code-server.log, pie-cache/*.log)", file=sys.stderr)


def speedup_text(result: dict[str, Any]) -> str:
    return f"{result['speedup']:.2f}×"


@screenshot_on_failure
def test_palette_optimize_previews_the_rewrite_ticked_and_apply_applies_it(ide: IDE) -> None:
    name = "prefix_sums"
    ide.open(f"{name}/slow.cpp")
    ide.palette("PIE: Optimize program")
    ide.apply_from_preview()
    assert ide.saved_text(f"{name}/slow.cpp") == ide.expected[name]["optimized_source"]
    # the status bar has this file's result, in the one precision used everywhere
    expect(ide.status()).to_contain_text(
        f"PIE {speedup_text(ide.expected[name])}", timeout=RUN_WAIT
    )

    # the saved rewrite against the committed original
    ide.palette("PIE: Check speedup vs HEAD")
    expect(ide.status()).to_have_text(re.compile(r"PIE [2-9]\.\d\d×"), timeout=RUN_WAIT)
    lens = ide.page.locator(".codelens-decoration", has_text="faster than HEAD")
    expect(lens.first).to_be_visible(timeout=UI_WAIT)


@screenshot_on_failure
def test_lightbulb_on_main_only_then_hover_and_the_lens_apply(ide: IDE) -> None:
    name = "string_build"
    relative = f"{name}/slow.cpp"
    editor = ide.open(relative)
    source = (ide.workspace / relative).read_text()
    main = next(
        i for i, line in enumerate(source.splitlines(), 1) if re.search(r"\bmain\s*\(", line)
    )
    other = next(i for i, line in enumerate(source.splitlines(), 1) if i > 1 and i != main)
    bulb = ide.page.locator(".lightBulbWidget")

    ide.go_to_line(main)
    expect(bulb).to_be_visible(timeout=UI_WAIT)
    ide.go_to_line(other)  # not every line of every C++ file
    expect(bulb).to_be_hidden(timeout=UI_WAIT)
    ide.go_to_line(main)
    expect(bulb).to_be_visible(timeout=UI_WAIT)
    bulb.click()
    menu = ide.page.locator(".action-widget")
    menu.get_by_text("Optimize program (PIE)").click()
    ide.preview.wait_for(timeout=RUN_WAIT)
    ide.panel.get_by_role("button", name="Discard", exact=True).click()
    expect(ide.preview).to_be_hidden(timeout=UI_WAIT)
    assert (ide.workspace / relative).read_text() == source  # declined: nothing changed

    # the result stays offered: the hover on the first line and the lens
    ide.go_to_line(1)
    editor.locator(".view-line").first.hover()
    hover = ide.page.locator(".monaco-hover")
    expect(hover.first).to_contain_text(speedup_text(ide.expected[name]), timeout=UI_WAIT)
    ide.page.keyboard.press("Escape")
    lens = editor.locator(".codelens-decoration a", has_text="apply")
    expect(lens.first).to_be_visible(timeout=UI_WAIT)
    lens.first.click()
    ide.apply_from_preview()
    assert ide.saved_text(relative) == ide.expected[name]["optimized_source"]
    expect(ide.status()).to_contain_text(f"PIE {speedup_text(ide.expected[name])}", timeout=UI_WAIT)


@screenshot_on_failure
def test_cancel_from_the_progress_notification(ide: IDE) -> None:
    relative = f"{COLD}/slow.cpp"
    ide.open(relative)
    # each file shows its own result: nothing was run on this one yet
    expect(ide.status()).to_have_text(re.compile(r"^\s*PIE\s*$"), timeout=UI_WAIT)
    before = (ide.workspace / relative).read_text()
    ide.palette("PIE: Optimize program")
    toast = ide.page.locator(".notification-toast", has_text="PIE: Optimizing")
    toast.get_by_role("button", name="Cancel").click(timeout=RUN_WAIT)
    expect(ide.status()).to_contain_text("PIE cancelled", timeout=UI_WAIT)
    expect(toast).to_be_hidden(timeout=UI_WAIT)
    expect(ide.preview).to_be_hidden()
    assert (ide.workspace / relative).read_text() == before


@screenshot_on_failure
def test_profile_shows_the_hottest_line_and_function(ide: IDE) -> None:
    """pie.profile from the palette, with the inline display turned on: a hint at the
    hottest line (word_count reads with scanf on line 13) and a lens on main."""
    relative = f"{COLD}/slow.cpp"
    source = (ide.workspace / relative).read_text().splitlines()
    assert "scanf" in source[12]
    ide.machine_settings({"pie.profile.inline": True})
    editor = ide.open(relative)
    ide.palette("PIE: Profile: where the time goes")
    lens = editor.locator(".codelens-decoration", has_text="PIE profile:")
    expect(lens.first).to_be_visible(timeout=RUN_WAIT)
    expect(lens.first).to_contain_text("of the cycles")
    ide.go_to_line(13)
    # the hint is text injected after the line's own (VS Code draws its spaces as
    # non-breaking ones): the scanf line in the loop carries its share
    hot = editor.locator(".view-line", has_text="&v)")
    expect(hot).to_contain_text(re.compile(r"\d+%\s·\s[\d.]+\s[Mk]\scycles"), timeout=UI_WAIT)
    assert (ide.workspace / relative).read_text().splitlines() == source  # nothing edited
    ide.machine_settings({"pie.profile.inline": False})


@screenshot_on_failure
def test_a_wrong_interpreter_is_explained_and_how_to_install_opens(ide: IDE) -> None:
    """Last in the module: it leaves the server stopped. In code-server, as in any remote
    window, the interpreter is a remote (machine) setting: the message says so."""
    ide.open(f"{WARM[0]}/slow.cpp")
    ide.machine_settings({"pie.interpreter": "/nonexistent/python"})
    toast = ide.page.locator(".notification-toast", has_text="not an executable file")
    expect(toast).to_contain_text("pie.interpreter", timeout=RUN_WAIT)
    expect(toast).to_contain_text("Remote settings")
    toast.get_by_role("button", name="How to install").click()
    # the packaged README (vsce names it readme.md) opens in the Markdown preview
    preview = ide.page.locator(".tab", has_text=re.compile(r"Preview readme\.md", re.IGNORECASE))
    expect(preview).to_be_visible(timeout=UI_WAIT)
