"""Per-program results on disk: one JSON file per problem id under OUT/programs/.

Only the driver writes here, each record atomically (a temporary file in the same folder,
flushed, then renamed over the old one), so an interrupted run leaves every finished
program's record whole and nothing half-written; `--resume` reads them back.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

PROGRAMS = "programs"


def atomic_write(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader (or a crash) sees the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def file_name(problem: str) -> str:
    """A file name for a problem id: the id itself when it is plain, else made plain and
    told apart by a hash of the id."""
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", problem)[:100]
    if plain != problem or plain.startswith("."):
        plain = f"{plain.lstrip('.')}-{hashlib.sha256(problem.encode()).hexdigest()[:8]}"
    return plain + ".json"


class Store:
    """The per-program records of one output folder."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.folder = out / PROGRAMS

    def path(self, problem: str) -> Path:
        return self.folder / file_name(problem)

    def write(self, record: dict[str, Any]) -> None:
        atomic_write(self.path(str(record["id"])), json.dumps(record, sort_keys=True) + "\n")

    def load(self) -> dict[str, dict[str, Any]]:
        """Every record on disk by problem id (an unreadable file is ignored: rerun)."""
        records: dict[str, dict[str, Any]] = {}
        if not self.folder.is_dir():
            return records
        for path in sorted(self.folder.glob("*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                records[record["id"]] = record
        return records
