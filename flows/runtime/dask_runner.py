"""prefect-dask's task runner, made to work for newsindex batches on a real Dask cluster.

- A batch of files is passed as `quote(files)`; Prefect's `quote` comes back from pickle
  wrapped in one more tuple, so the files arrived on the workers as tuples. Submitted
  parameters are re-quoted with `PicklableQuote`, which comes back as itself.
- A scheduler that cannot be reached, a batch whose workers all died (Dask first runs a task
  lost with its worker again on another one), or a batch failing as a whole on a worker raise
  `TaskRunnerError`: the run stops with one clear line instead of a traceback.
"""

from __future__ import annotations

from typing import Any

import distributed
from elasticsearch import ApiError, TransportError
from prefect.client.schemas.objects import State
from prefect.utilities.annotations import quote
from prefect_dask import DaskTaskRunner
from prefect_dask.client import PrefectDaskClient
from prefect_dask.task_runners import PrefectDaskFuture

from flows.runtime.runner_errors import TaskRunnerError

# What a lost cluster looks like from a future: workers killed, the connection gone.
_CLUSTER_ERRORS = (distributed.KilledWorker, distributed.client.FutureCancelledError, OSError)


class PicklableQuote(quote):
    """A `quote` that pickles as itself (`quote` pickles as a tuple: one more level)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[type, tuple[Any]]:
        return type(self), (self.unwrap(),)


class DaskBatchFuture(PrefectDaskFuture):
    """A Dask future whose failures are one-line `TaskRunnerError`s.

    The cluster's own (workers killed, connection lost) and a batch failing as a whole on a
    worker (a model or package missing there: a file's own problem fails that file only)
    both stop the run; Elasticsearch errors stay what they are (the flow reports those).
    """

    def result(self, timeout: float | None = None, raise_on_failure: bool = True) -> Any:
        if not self._final_state:
            try:
                state = self._wrapped_future.result(timeout=timeout)
            except distributed.TimeoutError as exc:  # before OSError, of which it is one
                raise TimeoutError(f"task run {self.task_run_id}: no result in {timeout}s") from exc
            except _CLUSTER_ERRORS as exc:
                raise TaskRunnerError(f"Dask lost a batch: {type(exc).__name__}: {exc}") from exc
            if not isinstance(state, State):
                return state
            self._final_state = state
        try:
            return self._final_state.result(raise_on_failure=raise_on_failure, _sync=True)
        except (ApiError, TransportError):
            raise
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"[:300]
            raise TaskRunnerError(f"a batch failed on a Dask worker: {reason}") from exc


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
