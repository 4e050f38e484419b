"""The five real seeds and the four hand-written samples, cleaned end to end.

Expected strings come from the issue or are read from the seed files themselves: no seed
sentence is copied here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from transforms.clean import NO_DATE, clean_document
from transforms.record import Article

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
_TOKEN = re.compile(r"[^\W_]+")
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")


def _tokens(text: str | None) -> str:
    return " ".join(t.lower() for t in _TOKEN.findall(_LINK_TARGET.sub("]", text or "")))


def lost_lines(raw_text: str, article: Article) -> list[str]:
    """Input lines found neither in the body, the metadata nor the removals.

    Comparison is on lower-cased word tokens, so Markdown syntax, punctuation split off a
    dateline and whitespace do not count; a dateline is matched together with the paragraph
    it was split from; list markers ("* ", "1. ") are syntax, not text.
    """
    first = article.paragraphs[0].text if article.paragraphs else ""
    pieces = [
        article.section,
        article.title,
        article.standfirst,
        article.byline,
        article.printed_date,
        f"{article.dateline or ''} {first}",
        *(p.section for p in article.paragraphs),
        *(p.text for p in article.paragraphs[1:]),
        *(r.text for r in article.removed),
    ]
    haystack = "\n".join(f" {_tokens(p)} " for p in pieces)
    lines = [_LIST_MARK.sub("", line) for line in raw_text.splitlines()]
    return [line for line in lines if _tokens(line) and f" {_tokens(line)} " not in haystack]


def _seed(seeds_dir: Path, number: str) -> tuple[str, Article]:
    path = next(seeds_dir.glob(f"{number}_*"))
    raw = path.read_bytes()
    return raw.decode("utf-8"), clean_document(raw, str(path))


def _removed(article: Article, kind: str) -> list[str]:
    return [r.text for r in article.removed if r.kind == kind]


def _all_text_fields(article: Article) -> list[str]:
    fields = [
        article.title,
        article.standfirst,
        article.section,
        article.byline,
        article.byline_org,
        article.byline_location,
        article.dateline,
        article.printed_date,
        article.body,
    ]
    fields += [p.text for p in article.paragraphs] + [p.section for p in article.paragraphs]
    fields += [r.text for r in article.removed] + article.authors
    return [f for f in fields if f]


@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_seed_loses_nothing(seeds_dir: Path, number: str) -> None:
    raw, article = _seed(seeds_dir, number)
    assert lost_lines(raw, article) == []
    assert article.body == "\n\n".join(p.text for p in article.paragraphs)
    assert article.word_count == len(article.body.split()) > 100
    assert article.language == "en"


def test_lost_lines_notices_a_dropped_paragraph(seeds_dir: Path) -> None:
    raw, article = _seed(seeds_dir, "003")
    dropped = replace(article, paragraphs=article.paragraphs[:-1])
    assert lost_lines(raw, dropped) != []


def test_seed_000_independent_plain_text(seeds_dir: Path) -> None:
    raw, article = _seed(seeds_dir, "000")
    assert article.format == "text"
    assert article.outlet is not None and article.outlet.id == "independent"
    assert article.title == raw.splitlines()[0].strip()
    captions = _removed(article, "caption")
    assert len(captions) == 2
    assert captions[0].endswith("(AP)") and captions[1].endswith("(AFP via Getty Images)")
    assert _removed(article, "footer") == ["Source: independent.co.uk"]
    assert not any(c in article.body for c in captions)
    assert "Source:" not in article.body
    assert article.published_at is None and article.published_precision is None
    assert NO_DATE in article.warnings


def test_seed_001_keeps_every_paragraph_intact(seeds_dir: Path) -> None:
    raw, article = _seed(seeds_dir, "001")
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    assert [p.text for p in article.paragraphs] == lines
    assert article.title is None and article.removed == []
    assert article.published_at is None and NO_DATE in article.warnings


def test_seed_002_guardian_markdown(seeds_dir: Path) -> None:
    raw, article = _seed(seeds_dir, "002")
    assert article.format == "markdown"
    assert article.outlet is not None and article.outlet.id == "guardian"
    assert article.section == "US foreign policy"
    heading = next(line for line in raw.splitlines() if line.startswith("# "))
    assert article.title == heading[2:].strip()
    assert article.standfirst and article.standfirst not in article.title
    assert article.authors == ["Maya Yang"] and article.byline_location == "New York"
    assert article.published_at == "2024-11-11T00:01:00+00:00"
    assert article.published_precision == "minute" and article.date_source == "date_line"
    caption = _removed(article, "caption")
    assert len(caption) == 1 and caption[0].startswith("📷") and "Photograph:" in caption[0]
    newsletter = _removed(article, "newsletter")
    assert newsletter[0].startswith("Sign up to") and newsletter[-1].startswith("Privacy Notice:")
    related = _removed(article, "related")
    assert related[0] == "More on this story"
    assert {"1d ago", "22h ago", "2d ago"} <= set(related)
    assert _removed(article, "most_viewed") == ["Most viewed"]
    last_paragraph = next(
        line for line in reversed(raw.splitlines()) if line.startswith("After his comments")
    )
    assert article.paragraphs[-1].text == last_paragraph.strip()
    for text in _all_text_fields(article):
        assert "**" not in text and "](" not in text and not text.startswith("#"), text


def test_seed_003_wordpress_text(seeds_dir: Path) -> None:
    raw, article = _seed(seeds_dir, "003")
    assert article.authors == ["Dayo Adesulu"] and article.byline_org is None
    assert article.published_at is not None and article.published_at.startswith("2024-11")
    assert article.published_precision == "month" and article.date_source == "dateline"
    assert article.dateline and article.dateline.startswith("November 2024")
    assert not article.paragraphs[0].text.startswith("November 2024")
    sections = list(dict.fromkeys(p.section for p in article.paragraphs if p.section))
    lines = [line.strip() for line in raw.splitlines()]
    assert len(sections) == 3 and all(s in lines for s in sections)
    last_lines = [line for line in lines if line][-2:]
    assert _removed(article, "empty_heading") == [last_lines[0]]
    assert _removed(article, "navigation") == ["Exit mobile version"]
    assert article.outlet is None


def test_seed_004_regional_site(seeds_dir: Path) -> None:
    raw, article = _seed(seeds_dir, "004")
    assert article.outlet is not None and article.outlet.id == "mangalore_today"
    assert article.byline_org == "Mangalore Today News Network" and article.authors == []
    assert article.published_at == "2024-11-11T00:00:00+00:00"
    assert article.published_precision == "day" and article.date_source == "dateline"
    assert article.dateline and "2024" in article.dateline
    assert article.dateline not in article.paragraphs[0].text
    assert article.paragraphs[0].text[0].isupper()
    lone_words = [line.strip() for line in raw.splitlines() if re.fullmatch(r"\w+", line.strip())]
    assert _removed(article, "caption") == lone_words and len(lone_words) == 1
    nbsp_lines = [line for line in raw.splitlines() if line and not line.strip()]
    assert _removed(article, "blank") == nbsp_lines and nbsp_lines
    assert _removed(article, "masthead") == [raw.splitlines()[0]]
    assert len({p.section for p in article.paragraphs if p.section}) == 3


# ---- the hand-written samples in data/samples -------------------------------------------


def _sample(name: str) -> tuple[str, Article]:
    path = SAMPLES / name
    raw = path.read_bytes()
    return raw.decode("utf-8"), clean_document(raw, f"data/samples/{name}")


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*_port_strike.*")))
def test_sample_loses_nothing(name: str) -> None:
    raw, article = _sample(name)
    assert lost_lines(raw, article) == []
    assert article.paragraphs and article.language == "en"


def test_sample_plain_text_with_captions_and_footer() -> None:
    _, article = _sample("independent_port_strike.txt")
    assert article.outlet is not None and article.outlet.id == "independent"
    assert article.title == "Crane operators walk out at Port Halden as automation talks collapse"
    assert [c[-4:] for c in _removed(article, "caption")] == ["(PA)", "ges)"]
    assert article.published_at is None and NO_DATE in article.warnings
    assert _removed(article, "blank") == ["\u00a0"]


def test_sample_markdown_page_export() -> None:
    _, article = _sample("guardian_port_strike.md")
    assert article.outlet is not None and article.outlet.id == "guardian"
    assert article.section == "Industrial action"
    assert article.title and article.title.startswith("Port Halden strike")
    assert article.standfirst and article.standfirst.startswith("Union says")
    assert article.authors == ["Oskar Lindqvist"] and article.byline_location == "Port Halden"
    assert article.published_at == "2024-03-12T18:30:00+00:00"
    assert len(_removed(article, "newsletter")) == 6
    assert {"3h ago", "2d ago"} <= set(_removed(article, "related"))
    assert _removed(article, "most_viewed") == ["Most viewed"]
    assert article.paragraphs[-1].text.startswith("The regional mediator")
    assert "**" not in article.body and "](" not in article.body


def test_sample_wordpress_text() -> None:
    _, article = _sample("wordpress_port_strike.txt")
    assert article.authors == ["Amara O'Connell-McBride"]
    assert article.dateline == "March 2024, Port Halden"
    assert article.published_at == "2024-03-01T00:00:00+00:00"
    assert article.published_precision == "month"
    assert [p.section for p in article.paragraphs] == [
        None,
        "Union Demands Written Job Guarantee",
        "Union Demands Written Job Guarantee",
        "Hauliers and Farmers Feel the Pressure",
    ]
    assert _removed(article, "empty_heading") == ["What Comes Next"]


def test_sample_regional_site() -> None:
    _, article = _sample("regional_port_strike.txt")
    assert article.outlet is not None and article.outlet.id == "mangalore_today"
    assert article.byline_org == "Mangalore Today News Network" and article.authors == []
    assert article.dateline == "Port Halden, March 12, 2024"
    assert article.paragraphs[0].text.startswith("Crane operators")
    assert article.published_at == "2024-03-12T00:00:00+00:00"
    assert _removed(article, "caption") == ["Vandermeer"]
    assert len(_removed(article, "blank")) == 2
    assert [s for s in dict.fromkeys(p.section for p in article.paragraphs) if s] == [
        "Exporters Count the Cost",
        "Talks Set for Thursday",
    ]
