"""The run log: one small document per finished run in the index `{prefix}-runs`.

Prefect keeps each run's report as an artifact on its server (a temporary one forgets it), so
the counts `newsindex status` shows are also written here, next to the data they describe,
where any client with read access (the reader role included) finds them. The index is a
plain one (no alias, no versions), made from `mappings/runs.json` on the first write.
Recording is best effort: a run never fails because its log line could not be written.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError, TransportError

from flows.config import Settings
from flows.es.client import make_client
from flows.es.templates import load_mapping

log = logging.getLogger(__name__)

RUN_FIELDS = (
    "files_seen",
    "indexed",
    "skipped",
    "failed",
    "balanced",
    "paragraphs_indexed",
    "seconds",
)


def runs_index(settings: Settings) -> str:
    """The name of the run log index."""
    return f"{settings.index_prefix}-runs"


def _ensure_index(es: Elasticsearch, name: str) -> None:
    if es.indices.exists(index=name):
        return
    body = load_mapping("runs.json")
    try:
        es.indices.create(index=name, settings=body["settings"], mappings=body["mappings"])
    except BadRequestError as exc:
        if exc.error != "resource_already_exists_exception":  # another run made it first
            raise


def run_record(
    summary: dict[str, Any], *, flow: str, source: str | None, pipeline_version: str
) -> dict[str, Any]:
    """The run log document of a run summary (counts only: no failure reasons)."""
    finished = datetime.now(UTC)
    started = finished - timedelta(seconds=float(summary.get("seconds") or 0))
    record = {name: summary[name] for name in RUN_FIELDS if name in summary}
    return {
        "flow": flow,
        "source": source,
        "started_at": started.isoformat(timespec="milliseconds"),
        "finished_at": finished.isoformat(timespec="milliseconds"),
        "pipeline_version": pipeline_version,
        **record,
    }


def record_run(
    settings: Settings,
    summary: dict[str, Any],
    *,
    flow: str,
    source: str | None,
    pipeline_version: str,
) -> None:
    """Write one run document; an error is logged as a warning, never raised."""
    document = run_record(summary, flow=flow, source=source, pipeline_version=pipeline_version)
    name = runs_index(settings)
    try:
        es = make_client(settings)
        _ensure_index(es, name)
        es.index(index=name, document=document, refresh="wait_for")
    except (ApiError, TransportError) as exc:
        log.warning("run not recorded in %s: %s", name, str(exc).splitlines()[0][:300])


def record_flow_run(settings: Settings, summary: dict[str, Any], pipeline_version: str) -> None:
    """`record_run` for the Prefect flow run in progress (its flow name and source option)."""
    from prefect.runtime import flow_run

    options = flow_run.parameters.get("options")
    if isinstance(options, dict):
        source, dry_run = options.get("source"), options.get("dry_run")
    else:
        source, dry_run = getattr(options, "source", None), getattr(options, "dry_run", False)
    if dry_run:  # wrote nothing, and records nothing
        return
    flow = flow_run.flow_name or "ingest"
    record_run(settings, summary, flow=flow, source=source, pipeline_version=pipeline_version)


def last_runs(es: Elasticsearch, settings: Settings, size: int = 5) -> list[dict[str, Any]]:
    """The newest `size` run documents, newest first ([] before the first run)."""
    try:
        found = es.search(index=runs_index(settings), size=size, sort=[{"finished_at": "desc"}])
    except NotFoundError:
        return []
    return [hit["_source"] for hit in found["hits"]["hits"]]
