"""The Article record: what one raw file becomes, and what every later stage adds to."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Literal

Precision = Literal["minute", "day", "month"]
EntityType = Literal["person", "org", "place"]
MAX_WARNING_CHARS = 500


class WarningCode(StrEnum):
    """What a record warning is about; code branches on these, never on the text."""

    EMPTY_INPUT = "empty_input"
    BINARY_INPUT = "binary_input"
    UNREADABLE = "unreadable"  # the file could not be read
    GZIP = "gzip"  # corrupt, truncated or capped stream
    INVALID_UTF8 = "invalid_utf8"
    LEGACY_ENCODING = "legacy_encoding"
    CONTROL_CHARACTERS = "control_characters"
    TRUNCATED = "truncated"
    EMPTY_HTML = "empty_html"
    UNPARSABLE_HTML = "unparsable_html"
    NO_MAIN_TEXT = "no_main_text"
    NO_PAGE_DATE = "no_page_date"
    NO_DATE = "no_date"
    NO_BODY = "no_body"
    NER_FAILED = "ner_failed"
    NO_NER_MODEL = "no_ner_model"
    OTHER = "other"  # a stored text no template reads (an older pipeline's wording)


# The human text of each code; ``{detail}`` is the variable part.
_TEXTS: dict[WarningCode, str] = {
    WarningCode.EMPTY_INPUT: "empty input",
    WarningCode.BINARY_INPUT: "skipped: binary input",
    WarningCode.UNREADABLE: "skipped: {detail}",
    WarningCode.GZIP: "gzip: {detail}",
    WarningCode.INVALID_UTF8: "invalid UTF-8: {detail} undecodable sequence(s) replaced",
    WarningCode.LEGACY_ENCODING: "decoded as {detail} (not valid UTF-8)",
    WarningCode.CONTROL_CHARACTERS: "removed {detail} control character(s)",
    WarningCode.TRUNCATED: "truncated: {detail}",
    WarningCode.EMPTY_HTML: "empty HTML document",
    WarningCode.UNPARSABLE_HTML: "HTML could not be parsed",
    WarningCode.NO_MAIN_TEXT: "no main text found in the HTML page",
    WarningCode.NO_PAGE_DATE: "no publication date found in the page",
    WarningCode.NO_DATE: "no publication date found",
    WarningCode.NO_BODY: "no body text left after cleaning",
    WarningCode.NER_FAILED: "ner failed: {detail}",
    WarningCode.NO_NER_MODEL: "no NER model for language {detail}: entity facets skipped",
    WarningCode.OTHER: "{detail}",
}
_READERS = tuple(
    (code, re.compile(re.escape(text).replace(re.escape("{detail}"), "(?P<detail>.*)") + "$"))
    for code, text in _TEXTS.items()
)
# Warnings that mean the file held nothing to clean (no text at all, or no readable bytes).
UNUSABLE_INPUT = frozenset(
    {WarningCode.EMPTY_INPUT, WarningCode.BINARY_INPUT, WarningCode.UNREADABLE}
)


class RecordWarning(str):
    """A problem met while cleaning or enriching: a ``code`` and a ``detail``.

    The string itself is the human text (what the JSON record, the Elasticsearch document and
    the run report show), so records and documents keep their plain-text ``warnings`` lists.
    """

    __slots__ = ("code", "detail")
    code: WarningCode
    detail: str

    def __new__(cls, code: WarningCode, detail: str = "") -> RecordWarning:
        text = _TEXTS[code].format(detail=detail)[:MAX_WARNING_CHARS]
        warning = super().__new__(cls, text)
        warning.code, warning.detail = code, detail
        return warning

    def __reduce__(self) -> tuple[type[RecordWarning], tuple[WarningCode, str]]:
        return RecordWarning, (self.code, self.detail)

    @classmethod
    def read(cls, text: str) -> RecordWarning:
        """The warning a stored text was written from (``OTHER`` when no template reads it)."""
        for code, reader in _READERS:
            match = reader.match(text)
            if match:
                return cls(code, match.groupdict().get("detail") or "")
        return cls(WarningCode.OTHER, text)


@dataclass(slots=True)
class Removal:
    """A span taken out of the article, kept for the audit trail."""

    kind: str  # caption, credit, newsletter, related, most_viewed, footer, masthead, share, ad, ...
    text: str


@dataclass(slots=True)
class Paragraph:
    """One body paragraph and the subheading it sits under (None before the first one)."""

    text: str
    section: str | None = None
    entities: dict[str, list[str]] = field(default_factory=dict)  # filled by enrichment


@dataclass(slots=True)
class Outlet:
    """A canonical news outlet from the registry."""

    id: str
    name: str
    domain: str | None = None


@dataclass(slots=True)
class Article:
    """One cleaned, normalised article. Field names are part of the public JSON contract."""

    id: str
    source: str
    format: str  # text | markdown | html
    content_hash: str
    title: str | None = None
    standfirst: str | None = None
    section: str | None = None
    url: str | None = None
    byline: str | None = None
    authors: list[str] = field(default_factory=list)
    byline_org: str | None = None
    byline_location: str | None = None
    dateline: str | None = None  # the wire dateline opening the body ("BERLIN (Reuters) -")
    outlet: Outlet | None = None
    date_line: str | None = None  # the printed date line published_at was read from
    published_at: str | None = None
    published_precision: Precision | None = None
    date_source: str | None = None
    language: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    body: str = ""
    word_count: int = 0
    removed: list[Removal] = field(default_factory=list)
    warnings: list[RecordWarning] = field(default_factory=list)
    # Enrichment (entities, near-duplicates); empty until the enrich stage runs.
    entities: dict[str, list[str]] = field(default_factory=dict)
    entity_mentions: list[dict[str, Any]] = field(default_factory=list)
    minhash: list[int] = field(default_factory=list)
    lsh_bands: list[str] = field(default_factory=list)  # band keys of minhash: the LSH search
    duplicate_of: str | None = None
    story_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data (each warning as its text)."""
        record = asdict(self)
        record["warnings"] = [str(w) for w in self.warnings]
        return record

    def has_warning(self, *codes: WarningCode) -> bool:
        """True when one of the article's warnings has one of ``codes``."""
        return any(w.code in codes for w in self.warnings)
