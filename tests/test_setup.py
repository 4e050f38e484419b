"""`newsindex setup` against the real Elasticsearch, and a stub Kibana.

Kibana cannot run on these machines, so a local HTTP stub stands in for it here (see
`tests/kibana_stub.py`), and only for Kibana: Elasticsearch is the real server.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from elasticsearch import Elasticsearch
from typer.testing import CliRunner

from flows.cli import main as cli
from flows.config import Settings
from flows.es.indices import aliases
from tests.kibana_stub import KibanaStub, closed_port_url

runner = CliRunner()


def run_setup(monkeypatch: pytest.MonkeyPatch, settings: Settings, *args: str) -> Any:
    return runner.invoke(cli.app, ["setup", *args], obj=settings)


def cluster_state(es: Elasticsearch, prefix: str) -> dict[str, Any]:
    """Everything setup may write under a prefix: templates, indices, aliases, mappings."""
    missing = es.options(ignore_status=404)
    return {
        "component": missing.cluster.get_component_template(name=f"{prefix}-*").body,
        "templates": missing.indices.get_index_template(name=f"{prefix}-*").body,
        "indices": es.indices.get(index=f"{prefix}-*", expand_wildcards="all").body,
    }


def test_setup_twice_changes_nothing_the_second_time(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, es: Elasticsearch
) -> None:
    first = run_setup(monkeypatch, settings, "--skip-kibana")
    assert first.exit_code == 0, first.output
    assert "templates: written" in first.output
    assert "indices: created" in first.output
    before = cluster_state(es, settings.index_prefix)
    names = aliases(settings)
    assert len(before["templates"]["index_templates"]) == 2
    assert len(before["indices"]) == 2  # one physical index per kind, behind its alias
    assert {alias for body in before["indices"].values() for alias in body["aliases"]} == set(
        names.names()
    )

    second = run_setup(monkeypatch, settings, "--skip-kibana")
    assert second.exit_code == 0, second.output
    assert "templates: unchanged" in second.output
    assert "indices: unchanged" in second.output
    assert "Kibana: skipped" in second.output
    assert cluster_state(es, settings.index_prefix) == before


def test_full_setup_imports_the_objects_for_the_prefix(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, es: Elasticsearch
) -> None:
    with KibanaStub(status_levels=("unavailable", "available")) as kibana:
        configured = settings.model_copy(update={"kibana_url": kibana.url})
        result = run_setup(monkeypatch, configured, "--wait", "20")
    assert result.exit_code == 0, result.output
    assert [r.path for r in kibana.requests if r.method == "GET"] == ["/api/status"] * 2
    [request] = kibana.imports()
    [part] = request.parts()
    objects = [json.loads(line) for line in part.get_payload(decode=True).splitlines()]
    assert f"Kibana: {len(objects)} objects imported" in result.output

    prefix = settings.index_prefix
    assert all(obj["id"].startswith(f"{prefix}-") for obj in objects)
    titles = {obj["attributes"]["title"] for obj in objects if obj["type"] == "index-pattern"}
    assert titles == set(aliases(settings).names())
    assert all(es.indices.exists_alias(name=title) for title in titles)
    ids = {obj["id"] for obj in objects}
    assert all(ref["id"] in ids for obj in objects for ref in obj["references"])


def test_unreachable_elasticsearch_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings(_env_file=None, es_url=closed_port_url(), es_request_timeout=2)
    result = run_setup(monkeypatch, settings, "--skip-kibana")
    assert result.exit_code == 2
    assert "NEWSINDEX_ES_URL" in result.stderr
    assert "Traceback" not in result.output


def test_unreachable_kibana_fails_after_elasticsearch_is_set_up(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, es: Elasticsearch
) -> None:
    configured = settings.model_copy(update={"kibana_url": closed_port_url()})
    result = run_setup(monkeypatch, configured)
    assert result.exit_code == 2
    assert "indices: created" in result.stdout
    assert "NEWSINDEX_KIBANA_URL" in result.stderr
    assert es.indices.exists_alias(name=aliases(settings).articles)
