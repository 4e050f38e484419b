"""Headline choice among title candidates and site-name suffix cutting."""

from __future__ import annotations

import pytest

from transforms.fields.titles import Candidate, pick_headline, split_site_suffix


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        (
            "Harbour wall to be rebuilt | The Courier",
            ["The Courier"],
            ("Harbour wall to be rebuilt", "The Courier"),
        ),
        (
            "Harbour wall to be rebuilt - Courier",
            ["The Courier"],
            ("Harbour wall to be rebuilt", "Courier"),
        ),
        (
            "Harbour wall to be rebuilt – Aktuálně.cz",
            ["aktualne"],
            ("Harbour wall to be rebuilt", "Aktuálně.cz"),
        ),
        (
            "Harbour wall to be rebuilt :: Courier",
            ["courier"],
            ("Harbour wall to be rebuilt", "Courier"),
        ),
        (
            "Harbour wall to be rebuilt — Courier",
            ["courier"],
            ("Harbour wall to be rebuilt", "Courier"),
        ),
        ("港口墙将重建_新闻_腾讯网", ["腾讯网"], ("港口墙将重建_新闻", "腾讯网")),
        (
            "The Courier | Harbour wall to be rebuilt",
            ["The Courier"],
            ("Harbour wall to be rebuilt", "The Courier"),
        ),
        (
            "Weekly Edition for March 26 [LWN.net]",
            ["lwn"],
            ("Weekly Edition for March 26", "LWN.net"),
        ),
        # The segment names no site: kept.
        (
            "Harbour wall to be rebuilt - council says",
            ["The Courier"],
            ("Harbour wall to be rebuilt - council says", None),
        ),
        (
            "Harbour wall to be rebuilt | The Courier",
            [],
            ("Harbour wall to be rebuilt | The Courier", None),
        ),
        ("Harbour - wall", ["wall street journal"], ("Harbour - wall", None)),
    ],
)
def test_split_site_suffix(title: str, sites: list[str], expected: tuple[str, str | None]) -> None:
    assert split_site_suffix(title, sites) == expected


def test_h1_that_starts_the_title_wins_and_yields_the_site() -> None:
    found = pick_headline(
        [
            Candidate("h1", "Evolve: shared history"),
            Candidate("title", "Evolve: shared history — Mercurial docs"),
        ]
    )
    assert (found.text, found.site, found.source) == (
        "Evolve: shared history",
        "Mercurial docs",
        "h1",
    )


def test_a_declared_headline_beats_an_h1_and_title_that_agree() -> None:
    found = pick_headline(
        [
            Candidate("og", "Social copy of the story"),
            Candidate("twitter", "The printed headline"),
            Candidate("article_h1", "The printed headline"),
            Candidate("title", "The printed headline | Courier"),
        ],
        ["Courier"],
    )
    assert (found.text, found.site, found.source) == ("Social copy of the story", "Courier", "og")
    found = pick_headline(
        [Candidate("dc", "Harbour wall plan"), Candidate("title", "Plan 7 - harbour pages")]
    )
    assert found.text == "Harbour wall plan"


def test_agreement_decides_between_declared_headlines_and_without_one() -> None:
    found = pick_headline(
        [
            Candidate("og", "Social copy of the story"),
            Candidate("ld", "The printed headline"),
            Candidate("article_h1", "The printed headline"),
            Candidate("title", "The printed headline | Courier"),
        ],
        ["Courier"],
    )
    assert (found.text, found.source) == ("The printed headline", "ld")
    found = pick_headline(
        [
            Candidate("h1", "Latest stories"),
            Candidate("twitter", "The printed headline"),
            Candidate("title", "The printed headline | Courier"),
        ],
        ["Courier"],
    )
    assert found.text == "The printed headline"


def test_a_site_named_at_the_head_must_open_the_segment() -> None:
    assert split_site_suffix("Courier Daily - Harbour wall rebuilt", ["courier"]) == (
        "Harbour wall rebuilt",
        "Courier Daily",
    )
    title = "How the Courier built its app - a field report"
    assert split_site_suffix(title, ["courier"]) == (title, None)


def test_a_title_nothing_repeats_loses_a_short_last_segment() -> None:
    found = pick_headline(
        [
            Candidate("h1", "Welcome to my notebook"),
            Candidate("title", "Testing the harbour model well | Notes | Ann Roe"),
        ]
    )
    assert (found.text, found.site) == ("Testing the harbour model well | Notes", "Ann Roe")


def test_without_agreement_declared_metadata_beats_a_stray_h1() -> None:
    found = pick_headline(
        [Candidate("h1", "Allergies Health Center"), Candidate("og", "Babies who eat peanuts")]
    )
    assert found.text == "Babies who eat peanuts"
    found = pick_headline(
        [Candidate("h1", "Allergies Health Center"), Candidate("title", "Babies who eat peanuts")]
    )
    assert found.text == "Babies who eat peanuts"


def test_equal_candidates_keep_the_metadata_spelling() -> None:
    found = pick_headline([Candidate("article_h1", "‘Star’ cuts"), Candidate("og", "'Star' cuts")])
    assert found.text == "'Star' cuts"


def test_lone_title_loses_a_short_last_segment_only() -> None:
    assert pick_headline([Candidate("title", "Lorem ipsum dolor sit amet – My website")]).text == (
        "Lorem ipsum dolor sit amet"
    )
    assert (
        pick_headline([Candidate("title", "Budget – the interview")]).text
        == "Budget – the interview"
    )


def test_a_title_that_is_only_the_site_name_is_no_headline() -> None:
    found = pick_headline(
        [Candidate("title", "The Courier"), Candidate("h1", "Harbour wall to be rebuilt")],
        ["The Courier"],
    )
    assert found.text == "Harbour wall to be rebuilt"
    assert pick_headline([]).text is None
