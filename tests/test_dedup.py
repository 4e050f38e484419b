"""Near-duplicates and story groups: signatures, thresholds on both sides, the seeds, reruns."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest
from datasketch import MinHash
from elasticsearch import Elasticsearch

from flows.es.candidates import CANDIDATE_FIELDS, _candidate_clauses, fetch_candidates
from flows.es.templates import load_mapping
from tests.enriched_seeds import enriched_seeds, transfer_article
from transforms.enrichment import dedup
from transforms.es_documents import article_document
from transforms.record import Article


def _words(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"w{rng.randrange(10**9)}" for _ in range(n)]


DAY = "2024-03-14T09:30:00+00:00"


def _article(
    article_id: str,
    minhash: list[int],
    mentions: dict[str, int] | None = None,
    *,
    kind: str = "person",
    published: str | None = DAY,
    precision: str | None = "minute",
) -> Article:
    return Article(
        id=article_id,
        source=f"{article_id}.txt",
        format="text",
        content_hash=article_id,
        minhash=minhash,
        lsh_bands=dedup.band_keys(minhash),
        entity_mentions=[
            {"name": n, "type": kind, "count": c} for n, c in (mentions or {}).items()
        ],
        entities={kind: list(mentions or {})},
        published_at=published,
        published_precision=precision if published else None,
    )


def _unrelated_text(seed: int) -> list[int]:
    return dedup.signature(" ".join(_words(200, seed)))


def _with_agreement(base: list[int], agreeing: int) -> list[int]:
    """A signature equal to ``base`` in exactly ``agreeing`` positions."""
    return base[:agreeing] + [v + 1 for v in base[agreeing:]]


def _agreeing_at(threshold: float, offset: int) -> int:
    """Signature positions that put the estimate at ``threshold`` (``offset`` = 0) or off it."""
    return -(-int(threshold * dedup.NUM_PERM * 1000) // 1000) + offset


def test_signature_is_deterministic_and_sized() -> None:
    body = " ".join(_words(300, 1))
    assert dedup.signature(body) == dedup.signature(body)
    assert len(dedup.signature(body)) == dedup.NUM_PERM
    assert dedup.signature(" ,.; ") == []
    assert dedup.jaccard_estimate([], dedup.signature(body)) == 0.0


@pytest.mark.parametrize("words", [300, 5, 1, 3000])
def test_signature_equals_datasketch_minhash_of_the_shingles(words: int) -> None:
    """Indexed signatures stay comparable: the native MinHash is datasketch's default one."""
    body = " ".join(_words(words, 2)) + " Zürich naïve"
    reference = MinHash(num_perm=dedup.NUM_PERM, seed=1)
    reference.update_batch([gram.encode("utf-8") for gram in dedup.shingles(body)])
    assert dedup.signature(body) == [int(v) for v in reference.hashvalues]


def test_band_keys_are_computed_once_by_the_enrich_stage() -> None:
    """The candidate query and the article document read ``lsh_bands``; neither recomputes it."""
    sig = dedup.signature(" ".join(_words(200, 8)))
    assert len(dedup.band_keys(sig)) == dedup.LSH_BANDS
    article = replace(_article("a", sig), lsh_bands=["00-set-by-enrich"])
    assert _candidate_clauses(article)[0]["bool"]["should"] == [
        {"term": {"lsh_bands": "00-set-by-enrich"}}
    ]
    assert article_document(article, ingested_at=DAY)["lsh_bands"] == ["00-set-by-enrich"]


def test_with_signature_sets_minhash_and_its_bands_on_a_copy() -> None:
    body = " ".join(_words(200, 8))
    article = Article(id="a", source="a.txt", format="text", content_hash="a", body=body)
    signed = dedup.with_signature(article)
    assert signed.minhash == dedup.signature(body)
    assert signed.lsh_bands == dedup.band_keys(signed.minhash)
    assert (article.minhash, article.lsh_bands) == ([], [])


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
    agreeing = _agreeing_at(dedup.DUPLICATE_THRESHOLD, offset)
    other = _with_agreement(base, agreeing)
    assert (dedup.jaccard_estimate(base, other) >= dedup.DUPLICATE_THRESHOLD) is duplicate
    given = [_article("b", other), _article("a", base)]
    second, first = dedup.assign_groups(given, [])
    assert first.duplicate_of is None
    assert [(a.duplicate_of, a.story_id) for a in given] == [(None, None)] * 2  # left unchanged
    assert second.duplicate_of == ("a" if duplicate else None)


@pytest.mark.parametrize(("offset", "joins"), [(0, True), (-1, False)])
def test_story_text_threshold_both_sides(offset: int, joins: bool) -> None:
    base = _unrelated_text(30)
    other = _with_agreement(base, _agreeing_at(dedup.STORY_TEXT_THRESHOLD, offset))
    a, b = dedup.assign_groups([_article("a", base), _article("b", other)], [])
    assert (a.story_id == b.story_id) is joins
    assert b.duplicate_of is None


@pytest.mark.parametrize(
    ("threshold", "joins"), [(dedup.STORY_TEXT_THRESHOLD, False), (dedup.DUPLICATE_THRESHOLD, True)]
)
def test_shared_wording_joins_a_story_only_within_the_window(threshold: float, joins: bool) -> None:
    base = _unrelated_text(31)
    a = _article("a", base)
    late = "2024-03-22T09:30:00+00:00"  # 8 days after a
    b = _article("b", _with_agreement(base, _agreeing_at(threshold, 0)), published=late)
    a, b = dedup.assign_groups([a, b], [])
    assert (a.story_id == b.story_id) is joins


def _entity_pair(extra: int) -> tuple[dict[str, int], dict[str, int]]:
    shared = {"Ada Quell": 2, "Ben Quell": 2, "Cy Quell": 2}
    return {**shared, "OnlyA": extra}, {**shared, "OnlyB": extra}


def _entity_overlap(a: dict[str, int], b: dict[str, int]) -> tuple[float, int]:
    """Weighted Jaccard of two articles' top entities, and how many they share."""
    wa, wb = dedup._top_weights(a), dedup._top_weights(b)
    return dedup._weighted_jaccard(wa, wb), len(wa.keys() & wb.keys())


def test_story_entity_threshold_both_sides() -> None:
    scores = {n: _entity_overlap(*_entity_pair(n))[0] for n in range(1, 40)}
    above = max((n for n, s in scores.items() if s >= dedup.STORY_ENTITY_THRESHOLD), default=None)
    below = min((n for n, s in scores.items() if s < dedup.STORY_ENTITY_THRESHOLD), default=None)
    assert above is not None and below == above + 1
    for extra, joins in ((above, True), (below, False)):
        left, right = _entity_pair(extra)
        base = dedup.signature(" ".join(_words(200, 9)))
        a = _article("a", base, left)
        b = _article("b", dedup.signature(" ".join(_words(200, 10))), right)
        a, b = dedup.assign_groups([a, b], [])
        assert (a.story_id == b.story_id) is joins, (extra, scores[extra])


def test_story_needs_enough_shared_entities() -> None:
    a = _article("a", dedup.signature("alpha beta gamma delta epsilon"), {"Ada": 5, "Ben": 5})
    b = _article("b", dedup.signature("zeta eta theta iota kappa"), {"Ada": 5, "Ben": 5})
    assert _entity_overlap({"Ada": 5, "Ben": 5}, {"Ada": 5, "Ben": 5}) == (1.0, 2)
    a, b = dedup.assign_groups([a, b], [])
    assert a.story_id != b.story_id


@pytest.mark.parametrize("kind", ["person", "org"])
@pytest.mark.parametrize("dated", [True, False])
@pytest.mark.parametrize("offset", [0, -1])
def test_required_shared_entities_both_sides(kind: str, dated: bool, offset: int) -> None:
    """Places and organisations alone, or no dates, call for one more shared entity each."""
    needed = dedup.required_shared(person_shared=kind == "person", same_week=dated)
    assert needed == dedup.STORY_MIN_SHARED_ENTITIES + (kind != "person") + (not dated)
    names = {f"Ada Name{k}": 3 for k in range(needed + offset)}
    published = DAY if dated else None
    a = _article("a", _unrelated_text(11), {**names, "OnlyA": 1}, kind=kind, published=published)
    b = _article("b", _unrelated_text(12), {**names, "OnlyB": 1}, kind=kind, published=published)
    a, b = dedup.assign_groups([a, b], [])
    assert (a.story_id == b.story_id) is (offset == 0)


@pytest.mark.parametrize(("names", "joins"), [(["Ada Quell"], True), (["Quell"], False)])
def test_a_shared_person_is_named_in_full(names: list[str], joins: bool) -> None:
    """A lone word the model calls a person is often a place ("Penfield"): it is no person."""
    a = _article("a", _unrelated_text(15), dict.fromkeys(names, 3))
    b = _article("b", _unrelated_text(16), dict.fromkeys(names, 3))
    for article in (a, b):
        article.entity_mentions += [
            {"name": "Penfield", "type": "place", "count": 3},
            {"name": "Penfield Borough Council", "type": "org", "count": 3},
        ]
    a, b = dedup.assign_groups([a, b], [])
    assert (a.story_id == b.story_id) is joins


@pytest.mark.parametrize(
    ("other", "precision", "joins"),
    [
        ("2024-03-21T23:00:00+00:00", "minute", True),  # 7 days later
        ("2024-03-22T00:30:00+00:00", "minute", False),  # 8 days later
        ("2024-03-01T00:00:00+00:00", "month", True),  # some day in March
        ("2024-04-01T00:00:00+00:00", "month", False),  # April: at least 18 days later
    ],
)
def test_story_window_both_sides(other: str, precision: str, joins: bool) -> None:
    names = {f"Ada Name{k}": 3 for k in range(dedup.required_shared(True, False))}
    a = _article("a", _unrelated_text(13), names)
    b = _article("b", _unrelated_text(14), names, published=other, precision=precision)
    a, b = dedup.assign_groups([a, b], [])
    assert (a.story_id == b.story_id) is joins


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Article]:
    return enriched_seeds()


def _record(article: Article) -> dict:
    return article.to_dict()


def test_seed_duplicates_and_story(seeds: list[Article]) -> None:
    articles = dedup.assign_groups([*seeds, transfer_article()], [])
    s0, s1, s2, s3, s4, other = articles
    assert {s0.duplicate_of, s1.duplicate_of} == {None, min(s0.id, s1.id)}
    assert [s2.duplicate_of, s3.duplicate_of, s4.duplicate_of, other.duplicate_of] == [None] * 4
    assert len({a.story_id for a in articles[:-1]}) == 1
    assert other.story_id not in {None, s0.story_id}


def test_seed_groups_do_not_depend_on_input_order(seeds: list[Article]) -> None:
    forward = dedup.assign_groups(enriched_seeds(), [])
    backward = dedup.assign_groups(list(reversed(enriched_seeds())), [])
    assert [(a.duplicate_of, a.story_id) for a in forward] == [
        (a.duplicate_of, a.story_id) for a in reversed(backward)
    ]


def test_seed_story_survives_a_second_run(seeds: list[Article]) -> None:
    first = dedup.assign_groups(seeds[:3], [])
    story = first[0].story_id
    second = dedup.assign_groups(seeds[3:], [_record(a) for a in first])
    assert {a.story_id for a in first + second} == {story}
    rerun = dedup.assign_groups(enriched_seeds()[:3], [])
    assert {a.story_id for a in rerun} == {story}


def test_late_duplicate_points_at_the_indexed_article(seeds: list[Article]) -> None:
    [early] = dedup.assign_groups([enriched_seeds()[1]], [])
    [late] = dedup.assign_groups([enriched_seeds()[0]], [_record(early)])
    assert late.duplicate_of == early.id
    assert late.story_id == early.story_id


def _dedup_index(es: Elasticsearch, prefix: str) -> str:
    index = f"{prefix}-articles"
    mapped = load_mapping("articles.json")["template"]["mappings"]["properties"]
    properties = {name: mapped[name] for name in {*CANDIDATE_FIELDS, "lsh_bands"} & mapped.keys()}
    properties["id"] = {"type": "keyword"}
    es.indices.create(index=index, mappings={"dynamic": False, "properties": properties})
    return index


def test_fetch_candidates_from_elasticsearch(
    es: Elasticsearch, index_prefix: str, seeds: list[Article]
) -> None:
    index = _dedup_index(es, index_prefix)
    first = dedup.assign_groups(enriched_seeds()[:3], [])
    for article in first:
        es.index(index=index, id=article.id, document=article.to_dict())
    es.indices.refresh(index=index)

    later = enriched_seeds()[3:]
    found = fetch_candidates(es, index, later)
    assert {c["id"] for c in found} == {a.id for a in first}
    assert all(len(c["minhash"]) == dedup.NUM_PERM for c in found)
    later = dedup.assign_groups(later, found)
    assert {a.story_id for a in later} == {first[0].story_id}

    copy = enriched_seeds()[0]  # re-sent under another id: found through its LSH bands only
    copy.id, copy.entity_mentions = "resent-copy", []
    assert {c["id"] for c in fetch_candidates(es, index, [copy])} == {first[0].id, first[1].id}

    assert fetch_candidates(es, index, [transfer_article()]) == []

    rerun = enriched_seeds()[:2]  # sent again: their own indexed versions are no candidates
    assert {c["id"] for c in fetch_candidates(es, index, rerun)} == {first[2].id}


def test_fetch_candidates_keeps_to_the_story_window(es: Elasticsearch, index_prefix: str) -> None:
    index = _dedup_index(es, index_prefix)
    names = {"Ada Quell": 3, "Ben Quell": 2, "Cy Quell": 2}
    dated = {
        "day-7": ("2024-03-07T00:10:00+00:00", "minute"),
        "day-8": ("2024-03-06T23:50:00+00:00", "minute"),
        "day+7": ("2024-03-21T00:00:00+00:00", "day"),
        "day+8": ("2024-03-22T00:00:00+00:00", "day"),
        "mar": ("2024-03-01T00:00:00+00:00", "month"),
        "feb": ("2024-02-01T00:00:00+00:00", "month"),
        "undated": (None, None),
    }
    for key, (published, precision) in dated.items():
        article = _article(key, _unrelated_text(20), names, published=published)
        article.published_precision = precision
        es.index(index=index, id=key, document=article.to_dict())
    es.indices.refresh(index=index)
    new = _article("new", _unrelated_text(21), names)  # 2024-03-14
    found = {c["id"] for c in fetch_candidates(es, index, [new])}
    assert found == {"day-7", "day+7", "mar", "undated"}
    for day, joins_february in (("2024-03-07", True), ("2024-03-08", False)):  # Feb 29 + 7, + 8
        new.published_at = f"{day}T12:00:00+00:00"
        assert ("feb" in {c["id"] for c in fetch_candidates(es, index, [new])}) is joins_february
    new.published_at = new.published_precision = None
    assert {c["id"] for c in fetch_candidates(es, index, [new])} == set(dated)


def test_fetch_candidates_needs_two_shared_bands(es: Elasticsearch, index_prefix: str) -> None:
    index = _dedup_index(es, index_prefix)
    base = _unrelated_text(22)
    for shared in (1, dedup.LSH_MIN_SHARED_BANDS):
        article = _article(f"bands-{shared}", _with_agreement(base, shared * dedup.LSH_ROWS))
        es.index(index=index, id=article.id, document=article.to_dict())
    es.indices.refresh(index=index)
    found = fetch_candidates(es, index, [_article("new", base)])
    assert {c["id"] for c in found} == {f"bands-{dedup.LSH_MIN_SHARED_BANDS}"}


def test_story_window_of_a_date_at_the_calendars_edge() -> None:
    """A junk date near year 1 or 9999 (seen on real pages) must not break the candidate query."""
    from flows.es.candidates import _story_window

    for day in ("0001-01-02T00:00:00Z", "9999-12-30T00:00:00Z"):
        article = Article(id="a", source="x.txt", format="text", content_hash="h", published_at=day)
        article.published_precision = "day"
        assert _story_window(article) is not None
