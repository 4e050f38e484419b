"""extract_html: body, metadata and audited removals of HTML pages."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from trafilatura.utils import load_html

from transforms.html.html_boilerplate import classify_line
from transforms.html.html_extract import extract_html
from transforms.html.html_meta import read_meta

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "regional-courier-budget.html"
EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "html-benchmark-dev"

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
    assert result.meta.title == "Harbourside council backs £4m flood budget after late-night vote"
    assert result.meta.site_name == "The Regional Courier"
    assert result.meta.url == "https://www.regionalcourier.example/news/harbourside-flood-budget"
    assert result.meta.published_at == "2024-11-11T00:01:00+00:00"
    assert (result.meta.published_precision, result.meta.date_source) == ("minute", "html_meta")
    assert result.meta.byline == "Priya Natarajan"
    assert result.meta.language == "en"
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
    assert (result.meta.published_at, result.meta.published_precision) == (iso, precision)
    assert result.meta.date_source == "html_meta"


def test_no_date_is_none_with_warning() -> None:
    result = extract_html(page())
    assert result.meta.published_at is None and result.meta.published_precision is None
    assert any("date" in w for w in result.warnings)


def test_canonical_url_wins_over_given_url() -> None:
    head = '<link rel="canonical" href="https://example.org/a"><meta property="og:url" content="https://x.org/b">'
    assert (
        extract_html(page(head), url="https://mirror.example/a").meta.url == "https://example.org/a"
    )
    assert (
        extract_html(page(), url="https://mirror.example/a").meta.url == "https://mirror.example/a"
    )


def test_site_name_and_title_not_in_body() -> None:
    head = '<meta property="og:site_name" content="Harbour Post"><title>Wall vote</title>'
    result = extract_html(page(head, "<h1>Quay wall vote passes</h1>" + BODY))
    assert result.meta.site_name == "Harbour Post"
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


def meta_of(head: str = "", body: str = "", url: str | None = None):
    return read_meta(load_html(f"<html><head>{head}</head><body>{body}</body></html>"), url)


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


ARTICLE_LD = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "WebPage", "datePublished": "2020-01-01", "name": "Section front"},
        {
            "@type": ["NewsArticle"],
            "headline": "Quay wall vote passes",
            "datePublished": "2024-11-11T09:30:00+01:00",
            "dateModified": "2024-11-12T10:00:00+01:00",
            "author": [
                {"@type": "Person", "name": "Ana Costa"},
                {"@type": "Person", "name": "Jo Lee"},
                {"@type": "Organization", "name": "Harbour Post Staff"},
            ],
            "publisher": {"@type": "NewsMediaOrganization", "name": "Harbour Post"},
        },
    ],
}


def test_json_ld_article_object_gives_date_authors_and_publisher() -> None:
    head = ld(ARTICLE_LD) + '<meta property="article:published_time" content="2024-11-13">'
    found = meta_of(head)
    assert found.published_at == "2024-11-11T08:30:00+00:00"  # the article's, not the WebPage's
    assert found.published_precision == "minute"
    assert found.byline == "Ana Costa, Jo Lee"
    assert found.byline_org == "Harbour Post Staff"
    assert (found.publisher, found.site_name, found.title) == (
        "Harbour Post",
        "Harbour Post",
        "Quay wall vote passes",
    )


def test_json_ld_in_cdata_and_organization_author_only() -> None:
    data = {
        "@type": "Article",
        "headline": "X",
        "author": {"@type": "Organization", "name": "Wire"},
    }
    found = meta_of(
        f'<script type="application/ld+json">//<![CDATA[\n{json.dumps(data)}\n//]]></script>'
    )
    assert found.byline == "Wire" and found.byline_org == "Wire"


def test_date_only_meta_keeps_day_precision() -> None:
    found = meta_of('<meta name="dc.date.issued" content="2014-12-15">')
    assert (found.published_at, found.published_precision) == ("2014-12-15T00:00:00+00:00", "day")


def test_author_meta_tags_skip_profile_urls_and_url_tails() -> None:
    head = (
        '<meta property="article:author" content="https://www.facebook.com/someone">'
        '<meta name="author" content="Bradley Kuhn (http://ebb.org/bkuhn/)">'
    )
    assert meta_of(head).byline == "Bradley Kuhn"


def test_space_separated_meta_properties_count_for_each_key() -> None:
    found = meta_of('<meta property="og:title twitter:title" content="Harbour vote">')
    assert found.title == "Harbour vote"


@pytest.mark.parametrize(
    ("body", "byline"),
    [
        (
            '<span itemprop="author" itemscope><meta itemprop="url" content="https://x.org/a">'
            '<span itemprop="name">Ana Costa</span></span>',
            "Ana Costa",
        ),
        (
            '<div class="entry-byline"><a rel="author" href="/u/sg">Sara Good</a>'
            " March 9, 2017 13 comments</div>",
            "Sara Good",
        ),
        ('<p class="byline">By Jo Lee</p>', "By Jo Lee"),
    ],
)
def test_byline_markup(body: str, byline: str) -> None:
    assert meta_of(body=body).byline == byline


def test_commenters_bylines_are_not_the_authors() -> None:
    body = (
        '<ul class="comments-list"><li class="comment"><div class="byline">Kit Marsh</div>'
        "<p>Good read.</p></li></ul>"
        '<div class="author-name">Ana Costa</div>'
    )
    assert meta_of(body=body).byline == "Ana Costa"
    body = '<article class="post comments-open"><p class="byline">Jo Lee</p></article>'
    assert meta_of(body=body).byline == "Jo Lee"


def test_an_account_handle_gives_way_to_the_printed_name() -> None:
    head = ld({"@type": "NewsArticle", "headline": "Quay", "author": {"name": "ac4471"}})
    head += '<meta name="author" content="@anacosta">'
    assert meta_of(head, '<span class="author-name">Ana Costa</span>').byline == "Ana Costa"


def test_dublin_core_keys_with_a_colon() -> None:
    head = '<meta name="dc:title" content="Quay wall plan">'
    head += '<meta name="dc:creator" content="Jo Lee">'
    found = meta_of(head + "<title>plan-07 - Harbour archive</title>")
    assert (found.title, found.byline) == ("Quay wall plan", "Jo Lee")


def test_json_ld_name_when_the_title_holds_it_and_not_the_headline() -> None:
    data = {"@type": "Article", "name": "Harbour Town", "headline": "port town on the coast"}
    assert meta_of(ld(data) + "<title>Harbour Town - Atlas</title>").title == "Harbour Town"
    data["headline"] = "Harbour Town rebuilds its quay"
    found = meta_of(ld(data) + "<title>Harbour Town rebuilds its quay - Atlas</title>")
    assert found.title == "Harbour Town rebuilds its quay"


def test_logo_h1_is_skipped_and_article_h1_cut_from_title() -> None:
    body = (
        '<header><h1 class="site-logo"><a href="/">Harbour Post</a></h1></header>'
        "<article><h1>Quay wall vote passes</h1></article>"
    )
    found = meta_of("<title>Quay wall vote passes | HP Online</title>", body)
    assert (found.title, found.h1, found.title_site) == (
        "Quay wall vote passes",
        "Quay wall vote passes",
        "HP Online",
    )
    assert found.site_name == "HP Online"  # no og:site_name: the title's site segment


def test_site_suffix_cut_by_domain_label_and_site_name_tagline() -> None:
    head = (
        '<meta property="og:title" content="Quay wall vote – Aktuálně.cz">'
        '<meta property="og:site_name" content="Aktuálně.cz - Víte, co se děje">'
    )
    found = meta_of(head, url="https://zpravy.aktualne.cz/a")
    assert (found.title, found.site_name) == ("Quay wall vote", "Aktuálně.cz")


@pytest.mark.parametrize(
    ("html_tag", "head", "lang"),
    [
        ('<html lang="de-AT">', "", "de"),
        ("<html>", '<meta property="og:locale" content="pt_BR">', "pt"),
        ("<html>", "", None),
    ],
)
def test_language_hint(html_tag: str, head: str, lang: str | None) -> None:
    tree = load_html(f"{html_tag}<head>{head}</head><body><p>x</p></body></html>")
    assert read_meta(tree).language == lang
