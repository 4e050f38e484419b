"""Run progress from real batch completions: a live display on a terminal, plain lines elsewhere.

The flow reports each indexed batch to the active `RunProgress` (`current()`): the CLI makes a
`LiveProgress` when stderr is a terminal and a `PlainProgress` otherwise; a flow run without the
CLI (a Prefect worker, `serve`) logs the same one line per batch through its run logger.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.report import RunReport
from flows.runtime.console_logs import redirect_console


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"


class RunProgress:
    """Files done of total, docs/s, ETA and failures so far, advanced once per finished batch."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0
        self.failed = 0
        self.batches = 0
        self.started = time.perf_counter()

    def start(self, total: int) -> None:
        """The run found `total` files; the clock of the rate starts now."""
        self.total, self.started = total, time.perf_counter()

    def batch_done(self, report: RunReport) -> None:
        """Count one finished batch (indexed, skipped or failed files alike)."""
        self.batches += 1
        self.done += report.files_seen
        self.failed += report.failed
        self.show()

    @property
    def rate(self) -> float:
        """Files finished per second since `start`."""
        return self.done / max(time.perf_counter() - self.started, 1e-6)

    @property
    def eta(self) -> str:
        """Time left at the rate so far ("?" before the first batch)."""
        if not self.done:
            return "?"
        return _duration((self.total - self.done) / self.rate)

    def line(self) -> str:
        """One plain line: `batch 3: 600/1000 files, 45.2 docs/s, ETA 0m09s, 2 failed`."""
        return (
            f"batch {self.batches}: {self.done}/{self.total} files, {self.rate:.1f} docs/s, "
            f"ETA {self.eta}, {self.failed} failed"
        )

    def show(self) -> None:
        """Show the new state (subclasses)."""

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class LogProgress(RunProgress):
    """One log line per batch (a flow run outside the CLI: the Prefect worker, `serve`)."""

    def __init__(self, logger: logging.Logger | logging.LoggerAdapter[Any]) -> None:
        super().__init__()
        self.logger = logger

    def show(self) -> None:
        self.logger.info("%s", self.line())


class PlainProgress(RunProgress):
    """One plain line per batch on a console that is not a terminal (CI, cron, a pipe)."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def show(self) -> None:
        self.console.print(escape(self.line()), highlight=False, soft_wrap=True)


class LiveProgress(RunProgress):
    """A live bar on a terminal; log lines printed meanwhile scroll above it."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[rate]} docs/s · ETA {task.fields[eta]}"),
            TextColumn("· {task.fields[failed]} failed"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
            redirect_stderr=True,
        )
        self.task = self.bar.add_task("starting", total=None, rate="-", eta="?", failed=0)
        self._moved: list[logging.StreamHandler] = []

    def start(self, total: int) -> None:
        super().start(total)
        self.bar.update(self.task, description="indexing", total=total, completed=0)

    def show(self) -> None:
        fields = {"rate": f"{self.rate:.1f}", "eta": self.eta, "failed": self.failed}
        self.bar.update(self.task, completed=self.done, **fields)

    def __enter__(self) -> LiveProgress:
        real = sys.stderr
        self.bar.start()
        self._moved = redirect_console(real, sys.stderr)  # log lines print above the bar
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.bar.stop()
        for handler in self._moved:
            handler.setStream(sys.stderr)


_active: RunProgress | None = None


def current(logger: logging.Logger | logging.LoggerAdapter[Any]) -> RunProgress:
    """The progress the CLI is showing, else one that logs a line per batch to `logger`."""
    return _active if _active is not None else LogProgress(logger)


@contextmanager
def showing(progress: RunProgress) -> Iterator[RunProgress]:
    """Make `progress` the one flow runs in this process report to, while it is shown."""
    global _active
    with progress:
        _active = progress
        try:
            yield progress
        finally:
            _active = None


def for_console(console: Console) -> RunProgress:
    """A live display when `console` is a terminal, else plain lines."""
    return LiveProgress(console) if console.is_terminal else PlainProgress(console)
