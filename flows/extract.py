"""`newsindex extract`: raw files to JSON lines of cleaned records, without Elasticsearch."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from flows.sources import RawFile, SourceFile, printable, read_file
from transforms.clean import clean_document
from transforms.record import Article


def clean_raw(raw: RawFile, max_bytes: int) -> Article:
    """Clean one read file; read errors and truncation become warnings on the record."""
    article = clean_document(raw.data, raw.uri)
    article.source = printable(raw.uri)  # the id keeps the real bytes of an undecodable name
    if raw.error:
        article.warnings.append(f"skipped: {raw.error}")
    elif raw.truncated:
        article.warnings.append(f"truncated: file larger than {max_bytes} bytes")
    return article


def extract_records(files: Iterable[SourceFile], max_bytes: int) -> Iterator[str]:
    """One JSON line per file: the cleaned record, or a record holding the read error."""
    for file in files:
        article = clean_raw(read_file(file, max_bytes), max_bytes)
        yield json.dumps(article.to_dict(), ensure_ascii=False)
