"""Wall-clock intervals of named calls, from the flow process and its task-runner workers.

``TimedCall`` wraps a function and appends one ``[kind, name, start, end]`` JSON line per
call to ``<log_dir>/<pid>.jsonl``. It holds no lock or open file, so Prefect can pickle it
into a worker process; times are ``time.time()`` so intervals from all processes compare.
A wrapped task body also times, in whatever process it runs, the stage functions it calls.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

_write_lock = threading.Lock()


class TimedCall:
    """``fn`` with each call's interval logged under ``kind`` and ``name``."""

    def __init__(
        self,
        kind: str,
        name: str,
        fn: Callable[..., Any],
        log_dir: str,
        materialise: bool = False,
        stages: Mapping[str, Callable[..., Any] | None] | None = None,
    ) -> None:
        self.kind, self.name, self.fn, self.log_dir = kind, name, fn, log_dir
        self.materialise = materialise  # drain a returned generator inside the interval
        self.stages = dict(stages or {})  # stage name -> stand-in (None: time the real one)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._time_stages()
        started = time.time()
        try:
            result = self.fn(*args, **kwargs)
            return iter(list(result)) if self.materialise else result
        finally:
            record = json.dumps([self.kind, self.name, started, time.time()])
            log = Path(self.log_dir) / f"{os.getpid()}.jsonl"
            with _write_lock, log.open("a") as out:
                out.write(record + "\n")

    def _time_stages(self) -> None:
        """Wrap the stage functions the body calls, once per process (by value in a worker)."""
        names = getattr(self.fn, "__globals__", {})
        for stage, stand_in in self.stages.items():
            if stage in names and not isinstance(names[stage], TimedCall):
                names[stage] = TimedCall("stage", stage, stand_in or names[stage], self.log_dir)


def read_intervals(log_dir: Path) -> list[tuple[str, str, float, float]]:
    """Every interval logged under ``log_dir`` by any process."""
    found = []
    for path in log_dir.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            kind, name, start, end = json.loads(line)
            found.append((kind, name, start, end))
    return found


def union_seconds(intervals: Iterable[tuple[float, float]]) -> float:
    """Length of the union of ``(start, end)`` intervals."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(intervals):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def summarise(intervals: list[tuple[str, str, float, float]], kind: str) -> tuple[float, Counter]:
    """Union seconds of one kind of interval, and the summed seconds per name."""
    chosen = [(name, start, end) for k, name, start, end in intervals if k == kind]
    per_name: Counter[str] = Counter()
    for name, start, end in chosen:
        per_name[name] += end - start
    return union_seconds((start, end) for _, start, end in chosen), per_name
