"""Prefect deployments of the flows: a scheduled inbox ingest and an on-demand rebuild.

`newsindex serve` serves them from this process (no work pool needed); `newsindex deploy`
registers them with a process work pool, where `prefect worker start --pool POOL` runs them
(the docker-compose worker does exactly that).

Their parameters are untrusted input (anyone with the Prefect UI or API can set them): they are
validated by `IngestOptions`, and a deployment run reads only under NEWSINDEX_SOURCE_ROOT, or
only its inbox when no root is set (`flows.sources.source_root_for`, applied by the flow itself,
so it holds however the run was started).

Each deployment runs one flow run at a time (a Prefect deployment concurrency limit): a
scheduled inbox ingest that finds the previous one still running is cancelled (the next tick
catches up), a rebuild requested while one runs is queued. Across deployments, and for CLI
runs, the writer lease in Elasticsearch (flows.es.lease) keeps one writer per index set.
"""

from __future__ import annotations

from pathlib import Path

from prefect import Flow, serve
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment

from flows.ingest import IngestOptions, ingest
from flows.rebuild import rebuild_indices

INGEST_DEPLOYMENT = "inbox"
REBUILD_DEPLOYMENT = "rebuild"
PROJECT_ROOT = Path(__file__).resolve().parents[1]
ONE_AT_A_TIME = {
    INGEST_DEPLOYMENT: ConcurrencyLimitConfig(
        limit=1, collision_strategy=ConcurrencyLimitStrategy.CANCEL_NEW
    ),
    REBUILD_DEPLOYMENT: ConcurrencyLimitConfig(
        limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE
    ),
}


def runner_deployments(inbox: str, cron: str) -> list[RunnerDeployment]:
    """The deployments, configured for an inbox folder and an ingest schedule."""
    inbox_options = IngestOptions(source=inbox).model_dump()
    return [
        ingest.to_deployment(
            name=INGEST_DEPLOYMENT,
            cron=cron,
            parameters={"options": inbox_options},
            concurrency_limit=ONE_AT_A_TIME[INGEST_DEPLOYMENT],
            description="Index new and changed files from the inbox folder on a schedule.",
            tags=["newsindex"],
        ),
        rebuild_indices.to_deployment(
            name=REBUILD_DEPLOYMENT,
            parameters={"options": inbox_options},
            concurrency_limit=ONE_AT_A_TIME[REBUILD_DEPLOYMENT],
            description="Re-process everything into a new index version, then swap the aliases.",
            tags=["newsindex"],
        ),
    ]


def serve_deployments(inbox: str, cron: str) -> None:
    """Serve both deployments from this process until interrupted."""
    serve(*runner_deployments(inbox, cron))


def deploy_to_pool(inbox: str, cron: str, work_pool: str) -> list[str]:
    """Register both deployments with a process work pool; returns their ids."""
    ids = []
    inbox_options = {"options": IngestOptions(source=inbox).model_dump()}
    for entrypoint, name, schedule in (
        ("flows/ingest.py:ingest", INGEST_DEPLOYMENT, cron),
        ("flows/rebuild.py:rebuild_indices", REBUILD_DEPLOYMENT, None),
    ):
        flow_from_source = Flow.from_source(source=str(PROJECT_ROOT), entrypoint=entrypoint)
        deployment_id = flow_from_source.deploy(
            name=name,
            work_pool_name=work_pool,
            cron=schedule,
            parameters=inbox_options,
            concurrency_limit=ONE_AT_A_TIME[name],
            tags=["newsindex"],
            print_next_steps=False,
        )
        ids.append(str(deployment_id))
    return ids
