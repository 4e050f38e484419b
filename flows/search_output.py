"""Rich rendering of a SearchResult for the `newsindex search` command."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from flows.search import SearchHit, SearchResult

FACET_TITLES = {
    "outlet": "Outlets",
    "person": "People",
    "org": "Organisations",
    "place": "Places",
    "author": "Authors",
}


def snippet_markup(snippet: str) -> str:
    """A highlighted snippet (<em> marks) as rich markup, everything else escaped."""
    parts = escape(" ".join(snippet.split())).split("<em>")
    marked = [parts[0]] + [part.replace("</em>", "[/]", 1) for part in parts[1:]]
    return "[bold yellow]".join(marked)


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
        for snippet in hit.snippets:
            out.print(f"    {snippet_markup(snippet)}", highlight=False)
    for name, buckets in result.facets.items():
        if buckets:
            counts = ", ".join(f"{escape(key)} ({count})" for key, count in buckets)
            out.print(f"[bold]{FACET_TITLES.get(name, name)}:[/] {counts}", highlight=False)
