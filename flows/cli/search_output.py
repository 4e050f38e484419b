"""Rendering of a SearchResult for the `newsindex search` command: rich text, or JSON."""

from __future__ import annotations

import dataclasses
import json
import re

from rich.console import Console
from rich.markup import escape

from flows.es.search import SearchHit, SearchResult

FACET_TITLES = {
    "outlet": "Outlets",
    "person": "People",
    "org": "Organisations",
    "place": "Places",
    "author": "Authors",
}


SNIPPET_CHARS = 200  # longest snippet shown, in visible characters
ELLIPSIS = "…"
_TAG = re.compile(r"</?em>")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")


def trim_snippet(snippet: str, limit: int = SNIPPET_CHARS, *, whole: bool = False) -> str:
    """`snippet` on one line, cut at a word boundary: at most `limit` visible characters
    (the <em> marks kept balanced), with an ellipsis where the text goes on: before a
    fragment that starts mid-sentence and after one that stops mid-sentence (a `whole`
    field, such as a title, only where it was cut)."""
    words = snippet.split()
    kept: list[str] = []
    visible = 0
    for word in words:
        width = len(_TAG.sub("", word)) + bool(kept)
        if kept and visible + width > limit:
            break
        kept.append(word)
        visible += width
    text = " ".join(kept)
    if text.count("<em>") > text.count("</em>"):
        text += "</em>"
    plain = _TAG.sub("", text)
    if plain[:1].islower() and not whole:
        text = ELLIPSIS + text
    if len(kept) < len(words) or not (whole or _SENTENCE_END.search(plain)):
        text += ELLIPSIS
    return text


def snippet_markup(snippet: str) -> str:
    """A highlighted snippet (<em> marks) as rich markup, everything else escaped."""
    parts = escape(" ".join(snippet.split())).split("<em>")
    marked = [parts[0]] + [part.replace("</em>", "[/]", 1) for part in parts[1:]]
    return "[bold yellow]".join(marked)


def _snippets(hit: SearchHit) -> list[str]:
    """The hit's snippets trimmed; the title's is the whole field."""
    return [
        trim_snippet(s, whole=" ".join(_TAG.sub("", s).split()) == hit.title) for s in hit.snippets
    ]


def _heading(rank: int, hit: SearchHit, paragraphs: bool) -> str:
    title = escape(hit.title or "(untitled)")
    where = f" ¶{hit.position + 1}" if paragraphs and hit.position is not None else ""
    details = [d for d in (hit.outlet, (hit.published_at or "")[:10], ", ".join(hit.authors)) if d]
    meta = f" [dim]— {escape(' · '.join(details))}[/]" if details else ""
    return f"[bold]{rank}. {title}[/]{where}{meta} [dim]({escape(hit.id)})[/]"


def print_result(out: Console, result: SearchResult, *, paragraphs: bool) -> None:
    """Hits with their snippets, then facet counts."""
    kind = "paragraphs" if paragraphs else "articles"
    out.print(f"[bold]{result.total}[/] matching {kind}", highlight=False)
    for rank, hit in enumerate(result.hits, 1):
        out.print(_heading(rank, hit, paragraphs), highlight=False)
        for snippet in _snippets(hit):
            out.print(f"    {snippet_markup(snippet)}", highlight=False)
    for name, buckets in result.facets.items():
        if buckets:
            counts = ", ".join(f"{escape(key)} ({count})" for key, count in buckets)
            out.print(f"[bold]{FACET_TITLES.get(name, name)}:[/] {counts}", highlight=False)


def result_json(result: SearchResult, *, paragraphs: bool) -> str:
    """The result for scripts: total, hits (snippets trimmed, <em> marks kept) and facets."""
    hits = [dataclasses.asdict(hit) | {"snippets": _snippets(hit)} for hit in result.hits]
    facets = {
        name: [{"value": key, "count": count} for key, count in buckets]
        for name, buckets in result.facets.items()
    }
    kind = "paragraphs" if paragraphs else "articles"
    return json.dumps({"kind": kind, "total": result.total, "hits": hits, "facets": facets})
