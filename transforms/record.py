"""The Article record: what one raw file becomes, and what every later stage adds to."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Precision = Literal["minute", "day", "month"]
EntityType = Literal["person", "org", "place"]


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
    dateline: str | None = None
    outlet: Outlet | None = None
    printed_date: str | None = None  # the printed date line published_at was read from
    published_at: str | None = None
    published_precision: Precision | None = None
    date_source: str | None = None
    language: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    body: str = ""
    word_count: int = 0
    removed: list[Removal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Enrichment (entities, near-duplicates); empty until the enrich stage runs.
    entities: dict[str, list[str]] = field(default_factory=dict)
    entity_mentions: list[dict[str, Any]] = field(default_factory=list)
    minhash: list[int] = field(default_factory=list)
    duplicate_of: str | None = None
    story_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The record as plain JSON-ready data."""
        return asdict(self)
