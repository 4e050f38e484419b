"""One writer per index set: the writer lease in Elasticsearch and the deployments' limits.

Lease mechanics run against the session server; the concurrent runs are real `newsindex`
processes sharing one temporary Prefect API, on one prefix.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from elasticsearch import Elasticsearch
from prefect.client.schemas.objects import ConcurrencyLimitStrategy

from flows.cli.errors import LEASE_HELD_EXIT
from flows.config import Settings
from flows.deployments import runner_deployments
from flows.es.indices import aliases, indices_behind
from flows.es.lease import LOCK_ID, Holder, LeaseError, LeaseHeldError, WriterLease, locks_index
from flows.es.lease import writer_lease as hold_lease
from tests.secure_es import SecuredServer
from tests.test_faults import assert_balanced, assert_indexed_exactly_once, write_articles

REMOTE = Holder("newsroom-7", 4242, "ingest/inbox-backfill")


def _with(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update=changes)


def _holder_doc(es: Elasticsearch, prefix: str) -> dict | None:
    lenient = es.options(ignore_status=(404, 503))  # 503: the new locks index is starting
    found = lenient.get(index=locks_index(prefix), id=LOCK_ID)
    return found["_source"] if found.get("found") else None


def test_a_held_lease_makes_the_next_run_wait_then_name_its_holder(
    es: Elasticsearch, settings: Settings
) -> None:
    first = WriterLease(es, _with(settings, lease_ttl=5.0), REMOTE)
    first.acquire()
    second = WriterLease(es, _with(settings, lease_wait=1.0), Holder("here", 1, "cli-second"))
    started = time.monotonic()
    with pytest.raises(LeaseHeldError) as refused:
        second.acquire()
    assert time.monotonic() - started >= 1.0  # it waited the bounded time first
    message = str(refused.value)
    assert "\n" not in message
    assert "ingest/inbox-backfill, pid 4242 on newsroom-7" in message
    assert f"writing to {settings.index_prefix}:" in message
    first.release()
    second.acquire()  # released: the next run takes it at once
    assert _holder_doc(es, settings.index_prefix)["holder"] == "cli-second, pid 1 on here"
    second.release()
    assert _holder_doc(es, settings.index_prefix) is None
    # the locks index is hidden: `{prefix}-*` (Kibana patterns, index listings) does not see it
    assert locks_index(settings.index_prefix) not in es.indices.get(
        index=f"{settings.index_prefix}-*"
    )


def test_a_holder_that_stops_renewing_expires_and_the_next_run_takes_over(
    es: Elasticsearch, settings: Settings
) -> None:
    short = _with(settings, lease_ttl=2.0, lease_wait=20.0)
    gone = WriterLease(es, short, REMOTE)  # on another machine: only the expiry tells
    gone.acquire()
    time.sleep(1.0)  # renewed meanwhile: the lease outlives its first TTL
    gone._stop.set()  # the holder dies: renewals stop, nothing is released
    gone._renewer.join()
    died = time.monotonic()
    successor = WriterLease(es, short, Holder("here", 2, "cli-next"))
    successor.acquire()
    waited = time.monotonic() - died
    assert 0.5 < waited < 2.0 + 2.0, f"took over after {waited:.1f}s, TTL is 2s"
    assert _holder_doc(es, settings.index_prefix)["run"] == "cli-next"
    successor.release()


def test_a_lease_lost_during_the_run_fails_it(es: Elasticsearch, settings: Settings) -> None:
    lost = pytest.raises(LeaseError, match="lost during the run")
    with lost, hold_lease(es, _with(settings, lease_ttl=1.5)):
        es.index(index=locks_index(settings.index_prefix), id=LOCK_ID, document={"x": 1})
        time.sleep(1.0)  # the next renewal finds the document changed under it


def test_the_writer_role_can_hold_the_lease(secured_es: SecuredServer) -> None:
    settings = secured_es.settings("writer", lease_wait=0.0)
    es = Elasticsearch(
        settings.es_url,
        ca_certs=str(settings.es_ca_certs),
        basic_auth=(settings.es_username, settings.es_password.get_secret_value()),
    )
    with hold_lease(es, settings):
        assert _holder_doc(es, settings.index_prefix)["pid"] == os.getpid()
    assert _holder_doc(es, settings.index_prefix) is None


def test_each_deployment_runs_one_flow_run_at_a_time() -> None:
    limits = {
        d.name: (d.concurrency_limit, d.concurrency_options.collision_strategy)
        for d in runner_deployments("inbox", "*/15 * * * *")
    }
    assert limits == {
        "inbox": (1, ConcurrencyLimitStrategy.CANCEL_NEW),
        "rebuild": (1, ConcurrencyLimitStrategy.ENQUEUE),
    }


# --- real concurrent runs ------------------------------------------------------------------


@pytest.fixture(scope="module")
def prefect_api(harness: str) -> str:
    """One temporary Prefect API shared by the module's CLI processes."""
    return harness


class Cli:
    """A running `newsindex` process whose output is read as it comes (the test can wait on it)."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.pid = self.process.pid
        self._out: list[str] = []
        self._err: list[str] = []
        self._readers = [
            threading.Thread(target=self._drain, args=(stream, lines), daemon=True)
            for stream, lines in (
                (self.process.stdout, self._out),
                (self.process.stderr, self._err),
            )
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _drain(stream: IO[str], lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    @property
    def err(self) -> str:
        return "".join(self._err)

    def wait_for_stderr(self, text: str, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.err:
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared on stderr: {self.err[-2000:]}")
            time.sleep(0.1)

    def pause(self) -> None:
        os.killpg(self.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.killpg(self.pid, signal.SIGCONT)

    def finish(self) -> tuple[int, dict | None, str]:
        """Exit code, the --json summary (None when stdout is empty) and stderr."""
        code = self.process.wait(timeout=600)
        for reader in self._readers:
            reader.join(timeout=30)
        out = "".join(self._out)
        return code, json.loads(out) if out.strip() else None, self.err

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=30)


_started: list[Cli] = []


@pytest.fixture(autouse=True)
def _no_leftover_runs() -> Iterator[None]:
    """A failed test leaves no `newsindex` process behind (nor a paused one)."""
    yield
    while _started:
        _started.pop().kill()


def _cli(settings: Settings, api: str, home: Path, *args: str, **env: str) -> Cli:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "NEWSINDEX_"))}
    base |= {
        "PREFECT_API_URL": api,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "NEWSINDEX_ES_URL": settings.es_url,
        "NEWSINDEX_INDEX_PREFIX": settings.index_prefix,
        "NEWSINDEX_DEAD_LETTER_PATH": str(settings.dead_letter_path),
        "NEWSINDEX_TASK_RUNNER": "threads",
        # a holder the test pauses must not expire meanwhile
        "NEWSINDEX_LEASE_TTL": "600",
    }
    base |= {f"NEWSINDEX_{key.upper()}": value for key, value in env.items()}
    json_summary = ["--json"] if args[0] in {"run", "rebuild"} else []
    run = Cli([str(Path(sys.executable).parent / "newsindex"), *args, *json_summary], base)
    _started.append(run)
    return run


def _wait_for_holder(es: Elasticsearch, prefix: str, run_name: str, run: Cli) -> dict:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.process.poll() is None:
        held = _holder_doc(es, prefix)
        if held and held["run"].startswith(run_name):
            return held
        time.sleep(0.05)
    raise AssertionError(f"no {run_name} run took the lease: {run.finish()}")


def _hold_paused(es: Elasticsearch, prefix: str, run_name: str, run: Cli) -> dict:
    """Pause `run` once it holds the lease: the test decides when it may finish."""
    held = _wait_for_holder(es, prefix, run_name, run)
    run.pause()
    return held


@pytest.mark.slow
def test_two_runs_at_once_one_waits_one_gives_up_with_one_line(
    es: Elasticsearch, settings: Settings, prefect_api: str, tmp_path: Path
) -> None:
    files = write_articles(tmp_path / "in", 60)
    source = str(tmp_path / "in")
    first = _cli(settings, prefect_api, tmp_path / "p1", "run", source, "--batch-size", "1")
    held = _hold_paused(es, settings.index_prefix, "ingest/", first)  # mid-run, until resumed
    assert (held["host"], held["pid"]) == (socket.gethostname(), first.pid)
    patient = _cli(settings, prefect_api, tmp_path / "p3", "run", source, lease_wait="300")
    impatient = _cli(settings, prefect_api, tmp_path / "p2", "run", source, lease_wait="0")

    code, summary, err = impatient.finish()
    assert code == LEASE_HELD_EXIT, err[-2000:]
    assert summary is None
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err[-2000:]
    named = re.search(rf"ingest/\S+ \([0-9a-f-]+\), pid (\d+) on {socket.gethostname()} ", lines[0])
    assert named and int(named.group(1)) == first.pid, lines[0]
    patient.wait_for_stderr("waiting up to")  # it found the lease taken and waits for it
    first.resume()

    code, summary, err = first.finish()
    assert code == 0, err[-2000:]
    assert summary["indexed"] == len(files)
    code, summary, err = patient.finish()
    assert code == 0, err[-2000:]
    assert_balanced(summary)
    assert (summary["skipped"], summary["indexed"]) == (len(files), 0)  # after the first one
    assert_indexed_exactly_once(es, settings.index_prefix, files)
    assert _holder_doc(es, settings.index_prefix) is None


@pytest.mark.slow
def test_an_ingest_started_during_a_rebuild_lands_in_the_new_indices(
    es: Elasticsearch, settings: Settings, prefect_api: str, tmp_path: Path
) -> None:
    archive = write_articles(tmp_path / "archive", 40, long_body=3000)
    code, _, err = _cli(
        settings, prefect_api, tmp_path / "p0", "run", str(tmp_path / "archive")
    ).finish()
    assert code == 0, err[-2000:]
    names = aliases(settings)
    before = set(indices_behind(es, names.articles))

    rebuild = _cli(
        settings, prefect_api, tmp_path / "p1", "rebuild", str(tmp_path / "archive"), batch_size="1"
    )
    _hold_paused(es, settings.index_prefix, "rebuild/", rebuild)
    inbox = write_articles(tmp_path / "inbox", 4)
    ingest = _cli(settings, prefect_api, tmp_path / "p2", "run", str(tmp_path / "inbox"))
    ingest.wait_for_stderr("waiting up to")  # the ingest meets the rebuild mid-way
    rebuild.resume()

    code, _, err = rebuild.finish()
    assert code == 0, err[-2000:]
    code, summary, err = ingest.finish()
    assert code == 0, err[-2000:]
    assert summary["indexed"] == len(inbox)
    assert set(indices_behind(es, names.articles)).isdisjoint(before)  # the aliases moved
    assert_indexed_exactly_once(es, settings.index_prefix, archive + inbox)


@pytest.mark.slow
def test_a_sigkilled_holder_does_not_block_the_next_run(
    es: Elasticsearch, settings: Settings, prefect_api: str, tmp_path: Path
) -> None:
    files = write_articles(tmp_path / "in", 24)
    source = str(tmp_path / "in")
    victim = _cli(settings, prefect_api, tmp_path / "p1", "run", source, "--batch-size", "2")
    _wait_for_holder(es, settings.index_prefix, "ingest/", victim)
    victim.kill()
    assert _holder_doc(es, settings.index_prefix)["pid"] == victim.pid  # left behind

    started = time.monotonic()
    code, summary, err = _cli(
        settings, prefect_api, tmp_path / "p2", "run", source, lease_wait="120"
    ).finish()
    assert code == 0, err[-2000:]
    assert "its holder is gone" in err  # taken over at once, not after NEWSINDEX_LEASE_TTL
    assert time.monotonic() - started < 60 + 60
    assert_balanced(summary)
    assert_indexed_exactly_once(es, settings.index_prefix, files)
