"""The exports harness's ceiling: whether an export holds the gold title, authors and date."""

from __future__ import annotations

from bench.exports_quality import Page, held

GOLD = {
    "title": "Night trains return to the northern line after a decade | Rail Weekly",
    "site_name": "Rail Weekly",
    "byline": "By Ines Halvorsen and Tomas Berg",
    "published": "2024-03-07T23:30:00-02:00",
}


def _held(text: str) -> dict[str, float | None]:
    page = Page("rd-night-trains", "night-trains", b"", "", "", GOLD)
    return held(page, text)


def test_a_title_wrapped_over_two_lines_with_names_and_date_is_held():
    text = (
        "* [Home](/)\n\n# Night trains return to the northern line\nafter a decade\n\n"
        "By **Ines Halvorsen** and Tomas Berg | March 8, 2024\n\nThe first train left at ten.\n"
    )
    assert _held(text) == {"title_held": 1.0, "authors_held": 1.0, "date_held": 1.0}


def test_a_missing_name_a_missing_title_and_another_day_are_not_held():
    text = "Night trains\n\nBy Ines Halvorsen\n\nMarch 6, 2024\n\nThe first train left at ten.\n"
    assert _held(text) == {"title_held": 0.0, "authors_held": 0.0, "date_held": 0.0}


def test_fields_without_gold_are_not_scored():
    page = Page("rd-x", "x", b"", "", "", {"title": "Night trains"})
    assert held(page, "Night trains\n") == {
        "title_held": 1.0,
        "authors_held": None,
        "date_held": None,
    }


def test_the_body_held_is_the_share_of_the_gold_body_in_the_file():
    body = " ".join(f"Sentence {n} of the harbour story goes on for a while." for n in range(40))
    page = Page("hb-x", "x", b"", "", "", {"body": body})
    whole = held(page, f"Menu\n\n{body}\n\nFooter\n")["body_held"]
    half = held(page, body[: len(body) // 2])["body_held"]
    assert whole == 1.0
    assert half is not None and 0.3 < half < 0.7
