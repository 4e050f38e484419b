"""The ingest flow on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
loopback, a real `prefect server` and the real Elasticsearch, driven through `newsindex run`.

The same synthetic corpus is also indexed with the process pool: both runs must index every
document once with the same story and duplicate fields. A worker SIGKILLed in the middle of a
run must leave a run that finished or failed in one line, and a re-run that completes.
The source-root checks hold where the worker reads a file and for a deployment's parameters.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, get_task_stream
from elasticsearch import Elasticsearch
from elasticsearch.helpers import scan
from prefect.utilities.annotations import quote
from pydantic import ValidationError

from flows.config import Settings
from flows.ingest import IngestOptions
from flows.ops.local_dask import LocalDaskCluster
from flows.ops.local_es import free_port
from flows.runtime.dask_runner import PicklableQuote
from flows.runtime.runner_errors import TaskRunnerError
from flows.runtime.task_runner import share_api_with_workers
from flows.sources import SourceError, SourceFile, discover, read_file, source_root_for
from tests.conftest import delete_prefixed
from tests.prefect_server import VENV_BIN, PrefectApi, prefect_env, prefect_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import corpus  # bench/ holds scripts, not a package

DOCS = 36
BATCH = 4  # nine batches: enough to spread over two workers and to kill one mid-run


class Stack:
    """The running services and what a `newsindex run` against them needs."""

    def __init__(self, api: PrefectApi, cluster: LocalDaskCluster, env: dict, source: Path):
        self.api, self.cluster, self.env, self.source = api, cluster, env, source

    def command(self, prefix: str, runner: str) -> tuple[list[str], dict[str, str]]:
        env = self.env | {
            "NEWSINDEX_INDEX_PREFIX": prefix,
            "NEWSINDEX_TASK_RUNNER": runner,
            "NEWSINDEX_DEAD_LETTER_PATH": str(self.cluster.workdir / f"{prefix}-dead.jsonl"),
        }
        if runner == "dask":
            env["NEWSINDEX_DASK_ADDRESS"] = self.cluster.address
        command = [str(VENV_BIN / "newsindex"), "run", str(self.source)]
        return [*command, "--batch-size", str(BATCH)], env

    def run(self, prefix: str, runner: str) -> subprocess.CompletedProcess[str]:
        command, env = self.command(prefix, runner)
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, es_url: str) -> Iterator[Stack]:
    home = tmp_path_factory.mktemp("prefect")
    source = tmp_path_factory.mktemp("corpus")
    corpus.write_corpus(source, DOCS, seed=11, per_folder=DOCS)
    (source / "truth.jsonl").unlink()  # not news: only the documents are read
    with prefect_server(home) as api:
        env = prefect_env(home) | {
            "PREFECT_API_URL": f"{api.base}/api",
            "PREFECT_LOGGING_LEVEL": "INFO",
            "NEWSINDEX_ES_URL": es_url,
            "NEWSINDEX_TASK_WORKERS": "2",
            "OPENBLAS_NUM_THREADS": "1",
        }
        cluster = LocalDaskCluster(tmp_path_factory.mktemp("dask"), env=env).start(workers=2)
        try:
            yield Stack(api, cluster, env, source)
        finally:
            cluster.stop()


@pytest.fixture
def prefixes(es: Elasticsearch) -> Iterator[list[str]]:
    """Index prefixes made by a test, deleted afterwards."""
    made: list[str] = []
    yield made
    for prefix in made:
        delete_prefixed(es, prefix)


def indexed(es: Elasticsearch, prefix: str) -> dict[str, tuple[str | None, str | None]]:
    """story_id and duplicate_of of every article under `prefix`, by id; ids must be unique."""
    es.indices.refresh(index=f"{prefix}-articles")
    hits = list(
        scan(es, index=f"{prefix}-articles", _source=["story_id", "duplicate_of"], size=500)
    )
    by_id = {
        h["_id"]: (h["_source"].get("story_id"), h["_source"].get("duplicate_of")) for h in hits
    }
    assert len(by_id) == len(hits)
    return by_id


def paragraph_count(es: Elasticsearch, prefix: str) -> int:
    es.indices.refresh(index=f"{prefix}-paragraphs")
    return es.count(index=f"{prefix}-paragraphs")["count"]


def worker_names(client: Client) -> dict[str, str]:
    return {addr: w["name"] for addr, w in client.scheduler_info()["workers"].items()}


@pytest.mark.prefect
@pytest.mark.slow
def test_ingest_on_two_dask_workers_matches_the_process_pool(
    stack: Stack, es: Elasticsearch, prefixes: list[str]
) -> None:
    dask_prefix, pool_prefix = f"dask{os.getpid()}", f"pool{os.getpid()}"
    prefixes += [dask_prefix, pool_prefix]
    earlier = {r["id"] for r in stack.api.call("POST", "/flow_runs/filter", {})}
    with Client(stack.cluster.address) as client:
        names = worker_names(client)
        with get_task_stream(client=client) as stream:
            done = stack.run(dask_prefix, "dask")
        assert done.returncode == 0, done.stderr[-3000:]
        ran_on = {names[t["worker"]] for t in stream.data if "prepare" in str(t["key"])}
    assert ran_on == {"w1", "w2"}, f"preparation batches ran on {ran_on} only"

    all_runs = stack.api.call("POST", "/flow_runs/filter", {})
    flow_runs = [r for r in all_runs if r["id"] not in earlier]
    assert [r["state_type"] for r in flow_runs] == ["COMPLETED"]  # this run, on the server
    task_runs = stack.api.call(
        "POST", "/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_runs[0]["id"]]}}}
    )
    batches = -(-DOCS // BATCH)
    names_states = sorted((r["name"].rsplit("-", 1)[0], r["state_type"]) for r in task_runs)
    assert names_states == sorted(
        [("index-batch", "COMPLETED")] * batches + [("prepare-batch", "COMPLETED")] * batches
    )
    worker_log = stack.cluster.log_path("w1").read_text() + stack.cluster.log_path("w2").read_text()
    assert "prepare-batch" in worker_log  # the workers' task logs (they report to the server)
    assert "temporary" not in worker_log.lower()  # no worker started a Prefect server of its own

    pooled = stack.run(pool_prefix, "processes")
    assert pooled.returncode == 0, pooled.stderr[-3000:]
    on_dask, on_pool = indexed(es, dask_prefix), indexed(es, pool_prefix)
    assert len(on_dask) == DOCS
    assert on_dask == on_pool
    assert len({story for story, _ in on_dask.values()}) < DOCS  # some stories group articles
    assert any(duplicate for _, duplicate in on_dask.values())
    assert paragraph_count(es, dask_prefix) == paragraph_count(es, pool_prefix) > DOCS


@pytest.mark.prefect
@pytest.mark.slow
def test_a_worker_killed_mid_run_then_a_rerun_completes(
    stack: Stack, es: Elasticsearch, prefixes: list[str]
) -> None:
    prefix = f"kill{os.getpid()}"
    prefixes.append(prefix)
    command, env = stack.command(prefix, "dask")
    with Client(stack.cluster.address) as client:
        names = worker_names(client)
        run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        victim = None
        deadline = time.monotonic() + 300
        while victim is None and run.poll() is None and time.monotonic() < deadline:
            busy = [
                a for a, keys in client.processing().items() if any("prepare" in k for k in keys)
            ]
            victim = names[busy[0]] if busy else None
            time.sleep(0.1)
        assert victim, "no preparation batch was seen running on a worker"
        stack.cluster.kill_worker(victim)
        err = run.communicate(timeout=600)[1]
    if run.returncode != 0:  # failed: cleanly, in one line, with what it had done
        assert run.returncode == 2, err.decode()[-3000:]
        assert "Traceback" not in err.decode()
        assert err.decode().strip().splitlines()[-1].startswith("error: run stopped:")
    rerun = stack.run(prefix, "dask")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert len(indexed(es, prefix)) == DOCS
    assert paragraph_count(es, prefix) > DOCS


@pytest.mark.prefect
@pytest.mark.slow
def test_unreachable_scheduler_and_deployment_parameters_fail_in_one_line(
    stack: Stack, tmp_path: Path
) -> None:
    command, env = stack.command(f"gone{os.getpid()}", "dask")
    env |= {
        "NEWSINDEX_DASK_ADDRESS": f"tcp://127.0.0.1:{free_port()}",
        "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s",
    }
    gone = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert gone.returncode == 2, gone.stderr[-3000:]
    assert "Traceback" not in gone.stderr
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:" in gone.stderr.splitlines()[-1]

    command, env = stack.command(f"nomodel{os.getpid()}", "dask")
    env["NEWSINDEX_SPACY_MODELS"] = "en=xx_model_not_on_the_workers"
    missing = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    # Each batch is its files' failure (dead-lettered, one line each), the run ends with exit 3.
    assert missing.returncode == 3, missing.stderr[-3000:]
    assert "Traceback" not in missing.stderr
    failed = [line for line in missing.stderr.splitlines() if "failed, its " in line]
    assert failed, missing.stderr[-3000:]
    assert all("a batch failed on a Dask worker: OSError:" in line for line in failed)
    assert all("xx_model_not_on_the_workers" in line for line in failed)

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    command, env = stack.command(f"dep{os.getpid()}", "threads")
    env |= {"NEWSINDEX_INBOX": str(inbox), "PREFECT__RUNTIME__DEPLOYMENT__ID": str(uuid.uuid4())}
    ui = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert ui.returncode == 2, ui.stderr[-3000:]
    assert ui.stderr.strip().splitlines()[-1] == (
        f"error: source {stack.source} is outside the source root {inbox.resolve()}"
    )


# --- no services --------------------------------------------------------------------------


def test_a_quoted_batch_of_files_comes_back_from_pickle_as_itself() -> None:
    files = [SourceFile(uri="/news/a.html", size=3), SourceFile(uri="/news/b.txt", size=4)]
    assert pickle.loads(pickle.dumps(quote(files))).unwrap() != files  # Prefect's: one more tuple
    assert pickle.loads(pickle.dumps(PicklableQuote(files))).unwrap() == files


def test_the_worker_refuses_a_file_swapped_for_a_symlink_outside_the_root(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "secret.txt"
    root.mkdir()
    outside.write_text("not news")
    (root / "a.txt").write_text("news")
    [found] = discover(str(root), allowed_root=root)
    assert read_file(found, 1024, root).data == b"news"
    (root / "a.txt").unlink()
    (root / "a.txt").symlink_to(outside)  # after discovery, before the worker reads it
    refused = read_file(found, 1024, root)
    assert refused.data == b"" and refused.error == f"outside the source root {root.resolve()}"
    url = read_file(SourceFile(uri=f"local://{outside}", size=8), 1024, root)
    assert url.data == b"" and "not allowed with a source root" in (url.error or "")
    assert read_file(SourceFile(uri=str(outside), size=8), 1024).data == b"not news"  # no root


def test_a_deployment_run_reads_only_its_inbox_unless_a_root_is_set(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    assert source_root_for("/etc", None, str(inbox), deployed=True) == inbox.resolve()
    assert source_root_for("/etc", None, str(inbox), deployed=False) is None
    assert source_root_for("/etc", tmp_path, str(inbox), deployed=True) == tmp_path
    assert source_root_for("s3://b/inbox/x/", None, "s3://b/inbox", deployed=True) is None
    for outside in ("s3://b/other/", "s3://b/inbox/../other/", "s3://b/inboxes/"):
        with pytest.raises(SourceError, match="outside the inbox"):
            source_root_for(outside, None, "s3://b/inbox/", deployed=True)


def test_run_parameters_and_scheduler_address_are_validated_before_any_request() -> None:
    assert IngestOptions(source="s3://bucket/news/", include=["*.html"]).include == ["*.html"]
    for bad in ({"source": "inbox\x00/../etc"}, {"source": " "}, {"include": ["../*.txt"]}):
        with pytest.raises(ValidationError):
            IngestOptions(**bad)
    with pytest.raises(ValidationError):
        IngestOptions(include=["*.txt"] * 101)
    assert Settings(_env_file=None, dask_address="tcp://10.0.0.5:8786").dask_address
    assert Settings(_env_file=None, dask_address="[::1]:8786").dask_address
    for bad in ("tcp://host:8786/../x", "file:///tmp/scheduler.json", "host", "tcp://a b:1"):
        with pytest.raises(ValidationError):
            Settings(_env_file=None, dask_address=bad)


def test_dask_workers_elsewhere_need_a_real_prefect_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    remote = Settings(_env_file=None, task_runner="dask", dask_address="tcp://10.0.0.5:8786")
    with pytest.raises(TaskRunnerError, match="set PREFECT_API_URL"):
        share_api_with_workers(remote)
