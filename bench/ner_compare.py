"""Entity facets and NER cost of this tree against an earlier commit, on the same files.

Usage: .venv/bin/python bench/ner_compare.py FOLDER [FOLDER...] [--ref REV] [--limit N]
       [--rounds R]

The ``flows`` and ``transforms`` of ``REV`` (default ``8b70298``, the code before the NER
speed-ups of issue 20) are unpacked with ``git archive`` into a temporary folder. Each tree
then runs in a child process of its own on the same files (the first ``--limit`` files of each
folder, sorted): ``clean_document``, then ``find_mentions`` + ``with_entities`` in batches
of ``BATCH`` with a fresh mention cache (as one flow run) and again with the cache off, timed
on the child's CPU time. The children alternate for ``--rounds`` rounds (the best time of each
is kept) so that the machine's load falls on both alike.

Printed: the share of articles whose entity facets (``entities``, ``entity_mentions`` and every
paragraph's ``entities``) are identical to the reference's, the articles that differ (a few,
with the names only one side has), and NER docs/s per core of each tree with the ratio.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REF = "8b70298"
BATCH = 200


def files(folders: list[Path], limit: int) -> list[Path]:
    """The first ``limit`` raw files of each folder, sorted."""
    chosen = []
    for folder in folders:
        found = sorted(p for p in folder.rglob("doc-*") if p.is_file())
        chosen += found[:limit]
    return chosen


def facets(article: Any) -> dict[str, Any]:
    """The entity fields of one enriched article."""
    return {
        "entities": article.entities,
        "entity_mentions": article.entity_mentions,
        "paragraphs": [p.entities for p in article.paragraphs],
    }


def _in_place(enrich_entities: Callable[[Any, Any], None]) -> Callable[[Any, Any], Any]:
    """``with_entities`` of an older tree, whose ``enrich_entities`` set the facets in place."""

    def with_entities(article: Any, mentions: Any) -> Any:
        enrich_entities(article, mentions)
        return article

    return with_entities


def dump(root: Path, paths: list[Path], out: Path) -> dict[str, Any]:
    """In a child: clean, enrich with ``root``'s code; write facets; return the timings."""
    sys.path.insert(0, str(root))
    from flows import ner
    from flows.ner import MentionCache, load_ner
    from transforms.clean import clean_document

    try:
        from transforms.enrichment import entities
    except ModuleNotFoundError:  # a tree from before transforms/ had its stage folders
        from transforms import entities

    find_mentions = getattr(ner, "find_mentions", None) or ner.extract_mentions  # its old name
    with_entities = getattr(entities, "with_entities", None) or _in_place(entities.enrich_entities)
    articles = [clean_document(p.read_bytes(), str(p)) for p in paths]
    load_ner()
    find_mentions(articles[:5], cache=None)  # warm-up
    timings = {}
    enriched: list[Any] = []
    for label, cache in (("cache_on", MentionCache()), ("cache_off", None)):
        started = time.process_time()
        enriched = []
        for i in range(0, len(articles), BATCH):
            batch = articles[i : i + BATCH]
            found = find_mentions(batch, cache=cache)
            enriched += [with_entities(a, m) for a, m in zip(batch, found, strict=True)]
        timings[label] = time.process_time() - started
    with out.open("w", encoding="utf-8") as handle:
        for path, article in zip(paths, enriched, strict=True):
            handle.write(json.dumps({"source": str(path), **facets(article)}) + "\n")
    import flows.ner

    return {"module": flows.ner.__file__, **timings}


def _child(root: Path, paths_file: Path, out: Path) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", str(root), str(paths_file), str(out)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=root)
    return json.loads(done.stdout.strip().splitlines()[-1])


def unpack(ref: str, into: Path) -> Path:
    """``flows`` and ``transforms`` of ``ref`` under ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "flows", "transforms"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def _names(record: dict[str, Any]) -> set[str]:
    return {f"{m['type']}:{m['name']}" for m in record["entity_mentions"]}


def compare(old: Path, new: Path, show: int = 5) -> dict[str, Any]:
    """Share of identical facets; the first ``show`` differing articles."""
    same = total = same_entities = 0
    differing = []
    with old.open(encoding="utf-8") as a, new.open(encoding="utf-8") as b:
        for line_a, line_b in zip(a, b, strict=True):
            ra, rb = json.loads(line_a), json.loads(line_b)
            total += 1
            same += ra == rb
            same_entities += ra["entities"] == rb["entities"]
            if ra != rb and len(differing) < show:
                only_old, only_new = _names(ra) - _names(rb), _names(rb) - _names(ra)
                differing.append(
                    {"source": ra["source"], "only_ref": sorted(only_old), "new": sorted(only_new)}
                )
    return {
        "articles": total,
        "identical_facets": same / max(total, 1),
        "identical_entities_field": same_entities / max(total, 1),
        "differing": differing,
    }


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        root, paths_file, out = (Path(x) for x in sys.argv[2:5])
        paths = [Path(line) for line in paths_file.read_text().splitlines()]
        print(json.dumps(dump(root, paths, out)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", type=Path, nargs="+")
    parser.add_argument("--ref", default=DEFAULT_REF)
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    paths = files(args.folders, args.limit)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ref_root = unpack(args.ref, work / "ref")
        (work / "paths.txt").write_text("\n".join(str(p.resolve()) for p in paths))
        best: dict[str, dict[str, float]] = {}
        for _ in range(args.rounds):
            for label, root in (("ref", ref_root), ("new", ROOT)):
                timing = _child(root, work / "paths.txt", work / f"{label}.jsonl")
                print(f"{label}: {timing}", file=sys.stderr)
                kept = best.setdefault(label, {})
                for key in ("cache_on", "cache_off"):
                    kept[key] = min(kept.get(key, float("inf")), timing[key])
        result = compare(work / "ref.jsonl", work / "new.jsonl")
    n = len(paths)
    print(f"{n} articles from {', '.join(str(f) for f in args.folders)}; reference {args.ref}")
    print(
        f"identical entity facets: {result['identical_facets']:.2%} "
        f"(article entities field alone: {result['identical_entities_field']:.2%})"
    )
    for diff in result["differing"]:
        print(f"  differs: {diff['source']} ref only {diff['only_ref']} new only {diff['new']}")
    for key in ("cache_off", "cache_on"):
        ref_rate, new_rate = n / best["ref"][key], n / best["new"][key]
        print(
            f"NER+entities, {key.replace('_', ' ')}: ref {ref_rate:.1f} docs/s per core, "
            f"new {new_rate:.1f}, ratio {new_rate / ref_rate:.2f}x"
        )


if __name__ == "__main__":
    main()
