"""Byline parsing: names, organisations, locations and roles."""

from __future__ import annotations

import pytest

from transforms.bylines import looks_like_byline, parse_byline, title_case_name


@pytest.mark.parametrize(
    ("raw", "authors", "org", "location"),
    [
        ("By DAYO ADESULU", ["Dayo Adesulu"], None, None),
        ("Maya Yang in New York", ["Maya Yang"], None, "New York"),
        ("**Maya Yang in New York**", ["Maya Yang"], None, "New York"),
        ("By SEAN MCDONALD in WASHINGTON", ["Sean McDonald"], None, "Washington"),
        ("By Jane Roe and John Doe", ["Jane Roe", "John Doe"], None, None),
        ("By Ana Lima, Ben Ode and Cal Reyes", ["Ana Lima", "Ben Ode", "Cal Reyes"], None, None),
        ("By Jane Roe, Senior Correspondent", ["Jane Roe"], None, None),
        ("Jane Roe For Daily Mail Australia", ["Jane Roe"], None, None),
        ("By Jane Roe, Chief Political Correspondent", ["Jane Roe"], None, None),
        ("Mangalore Today News Network", [], "Mangalore Today News Network", None),
        ("Reuters", [], "Reuters", None),
        ("By Jane Roe, The Associated Press", ["Jane Roe"], "Associated Press", None),
        ("By Jane Roe and AP", ["Jane Roe"], "Associated Press", None),
        ("Staff Reporter", [], "Staff Reporter", None),
        ("Web Desk", [], "Web Desk", None),
        ("By Ludwig van Halen", ["Ludwig van Halen"], None, None),
    ],
)
def test_parse_byline(raw: str, authors: list[str], org: str | None, location: str | None) -> None:
    byline = parse_byline(raw)
    assert byline.authors == authors
    assert byline.org == org
    assert byline.location == location


@pytest.mark.parametrize(
    ("caps", "expected"),
    [
        ("SEAN MCDONALD", "Sean McDonald"),
        ("ANGUS MACDONALD", "Angus MacDonald"),
        ("MARY O'BRIEN", "Mary O'Brien"),
        ("JEAN-PAUL RENARD", "Jean-Paul Renard"),
        ("AMARA O'CONNELL-MCBRIDE", "Amara O'Connell-McBride"),
        ("maya yang", "Maya Yang"),
        ("Ian McKay", "Ian McKay"),
    ],
)
def test_title_case_name(caps: str, expected: str) -> None:
    assert title_case_name(caps) == expected


@pytest.mark.parametrize(
    "credit", ["Reuters", "Associated Press", "Kerala News Network", "Web Desk"]
)
def test_credits_never_become_authors(credit: str) -> None:
    assert parse_byline(f"By {credit}").authors == []
    assert parse_byline(f"By {credit}").org


@pytest.mark.parametrize(
    ("line", "emphasised", "expected"),
    [
        ("By JANE ROE", False, True),
        ("Jane Roe in Paris", False, True),
        ("Jane Roe", True, True),
        ("Jane Roe", False, False),
        ("Harbour Workers Vote to Strike", False, False),
        ("The council met on Monday to discuss the budget.", False, False),
        ("Staff Reporter", False, True),
    ],
)
def test_looks_like_byline(line: str, emphasised: bool, expected: bool) -> None:
    assert looks_like_byline(line, emphasised=emphasised) is expected
