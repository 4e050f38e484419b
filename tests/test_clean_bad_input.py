"""Bad input never raises: every case gives a record with a clear warning."""

from __future__ import annotations

import gzip
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.clean import MAX_TEXT_CHARS, clean_document, detect_format, document_id
from transforms.decode import MAX_GUNZIP_BYTES

STORY = (
    "Harbour council votes on budget\n\n"
    "The harbour council voted on Monday to approve a budget that raises mooring fees.\n\n"
    "Councillor Edda Brann said the increase was “the only way to keep the quay open”.\n"
)


def _warned(article, text: str) -> bool:
    return any(text in w for w in article.warnings)


def test_empty_file() -> None:
    article = clean_document(b"", "empty.txt")
    assert _warned(article, "empty input") and article.paragraphs == []
    assert clean_document(b" \n\n\t", "blank.txt").warnings[0] == "empty input"


def test_binary_file_is_skipped() -> None:
    article = clean_document(bytes(range(256)) * 40, "photo.jpg")
    assert _warned(article, "skipped: binary") and article.body == ""
    assert article.content_hash and article.id


def test_cp1252_bytes() -> None:
    article = clean_document(STORY.encode("cp1252"), "story.txt")
    assert _warned(article, "cp1252")
    assert "“the only way to keep the quay open”" in article.body


def test_invalid_utf8_is_replaced_with_a_warning() -> None:
    raw = STORY.encode("utf-8").replace(b"Monday", b"Mon\xffday")
    article = clean_document(raw, "story.txt")
    assert _warned(article, "invalid UTF-8")
    assert "Mon\ufffdday" in article.body and "“the only way" in article.body


def test_utf8_bom_and_utf16() -> None:
    assert (
        clean_document(b"\xef\xbb\xbf" + STORY.encode(), "a.txt").title
        == "Harbour council votes on budget"
    )
    utf16 = clean_document(STORY.encode("utf-16"), "b.txt")
    assert utf16.title == "Harbour council votes on budget" and utf16.warnings == [
        "no publication date found"
    ]


def test_twenty_megabyte_file_is_capped_in_bounded_time() -> None:
    paragraph = "The harbour council met again to argue about mooring fees and the quay. " * 6
    raw = ("Harbour budget\n\n" + (paragraph + "\n\n") * 60_000).encode()[: 20 * 1024 * 1024]
    start = time.perf_counter()
    article = clean_document(raw, "huge.txt")
    elapsed = time.perf_counter() - start
    assert _warned(article, "truncated")
    assert 0 < len(article.body) <= MAX_TEXT_CHARS
    assert elapsed < 30, f"took {elapsed:.1f}s"


def test_gzip_is_read_by_magic_bytes() -> None:
    article = clean_document(gzip.compress(STORY.encode()), "story.dat")
    assert article.title == "Harbour council votes on budget"
    assert not any("gzip" in w for w in article.warnings)


def test_truncated_gzip_keeps_what_was_recovered() -> None:
    packed = gzip.compress(STORY.encode() * 50)
    article = clean_document(packed[: len(packed) // 2], "story.txt.gz")
    assert _warned(article, "gzip: truncated")
    assert article.paragraphs


def test_corrupt_gzip() -> None:
    article = clean_document(b"\x1f\x8b\x08\x00garbage-not-deflate", "bad.gz")
    assert _warned(article, "gzip") and article.body == ""


def test_gzip_bomb_is_capped() -> None:
    bomb = gzip.compress(b"a" * (MAX_GUNZIP_BYTES + 1024 * 1024), compresslevel=9)
    article = clean_document(bomb, "bomb.gz")
    assert _warned(article, "decompression bomb")


def test_id_is_stable_and_normalised() -> None:
    assert document_id("data/./samples/a.txt") == document_id("data/samples/a.txt")
    assert document_id("HTTPS://Example.com/a#top") == document_id("https://example.com/a")
    assert document_id("data/samples/a.txt") != document_id("data/samples/b.txt")
    assert clean_document(b"x", "a.txt").id == clean_document(b"y", "a.txt").id


def test_format_detection() -> None:
    assert detect_format("# Title\n\nSome **bold** text", "x.txt") == "markdown"
    assert detect_format("<!doctype html><html><body><p>x</p></body></html>", "x") == "html"
    assert detect_format("Plain words only.", "page.html") == "html"
    assert detect_format("Plain words only.", "notes.txt.gz") == "text"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    article = clean_document(raw, "fuzz.txt")
    assert article.body == "\n\n".join(p.text for p in article.paragraphs)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab *_#[]()!`\n\u00a0-:"), max_size=400))
def test_markdown_soup_never_raises(text: str) -> None:
    clean_document(text.encode(), "soup.md")
