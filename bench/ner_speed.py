"""NER-stage speed on seed-sized documents: docs/s per core (target >= 25).

Cleans the seed files (or any folder given as the first argument), then times
``flows.ner.extract_mentions`` over them in batches, on CPU time of this process, so the
number is per core whatever else runs on the machine. Prints the best of several rounds.
"""

from __future__ import annotations

import os

# One BLAS thread: the number is per core, and idle BLAS threads spin on CPU time.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import sys
import time
from pathlib import Path

from flows.ner import extract_mentions, load_ner
from transforms.clean import clean_document

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DOCS_PER_ROUND = 100
ROUNDS = 5
TARGET = 25.0


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else SEEDS
    seeds = [clean_document(p.read_bytes(), p.name) for p in sorted(folder.iterdir())]
    articles = [seeds[i % len(seeds)] for i in range(DOCS_PER_ROUND)]
    chars = sum(len(a.body) for a in seeds) / len(seeds)
    nlp = load_ner()
    extract_mentions(seeds, cache=None)  # warm-up
    rates = []
    for _ in range(ROUNDS):
        started = time.process_time()
        extract_mentions(articles, cache=None)  # every copy through the model
        rates.append(DOCS_PER_ROUND / (time.process_time() - started))
    print(f"model: {nlp.meta['name']} {nlp.meta['version']}, components: {nlp.pipe_names}")
    print(f"docs: {len(seeds)} seeds, mean body {chars:.0f} chars, {DOCS_PER_ROUND} docs per round")
    print(
        f"NER stage: {max(rates):.1f} docs/s per core (best of {ROUNDS}; median "
        f"{sorted(rates)[ROUNDS // 2]:.1f}; target >= {TARGET:.0f})"
    )


if __name__ == "__main__":
    main()
