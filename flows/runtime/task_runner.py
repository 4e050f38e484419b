"""The Prefect task runner, chosen by one setting: NEWSINDEX_TASK_RUNNER=processes|threads|dask."""

from __future__ import annotations

import logging
import os

from prefect import get_client
from prefect.logging.configuration import ensure_logging_setup
from prefect.settings import PREFECT_API_URL
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.config import Settings, run_settings
from flows.runtime.console_logs import quiet_console
from flows.runtime.prefect_api import temporary_api_url
from flows.runtime.runner_errors import TaskRunnerError

log = logging.getLogger(__name__)


def build_task_runner(
    settings: Settings, *, in_process: bool = False, verbose: bool = True
) -> TaskRunner:
    """Worker processes by default: cleaning and NER are CPU-bound Python, which threads share.

    Threads start at once (small runs, or `in_process`: a run of one batch has nothing to run
    in parallel, and a worker process would load Python, Prefect and spaCy again first); Dask
    (prefect-dask) spreads batches over machines. Without `verbose` worker processes print one
    line per log record and, of Prefect's own, only retry notices.
    """
    if settings.task_runner == "dask":
        from flows.runtime.dask_runner import NewsindexDaskTaskRunner  # optional extra: [dask]

        if settings.dask_address:
            return NewsindexDaskTaskRunner(address=settings.dask_address)
        return NewsindexDaskTaskRunner(
            cluster_kwargs={"n_workers": settings.task_workers, "threads_per_worker": 1}
        )
    if settings.task_runner == "threads" or in_process:
        return ThreadPoolTaskRunner(max_workers=settings.task_workers)
    return ProcessPoolTaskRunner(
        max_workers=settings.task_workers, initializer=_quiet_worker, initargs=(verbose,)
    )


class RunnerOfRunSettings(ThreadPoolTaskRunner):
    """The flows' default task runner, chosen when a run starts: Prefect starts every flow run
    on `duplicate()` of its flow's runner, which here is `build_task_runner(run_settings())`.

    A caller with a runner of its own passes it (`flow.with_options(task_runner=...)`); a
    deployment's run gets the one its worker's settings name, read at the start of the run.
    """

    def duplicate(self) -> TaskRunner:
        return build_task_runner(run_settings())


def _quiet_worker(verbose: bool) -> None:
    """Worker process start: Prefect's logging set up first, then quietened like the CLI's."""
    ensure_logging_setup()
    quiet_console(verbose)


def share_api_with_workers(settings: Settings) -> None:
    """Make worker processes started from here report to this process's Prefect API.

    With no PREFECT_API_URL, Prefect serves a temporary API from each process that needs one:
    every worker of the process pool started a server of its own, some 10 s before its first
    batch, and recorded its task runs there. The pool starts its workers at the first submit and
    they inherit the environment, so exporting the flow's temporary server URL before it gives
    them the flow's API. A no-op when an API is configured, or when the CLI's own temporary
    server is in use (flows.runtime.prefect_api exported it). Workers of an existing Dask cluster
    (NEWSINDEX_DASK_ADDRESS) were started elsewhere and cannot reach a temporary API: without
    PREFECT_API_URL that is refused (TaskRunnerError) before any batch is sent.
    """
    configured = PREFECT_API_URL.value()
    if configured and configured != temporary_api_url():
        return
    if settings.task_runner == "dask" and settings.dask_address:
        raise TaskRunnerError(
            f"the Dask workers at {settings.dask_address} need a Prefect server they can reach: "
            "set PREFECT_API_URL (e.g. http://prefect-host:4200/api) here and on every worker"
        )
    if configured:  # the CLI's temporary server, exported for the workers already
        return
    with get_client(sync_client=True) as client:
        os.environ["PREFECT_API_URL"] = str(client.api_url)
    log.debug("workers will use the temporary Prefect API %s", client.api_url)
