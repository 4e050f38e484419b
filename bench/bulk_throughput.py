"""Bulk-load throughput: synthetic articles and their paragraphs into a real Elasticsearch.

Usage: .venv/bin/python bench/bulk_throughput.py [--articles N] [--paragraphs P] [--seed S]

Uses the server at NEWSINDEX_ES_URL when it is set, otherwise starts a local one (minimal
distribution). Loads into a throw-away prefix (deleted afterwards), then loads the same input
again to time an unchanged re-run. Prints docs/s and MB/s (bulk payload bytes) per pass.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from flows.config import Settings
from flows.es.bulk import BulkReport, index_articles
from flows.es.client import make_client
from flows.es.indices import ensure_indices
from flows.ops.local_es import LocalElasticsearch
from transforms.record import Article, Outlet, Paragraph

SYLLABLES = ["ka", "lo", "mi", "ren", "tha", "vo", "zu", "qui", "ber", "nal", "os", "te", "dri"]
OUTLETS = [Outlet(f"outlet-{i}", f"Outlet {i}", f"outlet{i}.example") for i in range(12)]


def _words(rng: random.Random, count: int) -> str:
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(count)
    )


def synthetic_articles(count: int, paragraphs: int, seed: int) -> list[Article]:
    """Seeded random articles with entities on every paragraph."""
    rng = random.Random(seed)
    people = [_words(rng, 2).title() for _ in range(200)]
    orgs = [_words(rng, 2).title() + " Ltd" for _ in range(100)]
    places = [_words(rng, 1).title() for _ in range(80)]
    articles = []
    for n in range(count):
        paras = [
            Paragraph(
                text=_words(rng, rng.randint(25, 70)) + ".",
                section=None if i < 2 else _words(rng, 2),
                entities={"person": rng.sample(people, 1), "place": rng.sample(places, 1)},
            )
            for i in range(rng.randint(max(1, paragraphs // 2), paragraphs * 3 // 2))
        ]
        body = "\n\n".join(p.text for p in paras)
        articles.append(
            Article(
                id=f"bench-{n:07d}",
                source=f"bench/{n:07d}.txt",
                format="text",
                content_hash=hashlib.sha256(body.encode()).hexdigest(),
                title=_words(rng, 8).capitalize(),
                standfirst=_words(rng, 20),
                outlet=rng.choice(OUTLETS),
                authors=[rng.choice(people)],
                published_at=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T09:00:00Z",
                published_precision="minute",
                language="en",
                paragraphs=paras,
                body=body,
                word_count=len(body.split()),
                entities={
                    "person": sorted({name for p in paras for name in p.entities["person"]}),
                    "org": rng.sample(orgs, 2),
                    "place": sorted({name for p in paras for name in p.entities["place"]}),
                },
                minhash=[rng.getrandbits(32) for _ in range(128)],
                story_id=f"story-{n // 3}",
            )
        )
    return articles


def _line(label: str, report: BulkReport, paragraphs: int, articles: int) -> str:
    seconds = report.seconds
    return (
        f"{label:<10} {seconds:7.2f} s  articles {articles / seconds:8.0f} docs/s  "
        f"paragraphs {paragraphs / seconds:8.0f} docs/s  "
        f"all {(articles + paragraphs) / seconds:8.0f} docs/s  "
        f"{report.bytes_sent / seconds / 1e6:6.2f} MB/s  ({report.bytes_sent / 1e6:.1f} MB sent)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--paragraphs", type=int, default=10, help="mean paragraphs per article")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    server = None
    settings = Settings(index_prefix=f"bench-{int(time.time())}")
    if not os.environ.get("NEWSINDEX_ES_URL"):
        server = LocalElasticsearch()
        print(f"starting a local Elasticsearch {server.start()} ...")
        settings = settings.model_copy(update={"es_url": server.url})
    es = make_client(settings)
    try:
        articles = synthetic_articles(args.articles, args.paragraphs, args.seed)
        paragraphs = sum(len(a.paragraphs) for a in articles)
        print(
            f"{len(articles)} articles, {paragraphs} paragraphs; chunks of "
            f"{settings.bulk_chunk_docs} docs / {settings.bulk_chunk_bytes / 1e6:.1f} MB "
            f"at {settings.es_url}"
        )
        ensure_indices(es, settings)
        first = index_articles(es, settings, articles)
        print(_line("first load", first, first.paragraphs_indexed, first.articles_indexed))
        again = index_articles(es, settings, articles)
        print(
            f"re-run     {again.seconds:7.2f} s  {again.articles_unchanged} unchanged, nothing sent"
        )
        if first.failures or again.failures:
            print(f"FAILED documents: see {settings.dead_letter_path}")
    finally:
        made = es.indices.get(index=f"{settings.index_prefix}-*", expand_wildcards="all")
        if made:  # by name: wildcard deletes are refused by default
            es.indices.delete(index=list(made))
        es.options(ignore_status=404).indices.delete_index_template(
            name=f"{settings.index_prefix}-articles,{settings.index_prefix}-paragraphs"
        )
        es.options(ignore_status=404).cluster.delete_component_template(
            name=f"{settings.index_prefix}-settings"
        )
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
