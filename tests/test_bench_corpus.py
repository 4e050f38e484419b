"""The synthetic benchmark corpus: every shape, truth aligned with files, truth recoverable."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from transforms.clean import clean_document

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import corpus


def test_corpus_shapes_truth_and_cleaning_floor(tmp_path: Path) -> None:
    manifest = corpus.write_corpus(tmp_path, 30, seed=3, per_folder=10)
    assert manifest["count"] == 30
    assert all(manifest["shapes"][shape] > 0 for shape in corpus.SHAPES)

    truths = [json.loads(line) for line in (tmp_path / "truth.jsonl").read_text().splitlines()]
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("doc-*"))
    assert sorted(t["path"] for t in truths) == files
    assert len({p.split("/")[0] for p in files}) == 3  # sharded, 10 per folder
    assert {t["shape"] for t in truths} == set(corpus.SHAPES)
    for truth in truths:
        assert truth["path"].endswith(f"-{truth['shape']}.{corpus.SHAPE_EXT[truth['shape']]}")
        assert truth["paragraphs"] and truth["title"]

    # Same seed, same corpus: the generator is deterministic.
    again = corpus.document(3, 7)
    assert again.text == (tmp_path / truths[7]["path"]).read_text(encoding="utf-8")

    checked = titles = authors = dates = 0
    for truth in truths[:15]:
        path = tmp_path / truth["path"]
        article = clean_document(path.read_bytes(), str(path))
        checked += 1
        titles += article.title == truth["title"]
        authors += article.authors == truth["authors"]
        dates += (article.published_at, article.published_precision) == (
            truth["published_at"],
            truth["published_precision"],
        )
    assert titles / checked >= 0.8
    assert authors / checked >= 0.8
    assert dates / checked >= 0.8
