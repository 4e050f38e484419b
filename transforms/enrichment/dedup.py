"""Near-duplicates and story groups: MinHash over body shingles, plus entity overlap.

An article is a *duplicate* of another when their bodies share most of their word 5-shingles
(estimated Jaccard >= DUPLICATE_THRESHOLD): a syndicated copy, or a revision with paragraphs
added or cut. Its ``duplicate_of`` names one representative per cluster: the one already
indexed, else the lowest id, so reruns give the same answer.

Two articles tell the same *story* when either
- their bodies share a fair part of their wording (Jaccard >= STORY_TEXT_THRESHOLD: agency copy
  rewritten around the same quotes) and are not dated more than STORY_WINDOW_DAYS apart (a
  duplicate joins its original's story whatever the dates), or
- they name the same main actors: weighted Jaccard of their top STORY_TOP_ENTITIES entities
  (weights are each entity's share of the article's mentions) >= STORY_ENTITY_THRESHOLD, with
  enough of them in common (``required_shared``), and dates no more than STORY_WINDOW_DAYS apart
  when both have one (a month-precise date spans its month).
Different outlets' reports of one event share almost no 5-shingles (under 0.1 on the seed story),
so shingles alone cannot group them; the entity rule does. Groups are transitive (single link),
so each link must be sound: see ``required_shared``.
A story's id is reused from an indexed member when there is one, else it is the lowest member id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np

from transforms.record import Article

NUM_PERM = 120  # hash functions per signature
LSH_ROWS = 3  # signature values per LSH band
LSH_BANDS = NUM_PERM // LSH_ROWS  # 40
# Candidates share at least two bands: probability 96% at Jaccard 0.5 (the duplicate line),
# 99.8% at 0.6, 29% at 0.3, 0.8% at 0.15. One band would admit 13% of pairs at 0.15, the
# similarity of unrelated articles built from the same stock phrases: on the 40k benchmark
# corpus that was 58 candidates per article against 0.27 with two, at the same groups.
LSH_MIN_SHARED_BANDS = 2
SHINGLE_WORDS = 5
_SEED = 1

# A revision or copy keeps well over half its 5-shingles (000/001 of the seeds: 0.72); separate
# write-ups of one event stay under 0.1. Half is the line between "same text" and "same story".
DUPLICATE_THRESHOLD = 0.5
# Shared passages beyond stock phrases. Unrelated articles on one topic reach an estimated 0.25
# (shared set phrases, plus the estimate's error: sd 0.04 at 120 permutations); on the 40k
# benchmark corpus no pair from different stories reached 0.275, and 0.2 let 1,800 pairs in.
STORY_TEXT_THRESHOLD = 0.3
# Seed outlets' reports of one call score 0.46-0.77; unrelated stories share at most a place or
# two (~0-0.2). 0.35 sits between, and the shared-entity minimum stops two-entity coincidences.
STORY_ENTITY_THRESHOLD = 0.35
STORY_TOP_ENTITIES = 10
STORY_MIN_SHARED_ENTITIES = 3
STORY_WINDOW_DAYS = 7
DAY_PRECISE = ("minute", "day")


def shingles(body: str, size: int = SHINGLE_WORDS) -> set[str]:
    """Word ``size``-shingles of the normalised body (NFKC, casefolded, punctuation dropped)."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", body).casefold())
    if not words:
        return set()
    return {" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}


def signature(body: str) -> list[int]:
    """MinHash signature of the body's shingles; ``[]`` for a body without words.

    The values of datasketch's default MinHash (scheme ``affine32``: the first 4 bytes of each
    shingle's SHA-1, little-endian, pre-mixed by the MurmurHash3 finalizer, then ``a * h + b``
    mod 2^32 per permutation, the minimum kept), computed here with numpy in one pass; a test
    holds it equal to datasketch's.
    """
    grams = shingles(body)
    if not grams:
        return []
    digests = b"".join([hashlib.sha1(g.encode("utf-8")).digest()[:4] for g in grams])
    hashes = _fmix32(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    a, b = _permutations()
    return (hashes[:, None] * a + b).min(axis=0).tolist()


def _fmix32(h: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer (wrapping uint32 arithmetic)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 parameters for ``_SEED``: odd ``a`` and any ``b``, per permutation."""
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def band_keys(sig: Sequence[int]) -> list[str]:
    """LSH band keys ("07-3fa2..."), a keyword field: sharing one makes two articles candidates."""
    values = np.asarray(sig, dtype=np.uint64)
    keys = []
    for band in range(min(LSH_BANDS, len(values) // LSH_ROWS)):
        rows = values[band * LSH_ROWS : (band + 1) * LSH_ROWS].tobytes()
        keys.append(f"{band:02d}-{hashlib.blake2b(rows, digest_size=8).hexdigest()}")
    return keys


def with_signature(article: Article) -> Article:
    """A copy of ``article`` with ``minhash`` (``signature(body)``) and its ``lsh_bands`` set;
    ``article`` itself is left unchanged."""
    minhash = signature(article.body)
    return replace(article, minhash=minhash, lsh_bands=band_keys(minhash))


def jaccard_estimate(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures (0.0 when either is empty)."""
    if not a or not b:
        return 0.0
    if len(a) != len(b):
        raise ValueError(f"signatures differ in length: {len(a)} and {len(b)}")
    return float(np.mean(np.asarray(a, dtype=np.uint64) == np.asarray(b, dtype=np.uint64)))


def _weighted_jaccard(wa: dict[str, float], wb: dict[str, float]) -> float:
    names = wa.keys() | wb.keys()
    high = sum(max(wa.get(n, 0.0), wb.get(n, 0.0)) for n in names)
    return sum(min(wa.get(n, 0.0), wb.get(n, 0.0)) for n in names) / high if high else 0.0


def _top_weights(counts: dict[str, int]) -> dict[str, float]:
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:STORY_TOP_ENTITIES]
    total = sum(c for _, c in top)
    return {name: count / total for name, count in top} if total else {}


def required_shared(person_shared: bool, same_week: bool) -> int:
    """Top entities two articles must share for the entity rule.

    A town's stories keep naming the town and its institutions (council, water board, police),
    so three shared places and organisations alone join unrelated events; a shared person,
    named in full, ties two reports to one event. Dates confirming the same week are the other
    independent evidence. Each one missing costs one more shared entity. Among the first 40k
    articles of the benchmark corpus, three shared entities made 8,471 false links (8,397 of
    them without day-precise dates on both sides) beside 20,232 true ones; this rule keeps
    20,119 true and 14 false.
    """
    return STORY_MIN_SHARED_ENTITIES + (not person_shared) + (not same_week)


@dataclass(slots=True)
class _Node:
    id: str
    minhash: list[int]
    entities: dict[str, int]
    people: frozenset[str]  # full names (``_full_names``)
    dates: tuple[date, date] | None  # the days the publication date may fall on
    story_id: str | None = None
    duplicate_of: str | None = None
    position: int | None = None  # in ``new_articles``: set for new articles only


def assign_groups(
    new_articles: Sequence[Article], candidates: Iterable[dict[str, Any]]
) -> list[Article]:
    """The new articles, in their order, as copies with ``duplicate_of`` and ``story_id`` set.

    The new articles have been through the enrich stage (``minhash`` is set); they and the
    ``candidates``, indexed records (``id``, ``minhash``, ``entity_mentions`` or ``entities``,
    ``story_id``, ``duplicate_of``, optional ``published_at``/``published_precision``), are
    never changed. The result depends only on the inputs, not on their order.
    """
    new_ids = {a.id for a in new_articles}
    nodes = sorted(
        [_article_node(a, position) for position, a in enumerate(new_articles)]
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
        if a.position is None:
            continue
        text = similarities.row(i)
        for j in np.flatnonzero(text >= DUPLICATE_THRESHOLD).tolist():
            duplicates.union(i, j)
        worded = {
            j
            for j in np.flatnonzero(text >= STORY_TEXT_THRESHOLD).tolist()
            if text[j] >= DUPLICATE_THRESHOLD or _within_window(a, nodes[j])
        }
        for j in worded:
            stories.union(i, j)
        shared = Counter(j for name in weights[i] for j in postings[name])
        for j, count in shared.items():
            if j == i or j in worded or count < STORY_MIN_SHARED_ENTITIES:
                continue
            x, y = (i, j) if i < j else (j, i)  # id order, as the pairwise loop summed weights
            if _entity_link(nodes[x], nodes[y], weights[x], weights[y]):
                stories.union(i, j)
    duplicate_of: dict[int, str | None] = {}
    for group in duplicates.groups():
        members = [nodes[i] for i in group]
        indexed = {n.duplicate_of or n.id for n in members if n.position is None}
        representative = min(indexed or {n.id for n in members})
        for node in members:
            if node.position is not None:
                duplicate_of[node.position] = None if node.id == representative else representative
    story_ids: dict[int, str] = {}
    for group in stories.groups():
        members = [nodes[i] for i in group]
        indexed = {n.story_id for n in members if n.position is None and n.story_id}
        story_id = min(indexed or {n.id for n in members})
        for node in members:
            if node.position is not None:
                story_ids[node.position] = story_id
    return [
        replace(article, duplicate_of=duplicate_of[k], story_id=story_ids[k])
        for k, article in enumerate(new_articles)
    ]


def _entity_link(a: _Node, b: _Node, wa: dict[str, float], wb: dict[str, float]) -> bool:
    """The entity rule of the module docstring, on the two nodes' precomputed top weights."""
    if not _within_window(a, b):
        return False
    shared = wa.keys() & wb.keys()
    same_week = _is_day_precise(a.dates) and _is_day_precise(b.dates)
    if len(shared) < required_shared(bool(shared & a.people & b.people), same_week):
        return False
    return _weighted_jaccard(wa, wb) >= STORY_ENTITY_THRESHOLD


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


def _article_node(article: Article, position: int) -> _Node:
    mentions = article.entity_mentions
    return _Node(
        article.id,
        article.minhash,
        {m["name"]: m["count"] for m in mentions},
        _full_names(m["name"] for m in mentions if m["type"] == "person"),
        publication_span(article.published_at, article.published_precision),
        position=position,
    )


def _candidate_node(record: dict[str, Any]) -> _Node:
    mentions = record.get("entity_mentions") or []
    entities = record.get("entities") or {}
    counts = {m["name"]: m["count"] for m in mentions} or {
        name: 1 for names in entities.values() for name in names
    }
    people = [m["name"] for m in mentions if m["type"] == "person"] or entities.get("person", [])
    return _Node(
        record["id"],
        list(record.get("minhash") or []),
        counts,
        _full_names(people),
        publication_span(record.get("published_at"), record.get("published_precision")),
        story_id=record.get("story_id"),
        duplicate_of=record.get("duplicate_of"),
    )


def _full_names(people: Iterable[str]) -> frozenset[str]:
    """People named in full: a lone word may be a place the model took for a surname."""
    return frozenset(name for name in people if " " in name)


def publication_span(published_at: str | None, precision: str | None) -> tuple[date, date] | None:
    """First and last day a publication date may mean: one day, or a whole month."""
    if not published_at or precision not in (*DAY_PRECISE, "month"):
        return None
    try:
        day = datetime.fromisoformat(published_at).date()
    except ValueError:
        return None
    if precision in DAY_PRECISE:
        return day, day
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def _within_window(a: _Node, b: _Node) -> bool:
    """False only when both dates are known and more than STORY_WINDOW_DAYS apart."""
    gap = _days_apart(a.dates, b.dates)
    return gap is None or gap <= STORY_WINDOW_DAYS


def _is_day_precise(dates: tuple[date, date] | None) -> bool:
    return dates is not None and dates[0] == dates[1]


def _days_apart(a: tuple[date, date] | None, b: tuple[date, date] | None) -> int | None:
    """Days between two date spans (0 when they overlap); None when either is unknown."""
    if a is None or b is None:
        return None
    return max(0, (b[0] - a[1]).days, (a[0] - b[1]).days)


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
