"""The server's logs: `window/logMessage` for the editor's output panel, plus a log file.

The file keeps everything at INFO and above (pie-lsp's own records, and pygls' warnings);
`pie-lsp doctor` prints its path. Nothing here imports pygls: the editor side is a
callable the server supplies, so `doctor` can ask for the path cheaply.
"""

from __future__ import annotations

import logging
import logging.handlers
from collections.abc import Callable
from pathlib import Path

from pie_lsp.cache import cache_dir, default_cache_dir
from pie_lsp.settings import Settings

LOGGER_NAME = "pie_lsp"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# send(level, text): how a record reaches the editor (level is a logging level).
Sender = Callable[[int, str], None]


def default_log_path(directory: Path | None = None) -> Path:
    return (directory or default_cache_dir()) / "logs" / "server.log"


def log_path(settings: Settings | None) -> Path:
    """Where the server writes its log for these settings: `log_file`, else logs/ in the
    cache directory."""
    if settings is None:
        return default_log_path()
    if settings.log_file:
        return Path(settings.log_file).expanduser()
    return default_log_path(cache_dir(settings.cache))


class EditorHandler(logging.Handler):
    """Forwards records to the editor; drops them while a send is in progress, because
    sending can itself log (pygls), which must not recurse."""

    def __init__(self, send: Sender, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.send = send
        self._busy = False
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        if self._busy:
            return
        self._busy = True
        try:
            self.send(record.levelno, self.format(record))
        except Exception:  # a log line must never take the server down
            self.handleError(record)
        finally:
            self._busy = False


class ServerLogs:
    """Owns the handlers of one server process; `use_file` moves the file when the
    settings name another one."""

    def __init__(self, send: Sender) -> None:
        self.logger = logging.getLogger(LOGGER_NAME)
        self.logger.setLevel(logging.DEBUG)
        self.editor = EditorHandler(send)
        self.logger.addHandler(self.editor)
        self.file_handler: logging.Handler | None = None
        self.path: Path | None = None

    def use_file(self, path: Path) -> str | None:
        """Log to `path` from now on; returns why not if the file cannot be opened."""
        path = path.resolve()
        if path == self.path:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=2 * 1024 * 1024, backupCount=2, encoding="utf-8"
            )
        except OSError as exc:
            return f"cannot write the log file {path}: {exc}"
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.setLevel(logging.INFO)
        pygls_logger = logging.getLogger("pygls")
        if self.file_handler is not None:
            self.logger.removeHandler(self.file_handler)
            pygls_logger.removeHandler(self.file_handler)
            self.file_handler.close()
        self.logger.addHandler(handler)
        # pygls logs each message at DEBUG; only its warnings and errors are worth keeping
        pygls_logger.setLevel(logging.WARNING)
        pygls_logger.addHandler(handler)
        self.file_handler, self.path = handler, path
        return None

    def close(self) -> None:
        self.logger.removeHandler(self.editor)
        if self.file_handler is not None:
            self.logger.removeHandler(self.file_handler)
            logging.getLogger("pygls").removeHandler(self.file_handler)
            self.file_handler.close()
            self.file_handler = None
