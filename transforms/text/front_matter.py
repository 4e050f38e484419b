"""YAML and TOML front matter of Markdown files (web clippers, static-site exports).

Front matter is metadata the exporter wrote down: it takes precedence over what is guessed
from the text. PyYAML (``safe_load``) and the standard library's ``tomllib`` parse it.
"""

from __future__ import annotations

import logging
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import yaml

LOG = logging.getLogger(__name__)

_YAML = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_TOML = re.compile(r"\A\ufeff?\+\+\+[ \t]*\r?\n(.*?)\r?\n\+\+\+[ \t]*(?:\r?\n|\Z)", re.DOTALL)
MAX_CHARS = 20_000

# Keys clippers and site generators use, in order of preference, per field (lower case).
TITLE_KEYS = ("title", "headline", "name")
AUTHOR_KEYS = ("author", "authors", "byline", "creator", "by")
DATE_KEYS = ("published", "date", "published_at", "publishdate", "pubdate", "date_published")
URL_KEYS = ("source", "url", "link", "canonical", "source_url", "original_url")
SITE_KEYS = ("site", "site_name", "sitename", "publisher", "outlet", "source_name")
DESCRIPTION_KEYS = ("description", "summary", "excerpt", "subtitle", "standfirst")
LANGUAGE_KEYS = ("lang", "language", "locale")


@dataclass(slots=True)
class FrontMatter:
    """What a file's front matter says, and the raw block that was removed."""

    raw: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None  # as written (a string, or an ISO rendering of a YAML date)
    url: str | None = None
    site_name: str | None = None
    description: str | None = None
    language: str | None = None


def _text(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = " ".join(str(value).split())
        return text or None
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("title"))
    return None


def _first(data: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = data.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        text = _text(value)
        if text:
            return text
    return None


def _authors(data: dict[str, Any]) -> list[str]:
    for key in AUTHOR_KEYS:
        value = data.get(key)
        values = value if isinstance(value, list) else [value]
        names = [t for t in map(_text, values) if t]
        # Obsidian writes wiki links: "[[Jane Roe]]".
        names = [n.removeprefix("[[").removesuffix("]]").strip() for n in names]
        if any(names):
            return [n for n in names if n]
    return []


def split_front_matter(text: str) -> tuple[FrontMatter | None, str]:
    """The front matter at the top of ``text`` (None when there is none or it does not parse)
    and the text after it."""
    match = _YAML.match(text) if text.startswith(("---", "\ufeff---")) else None
    toml = match is None and text.startswith(("+++", "\ufeff+++"))
    if toml:
        match = _TOML.match(text)
    if match is None or len(match.group(1)) > MAX_CHARS:
        return None, text
    try:
        data = tomllib.loads(match.group(1)) if toml else yaml.safe_load(match.group(1))
    except (yaml.YAMLError, tomllib.TOMLDecodeError, ValueError) as err:
        LOG.debug("front matter does not parse: %s", err)
        return None, text
    if not isinstance(data, dict):
        return None, text
    data = {str(k).strip().lower(): v for k, v in data.items()}
    meta = FrontMatter(
        raw=match.group(0).strip(),
        title=_first(data, TITLE_KEYS),
        authors=_authors(data),
        published=_first(data, DATE_KEYS),
        url=_first(data, URL_KEYS),
        site_name=_first(data, SITE_KEYS),
        description=_first(data, DESCRIPTION_KEYS),
        language=_first(data, LANGUAGE_KEYS),
    )
    if meta.url and not meta.url.startswith(("http://", "https://")):
        meta.url = None
    return meta, text[match.end() :]
