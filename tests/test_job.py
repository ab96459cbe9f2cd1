"""One request's job: the program's text and its tests, and where the tests folder is
looked for (the caller's folder as given; the setting relative to the program's folder;
else next to the program). Real files, no doubles."""

from __future__ import annotations

from pathlib import Path

import pytest

from pie_lsp import job as jobs  # its tests_folder is not collected as a test
from pie_lsp import settings  # its TestSettings is not collected as a test class
from pie_lsp.errors import PieError
from pie_lsp.job import make_job

from .conftest import DOUBLER, write_program


def test_the_setting_is_relative_to_the_programs_folder(tmp_path: Path) -> None:
    program = tmp_path / "a" / "prog.cpp"
    assert jobs.tests_folder(program, settings.TestSettings()) is None
    assert (
        jobs.tests_folder(program, settings.TestSettings(dir="cases")) == tmp_path / "a" / "cases"
    )
    assert jobs.tests_folder(program, settings.TestSettings(dir="/abs/cases")) == Path("/abs/cases")
    assert jobs.tests_folder(program, settings.TestSettings(dir="~/cases")) == Path.home() / "cases"


def test_a_settings_files_folder_serves_each_program_beside_it(tmp_path: Path) -> None:
    # one setting above two programs in different folders: each finds its own cases/
    (tmp_path / ".pie-lsp.toml").write_text('[tests]\ndir = "cases"\n')
    jobs = []
    for name, answer in (("one", "2\n"), ("two", "4\n")):
        path = write_program(tmp_path / name, DOUBLER, {"1": (f"{len(answer)}\n", answer)})
        (path.parent / "prog.tests").rename(path.parent / "cases")
        jobs.append(make_job(path, None, settings.load(path.parent).tests))
    assert [job.suite.directory for job in jobs] == [
        tmp_path / "one" / "cases",
        tmp_path / "two" / "cases",
    ]
    assert [job.suite.cases[0].expected.read_text() for job in jobs] == ["2\n", "4\n"]


def test_the_callers_folder_wins_and_the_buffer_is_the_program(tmp_path: Path) -> None:
    path = write_program(tmp_path, DOUBLER, {"1": ("1\n", "2\n")})
    moved = tmp_path / "elsewhere"
    (tmp_path / "prog.tests").rename(moved)
    edited = DOUBLER + "// unsaved edit\n"
    job = make_job(path, edited, settings.TestSettings(dir="missing"), moved)
    assert job.suite.directory == moved and len(job.suite) == 1
    assert job.program.text == edited and job.path == path  # the buffer, not the file
    with pytest.raises(PieError, match="missing"):  # the setting alone: not found, named
        make_job(path, edited, settings.TestSettings(dir="missing"))
