"""The dead-letter file: one JSON line per failed file or document, with the stage and reason.

Stages: `read` (discovery or reading), `clean`, `ner` (before Elasticsearch) and `index` (a
document Elasticsearch did not take). `source` is the file to retry (`newsindex retry`).

Writers append under an exclusive `flock`; `replace_entries` rewrites the file under the same
lock (a new file moved into place), and a writer that finds its file replaced reopens the path,
so entries appended while a retry runs are kept.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import stat
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

log = logging.getLogger(__name__)

# Elasticsearch quotes the offending value in mapping errors; the dead-letter never holds content.
_VALUE_PREVIEW = re.compile(r"\.?\s*Preview of field's value: .*", re.DOTALL)
_MAX_REASON = 1000


class DeadLetterError(RuntimeError):
    """The dead-letter file cannot be written: failures would be lost, so the load stops."""


def error_reason(error: Any) -> tuple[str, str]:
    """(error type, reason) from a bulk item error (a dict) or a request-level error (a str)."""
    if isinstance(error, dict):
        reason = str(error.get("reason") or "")
        caused_by = error.get("caused_by")
        if isinstance(caused_by, dict) and caused_by.get("reason"):
            reason = f"{reason}: {caused_by.get('type')}: {caused_by['reason']}"
        kind = str(error.get("type") or "unknown")
    else:
        kind, reason = "request_error", str(error)
    return kind, _VALUE_PREVIEW.sub("", reason)[:_MAX_REASON]


class DeadLetter:
    """Append-only JSON-lines writer; opened up front so an unwritable path fails before loading."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file: IO[str] = path.open("a", encoding="utf-8")
        except OSError as exc:
            raise DeadLetterError(
                f"dead-letter file {path} is not writable ({exc.strerror or exc}); "
                "set NEWSINDEX_DEAD_LETTER_PATH to a writable file"
            ) from None

    def write(
        self,
        *,
        doc_id: str,
        index: str,
        status: int | None,
        error: Any,
        source: str | None,
        stage: str = "index",
    ) -> dict[str, Any]:
        """Record one failed document (its id, index, status, reason, stage and source path)."""
        error_type, reason = error_reason(error)
        record = {
            "_id": doc_id,
            "_index": index,
            "status": status,
            "error_type": error_type,
            "reason": reason,
            "stage": stage,
            "source": source,
            "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        }
        try:
            self._lock_current_file()
            try:
                self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
                self._file.flush()
            finally:
                fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
        except OSError as exc:
            raise DeadLetterError(f"cannot write dead-letter file {self.path}: {exc}") from None
        self.count += 1
        return record

    def _lock_current_file(self) -> None:
        """Lock the open file, reopening the path first if a rewrite replaced it meanwhile."""
        while True:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX)
            try:
                current = self.path.stat().st_ino == os.fstat(self._file.fileno()).st_ino
            except FileNotFoundError:
                current = False
            if current:
                return
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = self.path.open("a", encoding="utf-8")

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> DeadLetter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@dataclass(frozen=True)
class Entry:
    """One line of the dead-letter: its exact text (its identity) and its fields."""

    line: str
    record: dict[str, Any]

    @property
    def source(self) -> str:
        return str(self.record.get("source") or self.record.get("_id") or "")


def read_entries(path: Path) -> list[Entry]:
    """The entries of a dead-letter file ([] when there is none); unreadable lines are skipped."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            log.warning("%s line %d is not JSON: left as it is", path, number)
            continue
        if isinstance(record, dict):
            entries.append(Entry(line, record))
    return entries


@contextmanager
def _locked(path: Path) -> Iterator[IO[str]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield handle


def replace_entries(path: Path, removed: Iterable[Entry], added: Iterable[dict[str, Any]]) -> int:
    """Rewrite the dead-letter without `removed` (each once) and with `added` at the end; lines
    appended by others meanwhile are kept. Returns the number of entries left."""
    gone = Counter(entry.line for entry in removed)
    try:
        with _locked(path) as handle:
            handle.seek(0)
            kept = []
            for line in handle.read().splitlines():
                if gone[line] > 0:
                    gone[line] -= 1
                elif line.strip():
                    kept.append(line)
            kept += [json.dumps(record, ensure_ascii=False) for record in added]
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            temporary = Path(name)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write("".join(line + "\n" for line in kept))
                out.flush()
                os.fsync(out.fileno())
            temporary.chmod(stat.S_IMODE(os.fstat(handle.fileno()).st_mode))
            temporary.replace(path)
    except OSError as exc:
        raise DeadLetterError(f"cannot rewrite dead-letter file {path}: {exc}") from None
    return len(kept)
