"""The Prefect task runner, chosen by one setting: NEWSINDEX_TASK_RUNNER=threads|dask."""

from __future__ import annotations

from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner

from flows.config import Settings


def build_task_runner(settings: Settings) -> TaskRunner:
    """Threads on one machine; Dask (prefect-dask) to spread CPU-heavy batches over many."""
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner  # optional extra: pip install newsindex[dask]

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": settings.task_workers, "threads_per_worker": 1}
        )
    return ThreadPoolTaskRunner(max_workers=settings.task_workers)
