"""The `search` command: filters from the options, the hits printed by `search_output`."""

from __future__ import annotations

from datetime import date

import typer
from elasticsearch import NotFoundError
from rich.console import Console

from flows.cli.errors import fail, one_line_api_errors, one_line_errors
from flows.config import Settings
from flows.es.client import check_connection, make_client


def _iso_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


@one_line_api_errors
def search_command(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="Words to find (empty string: everything, newest first)"),
    outlet: str | None = typer.Option(None, help="Outlet name or id"),
    person: str | None = typer.Option(None, help="Person entity"),
    org: str | None = typer.Option(None, help="Organisation entity"),
    place: str | None = typer.Option(None, help="Place entity"),
    author: str | None = typer.Option(None, help="Author"),
    since: str | None = typer.Option(None, help="Published on or after (YYYY-MM-DD)"),
    until: str | None = typer.Option(None, help="Published on or before (YYYY-MM-DD)"),
    paragraphs: bool = typer.Option(False, "--paragraphs", help="Search paragraphs"),
    size: int = typer.Option(10, min=1, max=1000, help="Number of hits"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (one object)"),
) -> None:
    """Search the index and print hits with highlighted snippets and facet counts."""
    from flows.cli.search_output import print_result, result_json
    from flows.es.search import SearchFilters, search

    filters = SearchFilters(outlet, person, org, place, author, _iso_date(since), _iso_date(until))
    settings: Settings = ctx.obj
    es = make_client(settings)
    with one_line_errors(settings.es_url):
        check_connection(es, settings)
        try:
            result = search(es, settings, query, filters, paragraphs=paragraphs, size=size)
        except NotFoundError:
            raise fail(
                f"no index {settings.index_prefix}-* to search yet: ingest some files first"
            ) from None
    if as_json:
        typer.echo(result_json(result, paragraphs=paragraphs))
        return
    print_result(Console(), result, paragraphs=paragraphs)
