"""Throughput, memory, Prefect share and quality of newsindex on the synthetic corpus.

Usage:
    .venv/bin/python bench/run_benchmarks.py --sizes 1000 10000 100000 --out bench/out/ \\
        [--corpus synthetic real] [--es-url http://127.0.0.1:9270] [--stage-sample 1000] \\
        [--seed 7] [--skip-e2e] [--skip-peer]

For each size it generates (or reuses, when ``manifest.json`` matches) the corpus under
``OUT/corpus/<size>-seed<seed>/`` with ``bench/corpus.py``, then measures

(a) per stage, docs/s and MB/s of raw input: parse+clean (every file), NER
    (``find_mentions`` + ``with_entities``; a repeated text is read once, as in the flow),
    dedup (``with_signature`` + ``assign_groups`` per batch, no stored candidates) and index
    (``index_articles`` into the real Elasticsearch), the last three on the first
    ``--stage-sample`` documents, in batches of ``NEWSINDEX_BATCH_SIZE``;
(b) end to end: the Prefect ``ingest`` flow over the whole corpus into the real Elasticsearch
    (fresh index prefix per size), run in a child process (``OPENBLAS_NUM_THREADS=1``, ephemeral
    Prefect server started by a warm-up flow before the clock starts; its start-up is reported);
(c) peak RSS of the flow: that child plus its task-runner worker processes, summed (psutil
    sampler, every 0.5 s; the ephemeral Prefect server is reported apart);
(d) the Prefect share: every stage function the flow calls (read, clean, NER, entities and
    signature (``enrich``), candidate fetch, grouping, bulk index, discovery, index setup) and
    the bodies of the two tasks log their wall-clock intervals, in whichever process they run
    (``bench/timing.py``). Prefect share = 1 - union of those intervals / flow wall time
    (engine, state changes, futures, process hand-over, logging, artifact); the stricter
    figure 1 - stage union / wall also counts our own glue code between stage calls;
(e) quality against ``truth.jsonl``: title exact match, author F1, date (value and precision),
    paragraph F1 of the kept body, removal recall by kind, outlet accuracy; duplicate and story
    pairwise precision/recall/F1 from the documents the end-to-end run indexed;
(f) plain ``trafilatura.extract`` on the same HTML files: paragraph F1, shingle F1 (as
    bench/html_quality.py) and docs/s, beside ``clean_document`` on the same files;
(g) the peer: the pipeline a user writes from the libraries' quickstarts
    (``bench/peer_pipeline.py``: trafilatura, ``nlp.pipe(n_process=2)``, ``streaming_bulk``) on
    the same files into the same Elasticsearch, right after the flow, in a child process; its
    docs/s and newsindex's ratio to it.

Corpora (``--corpus``): ``synthetic`` (``bench/corpus.py``, with planted truth: every figure
above) and ``real`` (``bench/real_corpus.py``: the dev pages and their exports, repeated with
small edits; no truth, so (e) and (f) are left out and the groups are counted instead).

Writes ``OUT/results-<corpus>-<size>.json`` and prints a table with the targets: end to end
>= 1.5x the peer in the same run (absolute figures do not carry across machines; the old
absolute target, 50 docs/s on 2 cores, is printed too), peak RSS <= 1.5 GB and flat in N,
Prefect <= 5%.
Without ``--es-url`` (or NEWSINDEX_BENCH_ES_URL) a local Elasticsearch is started on
``--es-port`` and stopped at the end.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads (spaCy/thinc)

import argparse
import json
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import corpus as corpus_gen  # noqa: E402
import real_corpus  # noqa: E402
from timing import TimedCall, read_intervals, summarise, union_seconds  # noqa: E402

TARGET_E2E = 50.0
STRETCH_E2E = 100.0
TARGET_RSS_MB = 1536.0
TARGET_PREFECT = 0.05
TARGET_PEER_RATIO = 1.5
STAGE_NAMES = (
    "read_file",
    "clean_raw",
    "find_mentions",
    "enrich",
    "_indexed_hashes",
    "fetch_candidates",
    "assign_groups",
    "index_articles",
    "discover",
    "preflight",
    "open_indices",
    "make_client",
)


# ---------------------------------------------------------------- quality metrics


def norm(text: str | None) -> str:
    """Whitespace-normalised text ('' for None)."""
    return " ".join((text or "").split())


class Quality:
    """Streaming accumulator of cleaning quality against the planted truth."""

    def __init__(self) -> None:
        self.docs = 0
        self.titles = 0
        self.dates = 0
        self.outlets = 0
        self.authors = Counter[str]()  # tp, fp, fn
        self.paragraphs = Counter[str]()
        self.removal = Counter[str]()  # "<kind>": planted, "<kind>+": recalled, "<kind>=": kind ok
        self.by_shape: dict[str, Counter[str]] = {}

    def add(self, truth: dict, article: Any) -> None:
        """Score one cleaned article against its truth record."""
        shape = self.by_shape.setdefault(truth["shape"], Counter())
        self.docs += 1
        shape["docs"] += 1
        title_ok = norm(article.title) == norm(truth["title"])
        self.titles += title_ok
        shape["title"] += title_ok
        date_ok = (article.published_at, article.published_precision) == (
            truth["published_at"],
            truth["published_precision"],
        )
        self.dates += date_ok
        shape["date"] += date_ok
        outlet = article.outlet.id if article.outlet else None
        self.outlets += outlet == truth["outlet"]
        _prf_add(
            self.authors,
            {norm(a).casefold() for a in truth["authors"]},
            {norm(a).casefold() for a in article.authors},
        )
        counts = Counter[str]()
        _prf_add(
            counts,
            Counter(norm(p) for p in truth["paragraphs"]),
            Counter(norm(p.text) for p in article.paragraphs),
        )
        self.paragraphs.update(counts)
        shape.update({f"p_{k}": v for k, v in counts.items()})
        removed = [(r.kind, norm(r.text)) for r in article.removed]
        for kind, text in truth["removed"]:
            text = norm(text)
            if not text:
                continue
            self.removal[kind] += 1
            hits = [k for k, r in removed if text in r]
            self.removal[kind + "+"] += bool(hits)
            self.removal[kind + "="] += any(_same_kind(kind, k) for k in hits)

    def summary(self) -> dict[str, Any]:
        """Rates and F1s."""
        n = max(self.docs, 1)
        kinds = sorted(k for k in self.removal if k[-1] not in "+=")
        return {
            "docs": self.docs,
            "title_exact": round(self.titles / n, 4),
            "author_f1": _f1(self.authors),
            "date_accuracy": round(self.dates / n, 4),
            "outlet_accuracy": round(self.outlets / n, 4),
            "paragraph_f1": _f1(self.paragraphs),
            "removal_recall": {
                k: {
                    "planted": self.removal[k],
                    "recall": round(self.removal[k + "+"] / self.removal[k], 4),
                    "kind_ok": round(self.removal[k + "="] / self.removal[k], 4),
                }
                for k in kinds
            },
            "by_shape": {
                s: {
                    "docs": c["docs"],
                    "title_exact": round(c["title"] / c["docs"], 4),
                    "date_accuracy": round(c["date"] / c["docs"], 4),
                    "paragraph_f1": _f1(Counter({k[2:]: v for k, v in c.items() if k[:2] == "p_"})),
                }
                for s, c in sorted(self.by_shape.items())
            },
        }


def _same_kind(a: str, b: str) -> bool:
    alias = {"nav": "navigation"}
    return alias.get(a, a) == alias.get(b, b)


def _prf_add(counts: Counter[str], truth: Any, predicted: Any) -> None:
    if isinstance(truth, Counter):
        counts["tp"] += sum((truth & predicted).values())
        counts["fp"] += sum((predicted - truth).values())
        counts["fn"] += sum((truth - predicted).values())
    else:
        counts["tp"] += len(truth & predicted)
        counts["fp"] += len(predicted - truth)
        counts["fn"] += len(truth - predicted)


def _f1(counts: Counter[str]) -> float:
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    return round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 1.0


def pair_scores(truth: dict[str, int], predicted: dict[str, str]) -> dict[str, float]:
    """Pairwise precision/recall/F1 of predicted clusters against truth clusters (O(N))."""
    keys = [k for k in truth if k in predicted]

    def pairs(counter: Counter) -> int:
        return sum(n * (n - 1) // 2 for n in counter.values())

    both = pairs(Counter((truth[k], predicted[k]) for k in keys))
    true_pairs = pairs(Counter(truth[k] for k in keys))
    pred_pairs = pairs(Counter(predicted[k] for k in keys))
    precision = both / pred_pairs if pred_pairs else 1.0
    recall = both / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "docs": len(keys),
        "true_pairs": true_pairs,
        "predicted_pairs": pred_pairs,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


# ---------------------------------------------------------------- corpus


def ensure_corpus(root: Path, size: int, seed: int) -> tuple[Path, dict]:
    """The corpus folder for (size, seed), generated unless a matching manifest is there."""
    folder = root / f"{size}-seed{seed}"
    manifest = corpus_gen.load_manifest(folder)
    if (
        manifest
        and manifest["count"] == size
        and manifest["seed"] == seed
        and (manifest["generator_version"] == corpus_gen.GENERATOR_VERSION)
    ):
        print(f"[{size}] reusing corpus {folder}")
        return folder, {**manifest, "reused": True}
    print(f"[{size}] generating corpus into {folder} ...", flush=True)
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    manifest = corpus_gen.write_corpus(folder, size, seed)
    manifest["generator_peak_rss_mb_self"] = round(
        max(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024, 1
    )
    print(
        f"[{size}] generated {size} files, {manifest['bytes'] / 1e6:.1f} MB in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return folder, {**manifest, "reused": False}


def iter_truth(folder: Path) -> Iterator[dict]:
    """truth.jsonl records, one at a time."""
    with (folder / "truth.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


# ---------------------------------------------------------------- per-stage measurements


def _rate(docs: int, nbytes: int, seconds: float) -> dict[str, float]:
    seconds = max(seconds, 1e-9)
    return {
        "docs": docs,
        "seconds": round(seconds, 3),
        "docs_per_s": round(docs / seconds, 1),
        "mb_per_s": round(nbytes / seconds / 1e6, 3),
    }


def stage_clean(folder: Path, sample: int) -> tuple[dict, dict, dict, list]:
    """Parse+clean every file (timed), score quality, run trafilatura on the HTML files."""
    import trafilatura
    from html_quality import page_scores

    from transforms.clean import clean_document

    quality = Quality()
    clean_s = 0.0
    nbytes = 0
    html = {"docs": 0, "bytes": 0, "ours_s": 0.0, "traf_s": 0.0}
    traf_counts, ours_counts = Counter[str](), Counter[str]()
    traf_pr, ours_pr = [0.0, 0.0], [0.0, 0.0]
    kept: list[tuple[dict, Any, int]] = []
    clean_document(b"warm up", "warm.txt")
    for truth in iter_truth(folder):
        path = folder / truth["path"]
        raw = path.read_bytes()
        started = time.perf_counter()
        article = clean_document(raw, str(path))
        elapsed = time.perf_counter() - started
        clean_s += elapsed
        nbytes += len(raw)
        quality.add(truth, article)
        if truth["shape"] == "html":
            text = raw.decode("utf-8")
            started = time.perf_counter()
            extracted = trafilatura.extract(text) or ""
            html["traf_s"] += time.perf_counter() - started
            html["ours_s"] += elapsed
            html["docs"] += 1
            html["bytes"] += len(raw)
            planted = Counter(norm(p) for p in truth["paragraphs"])
            _prf_add(
                traf_counts, planted, Counter(norm(x) for x in extracted.split("\n") if x.strip())
            )
            _prf_add(ours_counts, planted, Counter(norm(p.text) for p in article.paragraphs))
            body = "\n\n".join(truth["paragraphs"])
            for acc, prediction in ((traf_pr, extracted), (ours_pr, article.body)):
                precision, recall = page_scores(body, prediction)
                acc[0] += precision
                acc[1] += recall
        if len(kept) < sample:
            kept.append((truth, article, len(raw)))
    n = max(html["docs"], 1)

    def shingle_f1(acc: list[float]) -> float:
        p, r = acc[0] / n, acc[1] / n
        return round(2 * p * r / (p + r), 4) if p + r else 0.0

    reference = {
        "html_docs": html["docs"],
        "trafilatura": {
            **_rate(html["docs"], html["bytes"], html["traf_s"]),
            "paragraph_f1": _f1(traf_counts),
            "shingle_f1": shingle_f1(traf_pr),
        },
        "ours_clean_document": {
            **_rate(html["docs"], html["bytes"], html["ours_s"]),
            "paragraph_f1": _f1(ours_counts),
            "shingle_f1": shingle_f1(ours_pr),
        },
    }
    files = quality.docs
    return _rate(files, nbytes, clean_s), quality.summary(), reference, kept


def stage_rest(kept: list, settings: Any, batch_size: int) -> dict[str, dict]:
    """NER, dedup and index on the kept sample, in flow-sized batches."""
    from flows.es.bulk import index_articles
    from flows.es.client import make_client
    from flows.es.indices import ensure_indices
    from flows.ner import DEFAULT_MODEL, MentionCache, find_mentions, load_ner
    from transforms.enrichment.dedup import assign_groups, with_signature
    from transforms.enrichment.entities import with_entities

    articles = [a for _, a, _ in kept]
    nbytes = sum(b for _, _, b in kept)
    batches = [articles[i : i + batch_size] for i in range(0, len(articles), batch_size)]
    started = time.perf_counter()
    load_ner(settings.spacy_models.get("en", DEFAULT_MODEL))
    load_s = time.perf_counter() - started
    cache = MentionCache()  # as a fresh flow run: no texts of an earlier size
    ner_s = sig_s = assign_s = 0.0
    grouped = []  # the batches as the dedup stage gives them
    for batch in batches:
        started = time.perf_counter()
        found = find_mentions(batch, models=settings.spacy_models, cache=cache)
        with_facets = [with_entities(a, m) for a, m in zip(batch, found, strict=True)]
        ner_s += time.perf_counter() - started
        started = time.perf_counter()
        signed = [with_signature(article) for article in with_facets]
        sig_s += time.perf_counter() - started
        started = time.perf_counter()
        grouped.append(assign_groups(signed, []))
        assign_s += time.perf_counter() - started
    es = make_client(settings)
    targets = ensure_indices(es, settings).aliases
    bulk_s = 0.0
    sent = 0
    for batch in grouped:
        report = index_articles(es, settings, batch, targets=targets)
        bulk_s += report.seconds
        sent += report.bytes_sent
    n = len(articles)
    return {
        "ner": {**_rate(n, nbytes, ner_s), "model_load_s": round(load_s, 2)},
        "dedup": {
            **_rate(n, nbytes, sig_s + assign_s),
            "signature_s": round(sig_s, 3),
            "assign_s": round(assign_s, 3),
        },
        "index": {
            **_rate(n, nbytes, bulk_s),
            "bulk_payload_mb_per_s": round(sent / bulk_s / 1e6, 3),
        },
    }


def drop_prefix(es: Any, prefix: str) -> None:
    """Delete the indices and templates of a bench prefix."""
    made = es.indices.get(index=f"{prefix}-*", expand_wildcards="all")
    if made:
        es.indices.delete(index=list(made))
    es.options(ignore_status=404).indices.delete_index_template(
        name=f"{prefix}-articles,{prefix}-paragraphs"
    )
    es.options(ignore_status=404).cluster.delete_component_template(name=f"{prefix}-settings")


# ---------------------------------------------------------------- end to end (child process)


class RssSampler(threading.Thread):
    """Samples the RSS of the flow (this process and its task workers) and of the rest."""

    def __init__(self, interval: float = 0.5) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.samples: list[tuple[float, float]] = []
        self.server_peak = 0.0  # the ephemeral Prefect server
        self.flow_peak = 0.0  # the flow process plus its task-runner worker processes
        self.stop_event = threading.Event()
        self.start_time = time.perf_counter()

    def run(self) -> None:
        while not self.stop_event.wait(self.interval):
            try:
                flow_rss, server_rss = self.process.memory_info().rss, 0
                own = self.process.cmdline()
                for child in self.process.children(recursive=True):
                    command = child.cmdline()
                    if command == own:  # forked, not yet exec'd: its pages are this process's
                        continue
                    if any("uvicorn" in part for part in command):  # the ephemeral server
                        server_rss += child.memory_info().rss
                    else:  # task-runner workers (and multiprocessing's resource tracker)
                        flow_rss += child.memory_info().rss
            except Exception:  # a child exiting between listing and reading
                continue
            elapsed = round(time.perf_counter() - self.start_time, 1)
            self.samples.append((elapsed, round(flow_rss / 2**20, 1)))
            self.flow_peak = max(self.flow_peak, flow_rss / 2**20)
            self.server_peak = max(self.server_peak, server_rss / 2**20)


def stub_mentions(articles: Any, **_: Any) -> list:
    """``find_mentions`` without the model: no mentions (``--stub-ner``)."""
    from transforms.enrichment.entities import entity_sources

    return [[[] for _ in entity_sources(a)] for a in articles]


def _self_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def e2e_child(corpus: str, out: str, stub_ner: bool) -> None:
    """Run the ingest flow over ``corpus`` (settings from NEWSINDEX_* env); write stats JSON."""
    sampler = RssSampler()
    sampler.start()
    from prefect import flow

    import flows.ingest as ingest_mod
    from flows.config import load_settings

    log_dir = Path(out).with_suffix(".intervals")
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir(parents=True)
    task_stages = {
        name: stub_mentions if stub_ner and name == "find_mentions" else None
        for name in STAGE_NAMES
    }
    for name, stand_in in task_stages.items():  # in this process (the flow, thread tasks)
        function = stand_in or getattr(ingest_mod, name)
        timed = TimedCall("stage", name, function, str(log_dir), materialise=name == "discover")
        setattr(ingest_mod, name, timed)
    for task_obj in (ingest_mod.prepare_batch, ingest_mod.index_batch):
        task_obj.fn = TimedCall(
            "body", task_obj.name, task_obj.fn, str(log_dir), stages=task_stages
        )

    @flow(name="bench-warm-up")
    def warm_up() -> int:
        return 1

    started = time.perf_counter()
    warm_up()
    startup = time.perf_counter() - started
    rss_before = sampler.process.memory_info().rss / 2**20
    started = time.perf_counter()
    summary = ingest_mod.ingest(ingest_mod.IngestOptions(source=corpus))
    wall = time.perf_counter() - started
    sampler.stop_event.set()
    sampler.join()
    intervals = read_intervals(log_dir)
    stage_union, stage_seconds = summarise(intervals, "stage")
    _, body_seconds = summarise(intervals, "body")
    body_union = union_seconds((start, end) for *_, start, end in intervals)  # + flow-level stages
    samples = sampler.samples
    step = max(1, len(samples) // 60)
    result = {
        "wall_s": round(wall, 2),
        "prefect_startup_s": round(startup, 2),
        "stage_union_s": round(stage_union, 2),
        "task_body_union_s": round(body_union, 2),
        "stage_seconds": {k: round(v, 2) for k, v in sorted(stage_seconds.items())},
        "task_seconds": {k: round(v, 2) for k, v in body_seconds.items() if "-" in k},
        "summary": {k: v for k, v in summary.items() if k != "failures"},
        "failures": summary.get("failures", [])[:5],
        "peak_rss_mb": round(max(sampler.flow_peak, _self_peak_mb()), 1),
        "flow_process_peak_rss_mb": round(_self_peak_mb(), 1),
        "rss_before_flow_mb": round(rss_before, 1),
        "prefect_server_peak_rss_mb": round(sampler.server_peak, 1),
        "rss_series_mb": samples[::step],
        "stub_ner": stub_ner,
        "task_runner": load_settings().task_runner,
        "task_workers": load_settings().task_workers,
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
    }
    Path(out).write_text(json.dumps(result, indent=1))


def run_e2e(
    folder: Path,
    es_url: str,
    prefix: str,
    out_dir: Path,
    size: int,
    stub_ner: bool = False,
    tag: str = "",
) -> dict:
    """The flow in a child process; its stats plus docs/s and the Prefect share."""
    tag = tag or str(size)
    out = out_dir / f"e2e-{tag}{'-stubner' if stub_ner else ''}.json"
    env = {
        **os.environ,
        "NEWSINDEX_ES_URL": es_url,
        "NEWSINDEX_INDEX_PREFIX": prefix,
        "NEWSINDEX_DEAD_LETTER_PATH": str(out_dir / f"dead-letter-{tag}.jsonl"),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "PREFECT_HOME": str(out_dir / "prefect-home"),  # own database: no lock contention
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    }
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, str(Path(__file__).resolve()), "--e2e-child", str(folder), str(out)]
    if stub_ner:
        command.append("--stub-ner")
    print(f"[{tag}] end to end through the Prefect flow (child process) ...", flush=True)
    subprocess.run(command, env=env, check=True, cwd=HERE.parent)
    stats = json.loads(out.read_text())
    wall = stats["wall_s"]
    nbytes = sum(f.stat().st_size for f in folder.rglob("doc-*"))
    indexed = stats["summary"].get("indexed", 0)
    stats["docs_per_s"] = round(size / wall, 1)
    stats["mb_per_s"] = round(nbytes / wall / 1e6, 3)
    stats["indexed"] = indexed
    stats["prefect_share"] = round(1 - stats["task_body_union_s"] / wall, 4)
    stats["prefect_share_strict"] = round(1 - stats["stage_union_s"] / wall, 4)
    stats["prefect_share_with_startup"] = round(
        1 - stats["task_body_union_s"] / (wall + stats["prefect_startup_s"]), 4
    )
    return stats


def group_quality(es: Any, alias: str, folder: Path) -> dict[str, dict]:
    """Duplicate and story pairwise scores from what the end-to-end run indexed."""
    from elasticsearch.helpers import scan

    root = str(folder.resolve())
    dup_pred: dict[str, str] = {}
    story_pred: dict[str, str] = {}
    for hit in scan(
        es,
        index=alias,
        _source=["source", "duplicate_of", "story_id"],
        query={"query": {"match_all": {}}},
    ):
        src = hit["_source"]
        rel = os.path.relpath(src["source"], root)
        dup_pred[rel] = src.get("duplicate_of") or hit["_id"]
        story_pred[rel] = src.get("story_id") or hit["_id"]
    dup_true: dict[str, int] = {}
    story_true: dict[str, int] = {}
    for truth in iter_truth(folder):
        dup_true[truth["path"]] = truth["duplicate_group"]
        story_true[truth["path"]] = truth["story"]
    return {
        "duplicates": pair_scores(dup_true, dup_pred),
        "stories": pair_scores(story_true, story_pred),
    }


def groups_found(es: Any, alias: str) -> dict[str, int]:
    """How many indexed articles are a duplicate of another, and how many stories have 2+."""
    dups = es.count(index=alias, query={"exists": {"field": "duplicate_of"}})["count"]
    stories = es.search(
        index=alias,
        size=0,
        aggs={"s": {"terms": {"field": "story_id", "min_doc_count": 2, "size": 65536}}},
    )["aggregations"]["s"]["buckets"]
    return {"duplicates": dups, "stories_of_2_or_more": len(stories)}


def run_peer(folder: Path, es_url: str, index: str, out_dir: Path, tag: str) -> dict:
    """The quickstart peer (``bench/peer_pipeline.py``) in a child process, peak RSS sampled."""
    import psutil

    env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
    command = [sys.executable, str(HERE / "peer_pipeline.py"), str(folder), "--es-url", es_url]
    print(f"[{tag}] the quickstart peer (child process) ...", flush=True)
    child = psutil.Popen([*command, "--index", index], env=env, stdout=subprocess.PIPE, text=True)
    peak = 0.0
    while child.poll() is None:
        try:
            rss = child.memory_info().rss + sum(
                c.memory_info().rss for c in child.children(recursive=True)
            )
            peak = max(peak, rss / 2**20)
        except psutil.Error:
            pass
        time.sleep(0.5)
    out, _ = child.communicate()
    if child.returncode:
        raise RuntimeError(f"peer pipeline failed with exit code {child.returncode}")
    stats = json.loads(out.strip().splitlines()[-1])
    stats["peak_rss_mb"] = round(peak, 1)
    (out_dir / f"peer-{tag}.json").write_text(json.dumps(stats, indent=1))
    return stats


def stage_clean_only(folder: Path, sample: int) -> tuple[dict, list]:
    """Parse+clean every raw file of a corpus without truth (timed); the first ``sample`` kept."""
    from transforms.clean import clean_document

    clean_s, nbytes, files = 0.0, 0, 0
    kept: list[tuple[None, Any, int]] = []
    clean_document(b"warm up", "warm.txt")
    for path in sorted(folder.rglob("doc-*")):
        raw = path.read_bytes()
        started = time.perf_counter()
        article = clean_document(raw, str(path))
        clean_s += time.perf_counter() - started
        nbytes += len(raw)
        files += 1
        if len(kept) < sample:
            kept.append((None, article, len(raw)))
    return _rate(files, nbytes, clean_s), kept


# ---------------------------------------------------------------- report


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def print_table(result: dict) -> None:
    """The readable summary of one corpus and size."""
    size = result["size"]
    print(
        f"\n=== {result.get('kind', 'synthetic')} corpus, {size} documents "
        f"({result['corpus']['bytes'] / 1e6:.1f} MB raw; load before: {result['load_before']}, "
        f"after: {result['load_after']}) ==="
    )
    print(f"{'stage':28} {'docs':>7} {'docs/s':>9} {'MB/s':>8}")
    for name, stage in result["stages"].items():
        print(f"{name:28} {stage['docs']:7d} {stage['docs_per_s']:9.1f} {stage['mb_per_s']:8.3f}")
    e2e, peer = result.get("e2e"), result.get("peer")
    if e2e:
        rate = e2e["docs_per_s"]
        print(
            f"{'end to end (Prefect flow)':28} {size:7d} {rate:9.1f} {e2e['mb_per_s']:8.3f}"
            f"   (old absolute target >= {TARGET_E2E:.0f}: {_verdict(rate >= TARGET_E2E)}"
            f"{'; stretch met' if rate >= STRETCH_E2E else ''})"
        )
    if peer:
        print(
            f"{'quickstart peer':28} {peer['files']:7d} {peer['docs_per_s']:9.1f} {'':>8}"
            f"   peak RSS {peer['peak_rss_mb']:.0f} MB, {peer['articles_indexed']} articles"
        )
    if e2e and peer:
        ratio = e2e["docs_per_s"] / peer["docs_per_s"]
        print(
            f"newsindex / peer             {ratio:.2f}x   target >= {TARGET_PEER_RATIO:.1f}x: "
            f"{_verdict(ratio >= TARGET_PEER_RATIO)}"
        )
    if e2e:
        print(
            f"peak RSS (flow + workers)    {e2e['peak_rss_mb']:.0f} MB   target <= "
            f"{TARGET_RSS_MB:.0f} MB: {_verdict(e2e['peak_rss_mb'] <= TARGET_RSS_MB)}  "
            f"(Prefect server process {e2e['prefect_server_peak_rss_mb']:.0f} MB)"
        )
        print(
            f"Prefect share                {e2e['prefect_share']:.1%}   target <= "
            f"{TARGET_PREFECT:.0%}: {_verdict(e2e['prefect_share'] <= TARGET_PREFECT)}  "
            f"(strict {e2e['prefect_share_strict']:.1%}; with server start-up "
            f"{e2e['prefect_share_with_startup']:.1%}; wall {e2e['wall_s']:.0f} s)"
        )
        print(
            f"indexed {e2e['indexed']} of {size}; stage seconds in the flow: {e2e['stage_seconds']}"
        )
    if "groups_found" in result:
        found = result["groups_found"]
        print(
            f"groups found: {found['duplicates']} duplicates, "
            f"{found['stories_of_2_or_more']} stories of 2 or more articles"
        )
    if "quality" in result:
        _print_quality(result)


def _print_quality(result: dict) -> None:
    q = result["quality"]
    print(
        f"quality: title {q['title_exact']:.3f}  author F1 {q['author_f1']:.3f}  date "
        f"{q['date_accuracy']:.3f}  paragraph F1 {q['paragraph_f1']:.3f}  outlet "
        f"{q['outlet_accuracy']:.3f}"
    )
    print(
        "removal recall: "
        + ", ".join(
            f"{k} {v['recall']:.2f}"
            + (f" (kind {v['kind_ok']:.2f})" if v["kind_ok"] != v["recall"] else "")
            for k, v in q["removal_recall"].items()
        )
    )
    for shape, s in q["by_shape"].items():
        print(
            f"  {shape:10} docs {s['docs']:6d} title {s['title_exact']:.3f} date "
            f"{s['date_accuracy']:.3f} paragraph F1 {s['paragraph_f1']:.3f}"
        )
    for name, g in result.get("groups", {}).items():
        print(
            f"{name:10} pairwise P {g['precision']:.3f} R {g['recall']:.3f} F1 {g['f1']:.3f} "
            f"({g['true_pairs']} true pairs)"
        )
    ref = result["reference"]
    t, o = ref["trafilatura"], ref["ours_clean_document"]
    print(
        f"HTML reference ({ref['html_docs']} pages): trafilatura.extract paragraph F1 "
        f"{t['paragraph_f1']:.3f} shingle F1 {t['shingle_f1']:.3f} {t['docs_per_s']:.0f} docs/s | "
        f"clean_document paragraph F1 {o['paragraph_f1']:.3f} shingle F1 {o['shingle_f1']:.3f} "
        f"{o['docs_per_s']:.0f} docs/s"
    )


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def run_size(size: int, args: argparse.Namespace, es_url: str, kind: str = "synthetic") -> dict:
    """Every measurement for one corpus (``kind``) of one size."""
    from flows.config import Settings
    from flows.es.client import make_client
    from flows.es.indices import aliases

    result: dict[str, Any] = {
        "size": size,
        "kind": kind,
        "load_before": _load(),
        "started": time.time(),
    }
    if kind == "real":
        folder, manifest = real_corpus.ensure_corpus(args.out / "corpus", size, args.seed)
        print(f"[{kind} {size}] parse+clean of every file ...", flush=True)
        clean_rate, kept = stage_clean_only(folder, args.stage_sample)
    else:
        folder, manifest = ensure_corpus(args.out / "corpus", size, args.seed)
        print(f"[{size}] parse+clean of every file (+ trafilatura on HTML) ...", flush=True)
        clean_rate, quality, reference, kept = stage_clean(folder, args.stage_sample)
        result["quality"], result["reference"] = quality, reference
    result["corpus"] = manifest
    result["stages"] = {"parse+clean": clean_rate}
    tag = f"{kind}-{size}"
    stamp = int(time.time())
    settings = Settings(
        es_url=es_url,
        index_prefix=f"bench-stage-{tag}-{stamp}",
        dead_letter_path=args.out / "dead-letter-stages.jsonl",
    )
    es = make_client(settings)
    try:
        print(f"[{tag}] NER, dedup, index on {len(kept)} documents ...", flush=True)
        rest = stage_rest(kept, settings, settings.batch_size)
        result["stages"].update({f"{k} (sample)": v for k, v in rest.items()})
    finally:
        drop_prefix(es, settings.index_prefix)
    del kept
    if not args.skip_e2e:
        prefix = f"bench-e2e-{tag}-{stamp}"
        try:
            result["e2e"] = run_e2e(folder, es_url, prefix, args.out, size, args.stub_ner, tag)
            alias = aliases(settings.model_copy(update={"index_prefix": prefix})).articles
            es.indices.refresh(index=alias)
            if kind == "real":
                result["groups_found"] = groups_found(es, alias)
            else:
                result["groups"] = group_quality(es, alias, folder)
        finally:
            if not args.keep_indices:
                drop_prefix(es, prefix)
    if not args.skip_peer:
        result["peer"] = run_peer(folder, es_url, f"bench-peer-{tag}-{stamp}", args.out, tag)
    result["load_after"] = _load()
    result["seconds"] = round(time.time() - result.pop("started"), 1)
    (args.out / f"results-{tag}.json").write_text(json.dumps(result, indent=1))
    print_table(result)
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--e2e-child":
        e2e_child(sys.argv[2], sys.argv[3], "--stub-ner" in sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--stage-sample",
        type=int,
        default=1000,
        help="documents timed through NER, dedup and index per size",
    )
    parser.add_argument("--es-url", default=os.environ.get("NEWSINDEX_BENCH_ES_URL"))
    parser.add_argument("--es-port", type=int, default=9270)
    parser.add_argument("--skip-e2e", action="store_true")
    parser.add_argument(
        "--stub-ner",
        action="store_true",
        help="end to end with NER replaced by a no-op (memory checks at scale)",
    )
    parser.add_argument("--keep-indices", action="store_true")
    parser.add_argument("--skip-peer", action="store_true", help="no quickstart peer run")
    parser.add_argument("--corpus", nargs="+", choices=("synthetic", "real"), default=["synthetic"])
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    server = None
    es_url = args.es_url
    if not es_url:
        from flows.ops.local_es import LocalElasticsearch

        server = LocalElasticsearch(port=args.es_port, heap="1g")
        print(f"starting a local Elasticsearch {server.start()} at {server.url} ...")
        es_url = server.url
    try:
        for kind in args.corpus:
            for size in args.sizes:
                run_size(size, args, es_url, kind)
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
