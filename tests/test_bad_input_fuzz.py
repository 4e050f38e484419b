"""Hostile input, fuzzed: no crash, bounded time and memory, and a clear per-file reason.

Complements tests/test_clean_bad_input.py (plain random bytes, one gzip bomb, 20 MB file):
here the shapes are adversarial (huge single lines, 50k-deep HTML, bombs measured for peak
memory, control characters, mixed encodings, regex-hostile lines) and `newsindex extract`
is run on a folder of such files.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
import textwrap
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flows.cli.main import app
from transforms.clean import MAX_TEXT_CHARS, clean_document
from transforms.decode import MAX_GUNZIP_BYTES
from transforms.record import Article

SAFETY_SECONDS = 30.0  # a safety net against hangs and blow-ups, not a speed target
STORY = (
    "Harbour council votes on budget\n\n"
    "The harbour council voted on Monday to approve a budget that raises mooring fees.\n\n"
    "Councillor Edda Brann said the increase was “the only way to keep the quay open”.\n"
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEAVY = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = st.sampled_from(["story.txt", "story.md", "page.html", "blob", "story.txt.gz"])
SHARE_WORDS = ["share", "Share on", "tweet", "email", "print", "Facebook", "x", "WhatsApp"]


def _clean(raw: bytes, source: str) -> Article:
    """clean_document, checked for the invariants every input must keep."""
    started = time.perf_counter()
    article = clean_document(raw, source)
    elapsed = time.perf_counter() - started
    assert elapsed < SAFETY_SECONDS, f"{source}: {len(raw)} bytes took {elapsed:.1f}s"
    assert article.id and article.content_hash
    assert len(article.body) <= MAX_TEXT_CHARS
    assert article.body == "\n\n".join(p.text for p in article.paragraphs)
    return article


@FUZZ
@given(raw=st.binary(min_size=1, max_size=4000), name=NAMES)
def test_random_bytes_under_any_name_and_inside_gzip(raw: bytes, name: str) -> None:
    _clean(raw, name)
    packed = _clean(gzip.compress(raw), name)
    assert packed.warnings  # at least "binary", "empty", "no date" or a decoding note


@HEAVY
@given(
    word=st.sampled_from(["word", "**x**", "<b>x</b>", "é", "Share Tweet Email", "a|"]),
    megabytes=st.integers(min_value=2, max_value=6),
    name=st.sampled_from(["line.txt", "line.md", "line.html"]),
)
def test_enormous_single_line(word: str, megabytes: int, name: str) -> None:
    unit = (word + " ").encode()
    raw = b"Title\n\n" + unit * (megabytes * 1024 * 1024 // len(unit))
    article = _clean(raw, name)
    truncated = any(w.startswith("truncated") for w in article.warnings)
    assert truncated == (len(raw.decode()) > MAX_TEXT_CHARS)  # characters, not bytes ("é")


@HEAVY
@given(
    depth=st.sampled_from([1_000, 10_000, 50_000]),
    tag=st.sampled_from(["div", "span", "b", "table", "section"]),
    closed=st.booleans(),
    name=st.sampled_from(["deep.html", "deep.txt"]),
)
def test_deeply_nested_html(depth: int, tag: str, closed: bool, name: str) -> None:
    inner = b"<p>The harbour council voted on Monday to approve the budget.</p>"
    opening, closing = f"<{tag}>".encode() * depth, f"</{tag}>".encode() * depth
    raw = b"<html><body>" + opening + inner + (closing if closed else b"") + b"</body></html>"
    article = _clean(raw, name)
    assert article.warnings  # e.g. "no main text found in the HTML page"


@FUZZ
@given(
    controls=st.lists(
        st.sampled_from([chr(c) for c in [*range(0, 9), 11, 12, *range(14, 32), 127]]),
        min_size=1,
        max_size=200,
    ),
    spread=st.randoms(use_true_random=False),
)
def test_control_characters(controls: list[str], spread: random.Random) -> None:
    text = list(STORY)
    for char in controls:
        text.insert(spread.randrange(len(text) + 1), char)
    article = _clean("".join(text).encode(), "story.txt")
    reasons = " ".join(article.warnings)
    assert "binary" in reasons or "control character" in reasons
    stray = set("".join(controls)) - {"\t"}
    assert not stray & set(article.body + (article.title or ""))


@FUZZ
@given(
    parts=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "Café crème at the quay, said the mayor.",
                    "Zürich’s council — “no comment”.",
                    "Ελληνικά νέα από το λιμάνι.",
                    "東京の港で会議が開かれた。",
                    "Новости порта: бюджет принят.",
                ]
            ),
            st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16-le", "shift_jis", "koi8-r"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_mixed_encodings_in_one_file(parts: list[tuple[str, str]]) -> None:
    raw = b"\n\n".join(text.encode(enc, errors="replace") for text, enc in parts)
    article = _clean(b"Port news\n\n" + raw, "mixed.txt")
    utf8_only = all(enc == "utf-8" for _, enc in parts)
    if not utf8_only and not any(enc == "utf-16-le" for _, enc in parts):
        # anything not plain UTF-8 says how it was read (or that it was replaced/skipped)
        assert utf8_only or article.warnings


@FUZZ
@given(
    words=st.lists(st.sampled_from(SHARE_WORDS), min_size=10, max_size=60),
    separators=st.lists(st.sampled_from([" ", "  ", " | ", ",", "·", "\t"]), min_size=1),
    tail=st.sampled_from(["**x", "and more", "!", "— read on"]),
)
def test_share_button_rows_do_not_backtrack_catastrophically(
    words: list[str], separators: list[str], tail: str
) -> None:
    """Regression: the `share` line rule was exponential on a row of share words + a tail."""
    row = "".join(w + separators[i % len(separators)] for i, w in enumerate(words)) + tail
    _clean(f"Title\n\n{row}\n\nBody text of the story.\n".encode(), "share.md")
    _clean(f"Title\n\n{row}\n".encode(), "share.txt")


def test_share_row_regression_exact_case() -> None:
    """The case that hung for minutes: a 4.8 MB Markdown line cut mid-emphasis."""
    article = _clean(b"# T\n\n" + b"**x** " * 800_000, "long.md")
    assert any(w.startswith("truncated") for w in article.warnings)


_BOMB_PROBE = textwrap.dedent(
    """
    import resource, sys, zlib
    from transforms.clean import clean_document
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(16 * 1024 * 1024) if sys.argv[1] == "zeros" else b"news " * 3355443
    bomb = b"".join(packer.compress(chunk) for _ in range(64)) + packer.flush()  # ~1 GB inflated
    clean_document(b"warm-up text", "w.txt")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    article = clean_document(bomb, "bomb.txt.gz")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(len(bomb), (after - before) // 1024, "|".join(article.warnings))
    """
)


@pytest.mark.parametrize("content", ["zeros", "text"])
def test_gzip_bomb_memory_stays_bounded(content: str) -> None:
    """A ~1 GB gzip bomb: decompression stops at the cap and peak memory grows by far less."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _BOMB_PROBE, content],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=Path(__file__).resolve().parents[1],
        check=True,
    )
    packed, grown_mb, warnings = done.stdout.split(" ", 2)
    assert int(packed) < 10 * 1024 * 1024
    assert "decompression bomb" in warnings
    cap_mb = MAX_GUNZIP_BYTES // 2**20
    assert int(grown_mb) < 8 * cap_mb, f"peak RSS grew {grown_mb} MB for a {cap_mb} MB cap"
    assert time.perf_counter() - started < 180


def test_extract_cli_on_a_folder_of_hostile_files(tmp_path: Path) -> None:
    """`newsindex extract` prints one record per file, each with its reason, and exits 0."""
    folder = tmp_path / "hostile"
    folder.mkdir()
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = b"".join(packer.compress(bytes(8 * 1024 * 1024)) for _ in range(10)) + packer.flush()
    files = {
        "binary.txt": bytes(range(256)) * 64,
        "empty.md": b"",
        "deep.html": b"<html><body>" + b"<div>" * 50_000 + b"<p>deep</p></body></html>",
        "controls.txt": ("\x01\x02\x03\x07\x1b" * 400 + STORY).encode(),
        "mixed.txt": STORY.encode() + "Zürich’s café".encode("cp1252") + "東京".encode("sjis"),
        "bomb.txt.gz": bomb,
        "long.md": b"# T\n\n" + b"**x** " * 600_000,
        "good.txt": STORY.encode(),
    }
    for name, raw in files.items():
        (folder / name).write_bytes(raw)
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["extract", str(folder)])
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < SAFETY_SECONDS * len(files)
    records = {
        Path(r["source"]).name: r
        for r in (json.loads(line) for line in result.stdout.splitlines() if line.startswith("{"))
    }
    assert set(records) == set(files)
    warned = {name: " ".join(r["warnings"]) for name, r in records.items()}
    assert "binary" in warned["binary.txt"]
    assert "empty input" in warned["empty.md"]
    assert "decompression bomb" in warned["bomb.txt.gz"]
    assert "truncated" in warned["long.md"]
    assert "invalid UTF-8" in warned["mixed.txt"] or "decoded as" in warned["mixed.txt"]
    assert records["good.txt"]["title"] == "Harbour council votes on budget"
