"""A benchmark corpus of real pages: the dev pages and their text/Markdown exports, repeated.

Usage: .venv/bin/python bench/real_corpus.py OUT_DIR --count N [--seed S]

Bases: the pages of ``../shared/eval/html-benchmark-dev`` and ``readability-dev`` as ``.html``
files, and their exports (``bench/exports_quality.py`` builds them and caches them in
``bench/out/exports/``; the exporters whose tools are installed are used, at least trafilatura's
Markdown and text output). The first two thirds of the files are bases (a seeded sample when
there are more); the rest are copies of one of them with one small edit each: an identical
copy, one long text line dropped, a number changed, or an update note added. So exact and near
duplicates occur, and several versions of one article (the same page through other exporters).
``manifest.json`` records the count, the seed and the bases; the files are read at run time,
never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

VERSION = "2"
EDITS = ("copy", "drop", "number", "note")
_NUMBER = re.compile(r"\b\d{1,4}\b")


@dataclass(frozen=True)
class Base:
    key: str  # page key
    kind: str  # "html" or exporter/scope
    ext: str
    data: bytes


def load_bases() -> list[Base]:
    """Every dev page as HTML and every cached (or newly built) export of it."""
    import bench.exports_quality as eq

    pages = eq.load_all(None)
    bases = [Base(p.key, "html", "html", p.raw) for p in pages]
    for exporter in eq.EXPORTERS.values():
        if exporter.run == "command" and shutil.which(exporter.command[0]) is None:
            continue
        if exporter.run in ("venv", "clipper") and not eq.VENV_PYTHON.exists():
            continue
        for scope in exporter.scopes:
            eq.build_exports(exporter, scope, pages, lambda p: eq.export_inputs(p.html))
            folder = eq.CACHE / exporter.name / scope
            for page in pages:
                data = (folder / f"{page.key}.{exporter.ext}").read_bytes()
                if data.strip():
                    bases.append(Base(page.key, f"{exporter.name}/{scope}", exporter.ext, data))
    return bases


def _long_lines(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if len(line) > 80 and "<" not in line]


def edit(data: bytes, ext: str, kind: str, rng: random.Random) -> bytes:
    """``data`` with one small edit of ``kind`` (``copy`` leaves it as it is)."""
    text = data.decode("utf-8", errors="replace")
    lines = text.split("\n")
    long_lines = _long_lines(lines)
    if kind == "drop" and len(long_lines) > 2:
        del lines[rng.choice(long_lines)]
        text = "\n".join(lines)
    elif kind == "number" and long_lines:
        at = rng.choice(long_lines)
        lines[at] = _NUMBER.sub(lambda m: str(int(m.group()) + 1), lines[at], count=1)
        text = "\n".join(lines)
    elif kind == "note":
        at = f"{rng.randrange(1, 24):02d}:{rng.randrange(60):02d}"
        note = f"Update {at}: this article was revised."
        if ext == "html" and "</body>" in text:
            text = text.replace("</body>", f"<p>{note}</p></body>", 1)
        else:
            text = text.rstrip("\n") + f"\n\n{note}\n"
    return text.encode("utf-8")


def write_corpus(folder: Path, count: int, seed: int, per_folder: int = 1000) -> dict:
    """Write ``count`` files into ``folder``; the manifest."""
    rng = random.Random(seed)
    bases = load_bases()
    rng.shuffle(bases)
    originals = bases[: min(len(bases), count * 2 // 3)]
    shutil.rmtree(folder, ignore_errors=True)
    edits = dict.fromkeys(EDITS, 0)
    nbytes = 0
    for index in range(count):
        if index < len(originals):
            base, kind = originals[index], "original"
        else:
            base, kind = rng.choice(originals), rng.choice(EDITS)
            edits[kind] += 1
        data = base.data if kind == "original" else edit(base.data, base.ext, kind, rng)
        path = folder / f"shard-{index // per_folder:04d}" / f"doc-{index:07d}-{kind}.{base.ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        nbytes += len(data)
    manifest = {
        "version": VERSION,
        "count": count,
        "seed": seed,
        "bases": len(bases),
        "originals": len(originals),
        "original_kinds": dict(Counter(b.kind for b in originals)),
        "edits": edits,
        "bytes": nbytes,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def ensure_corpus(root: Path, count: int, seed: int) -> tuple[Path, dict]:
    """The corpus folder for (count, seed), written unless a matching manifest is there."""
    folder = root / f"real-{count}-seed{seed}"
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if (manifest["version"], manifest["count"], manifest["seed"]) == (VERSION, count, seed):
            return folder, {**manifest, "reused": True}
    return folder, {**write_corpus(folder, count, seed), "reused": False}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder, manifest = ensure_corpus(args.out, args.count, args.seed)
    print(folder, json.dumps(manifest))


if __name__ == "__main__":
    main()
