"""Near-duplicates and story groups: MinHash over body shingles, plus entity overlap.

An article is a *duplicate* of another when their bodies share most of their word 5-shingles
(estimated Jaccard >= DUPLICATE_THRESHOLD): a syndicated copy, or a revision with paragraphs
added or cut. Its ``duplicate_of`` names one representative per cluster: the one already
indexed, else the lowest id, so reruns give the same answer.

Two articles tell the same *story* when either
- their bodies share a fair part of their wording (Jaccard >= STORY_TEXT_THRESHOLD: agency copy
  rewritten around the same quotes), or
- they name the same main actors: weighted Jaccard of their top STORY_TOP_ENTITIES entities
  (weights are each entity's share of the article's mentions) >= STORY_ENTITY_THRESHOLD, with at
  least STORY_MIN_SHARED_ENTITIES of them in common, and, when both carry a day-precise date, no
  more than STORY_WINDOW_DAYS apart.
Different outlets' reports of one event share almost no 5-shingles (under 0.1 on the seed story),
so shingles alone cannot group them; the entity rule does. Groups are transitive (single link).
A story's id is reused from an indexed member when there is one, else it is the lowest member id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from datasketch import MinHash

from transforms.record import Article

NUM_PERM = 120  # hash functions per signature
LSH_ROWS = 3  # signature values per LSH band
LSH_BANDS = NUM_PERM // LSH_ROWS  # 40 bands: a pair at Jaccard 0.5 shares a band 99.5% of the time
SHINGLE_WORDS = 5
_SEED = 1

# A revision or copy keeps well over half its 5-shingles (000/001 of the seeds: 0.72); separate
# write-ups of one event stay under 0.1. Half is the line between "same text" and "same story".
DUPLICATE_THRESHOLD = 0.5
# A fifth of shared 5-shingles means copied passages, far above chance (unrelated news: ~0).
STORY_TEXT_THRESHOLD = 0.2
# Seed outlets' reports of one call score 0.46-0.77; unrelated stories share at most a place or
# two (~0-0.2). 0.35 sits between, and the shared-entity minimum stops two-entity coincidences.
STORY_ENTITY_THRESHOLD = 0.35
STORY_TOP_ENTITIES = 10
STORY_MIN_SHARED_ENTITIES = 3
STORY_WINDOW_DAYS = 7
_DAY_PRECISE = ("minute", "day")


def shingles(body: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Word ``size``-shingles of the normalised body (NFKC, casefolded, punctuation dropped)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", body).casefold())
    if not words:
        return set()
    return {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def signature(body: str) -> list[int]:
    """MinHash signature of the body's shingles; ``[]`` for a body without words."""
    grams = shingles(body)
    if not grams:
        return []
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED)
    minhash.update_batch([g.encode("utf-8") for g in sorted(grams)])
    return [int(v) for v in minhash.hashvalues]


def band_keys(sig: Sequence[int]) -> list[str]:
    """LSH band keys ("07-3fa2..."), a keyword field: sharing one makes two articles candidates."""
    values = np.asarray(sig, dtype=np.uint64)
    keys = []
    for band in range(min(LSH_BANDS, len(values) // LSH_ROWS)):
        rows = values[band * LSH_ROWS : (band + 1) * LSH_ROWS].tobytes()
        keys.append(f"{band:02d}-{hashlib.blake2b(rows, digest_size=8).hexdigest()}")
    return keys


def jaccard_estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures (0.0 when either is empty)."""
    if not a or not b:
        return 0.0
    if len(a) != len(b):
        raise ValueError(f"signatures differ in length: {len(a)} and {len(b)}")
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


def entity_overlap(a: dict[str, int], b: dict[str, int]) -> tuple[float, int]:
    """Weighted Jaccard of two articles' top entities (name -> count), and how many they share."""
    wa, wb = _top_weights(a), _top_weights(b)
    names = wa.keys() | wb.keys()
    if not names:
        return 0.0, 0
    low = sum(min(wa.get(n, 0.0), wb.get(n, 0.0)) for n in names)
    high = sum(max(wa.get(n, 0.0), wb.get(n, 0.0)) for n in names)
    return low / high, len(wa.keys() & wb.keys())


def _top_weights(counts: dict[str, int]) -> dict[str, float]:
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:STORY_TOP_ENTITIES]
    total = sum(c for _, c in top)
    return {name: count / total for name, count in top} if total else {}


@dataclass(slots=True)
class _Node:
    id: str
    minhash: list[int]
    entities: dict[str, int]
    day: datetime | None
    story_id: str | None = None
    duplicate_of: str | None = None
    article: Article | None = None  # set for new articles


def _same_story(a: _Node, b: _Node, text_similarity: float) -> bool:
    if text_similarity >= STORY_TEXT_THRESHOLD:
        return True
    if a.day and b.day and abs((a.day - b.day).days) > STORY_WINDOW_DAYS:
        return False
    similarity, shared = entity_overlap(a.entities, b.entities)
    return similarity >= STORY_ENTITY_THRESHOLD and shared >= STORY_MIN_SHARED_ENTITIES


def assign_groups(new_articles: Sequence[Article], candidates: Iterable[dict[str, Any]]) -> None:
    """Set ``minhash`` (when empty), ``duplicate_of`` and ``story_id`` of the new articles.

    ``candidates`` are indexed records (``id``, ``minhash``, ``entity_mentions`` or ``entities``,
    ``story_id``, ``duplicate_of``, optional ``published_at``/``published_precision``); they are
    never changed. The result depends only on the inputs, not on their order.
    """
    for article in new_articles:
        if not article.minhash:
            article.minhash = signature(article.body)
    new_ids = {a.id for a in new_articles}
    nodes = sorted(
        [_article_node(a) for a in new_articles]
        + [_candidate_node(c) for c in candidates if c["id"] not in new_ids],
        key=lambda n: n.id,
    )
    duplicates, stories = _UnionFind(len(nodes)), _UnionFind(len(nodes))
    # Every pair with a new article, as the pairwise rules say, but vectorised: text similarity
    # of one new article against all nodes at once, and the entity rule only for nodes sharing
    # enough top entities (an inverted index). Unions commute, so the groups are the same.
    similarities = _Similarities(nodes)
    weights = [_top_weights(n.entities) for n in nodes]
    postings: dict[str, list[int]] = {}
    for k, top in enumerate(weights):
        for name in top:
            postings.setdefault(name, []).append(k)
    for i, a in enumerate(nodes):
        if a.article is None:
            continue
        text = similarities.row(i)
        for j in np.flatnonzero(text >= DUPLICATE_THRESHOLD).tolist():
            duplicates.union(i, j)
        for j in np.flatnonzero(text >= STORY_TEXT_THRESHOLD).tolist():
            stories.union(i, j)
        shared = Counter(j for name in weights[i] for j in postings[name])
        for j, count in shared.items():
            if j == i or count < STORY_MIN_SHARED_ENTITIES or text[j] >= STORY_TEXT_THRESHOLD:
                continue
            x, y = (i, j) if i < j else (j, i)  # id order, as the pairwise loop summed weights
            if _same_story_weighted(nodes[x], nodes[y], weights[x], weights[y]):
                stories.union(i, j)
    for group in duplicates.groups():
        members = [nodes[i] for i in group]
        indexed = {n.duplicate_of or n.id for n in members if n.article is None}
        representative = min(indexed or {n.id for n in members})
        for node in members:
            if node.article is not None:
                node.article.duplicate_of = None if node.id == representative else representative
    for group in stories.groups():
        members = [nodes[i] for i in group]
        indexed = {n.story_id for n in members if n.article is None and n.story_id}
        story_id = min(indexed or {n.id for n in members})
        for node in members:
            if node.article is not None:
                node.article.story_id = story_id


def _same_story_weighted(a: _Node, b: _Node, wa: dict[str, float], wb: dict[str, float]) -> bool:
    """The entity rule of ``_same_story`` (text below threshold) on precomputed top weights."""
    if a.day and b.day and abs((a.day - b.day).days) > STORY_WINDOW_DAYS:
        return False
    names = wa.keys() | wb.keys()
    if not names:
        return False
    low = sum(min(wa.get(n, 0.0), wb.get(n, 0.0)) for n in names)
    high = sum(max(wa.get(n, 0.0), wb.get(n, 0.0)) for n in names)
    shared = len(wa.keys() & wb.keys())
    return low / high >= STORY_ENTITY_THRESHOLD and shared >= STORY_MIN_SHARED_ENTITIES


class _Similarities:
    """``jaccard_estimate`` of one node against every node, one numpy comparison per row."""

    def __init__(self, nodes: Sequence[_Node]) -> None:
        self.nodes = nodes
        lengths = Counter(len(n.minhash) for n in nodes if n.minhash)
        self.width = lengths.most_common(1)[0][0] if lengths else 0
        self.matrix = np.zeros((len(nodes), self.width), dtype=np.uint64)
        self.usable = np.zeros(len(nodes), dtype=bool)
        self.odd: list[int] = []  # non-empty signatures of another length
        for k, node in enumerate(nodes):
            if len(node.minhash) == self.width and self.width:
                self.matrix[k] = np.asarray(node.minhash, dtype=np.uint64)
                self.usable[k] = True
            elif node.minhash:
                self.odd.append(k)

    def row(self, i: int) -> np.ndarray:
        """Similarity of node ``i`` to every node (its own entry is 0)."""
        sims = np.zeros(len(self.nodes))
        mine = self.nodes[i].minhash
        if mine and self.usable[i]:
            sims = (self.matrix == self.matrix[i]).mean(axis=1)
            sims[~self.usable] = 0.0
        for k in self.odd if mine else ():
            sims[k] = jaccard_estimate(mine, self.nodes[k].minhash)  # raises on a length mismatch
        if mine and not self.usable[i]:
            for k in np.flatnonzero(self.usable).tolist():
                sims[k] = jaccard_estimate(mine, self.nodes[k].minhash)
        sims[i] = 0.0
        return sims


def _article_node(article: Article) -> _Node:
    counts = {m["name"]: m["count"] for m in article.entity_mentions}
    day = _day(article.published_at, article.published_precision)
    return _Node(article.id, article.minhash, counts, day, article=article)


def _candidate_node(record: dict[str, Any]) -> _Node:
    mentions = record.get("entity_mentions") or []
    counts = {m["name"]: m["count"] for m in mentions} or {
        name: 1 for names in (record.get("entities") or {}).values() for name in names
    }
    day = _day(record.get("published_at"), record.get("published_precision"))
    return _Node(
        record["id"],
        list(record.get("minhash") or []),
        counts,
        day,
        story_id=record.get("story_id"),
        duplicate_of=record.get("duplicate_of"),
    )


def _day(published_at: str | None, precision: str | None) -> datetime | None:
    if not published_at or precision not in _DAY_PRECISE:
        return None
    try:
        parsed = datetime.fromisoformat(published_at)
    except ValueError:
        return None
    return parsed.replace(tzinfo=None)


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)

    def groups(self) -> list[list[int]]:
        found: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            found.setdefault(self.find(i), []).append(i)
        return list(found.values())
