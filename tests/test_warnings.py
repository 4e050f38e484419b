"""Record warnings: a code to branch on, a detail, and the human text the outputs show."""

from __future__ import annotations

import gzip
import json
import pickle

import pytest

from flows.ingest import _nothing_to_index
from flows.prepare import clean_raw
from flows.sources import RawFile
from transforms.clean import clean_document
from transforms.es_documents import article_document, article_from_document
from transforms.record import MAX_WARNING_CHARS, RecordWarning, WarningCode


@pytest.mark.parametrize(
    ("raw", "source", "codes", "texts"),
    [
        (b" \n\t", "blank.txt", [WarningCode.EMPTY_INPUT], ["empty input"]),
        (b"\xef\xbb\xbf", "bom.txt", [WarningCode.EMPTY_INPUT], ["empty input"]),
        (b"\x00\x01bin" * 50, "x.bin", [WarningCode.BINARY_INPUT], ["skipped: binary input"]),
        (
            gzip.compress(b"")[:-4],
            "cut.txt.gz",
            [WarningCode.GZIP, WarningCode.EMPTY_INPUT],
            ["gzip: truncated stream; kept the 0 bytes recovered", "empty input"],
        ),
    ],
)
def test_unusable_input_warnings_have_codes_and_the_same_text(
    raw: bytes, source: str, codes: list[WarningCode], texts: list[str]
) -> None:
    article = clean_document(raw, source)
    assert [w.code for w in article.warnings] == codes
    assert article.warnings == texts
    assert article.to_dict()["warnings"] == texts
    assert all(type(w) is str for w in article.to_dict()["warnings"])
    assert _nothing_to_index(article) == "; ".join(texts)


def test_a_usable_article_is_indexed_whatever_its_warnings_say() -> None:
    article = clean_document("Grüße aus Köln, sagte er.\n".encode("cp1252"), "de.txt")
    assert WarningCode.LEGACY_ENCODING in [w.code for w in article.warnings]
    assert article.has_warning(WarningCode.NO_DATE)
    assert _nothing_to_index(article) is None
    article.warnings.append(RecordWarning(WarningCode.OTHER, "skipped: said in the text"))
    assert _nothing_to_index(article) is None  # a text that reads like a skip is not one


def test_a_read_error_is_unusable_by_its_code() -> None:
    article = clean_raw(RawFile("missing.txt", b"", error="No such file"), 100)
    assert article.warnings[-1].code is WarningCode.UNREADABLE
    assert article.warnings[-1] == "skipped: No such file"
    assert _nothing_to_index(article) == "empty input; skipped: No such file"


def test_warnings_survive_pickling_and_the_index_round_trip() -> None:
    warning = RecordWarning(WarningCode.TRUNCATED, "file larger than 10 bytes")
    again = pickle.loads(pickle.dumps(warning))
    assert (again.code, again.detail, str(again)) == (warning.code, warning.detail, warning)
    article = clean_document(b"Harbour news\n\nThe ferry left late.\n", "a.txt")
    article.warnings.append(warning)
    doc = json.loads(json.dumps(article_document(article, ingested_at="2024-01-01T00:00:00+00:00")))
    read = article_from_document(doc).warnings
    assert [(w.code, w.detail) for w in read] == [(w.code, w.detail) for w in article.warnings]
    assert RecordWarning.read("an older wording").code is WarningCode.OTHER


def test_a_long_detail_is_cut_to_what_the_mapping_keeps() -> None:
    warning = RecordWarning(WarningCode.NER_FAILED, "ValueError: " + "x" * 1000)
    assert len(warning) == MAX_WARNING_CHARS and warning.startswith("ner failed: ValueError")
