"""extract_html: body, metadata and audited removals of HTML pages."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from transforms.html_boilerplate import classify_line
from transforms.html_extract import extract_html

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "regional-courier-budget.html"
EVAL_DIR = Path("/work/shared/eval/html-benchmark-dev")

BODY = "".join(
    f"<p>Paragraph {i} of the story says the harbour council met again on a wet evening and "
    f"argued for hours about the money it would spend on the quay wall and its pumps.</p>"
    for i in range(1, 4)
)


def page(head: str = "", body: str = BODY) -> str:
    return f"<html><head>{head}</head><body><article>{body}</article></body></html>"


def kinds(result) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for removal in result.removed:
        out.setdefault(removal.kind, []).append(removal.text)
    return out


def test_sample_page() -> None:
    result = extract_html(SAMPLE.read_text("utf-8"))
    assert result.title == "Harbourside council backs £4m flood budget after late-night vote"
    assert result.site_name == "The Regional Courier"
    assert result.url == "https://www.regionalcourier.example/news/harbourside-flood-budget"
    assert result.published_at == "2024-11-11T00:01:00+00:00"
    assert (result.published_precision, result.date_source) == ("minute", "html_meta")
    assert result.byline == "Priya Natarajan"
    assert result.language == "en"
    assert result.paragraphs[0].text.startswith("Harbourside's councillors approved")
    assert result.paragraphs[0].section is None
    assert result.paragraphs[2].section == "Residents fill the gallery"
    assert result.paragraphs[-1].section == "Opposition warns of cuts elsewhere"
    found = kinds(result)
    caption = "Water spills over the old quay wall during last winter's storm surge."
    assert found["caption"] == [caption]
    assert found["credit"] == ["Photograph: Tomasz Wilk/Regional Courier"]
    assert "Quay Street traders count the cost of second flood" in found["related"][0]
    assert "Sign up to Courier Morning" in found["newsletter"][0]
    assert "share" in found and "nav" in found
    body = " ".join(p.text for p in result.paragraphs)
    for text in ("Photograph", "Related stories", "Sign up", "Share on"):
        assert text not in body


def test_subheadings_become_sections() -> None:
    html = page(body=BODY + "<h2>What happens next</h2>" + BODY.replace("Paragraph", "Part"))
    result = extract_html(html)
    sections = [p.section for p in result.paragraphs]
    assert sections[:3] == [None, None, None]
    assert set(sections[3:]) == {"What happens next"}
    assert all(p.text != "What happens next" for p in result.paragraphs)


@pytest.mark.parametrize(
    ("meta", "iso", "precision"),
    [
        (
            '<meta property="article:published_time" content="2024-11-11T09:30:00+02:00">',
            "2024-11-11T07:30:00+00:00",
            "minute",
        ),
        ('<meta name="date" content="2024-11-11">', "2024-11-11T00:00:00+00:00", "day"),
    ],
)
def test_date_from_meta(meta: str, iso: str, precision: str) -> None:
    result = extract_html(page(meta))
    assert (result.published_at, result.published_precision) == (iso, precision)
    assert result.date_source == "html_meta"


def test_no_date_is_none_with_warning() -> None:
    result = extract_html(page())
    assert result.published_at is None and result.published_precision is None
    assert any("date" in w for w in result.warnings)


def test_canonical_url_wins_over_given_url() -> None:
    head = '<link rel="canonical" href="https://example.org/a"><meta property="og:url" content="https://x.org/b">'
    assert extract_html(page(head), url="https://mirror.example/a").url == "https://example.org/a"
    assert extract_html(page(), url="https://mirror.example/a").url == "https://mirror.example/a"


def test_site_name_and_title_not_in_body() -> None:
    head = '<meta property="og:site_name" content="Harbour Post"><title>Wall vote</title>'
    result = extract_html(page(head, "<h1>Quay wall vote passes</h1>" + BODY))
    assert result.site_name == "Harbour Post"
    assert all(p.text != "Quay wall vote passes" for p in result.paragraphs)


def test_boilerplate_paragraphs_are_removed_with_kinds() -> None:
    body = BODY + "<p>Related: Harbour traders count the cost</p><p>Sign up for our newsletter</p>"
    result = extract_html(page(body=body))
    found = kinds(result)
    assert found.get("related") == ["Related: Harbour traders count the cost"]
    assert found.get("newsletter") == ["Sign up for our newsletter"]
    assert len(result.paragraphs) == 3


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Like this story? Share it with a friend!", "share"),
        ("Advertisement", "ad"),
        ("© 2019 Example Media. All rights reserved.", "footer"),
        ("The council said it would share the cost with the port.", None),
    ],
)
def test_line_rules(line: str, kind: str | None) -> None:
    assert classify_line(line) == kind


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<<<>>>", "\x00\x01\x02 binary", "<html><body><div><p>unclosed", "<p>" * 5000],
)
def test_bad_html_does_not_raise(html: str) -> None:
    result = extract_html(html)
    assert result.paragraphs == [] or all(p.text for p in result.paragraphs)
    assert result.warnings


def _bench():
    path = ROOT / "bench" / "html_quality.py"
    spec = importlib.util.spec_from_file_location("html_quality", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason="eval set not available")
def test_quality_floor_on_eval_subset() -> None:
    bench = _bench()
    pages = bench.load_pages(EVAL_DIR, limit=10)
    pairs = [(truth, bench.body_text(extract_html(html))) for _, html, truth, _ in pages]
    f1, precision, recall = bench.corpus_scores(pairs)
    assert f1 > 0.90, (f1, precision, recall)


def test_metric_edge_cases() -> None:
    bench = _bench()
    assert bench.page_scores("a b c d e", "a b c d e") == (1.0, 1.0)
    assert bench.page_scores("a b c d e", "") == (0.0, 0.0)
    precision, recall = bench.page_scores("one two three four five", "one two three four")
    assert precision == 1.0 and recall == 0.5
