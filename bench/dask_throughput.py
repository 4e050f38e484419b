"""Ingest throughput: the process pool against Dask with 1 and 2 workers, same corpus, same run.

Usage: .venv/bin/python bench/dask_throughput.py [--docs 400] [--batch-size 25] [--es-url URL]

Generates a seeded synthetic corpus (bench/corpus.py), starts a real `prefect server`, a local
Elasticsearch (unless --es-url) and a Dask cluster of separate `dask scheduler` / `dask worker`
processes on loopback, then runs `newsindex run` over the corpus once per configuration, each
into its own index prefix:

- processes: the default process pool with NEWSINDEX_TASK_WORKERS=2;
- dask-1, dask-2: NEWSINDEX_DASK_ADDRESS with 1, then 2 workers (cold: each worker loads spaCy
  in its first batch, as each pool worker does);
- dask-2-warm: the same 2 workers again (a long-lived cluster), into a new prefix.

docs/s is files over the flow's own run time (the summary's `seconds`: discovery to the last
batch indexed, without the CLI's start-up); `wall` includes it. The Dask overhead is the
process pool's docs/s over Dask's with as many workers. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from elasticsearch import Elasticsearch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402  (bench/ holds scripts, not a package)

from flows.ops.local_dask import LocalDaskCluster  # noqa: E402
from flows.ops.local_es import LocalElasticsearch  # noqa: E402
from tests.conftest import delete_prefixed  # noqa: E402
from tests.prefect_server import VENV_BIN, prefect_env, prefect_server  # noqa: E402


def run_once(env: dict[str, str], source: Path, batch_size: int, label: str) -> dict:
    """`newsindex run` in a child process; its summary, flow seconds and wall seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [str(VENV_BIN / "newsindex"), "run", str(source), "--batch-size", str(batch_size)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{label}: exit {done.returncode}\n{done.stderr[-3000:]}")
    summary = json.loads(done.stdout[done.stdout.index("{") :])
    return {
        "label": label,
        "indexed": summary["indexed"],
        "failed": summary["failed"],
        "flow_s": round(summary["seconds"], 2),
        "wall_s": round(wall, 2),
        "docs_per_s": round(summary["files_seen"] / summary["seconds"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--batch-size", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--es-url", default=os.environ.get("NEWSINDEX_BENCH_ES_URL"))
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="dask-bench-"))
    source = work / "corpus"
    corpus.write_corpus(source, args.docs, seed=args.seed, per_folder=args.docs)
    (source / "truth.jsonl").unlink()
    server = None
    es_url = args.es_url
    if not es_url:
        server = LocalElasticsearch(heap="1g")
        print(f"local Elasticsearch {server.start()} at {server.url}", flush=True)
        es_url = server.url
    es = Elasticsearch(es_url, request_timeout=60)
    results, prefixes = [], []
    try:
        with prefect_server(work / "prefect") as api:
            base = prefect_env(work / "prefect") | {
                "PREFECT_API_URL": f"{api.base}/api",
                "PREFECT_LOGGING_LEVEL": "WARNING",
                "NEWSINDEX_ES_URL": es_url,
                "NEWSINDEX_TASK_WORKERS": "2",
                "NEWSINDEX_DEAD_LETTER_PATH": str(work / "dead-letter.jsonl"),
                "OPENBLAS_NUM_THREADS": "1",
            }

            def measure(label: str, **settings: str) -> None:
                prefix = f"bench-dask-{label}-{os.getpid()}"
                prefixes.append(prefix)
                env = base | {"NEWSINDEX_INDEX_PREFIX": prefix, **settings}
                print(f"{label} ...", flush=True)
                results.append(run_once(env, source, args.batch_size, label))
                print(f"  {results[-1]}", flush=True)

            measure("processes", NEWSINDEX_TASK_RUNNER="processes")
            for workers, labels in ((1, ["dask-1"]), (2, ["dask-2", "dask-2-warm"])):
                cluster = LocalDaskCluster(work / f"dask-{workers}", env=base)
                cluster.start(workers=workers)
                try:
                    for label in labels:
                        measure(
                            label,
                            NEWSINDEX_TASK_RUNNER="dask",
                            NEWSINDEX_DASK_ADDRESS=cluster.address,
                        )
                finally:
                    cluster.stop()
    finally:
        for prefix in prefixes:
            delete_prefixed(es, prefix)
        es.close()
        if server is not None:
            server.stop()
    by_label = {r["label"]: r for r in results}
    pool = by_label["processes"]["docs_per_s"]
    overhead = {
        "process_pool_over_dask_2": round(pool / by_label["dask-2"]["docs_per_s"], 2),
        "process_pool_over_dask_2_warm": round(pool / by_label["dask-2-warm"]["docs_per_s"], 2),
        "dask_2_over_dask_1": round(
            by_label["dask-2"]["docs_per_s"] / by_label["dask-1"]["docs_per_s"], 2
        ),
    }
    report = {
        "docs": args.docs,
        "batch_size": args.batch_size,
        "cpus": os.cpu_count(),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "runs": results,
        "ratios": overhead,
    }
    (args.out / "dask-throughput.json").write_text(json.dumps(report, indent=1))
    print(f"\n{'run':<12} {'docs/s':>8} {'flow s':>8} {'wall s':>8} {'indexed':>8}")
    for r in results:
        print(
            f"{r['label']:<12} {r['docs_per_s']:>8} {r['flow_s']:>8} {r['wall_s']:>8} "
            f"{r['indexed']:>8}"
        )
    print(f"ratios: {overhead}")


if __name__ == "__main__":
    main()
