"""prefect-dask's task runner, made to work for newsindex batches on a real Dask cluster.

- A batch of files is passed as `quote(files)`; Prefect's `quote` comes back from pickle
  wrapped in one more tuple, so the files arrived on the workers as tuples. Submitted
  parameters are re-quoted with `PicklableQuote`, which comes back as itself.
- A scheduler that cannot be reached, or a batch whose workers all died (Dask retries a task
  lost with its worker on another one first), raises `TaskRunnerError`: the run stops with
  one clear line instead of a traceback.
"""

from __future__ import annotations

from typing import Any

import distributed
from prefect.utilities.annotations import quote
from prefect_dask import DaskTaskRunner
from prefect_dask.client import PrefectDaskClient
from prefect_dask.task_runners import PrefectDaskFuture

from flows.runner_errors import TaskRunnerError

# What a lost cluster looks like from a future: workers killed, the connection gone.
_CLUSTER_ERRORS = (distributed.KilledWorker, distributed.client.FutureCancelledError, OSError)


class PicklableQuote(quote):
    """A `quote` that pickles as itself (`quote` pickles as a tuple: one more level)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any]]:
        return type(self), (self.unwrap(),)


class DaskBatchFuture(PrefectDaskFuture):
    """A Dask future whose cluster failures are `TaskRunnerError`s naming the batch's task."""

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        try:
            return super().result(timeout=timeout, raise_on_failure=raise_on_failure)
        except _CLUSTER_ERRORS as exc:
            raise TaskRunnerError(
                f"Dask lost task run {self.task_run_id}: {type(exc).__name__}: {exc}"[:300]
            ) from exc


class NewsindexDaskTaskRunner(DaskTaskRunner):
    """DaskTaskRunner with picklable quoted parameters and one-line cluster errors."""

    @property
    def client(self) -> PrefectDaskClient:
        try:
            return super().client
        except OSError as exc:  # distributed's connect timeout is an OSError
            where = self.address or "the local cluster"
            raise TaskRunnerError(f"cannot reach the Dask scheduler at {where}: {exc}") from None

    def submit(
        self,
        task: Any,
        parameters: dict[str, Any],
        wait_for: Any = None,
        dependencies: Any = None,
    ) -> DaskBatchFuture:
        requoted = {
            name: PicklableQuote(value.unwrap()) if isinstance(value, quote) else value
            for name, value in parameters.items()
        }
        future = super().submit(task, requoted, wait_for=wait_for, dependencies=dependencies)
        return DaskBatchFuture(wrapped_future=future.wrapped_future, task_run_id=future.task_run_id)
