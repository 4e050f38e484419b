"""Date lines, datelines and metadata timestamps, all to UTC."""

from __future__ import annotations

import pytest

from transforms.dates import parse_date_line, parse_iso, split_dateline


@pytest.mark.parametrize(
    ("line", "iso", "precision"),
    [
        ("Mon 11 Nov 2024 00.01 GMT", "2024-11-11T00:01:00+00:00", "minute"),
        ("November 11, 2024", "2024-11-11T00:00:00+00:00", "day"),
        ("November 2024", "2024-11-01T00:00:00+00:00", "month"),
        ("11 November 2024", "2024-11-11T00:00:00+00:00", "day"),
        ("Tue 12 Mar 2024 18.30 GMT", "2024-03-12T18:30:00+00:00", "minute"),
        ("Nov. 3, 2024 10:30 a.m. EST", "2024-11-03T15:30:00+00:00", "minute"),
        ("Published: July 4, 2024 at 9:15 pm EDT", "2024-07-05T01:15:00+00:00", "minute"),
        ("Updated 14 June 2024 08:00 BST", "2024-06-14T07:00:00+00:00", "minute"),
        ("12 March 2024 16:45 IST", "2024-03-12T11:15:00+00:00", "minute"),
        ("2024-11-11T10:00:00-05:00", "2024-11-11T15:00:00+00:00", "minute"),
    ],
)
def test_parse_date_line(line: str, iso: str, precision: str) -> None:
    parsed = parse_date_line(line)
    assert parsed is not None
    assert (parsed.iso, parsed.precision) == (iso, precision)


@pytest.mark.parametrize(
    "line",
    [
        "1d ago",
        "22h ago",
        "Yesterday",
        "The vote took place on November 11, 2024.",
        "31 February 2024",
    ],
)
def test_no_date_from_relative_stamps_or_sentences(line: str) -> None:
    assert parse_date_line(line) is None


def test_parse_iso_date_only_is_day_precision() -> None:
    parsed = parse_iso("2024-11-11")
    assert parsed is not None and parsed.precision == "day"
    assert parse_iso("not a date") is None


@pytest.mark.parametrize(
    ("paragraph", "dateline", "iso", "rest"),
    [
        (
            "November 2024, Port Halden, Westmark – Crane operators stopped work.",
            "November 2024, Port Halden, Westmark",
            "2024-11-01T00:00:00+00:00",
            "Crane operators stopped work.",
        ),
        (
            "United State, November 11, 2024: The council voted.",
            "United State, November 11, 2024",
            "2024-11-11T00:00:00+00:00",
            "The council voted.",
        ),
        ("LONDON (Reuters) - Ministers met.", "LONDON (Reuters)", None, "Ministers met."),
    ],
)
def test_split_dateline(paragraph: str, dateline: str, iso: str | None, rest: str) -> None:
    found = split_dateline(paragraph)
    assert found is not None
    assert found.text == dateline and found.rest == rest
    assert (found.date.iso if found.date else None) == iso


@pytest.mark.parametrize(
    "paragraph",
    ["Trump, who won in November 2024, said – nothing.", "The council met on Monday."],
)
def test_no_dateline_in_ordinary_sentences(paragraph: str) -> None:
    assert split_dateline(paragraph) is None
