"""Search over the indexed corpus: ranking, highlights, filters, facets, and the CLI."""

from __future__ import annotations

import json
import socket
from datetime import date

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from flows.cli.main import app
from flows.cli.search_output import snippet_markup
from flows.config import Settings
from flows.es.bulk import index_articles
from flows.es.indices import ensure_indices
from flows.es.search import SearchFilters, search
from tests.article_samples import corpus


@pytest.fixture
def loaded(es: Elasticsearch, settings: Settings) -> Settings:
    ensure_indices(es, settings)
    index_articles(es, settings, corpus())
    return settings


def test_best_hit_and_highlight(es: Elasticsearch, loaded: Settings) -> None:
    result = search(es, loaded, "bridge repairs")
    assert result.total == 1
    [hit] = result.hits
    assert (hit.id, hit.outlet, hit.authors) == ("a1", "Northern Ledger", ["Ruth Okafor"])
    assert any("<em>bridge</em>" in snippet.lower() for snippet in hit.snippets)


def test_facet_counts_over_all_articles(es: Elasticsearch, loaded: Settings) -> None:
    result = search(es, loaded, "")
    assert result.total == 5
    assert [hit.id for hit in result.hits] == ["a5", "a4", "a2", "a3", "a1"]  # newest first
    facets = {name: dict(buckets) for name, buckets in result.facets.items()}
    assert facets["outlet"] == {"Northern Ledger": 2, "Daily Lantern": 2, "Coastal Wire": 1}
    assert facets["person"] == {"Mara Quell": 2, "Tobin Ashgrove": 2, "Ilse Varga": 1}
    assert facets["org"] == {"City Transit Board": 2, "Portwick Council": 1, "Growers Union": 1}
    assert facets["place"] == {"Portwick": 3, "Fenmoor": 2}
    assert facets["author"]["Ruth Okafor"] == 2 and len(facets["author"]) == 4


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"outlet": "northern ledger"}, {"a1", "a2"}),  # case-insensitive name
        ({"outlet": "coastal-wire"}, {"a5"}),  # or id
        ({"person": "Tobin Ashgrove"}, {"a3", "a5"}),
        ({"org": "City Transit Board", "place": "Portwick"}, {"a1", "a4"}),
        ({"author": "Dev Lindqvist"}, {"a2"}),
        ({"since": date(2024, 3, 5), "until": date(2024, 3, 6)}, {"a2", "a3", "a4"}),
        ({"until": date(2024, 3, 4)}, {"a1"}),  # the whole day is included
    ],
)
def test_filters(es: Elasticsearch, loaded: Settings, filters: dict, expected: set[str]) -> None:
    result = search(es, loaded, "", SearchFilters(**filters))
    assert {hit.id for hit in result.hits} == expected
    assert result.total == len(expected)


def test_english_stemming_or_fallback(es: Elasticsearch, loaded: Settings) -> None:
    """ "repair" finds "repairs" only where the english analyzer is present."""
    stemmed = ensure_indices(es, loaded).analyzer == "english"
    assert search(es, loaded, "repair").total == (1 if stemmed else 0)


def test_paragraph_search(es: Elasticsearch, loaded: Settings) -> None:
    result = search(es, loaded, "frost", paragraphs=True)
    assert {(hit.article_id, hit.position) for hit in result.hits} == {("a3", 0), ("a3", 1)}
    assert all(hit.title == "Orchard growers report early frost" for hit in result.hits)
    everything = search(es, loaded, "", paragraphs=True, size=0)
    assert everything.total == 14
    outlets = dict(everything.facets["outlet"])
    assert outlets == {"Daily Lantern": 6, "Northern Ledger": 5, "Coastal Wire": 3}


def test_snippet_markup_escapes_text() -> None:
    assert snippet_markup("a [b] <em>c</em>") == "a \\[b] [bold yellow]c[/]"


def _run_cli(monkeypatch: pytest.MonkeyPatch, settings: Settings, *args: str):
    monkeypatch.setenv("NEWSINDEX_ES_URL", settings.es_url)
    monkeypatch.setenv("NEWSINDEX_INDEX_PREFIX", settings.index_prefix)
    return CliRunner().invoke(app, ["search", *args])


def test_cli_prints_hits_snippets_and_facets(
    monkeypatch: pytest.MonkeyPatch, loaded: Settings
) -> None:
    result = _run_cli(monkeypatch, loaded, "frost", "--outlet", "Daily Lantern")
    assert result.exit_code == 0, result.output
    assert "1 matching articles" in result.output
    assert "Orchard growers report early frost" in result.output
    assert "Outlets: Daily Lantern (1)" in result.output
    assert "People: Tobin Ashgrove (1)" in result.output
    paragraphs = _run_cli(monkeypatch, loaded, "frost", "--paragraphs", "--size", "1")
    assert "2 matching paragraphs" in paragraphs.output


def test_cli_json_for_scripts(monkeypatch: pytest.MonkeyPatch, loaded: Settings) -> None:
    result = _run_cli(monkeypatch, loaded, "frost", "--outlet", "Daily Lantern", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert (found["kind"], found["total"]) == ("articles", 1)
    assert found["hits"][0]["title"] == "Orchard growers report early frost"
    assert any("<em>" in snippet for snippet in found["hits"][0]["snippets"])
    assert {"value": "Daily Lantern", "count": 1} in found["facets"]["outlet"]


def test_cli_bad_date_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, loaded: Settings) -> None:
    result = _run_cli(monkeypatch, loaded, "frost", "--since", "last tuesday")
    assert result.exit_code == 2
    assert "not an ISO date" in result.output and "Traceback" not in result.output


def test_cli_unreachable_elasticsearch(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    offline = settings.model_copy(update={"es_url": f"http://127.0.0.1:{port}"})
    result = _run_cli(monkeypatch, offline, "frost")
    assert result.exit_code == 2
    assert "Cannot reach Elasticsearch" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cli_before_any_ingest(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    result = _run_cli(monkeypatch, settings, "frost")
    assert result.exit_code == 2
    assert "ingest some files first" in result.output
