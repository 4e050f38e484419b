"""The dead-letter file: one JSON line per failed file or document, with the stage and reason.

Stages: `read` (discovery or reading), `clean`, `ner` (before Elasticsearch) and `index` (a
document Elasticsearch did not take). `source` is the file to retry.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

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
            self._file.write(json.dumps(record, ensure_ascii=False) + "\n")
            self._file.flush()
        except OSError as exc:
            raise DeadLetterError(f"cannot write dead-letter file {self.path}: {exc}") from None
        self.count += 1
        return record

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
