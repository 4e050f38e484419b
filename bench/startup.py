"""Wall time of a small `newsindex run`: this checkout beside an earlier commit, alternated.

Usage: .venv/bin/python bench/startup.py [--baseline REF] [--rounds N] [--source data/samples]
       [--with-server]

The baseline is `git archive REF` unpacked in a temporary folder and run with this venv's
Python. Wall and CPU time (of the run and the processes it starts) are printed per run: on a
machine shared with other work the CPU time is the steadier figure. Each variant runs once
untimed (its indices and the Prefect database are made), then the variants take turns,
`--full-refresh` each time so every run does the whole work, and the medians are printed with
their ratio to the baseline. `--with-server` adds this checkout against a running
`prefect server start` (PREFECT_API_URL set: no temporary server). Uses NEWSINDEX_ES_URL when
set, otherwise starts a local Elasticsearch. No PREFECT_API_URL is passed to the other runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from flows.config import Settings  # noqa: E402
from flows.es.client import make_client  # noqa: E402
from flows.ops.local_es import LocalElasticsearch, free_port, stop_process_group  # noqa: E402

BIN = Path(sys.executable).parent
# The baseline's CLI: `flows.cli.main` since the flows/ packages, `flows.cli` before them.
BASELINE_CLI = """
try:
    from flows.cli.main import app
except ModuleNotFoundError:
    from flows.cli import app
app()
"""


def _export(ref: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", ref], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds of the run (its server and worker processes included)."""
    started, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-3000:]}")
    return seconds, _cpu() - cpu


@contextmanager
def _prefect_server(home: Path) -> Iterator[str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env |= {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    process = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{api}/health", timeout=2).close()
                break
            except OSError:
                time.sleep(0.5)
        yield api
    finally:
        stop_process_group(process.pid, grace=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref to compare with")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--source", default=str(REPO / "data" / "samples"))
    parser.add_argument("--with-server", action="store_true")
    args = parser.parse_args()

    server = None
    es_url = os.environ.get("NEWSINDEX_ES_URL")
    if not es_url:
        server = LocalElasticsearch()
        print(f"local Elasticsearch {server.start()} at {server.url}")
        es_url = server.url
    stamp = int(time.time())
    with tempfile.TemporaryDirectory(prefix="newsindex-startup-") as tmp:
        work = Path(tmp)
        (work / "baseline").mkdir()
        _export(args.baseline, work / "baseline")
        base_env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
        base_env |= {
            "NEWSINDEX_ES_URL": es_url,
            "NEWSINDEX_DEAD_LETTER_PATH": str(work / "dead-letter.jsonl"),
            "PREFECT_HOME": str(work / "prefect-home"),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        }
        cli = ["run", args.source, "--full-refresh"]
        variants = {
            f"baseline ({args.baseline})": (
                [sys.executable, "-c", BASELINE_CLI, *cli],
                work / "baseline",
                base_env
                | {"PYTHONPATH": str(work / "baseline"), "NEWSINDEX_INDEX_PREFIX": f"sb{stamp}"},
            ),
            "this checkout": (
                [str(BIN / "newsindex"), *cli],
                REPO,
                base_env | {"NEWSINDEX_INDEX_PREFIX": f"sn{stamp}"},
            ),
        }
        with contextlib_optional(args.with_server, work / "server-home") as api:
            if api:
                variants["this checkout, running Prefect server"] = (
                    [str(BIN / "newsindex"), *cli],
                    REPO,
                    base_env | {"NEWSINDEX_INDEX_PREFIX": f"ss{stamp}", "PREFECT_API_URL": api},
                )
            for command, cwd, env in variants.values():  # indices and Prefect database made
                _timed(command, cwd, env)
            times: dict[str, list[float]] = {name: [] for name in variants}
            cpus: dict[str, list[float]] = {name: [] for name in variants}
            for round_ in range(args.rounds):
                for name, (command, cwd, env) in variants.items():
                    wall, cpu = _timed(command, cwd, env)
                    times[name].append(wall)
                    cpus[name].append(cpu)
                    print(f"round {round_ + 1}  {name:<40} {wall:6.1f} s  cpu {cpu:6.1f} s")
    _drop(es_url, [env["NEWSINDEX_INDEX_PREFIX"] for _, _, env in variants.values()])
    if server is not None:
        server.stop()
    medians = {name: statistics.median(values) for name, values in times.items()}
    first = next(iter(medians.values()))
    base_cpu = statistics.median(next(iter(cpus.values())))
    print(f"\nmedians of `newsindex run {args.source}` over {args.rounds} rounds:")
    for name, median in medians.items():
        cpu = statistics.median(cpus[name])
        print(
            f"  {name:<40} wall {median:6.1f} s ({median / first:.0%} of the baseline)  "
            f"cpu {cpu:6.1f} s ({cpu / base_cpu:.0%})"
        )


def _drop(es_url: str, prefixes: list[str]) -> None:
    """Delete the indices and templates the runs made (by name: wildcard deletes are refused)."""
    es = make_client(Settings(_env_file=None, es_url=es_url))
    lenient = es.options(ignore_status=404)
    for prefix in prefixes:
        made = lenient.indices.get(index=f"{prefix}-*", expand_wildcards="all")
        if made:
            es.indices.delete(index=list(made))
        lenient.indices.delete_index_template(name=f"{prefix}-articles,{prefix}-paragraphs")
        lenient.cluster.delete_component_template(name=f"{prefix}-settings")


@contextmanager
def contextlib_optional(enabled: bool, home: Path) -> Iterator[str | None]:
    """A running Prefect server when `enabled`, else None."""
    if not enabled:
        yield None
        return
    with _prefect_server(home) as api:
        yield api


if __name__ == "__main__":
    main()
