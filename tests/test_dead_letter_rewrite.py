"""The dead-letter rewrite used by `newsindex retry`: exact removals, appends kept."""

from __future__ import annotations

import json
from pathlib import Path

from flows.es.dead_letter import DeadLetter, read_entries, replace_entries


def _write(dead_letter: DeadLetter, doc_id: str, source: str) -> None:
    dead_letter.write(
        doc_id=doc_id, index="i", status=400, error={"type": "t", "reason": "r"}, source=source
    )


def test_replace_removes_exactly_the_given_entries_and_appends(tmp_path: Path) -> None:
    path = tmp_path / "dl.jsonl"
    with DeadLetter(path) as dead_letter:
        for n in range(3):
            _write(dead_letter, f"d{n}", f"s{n}")
    entries = read_entries(path)
    assert [e.source for e in entries] == ["s0", "s1", "s2"]
    left = replace_entries(path, [entries[0], entries[2]], [{"source": "s9", "reason": "new"}])
    assert left == 2
    assert [e.source for e in read_entries(path)] == ["s1", "s9"]
    assert replace_entries(path, [], []) == 2  # nothing removed twice, nothing lost


def test_a_writer_open_during_the_rewrite_appends_to_the_new_file(tmp_path: Path) -> None:
    path = tmp_path / "dl.jsonl"
    path.write_text("", encoding="utf-8")
    path.chmod(0o600)
    with DeadLetter(path) as dead_letter:  # e.g. a run writing while a retry rewrites
        _write(dead_letter, "a", "first")
        replace_entries(path, read_entries(path), [{"source": "from-retry"}])
        _write(dead_letter, "b", "second")
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line["source"] for line in lines] == ["from-retry", "second"]
    assert path.stat().st_mode & 0o777 == 0o600  # the rewrite keeps the file's mode


def test_unreadable_lines_are_skipped_when_read(tmp_path: Path) -> None:
    path = tmp_path / "dl.jsonl"
    path.write_text('{"source": "a"}\nnot json\n\n', encoding="utf-8")
    assert [e.source for e in read_entries(path)] == ["a"]
    assert read_entries(tmp_path / "missing.jsonl") == []
    assert replace_entries(path, read_entries(path), []) == 1  # the odd line is left as it is
    assert path.read_text(encoding="utf-8") == "not json\n"
