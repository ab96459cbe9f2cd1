"""The server's logs: to the editor and to a file, whose path `pie-lsp doctor` prints."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from pie_lsp.doctor import check_log, run_doctor
from pie_lsp.lsp.logs import ServerLogs, default_log_path, log_path
from pie_lsp.settings import Settings


@pytest.fixture
def logs() -> Iterator[tuple[ServerLogs, list[tuple[int, str]]]]:
    sent: list[tuple[int, str]] = []
    server_logs = ServerLogs(lambda level, text: sent.append((level, text)))
    yield server_logs, sent
    server_logs.close()


def test_records_reach_the_editor_and_the_file(
    logs: tuple[ServerLogs, list[tuple[int, str]]], tmp_path: Path
) -> None:
    server_logs, sent = logs
    assert server_logs.use_file(tmp_path / "logs" / "server.log") is None
    log = logging.getLogger("pie_lsp.server")
    log.info("optimized %s", "a.cpp")
    log.debug("too chatty for the editor")
    logging.getLogger("pygls.protocol").debug("every message")
    logging.getLogger("pygls.protocol").warning("a pygls problem")
    assert sent == [(logging.INFO, "optimized a.cpp")]
    text = (tmp_path / "logs" / "server.log").read_text()
    assert "INFO pie_lsp.server: optimized a.cpp" in text
    assert "a pygls problem" in text
    assert "too chatty" not in text and "every message" not in text

    # moving the file: later records go to the new one only
    assert server_logs.use_file(tmp_path / "other.log") is None
    log.warning("moved")
    assert "moved" in (tmp_path / "other.log").read_text()
    assert "moved" not in text and "moved" not in (tmp_path / "logs" / "server.log").read_text()


def test_a_sender_that_logs_does_not_recurse(tmp_path: Path) -> None:
    sent: list[str] = []

    def send(level: int, text: str) -> None:
        sent.append(text)
        logging.getLogger("pie_lsp.inner").warning("logged while sending")

    server_logs = ServerLogs(send)
    try:
        logging.getLogger("pie_lsp.server").info("hello")
    finally:
        server_logs.close()
    assert sent == ["hello"]


def test_an_unwritable_log_file_is_reported(
    logs: tuple[ServerLogs, list[tuple[int, str]]], tmp_path: Path
) -> None:
    server_logs, _ = logs
    blocker = tmp_path / "file"
    blocker.write_text("")
    problem = server_logs.use_file(blocker / "server.log")
    assert problem is not None and "cannot write the log file" in problem


def test_log_path_follows_the_settings(tmp_path: Path) -> None:
    settings = Settings()
    assert log_path(settings) == default_log_path()
    settings.cache.dir = str(tmp_path / "cache")
    assert log_path(settings) == tmp_path / "cache" / "logs" / "server.log"
    settings.log_file = str(tmp_path / "pie.log")
    assert log_path(settings) == tmp_path / "pie.log"


def test_doctor_prints_the_log_path(tmp_path: Path) -> None:
    (tmp_path / ".pie-lsp.toml").write_text(f'log-file = "{tmp_path / "server.log"}"\n')
    check = check_log(Settings(log_file=str(tmp_path / "server.log")))
    assert check.ok and str(tmp_path / "server.log") in check.detail
    out = io.StringIO()
    run_doctor(Console(file=out, width=400), tmp_path)
    assert "server log" in out.getvalue() and str(tmp_path / "server.log") in out.getvalue()
