"""The Prefect task runner, chosen by one setting: NEWSINDEX_TASK_RUNNER=processes|threads|dask."""

from __future__ import annotations

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.config import Settings


def build_task_runner(settings: Settings) -> TaskRunner:
    """Worker processes by default: cleaning and NER are CPU-bound Python, which threads share.

    Threads start at once (small runs); Dask (prefect-dask) spreads batches over machines.
    """
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner  # optional extra: pip install newsindex[dask]

        if settings.dask_address:
            return DaskTaskRunner(address=settings.dask_address)
        return DaskTaskRunner(
            cluster_kwargs={"n_workers": settings.task_workers, "threads_per_worker": 1}
        )
    if settings.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=settings.task_workers)
    return ProcessPoolTaskRunner(max_workers=settings.task_workers)
