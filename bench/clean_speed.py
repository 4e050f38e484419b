"""Text and Markdown cleaning speed on the seeds, in docs/s on one core.

Usage: .venv/bin/python bench/clean_speed.py [--seconds 3]
Target: at least 300 seed-sized docs/s per core for each format.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from transforms.clean import clean_document, detect_format

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
TARGET = 300


def _documents() -> dict[str, list[tuple[bytes, str]]]:
    by_format: dict[str, list[tuple[bytes, str]]] = {"text": [], "markdown": []}
    paths = sorted(SEEDS.glob("*.txt")) or sorted(SAMPLES.glob("*_port_strike.*"))
    for path in paths:
        raw = path.read_bytes()
        fmt = detect_format(raw.decode("utf-8", errors="replace"), str(path))
        if fmt in by_format:
            by_format[fmt].append((raw, str(path)))
    return by_format


def _rate(docs: list[tuple[bytes, str]], seconds: float) -> tuple[float, int]:
    for raw, source in docs:  # warm caches (rule compilation, registry) outside the timing
        clean_document(raw, source)
    done = 0
    start = time.process_time()
    while (elapsed := time.process_time() - start) < seconds:
        for raw, source in docs:
            clean_document(raw, source)
        done += len(docs)
    return done / elapsed, sum(len(raw) for raw, _ in docs) // len(docs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="CPU seconds per format")
    args = parser.parse_args()
    for fmt, docs in _documents().items():
        if not docs:
            print(f"{fmt:9s} no documents found")
            continue
        rate, size = _rate(docs, args.seconds)
        verdict = "ok" if rate >= TARGET else f"BELOW target {TARGET}"
        docs_note = f"({len(docs)} docs, ~{size} bytes each)"
        print(f"{fmt:9s} {rate:8.0f} docs/s per core  {docs_note}  {verdict}")


if __name__ == "__main__":
    main()
