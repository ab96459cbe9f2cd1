"""One optimization request: the program and its tests, made in one place for every caller.

`make_job` (through `Pipeline.job_for`) is the only code that turns "this file, with this
text" into what the pipeline works on; the CLI's optimize, check and measure and the
server's commands and cached-result lookup all call it, so the tests folder means the same
everywhere:

- a folder given by the caller (`--tests DIR` on the command line) is used as given, so a
  relative one is relative to the current directory, as in every command-line tool;
- the `tests.dir` setting (from a settings file, the editor, `--set`) is relative to the
  program's folder, so one setting serves programs in many folders, in the CLI and the
  server alike, whatever the current directory;
- neither: `<stem>.tests/` or `tests/` next to the program (`verify.candidate_dirs`).

A job carries no settings of its own: it is made by the pipeline that runs it, which was
built for one settings tree (its builder, measurers and backend are made from it).
"""

from __future__ import annotations

from pathlib import Path

from attrs import frozen

from pie_lsp.program import Program
from pie_lsp.settings import TestSettings
from pie_lsp.verify import TestSuite, find_tests


@frozen
class Job:
    """What one request optimizes (or measures): the program's text and its tests."""

    program: Program
    suite: TestSuite

    @property
    def path(self) -> Path:
        return self.program.path


def tests_folder(path: Path, tests: TestSettings) -> Path | None:
    """The folder the `tests.dir` setting names for the program at `path` (relative to
    the program's folder; absolute and `~` paths as given), or None when it is unset."""
    if not tests.dir:
        return None
    return path.parent / Path(tests.dir).expanduser()


def make_job(path: Path, text: str | None, tests: TestSettings, folder: Path | None = None) -> Job:
    """The job for the program at `path`: `text` (an editor's buffer) or the file's
    contents, and its tests from `folder` (the caller's, used as given), else the setting,
    else next to the program. Reads files: call it in a thread from an event loop.
    Raises PieError (not C++, too large, no tests...) naming the fix."""
    program = Program.from_file(path) if text is None else Program.from_text(path, text)
    where = folder if folder is not None else tests_folder(path, tests)
    return Job(program, find_tests(path, where))
