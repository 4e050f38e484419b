"""Near-duplicates and story groups: signatures, thresholds on both sides, the seeds, reruns."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.dedup_store import DEDUP_MAPPING_PROPERTIES, dedup_fields, fetch_candidates
from tests.enriched_seeds import enriched_seeds, transfer_article
from transforms import dedup
from transforms.record import Article


def _words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"w{rng.randrange(10**9)}" for _ in range(n)]


def _article(
    article_id: str, minhash: list[int], mentions: dict[str, int] | None = None
) -> Article:
    return Article(
        id=article_id,
        source=f"{article_id}.txt",
        format="text",
        content_hash=article_id,
        minhash=minhash,
        entity_mentions=[
            {"name": n, "type": "person", "count": c} for n, c in (mentions or {}).items()
        ],
    )


def _with_agreement(base: list[int], agreeing: int) -> list[int]:
    """A signature equal to ``base`` in exactly ``agreeing`` positions."""
    return base[:agreeing] + [v + 1 for v in base[agreeing:]]


def test_signature_is_deterministic_and_sized() -> None:
    body = " ".join(_words(300, 1))
    assert dedup.signature(body) == dedup.signature(body)
    assert len(dedup.signature(body)) == dedup.NUM_PERM
    assert dedup.signature(" ,.; ") == []
    assert dedup.jaccard_estimate([], dedup.signature(body)) == 0.0


def test_signature_ignores_case_and_punctuation() -> None:
    words = _words(100, 2)
    assert dedup.signature(" ".join(words)) == dedup.signature(", ".join(w.upper() for w in words))


def test_jaccard_estimate_tracks_the_true_jaccard() -> None:
    words = _words(1000, 3)
    changed = words[:700] + _words(300, 4)
    a, b = dedup.shingles(" ".join(words)), dedup.shingles(" ".join(changed))
    true = len(a & b) / len(a | b)
    estimate = dedup.jaccard_estimate(
        dedup.signature(" ".join(words)), dedup.signature(" ".join(changed))
    )
    assert abs(estimate - true) < 0.15


def test_band_keys_shared_by_similar_not_by_unrelated() -> None:
    words = _words(600, 5)
    a = dedup.signature(" ".join(words))
    b = dedup.signature(" ".join(words[:550] + _words(50, 6)))
    c = dedup.signature(" ".join(_words(600, 7)))
    keys = dedup.band_keys(a)
    assert len(keys) == len(set(keys)) == dedup.LSH_BANDS
    assert set(keys) & set(dedup.band_keys(b))
    assert not set(keys) & set(dedup.band_keys(c))


@pytest.mark.parametrize(("offset", "duplicate"), [(0, True), (-1, False)])
def test_duplicate_threshold_both_sides(offset: int, duplicate: bool) -> None:
    base = dedup.signature(" ".join(_words(400, 8)))
    agreeing = -(-int(dedup.DUPLICATE_THRESHOLD * dedup.NUM_PERM * 1000) // 1000) + offset
    other = _with_agreement(base, agreeing)
    assert (dedup.jaccard_estimate(base, other) >= dedup.DUPLICATE_THRESHOLD) is duplicate
    first, second = _article("a", base), _article("b", other)
    dedup.assign_groups([second, first], [])
    assert first.duplicate_of is None
    assert second.duplicate_of == ("a" if duplicate else None)


def _entity_pair(extra: int) -> tuple[dict[str, int], dict[str, int]]:
    shared = {"Ada": 2, "Ben": 2, "Cy": 2}
    return {**shared, "OnlyA": extra}, {**shared, "OnlyB": extra}


def test_story_entity_threshold_both_sides() -> None:
    scores = {n: dedup.entity_overlap(*_entity_pair(n))[0] for n in range(1, 40)}
    above = max((n for n, s in scores.items() if s >= dedup.STORY_ENTITY_THRESHOLD), default=None)
    below = min((n for n, s in scores.items() if s < dedup.STORY_ENTITY_THRESHOLD), default=None)
    assert above is not None and below == above + 1
    for extra, joins in ((above, True), (below, False)):
        left, right = _entity_pair(extra)
        base = dedup.signature(" ".join(_words(200, 9)))
        a = _article("a", base, left)
        b = _article("b", dedup.signature(" ".join(_words(200, 10))), right)
        dedup.assign_groups([a, b], [])
        assert (a.story_id == b.story_id) is joins, (extra, scores[extra])


def test_story_needs_enough_shared_entities() -> None:
    a = _article("a", dedup.signature("alpha beta gamma delta epsilon"), {"Ada": 5, "Ben": 5})
    b = _article("b", dedup.signature("zeta eta theta iota kappa"), {"Ada": 5, "Ben": 5})
    assert dedup.entity_overlap({"Ada": 5, "Ben": 5}, {"Ada": 5, "Ben": 5}) == (1.0, 2)
    dedup.assign_groups([a, b], [])
    assert a.story_id != b.story_id


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Article]:
    return enriched_seeds()


def _record(article: Article) -> dict:
    return article.to_dict()


def test_seed_duplicates_and_story(seeds: list[Article]) -> None:
    articles = [*seeds, transfer_article()]
    dedup.assign_groups(articles, [])
    s0, s1, s2, s3, s4, other = articles
    assert {s0.duplicate_of, s1.duplicate_of} == {None, min(s0.id, s1.id)}
    assert [s2.duplicate_of, s3.duplicate_of, s4.duplicate_of, other.duplicate_of] == [None] * 4
    assert len({a.story_id for a in seeds}) == 1
    assert other.story_id not in {None, s0.story_id}


def test_seed_groups_do_not_depend_on_input_order(seeds: list[Article]) -> None:
    forward = enriched_seeds()
    backward = list(reversed(enriched_seeds()))
    dedup.assign_groups(forward, [])
    dedup.assign_groups(backward, [])
    assert [(a.duplicate_of, a.story_id) for a in forward] == [
        (a.duplicate_of, a.story_id) for a in reversed(backward)
    ]


def test_seed_story_survives_a_second_run(seeds: list[Article]) -> None:
    first, second = seeds[:3], seeds[3:]
    dedup.assign_groups(first, [])
    story = first[0].story_id
    dedup.assign_groups(second, [_record(a) for a in first])
    assert {a.story_id for a in first + second} == {story}
    rerun = enriched_seeds()[:3]
    dedup.assign_groups(rerun, [])
    assert {a.story_id for a in rerun} == {story}


def test_late_duplicate_points_at_the_indexed_article(seeds: list[Article]) -> None:
    early, late = enriched_seeds()[1], enriched_seeds()[0]
    dedup.assign_groups([early], [])
    dedup.assign_groups([late], [_record(early)])
    assert late.duplicate_of == early.id
    assert late.story_id == early.story_id


def test_fetch_candidates_from_elasticsearch(
    es: Elasticsearch, index_prefix: str, seeds: list[Article]
) -> None:
    index = f"{index_prefix}-articles"
    properties = {**DEDUP_MAPPING_PROPERTIES, "id": {"type": "keyword"}}
    es.indices.create(index=index, mappings={"dynamic": False, "properties": properties})
    first = enriched_seeds()[:3]
    dedup.assign_groups(first, [])
    for article in first:
        es.index(
            index=index, id=article.id, document={**article.to_dict(), **dedup_fields(article)}
        )
    es.indices.refresh(index=index)

    later = enriched_seeds()[3:]
    for article in later:
        article.minhash = dedup.signature(article.body)
    found = fetch_candidates(es, index, later)
    assert {c["id"] for c in found} == {a.id for a in first}
    assert all(len(c["minhash"]) == dedup.NUM_PERM for c in found)
    dedup.assign_groups(later, found)
    assert {a.story_id for a in later} == {first[0].story_id}

    copy = enriched_seeds()[0]  # re-sent under another id: found through its LSH bands only
    copy.id, copy.entity_mentions = "resent-copy", []
    assert {c["id"] for c in fetch_candidates(es, index, [copy])} == {first[0].id, first[1].id}

    assert fetch_candidates(es, index, [transfer_article()]) == []
