"""Body quality and speed of ``extract_html`` beside plain ``trafilatura.extract`` on the eval set.

Usage: .venv/bin/python bench/html_quality.py [EVAL_DIR] [--pages N] [--repeat R] [--worst K]

Metric, as in ScrapingHub's article-extraction-benchmark (``evaluate.py``):
- tokens are ``\\w+`` matches of the lower-cased text; shingles are runs of 4 consecutive tokens
  (a text of fewer than 4 tokens is one shorter shingle, an empty text has none), counted as a
  multiset;
- per page, tp/fp/fn are the multiset overlap and differences of predicted and true shingles;
  precision = tp/(tp+fp), recall = tp/(tp+fn), both 1.0 when fp == fn == 0 and 0.0 when the
  numerator and the respective error are both 0 (an empty prediction has precision 0);
- precision and recall are averaged over pages and F1 is computed from the two means.
Both extractors get the same decoded page text. Timing is CPU time (``time.process_time``) of
each call, so other processes on a busy machine count for neither: every page is run
``--repeat`` times by both extractors back to back, the one going first alternating between
repeats, and a page's time is the median of its runs. Reported: the mean of those per-page
times (the cost of the whole set, and the ratio that matters for a batch) and their median.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura
from charset_normalizer import from_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from transforms.html.html_extract import HtmlResult, extract_html

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "html-benchmark-dev"
_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Multiset of n-token shingles of the lower-cased text."""
    tokens = _TOKEN.findall(text.lower())
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def page_scores(truth: str, prediction: str) -> tuple[float, float]:
    """Precision and recall of one page, as the benchmark defines them for edge cases."""
    true, pred = shingles(truth), shingles(prediction)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    if fp == fn == 0:
        return 1.0, 1.0
    precision = 0.0 if tp == fp == 0 else tp / (tp + fp)
    recall = 0.0 if tp == fn == 0 else tp / (tp + fn)
    return precision, recall


def corpus_scores(pairs: list[tuple[str, str]]) -> tuple[float, float, float]:
    """F1, precision, recall over (truth, prediction) pairs: means first, then F1."""
    scores = [page_scores(t, p) for t, p in pairs]
    precision = statistics.mean(s[0] for s in scores)
    recall = statistics.mean(s[1] for s in scores)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, precision, recall


def decode(raw: bytes) -> str:
    """Page bytes to text: UTF-8, else the charset_normalizer guess."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(raw).best()
        return str(best) if best else raw.decode("utf-8", "replace")


def load_pages(folder: Path, limit: int | None = None) -> list[tuple[str, str, str, str]]:
    """(key, html, true body, url) for each page of the eval set, sorted by key."""
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    keys = sorted(truth)[:limit]
    return [
        (
            k,
            decode(gzip.decompress((folder / "html" / f"{k}.html.gz").read_bytes())),
            truth[k]["articleBody"],
            truth[k].get("url") or "",
        )
        for k in keys
    ]


def body_text(result: HtmlResult) -> str:
    """The body as the record renders it: paragraphs joined with blank lines."""
    return "\n\n".join(p.text for p in result.paragraphs)


def body_with_headings(result: HtmlResult) -> str:
    """Paragraphs with each section heading on its own line where the section starts."""
    lines: list[str] = []
    section: str | None = None
    for p in result.paragraphs:
        if p.section and p.section != section:
            lines.append(p.section)
        section = p.section
        lines.append(p.text)
    return "\n\n".join(lines)


def _f1(scores: tuple[float, float]) -> tuple[float, float, float]:
    precision, recall = scores
    return (2 * precision * recall / (precision + recall) if precision + recall else 0.0, *scores)


def timed(
    fns: dict[str, Callable[[str], object]], pages: list[tuple[str, str, str, str]], repeat: int
) -> tuple[dict[str, list[object]], dict[str, list[float]]]:
    """Outputs of each fn on every page, and its CPU time on each page in ms (median of runs).

    Each page goes through every fn in turn before the next page, and the order of the fns is
    reversed on every other repeat, so load from other processes and warm caches favour none.
    """
    runs: dict[str, list[list[float]]] = {name: [[] for _ in pages] for name in fns}
    outputs: dict[str, list[object]] = {name: [None] * len(pages) for name in fns}
    order = list(fns)
    for _ in range(repeat):
        for i, (_, html, _, _) in enumerate(pages):
            for name in order:
                start = time.process_time()
                outputs[name][i] = fns[name](html)
                runs[name][i].append((time.process_time() - start) * 1000)
        order.reverse()
    return outputs, {name: [statistics.median(r) for r in runs[name]] for name in fns}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--pages", type=int, default=None)
    parser.add_argument("--repeat", type=int, default=5, help="runs of every page per extractor")
    parser.add_argument("--worst", type=int, default=0, help="list the K worst pages of ours")
    args = parser.parse_args()
    pages = load_pages(args.folder, args.pages)
    truths = [p[2] for p in pages]

    extract_html(pages[0][1])  # warm caches (rule files, trafilatura settings) before timing
    trafilatura.extract(pages[0][1])
    outputs, times = timed(
        {"plain": lambda h: trafilatura.extract(h) or "", "ours": extract_html}, pages, args.repeat
    )
    plain, ours = outputs["plain"], outputs["ours"]

    rows = [
        ("plain trafilatura.extract", [str(o) for o in plain]),
        ("extract_html paragraphs", [body_text(r) for r in ours]),  # type: ignore[arg-type]
        ("extract_html + headings", [body_with_headings(r) for r in ours]),  # type: ignore[arg-type]
    ]
    print(f"{len(pages)} pages from {args.folder}")
    print(f"{'extractor':28} {'F1':>7} {'prec':>7} {'recall':>7}")
    for name, texts in rows:
        f1, precision, recall = corpus_scores(list(zip(truths, texts, strict=True)))
        print(f"{name:28} {f1:7.4f} {precision:7.4f} {recall:7.4f}")
    print(f"CPU time per page, median of {args.repeat} runs each:")
    for label, stat in (("mean", statistics.mean), ("median", statistics.median)):
        plain_ms, ours_ms = stat(times["plain"]), stat(times["ours"])
        print(
            f"  {label:6}  plain {plain_ms:6.1f} ms  ours {ours_ms:6.1f} ms  "
            f"ratio {ours_ms / plain_ms:.3f}"
        )
    if args.worst:
        scored = sorted(
            (_f1(page_scores(t, body_text(r))), k, u)  # type: ignore[arg-type]
            for (k, _, t, u), r in zip(pages, ours, strict=True)
        )
        for (_, precision, recall), key, url in scored[: args.worst]:
            print(f"  p={precision:.2f} r={recall:.2f} {key[:10]} {url[:80]}")


if __name__ == "__main__":
    main()
