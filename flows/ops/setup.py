"""`newsindex setup`: index templates, first indices and aliases, then the Kibana objects."""

from __future__ import annotations

from flows.config import Settings
from flows.es.client import check_connection, make_client, redact_url
from flows.es.indices import IndexState, ensure_indices
from flows.es.templates import KINDS
from flows.ops.kibana import ImportResult, import_saved_objects, wait_for_kibana


def setup_elasticsearch(settings: Settings) -> tuple[str, IndexState]:
    """Check the connection, then apply templates, indices and aliases (idempotent).

    Returns the server version and what `ensure_indices` found or made; raises
    EsUnavailableError (one clear line) when Elasticsearch cannot be used.
    """
    es = make_client(settings)
    try:
        version = check_connection(es, settings)
        return version, ensure_indices(es, settings)
    finally:
        es.close()


def describe_indices(settings: Settings, version: str, state: IndexState) -> list[str]:
    """Human lines saying what setup changed in Elasticsearch."""
    lines = [
        f"Elasticsearch {version} at {redact_url(settings.es_url)}",
        f"templates: {'written' if state.templates_changed else 'unchanged'}"
        f" (text analyzer {state.analyzer})",
    ]
    if state.created:
        lines.append(f"indices: created {', '.join(state.created)}")
    else:
        lines.append("indices: unchanged")
    for kind in KINDS:
        lines.append(f"alias {state.aliases.get(kind)} -> {state.write_indices.get(kind)}")
    lines += [f"rebuild needed: {reason}" for reason in state.rebuild_reasons]
    return lines


def setup_kibana(settings: Settings, wait: float = 0.0) -> ImportResult:
    """Wait up to `wait` seconds for Kibana (if > 0), then import the saved objects."""
    if wait > 0:
        wait_for_kibana(settings, timeout=wait)
    return import_saved_objects(settings)
