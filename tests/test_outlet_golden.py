"""Every outlet profile has a golden article: a small input and the record fields it must give.

As Fundus keeps one golden example per publisher: ``tests/outlet_golden/<outlet>.<ext>`` is the
input (written for these tests), ``<outlet>.json`` the expected fields. A profile's line rules
fire on its own outlet's articles only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from transforms.clean import clean_document
from transforms.data_files import load, profiles
from transforms.data_models import OutletsFile
from transforms.html.html_boilerplate import classify_line
from transforms.record import Article
from transforms.text.rules import LineRule, match_line, match_outlet_line

GOLDEN = Path(__file__).parent / "outlet_golden"
FIELDS = ("title", "standfirst", "authors", "byline_org", "dateline", "published_at")
FIELDS += ("published_precision", "language", "warnings")
OUTLETS = [p.outlet for p in profiles()]
HOST = "mangalore_today"  # its profile has no line rules: the page the others' lines visit


def _input(outlet: str) -> Path:
    (path,) = [p for p in GOLDEN.glob(f"{outlet}.*") if p.suffix != ".json"]
    return path


def _clean(path: Path, text: str | None = None) -> Article:
    raw = path.read_bytes() if text is None else text.encode()
    return clean_document(raw, f"golden/{path.name}")


def golden_fields(article: Article) -> dict[str, Any]:
    """The fields a golden file holds."""
    record = article.to_dict()
    fields = {name: record[name] for name in FIELDS}
    fields["outlet"] = article.outlet.id if article.outlet else None
    fields["paragraphs"] = [p["text"] for p in record["paragraphs"]]
    fields["removed"] = [[r["kind"], r["text"]] for r in record["removed"]]
    return fields


@pytest.mark.parametrize("outlet", OUTLETS)
def test_the_golden_article_of_each_outlet_gives_its_expected_record(outlet: str) -> None:
    article = _clean(_input(outlet))
    expected = json.loads((GOLDEN / f"{outlet}.json").read_text("utf-8"))
    assert golden_fields(article) == expected
    assert expected["outlet"] == outlet


@pytest.mark.parametrize("outlet", OUTLETS)
def test_each_profile_rule_fires_in_its_golden_article(outlet: str) -> None:
    (profile,) = [p for p in profiles() if p.outlet == outlet]
    removed = [r.text for r in _clean(_input(outlet)).removed]
    for entry in profile.line_rules:
        rule = LineRule.of(entry)
        assert any(rule.pattern.search(text) for text in removed), entry.pattern


def _profile_only_lines(outlet: str) -> list[str]:
    """Lines of ``outlet``'s golden article that its profile's rules remove and no generic
    (text or HTML) rule would."""
    return [
        r.text
        for r in _clean(_input(outlet)).removed
        if match_outlet_line(r.text, outlet)
        and not match_line(r.text)
        and not classify_line(r.text)
    ]


_PAGE = """<!doctype html><html lang="en"><head><title>Ferry timetable changes</title>
<link rel="canonical" href="https://www.{domain}/news/ferry-timetable"></head><body><article>
<h1>Ferry timetable changes from next week</h1>
<p>The ferry company will run its first crossing half an hour earlier from next week, after
commuters asked for a connection with the early train, the company said on Friday.</p>
{lines}
<p>The last crossing of the day will leave at the same time as now, and weekend sailings do
not change, a spokesperson said, adding that fares stay the same until the spring.</p>
</article></body></html>"""


def _page(outlet: str, lines: list[str]) -> Article:
    """The same small page, published on ``outlet``'s domain, with ``lines`` between paragraphs."""
    (domain,) = [o.domains[0] for o in load(OutletsFile).outlets if o.id == outlet]
    html = _PAGE.format(domain=domain, lines="".join(f"<p>{t}</p>" for t in lines))
    return clean_document(html.encode(), f"golden/{outlet}-visit.html")


SCOPED = [o for o in OUTLETS if _profile_only_lines(o)]


def test_some_profiles_have_rules_no_generic_rule_restates() -> None:
    assert {"guardian", "reuters", "washington_post"} <= set(SCOPED)


@pytest.mark.parametrize("outlet", SCOPED)
def test_a_profile_rule_fires_on_its_outlet_only(outlet: str) -> None:
    lines = _profile_only_lines(outlet)
    own, other = _page(outlet, lines), _page(HOST, lines)
    assert own.outlet is not None and own.outlet.id == outlet
    assert other.outlet is not None and other.outlet.id == HOST
    body = [p.text for p in other.paragraphs]
    assert body[1:-1] == lines and not [r for r in other.removed if r.text in lines]
    assert [p.text for p in own.paragraphs] == [body[0], body[-1]]
    assert [r.text for r in own.removed if r.text in lines] == lines


def test_match_outlet_line_answers_for_the_named_outlet_only() -> None:
    line = "Our Standards: The Thomson Reuters Trust Principles."
    assert match_outlet_line(line, "reuters") is not None
    assert match_outlet_line(line, "reuters").kind == "footer"  # type: ignore[union-attr]
    assert match_outlet_line(line, "guardian") is None
    assert match_outlet_line(line, "no_such_outlet") is None
