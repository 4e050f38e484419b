"""The benchmark's interval timers: unions, and timers that survive a trip to a worker process."""

from __future__ import annotations

import sys
from pathlib import Path

import cloudpickle
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import timing


def test_union_counts_overlapping_time_once() -> None:
    assert timing.union_seconds([(0.0, 2.0), (1.0, 3.0), (5.0, 6.0), (5.5, 5.8)]) == 4.0
    assert timing.union_seconds([]) == 0.0


def _stage(x: int) -> int:
    return x * 2


def _body(x: int) -> int:
    return _stage(x) + 1


def test_a_pickled_body_times_itself_and_its_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What Prefect's process pool does to a task body: pickle it, call it elsewhere."""
    monkeypatch.setattr(sys.modules[__name__], "_stage", _stage)  # restored after the test
    body = timing.TimedCall("body", "prepare-batch", _body, str(tmp_path), stages={"_stage": None})
    copy = cloudpickle.loads(cloudpickle.dumps(body))
    assert copy(20) == 41
    intervals = timing.read_intervals(tmp_path)
    assert sorted((kind, name) for kind, name, _, _ in intervals) == [
        ("body", "prepare-batch"),
        ("stage", "_stage"),
    ]
    (_, _, body_start, body_end), (_, _, stage_start, stage_end) = sorted(intervals)
    assert body_start <= stage_start <= stage_end <= body_end
    union, per_name = timing.summarise(intervals, "stage")
    assert union == stage_end - stage_start and set(per_name) == {"_stage"}


def test_a_stand_in_replaces_the_stage_it_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "_stage", _stage)
    body = timing.TimedCall("body", "b", _body, str(tmp_path), stages={"_stage": lambda x: 0})
    assert body(20) == 1
    assert {name for _, name, _, _ in timing.read_intervals(tmp_path)} == {"b", "_stage"}
