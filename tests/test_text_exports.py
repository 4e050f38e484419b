"""Text and Markdown exports of whole pages: front matter, inline HTML, page chrome, header.

Every input here is written for this file: menus, teaser lists and footers of an invented
outlet around an invented article, in the shapes exporters produce.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.test_clean_seeds import lost_lines
from transforms.clean import clean_document
from transforms.record import Article
from transforms.text.front_matter import split_front_matter
from transforms.text.inline_html import strip_inline_html
from transforms.text.lines import Unit
from transforms.text.markdown import author_links
from transforms.text.meta_lines import is_meta_line, read_meta
from transforms.text.page_region import is_headline

BODY = [
    "Dock workers at the northern harbour stopped work on Thursday morning, saying the new "
    "automated cranes would cost hundreds of jobs over the next two years.",
    "The union said eleven rounds of talks had failed to produce a written guarantee, and that "
    "its members had voted by a large majority to walk out for three days.",
    "The port authority said it regretted the decision and would meet union leaders again next "
    "week to discuss the timetable for the new equipment in detail.",
]
TITLE = "Harbour cranes fall silent as dock workers strike over automation"


def _clean(text: str, name: str) -> Article:
    return clean_document(text.encode("utf-8"), name)


def _kinds(article: Article) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for removal in article.removed:
        found.setdefault(removal.kind, []).append(removal.text)
    return found


MENU_MD = "\n".join(
    [
        "[Skip to main content](#main)",
        "[![Northern Tribune](/logo.png)](/)",
        "* [News](/news)",
        "* [Politics](/politics)",
        "* [Business](/business)",
        "  * [Markets](/business/markets)",
        "* [Sport](/sport)",
        "",
        "* [Business](/business)",
        "",
    ]
)
FOOTER_MD = "\n".join(
    [
        "",
        "## Most read",
        "",
        "1. [Council approves harbour road budget](/a)",
        "2. [Ferry timetable changes from Monday](/b)",
        "3. [New bridge opens to cyclists](/c)",
        "",
        "* [About us](/about)",
        "* [Contact](/contact)",
        "* [Privacy policy](/privacy)",
        "",
        "© 2024 Northern Tribune Media",
    ]
)


def _whole_page_markdown() -> str:
    header = [
        f"# {TITLE}",
        "",
        "Union says the port broke its promise on jobs",
        "",
        "By [Jana Beispiel](/author/jana-beispiel) and Tom Muster",
        "",
        "Published 7 March 2024",
        "",
        "* [Share on Facebook](https://facebook.example/share)",
        "* [Share on X](https://x.example/share)",
        "",
    ]
    body = "\n\n".join(BODY)
    return MENU_MD + "\n".join(header) + "\n" + body + "\n" + FOOTER_MD + "\n"


def test_whole_page_markdown_export_keeps_the_article_only() -> None:
    text = _whole_page_markdown()
    article = _clean(text, "page.md")
    assert article.title == TITLE
    assert article.section == "Business"
    assert article.standfirst == "Union says the port broke its promise on jobs"
    assert [p.text for p in article.paragraphs] == BODY
    kinds = _kinds(article)
    assert "News" in kinds["navigation"] and "Markets" in kinds["navigation"]
    assert kinds["share"] == ["Share on Facebook", "Share on X"]
    assert kinds["most_viewed"][:2] == ["Most read", "Council approves harbour road budget"]
    assert "© 2024 Northern Tribune Media" in {r.text for r in article.removed}
    assert lost_lines(text, article) == []


def test_whole_page_markdown_header_fields() -> None:
    article = _clean(_whole_page_markdown(), "page.md")
    assert article.byline is not None and article.byline.startswith("By Jana Beispiel")
    assert article.published_at is not None and article.published_at.startswith("2024-03-07")
    assert article.date_source == "date_line"


def test_plain_text_page_export_with_bullets_and_indentation() -> None:
    lines = [
        "   Skip to content",
        "   * Home",
        "   * World",
        "   * Business",
        "   * Sport",
        "",
        f"   {TITLE}",
        "",
        "   Published 7 March 2024",
        "",
        *(f"   {p}\n" for p in BODY),
        "   Most read",
        "   * Council approves harbour road budget",
        "   * Ferry timetable changes from Monday",
        "   * New bridge opens to cyclists",
        "   * About us",
        "   * Contact",
        "   © 2024 Northern Tribune Media",
    ]
    text = "\n".join(lines)
    article = _clean(text, "page.txt")
    assert article.title == TITLE
    assert [p.text for p in article.paragraphs] == BODY
    assert article.published_at is not None and article.published_at.startswith("2024-03-07")
    assert lost_lines(text, article) == []


def test_article_region_export_without_title_keeps_every_paragraph() -> None:
    text = "\n\n".join(BODY)
    article = _clean(text, "region.txt")
    assert article.title is None
    assert [p.text for p in article.paragraphs] == BODY
    assert article.removed == []


CLIPPER = """---
title: "Harbour cranes fall silent"
source: "https://www.tribune.example/business/harbour-cranes"
author:
  - "[[Jana Beispiel]]"
  - "[[Tom Muster]]"
published: 2024-03-07
created: 2024-03-08
description: "Dock workers stop work over automation."
tags:
  - "clippings"
---
"""


def test_clipper_front_matter_is_metadata_with_precedence() -> None:
    text = CLIPPER + "# Some other heading\n\n" + "\n\n".join(BODY) + "\n"
    article = _clean(text, "clip.md")
    assert article.title == "Harbour cranes fall silent"
    assert article.authors == ["Jana Beispiel", "Tom Muster"]
    assert article.published_at == "2024-03-07T00:00:00+00:00"
    assert article.date_source == "front_matter"
    assert article.url == "https://www.tribune.example/business/harbour-cranes"
    assert article.standfirst == "Dock workers stop work over automation."
    front = _kinds(article)["front_matter"]
    assert len(front) == 1 and front[0].startswith("---") and "clippings" in front[0]
    assert "clippings" not in article.body and "title:" not in article.body
    assert [p.text for p in article.paragraphs] == BODY


def test_toml_front_matter() -> None:
    meta, rest = split_front_matter('+++\ntitle = "A title"\ndate = 2024-03-07\n+++\nBody.\n')
    assert meta is not None and meta.title == "A title" and meta.published == "2024-03-07"
    assert rest == "Body.\n"


@pytest.mark.parametrize(
    "text",
    ["---\nnot: [closed\n---\nBody\n", "--- a dash line\nBody\n", "---\n- a\n- list\n---\nBody\n"],
)
def test_broken_or_odd_front_matter_is_left_as_text(text: str) -> None:
    meta, rest = split_front_matter(text)
    assert meta is None and rest == text


def test_inline_html_captions_and_embeds_go_to_the_audit() -> None:
    text = (
        "First paragraph of the story.<br>Second line of it.\n\n"
        '<figure class="photo"><img src="a.jpg" alt="Cranes at dusk">'
        "<figcaption>Cranes at dusk. Photo: Jo Lens</figcaption></figure>\n\n"
        '<iframe src="https://video.example/embed/1"></iframe>\n\n'
        '<div class="note">A kept note with **bold** Markdown.</div>\n'
    )
    out, removed = strip_inline_html(text)
    assert [(r.kind, r.text) for r in removed] == [
        ("image", "Cranes at dusk"),
        ("caption", "Cranes at dusk. Photo: Jo Lens"),
        ("embed", "https://video.example/embed/1"),
    ]
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines == [
        "First paragraph of the story.",
        "Second line of it.",
        "A kept note with **bold** Markdown.",
    ]


def test_text_without_tags_is_untouched() -> None:
    text = "A < B and C > D are comparisons, not tags.\n"
    assert strip_inline_html(text) == (text, [])


def test_setext_headline_and_wrapped_lines_of_html2text_style() -> None:
    wrapped = []
    for paragraph in BODY:
        words, line = paragraph.split(), ""
        for word in words:
            if len(line) + len(word) + 1 > 70:
                wrapped.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        wrapped += [line, ""]
    text = "\n".join([TITLE, "=" * len(TITLE), "", *wrapped] * 1)
    filler = "\n".join(f"Note {n} of the archive, kept for the record." for n in range(8))
    article = _clean(text + "\n" + filler + "\n", "wrapped.md")
    assert article.title == TITLE
    assert [p.text for p in article.paragraphs][:3] == BODY


def test_the_largest_prose_run_is_the_article_not_a_teaser_above_it() -> None:
    teaser = (
        "A teaser paragraph from another story that sits in the page header, long enough "
        "to read as prose, about a ferry timetable change on the western coast."
    )
    menu = "\n".join(f"* [Section {n}](/s/{n})" for n in range(20))
    text = f"{teaser}\n\n{menu}\n\n## {TITLE}\n\n" + "\n\n".join(BODY * 2) + "\n"
    article = _clean(text, "teaser.md")
    assert article.title == TITLE
    assert teaser not in article.body
    assert article.paragraphs[0].text == BODY[0]


def test_names_linked_to_author_pages_are_the_authors() -> None:
    text = (
        f"# {TITLE}\n\n"
        "By [Jana Beispiel](https://tribune.example/author/jana-beispiel), a reporter who "
        "covers the harbour, and [Tom Muster](/profile/tom-muster)\n\n" + "\n\n".join(BODY)
    )
    article = _clean(text, "linked.md")
    assert article.authors == ["Jana Beispiel", "Tom Muster"]
    assert article.byline is not None and article.byline.startswith("By Jana Beispiel")


def test_comment_heading_ends_the_article() -> None:
    comments = "\n\n".join(
        f"Reader {n} wrote that the strike was long overdue and that the port had ignored "
        f"its workers for years, which is why the walkout has such wide support."
        for n in range(4)
    )
    text = f"# {TITLE}\n\n" + "\n\n".join(BODY) + "\n\n## 4 comments\n\n" + comments + "\n"
    article = _clean(text, "comments.md")
    assert [p.text for p in article.paragraphs] == BODY
    assert "4 comments" in _kinds(article)["comments"]


# --- header shapes of real exporters (all written for this file) ---------------------------


def test_the_only_h1_is_the_headline_however_far_above_the_body() -> None:
    shares = "\n".join(f"* [Share on Site {n}](https://share.example/{n})" for n in range(30))
    text = (
        f"{MENU_MD}\n# {TITLE}\n\n### A smaller heading of the page\n\n{shares}\n\n"
        + "\n\n".join(BODY)
        + "\n"
    )
    article = _clean(text, "far.md")
    assert article.title == TITLE
    assert [p.text for p in article.paragraphs][-3:] == BODY
    assert lost_lines(text, article) == []


def test_a_link_cut_by_the_exporters_wrapping_still_names_the_author() -> None:
    text = (
        f"# {TITLE}\n\nBy [Jana\nBeispiel](https://tribune.example/people/jana-beispiel)\n\n"
        + "\n\n".join(BODY)
    )
    assert _clean(text, "wrapped.md").authors == ["Jana Beispiel"]


@pytest.mark.parametrize(
    ("lines", "authors", "day"),
    [
        (["By", "JANA BEISPIEL", "MARCH 7, 2024"], ["Jana Beispiel"], "2024-03-07"),
        (["Jana Beispiel - Mar 7, 2024 8:02 pm UTC"], ["Jana Beispiel"], "2024-03-07"),
        (["By Jana Beispiel March 7 at 3:57 PM Follow @jbeispiel"], ["Jana Beispiel"], None),
        (["By Jana Beispiel@jbeispiel Updated Mar 7, 2024, 2:15pm EST"], ["Jana Beispiel"], None),
        (["By Jana Beispiel on 7 March 2024, 10:32"], ["Jana Beispiel"], "2024-03-07"),
        (["* Jana Beispiel", "* 7 March 2024", "* 0 comments"], ["Jana Beispiel"], "2024-03-07"),
    ],
)
def test_byline_and_date_lines_as_exporters_write_them(
    lines: list[str], authors: list[str] | None, day: str | None
) -> None:
    text = f"{TITLE}\n\n" + "\n".join(lines) + "\n\n" + "\n\n".join(BODY) + "\n"
    article = _clean(text, "header.txt")
    assert article.title == TITLE
    if authors is not None:
        assert article.authors == authors
    if day is not None:
        assert article.published_at is not None and article.published_at.startswith(day)
    assert [p.text for p in article.paragraphs] == BODY


def test_a_byline_span_in_inline_html_is_a_byline_not_a_credit() -> None:
    text = (
        f'# {TITLE}\n\n<div class="meta"><span class="article-byline">By Jana Beispiel</span>'
        '<span class="timestamp">7 March 2024</span></div>\n\n' + "\n\n".join(BODY)
    )
    article = _clean(text, "spans.md")
    assert article.authors == ["Jana Beispiel"]
    assert article.published_at is not None and article.published_at.startswith("2024-03-07")


def test_plain_text_headline_is_the_one_over_the_byline_not_a_gallery_caption() -> None:
    text = "\n".join(
        [
            "Northern Tribune",
            "Harbour",
            "",
            TITLE,
            "",
            *("Share on Facebook", "Share on X", "Print article"),
            "By Jana Beispiel | 7 March 2024",
            "1 of 12",
            "Cranes stand idle at the northern harbour",
            "View photos",
            "",
            *BODY,
        ]
    )
    article = _clean(text, "gallery.txt")
    assert article.title == TITLE
    assert article.authors == ["Jana Beispiel"]


def test_a_one_paragraph_article_above_its_comments_is_the_body() -> None:
    comments = "\n\n".join(
        f"**reader{n}** says:\n\nI have worked at that port for twenty years and I have never "
        f"seen the crews this united; the walkout is long overdue and the board knows it."
        for n in range(6)
    )
    text = f"# {TITLE}\n\n{BODY[0]}\n\n### 6 responses to “{TITLE}”\n\n{comments}\n"
    article = _clean(text, "short.md")
    assert [p.text for p in article.paragraphs] == [BODY[0]]
    assert "reader3" not in article.body


def test_cookie_consent_sentences_are_notices_but_a_report_on_cookies_is_not() -> None:
    consent = "By choosing I Accept, you consent to our use of cookies and similar technologies."
    report = "The regulator said sites must ask before they set tracking cookies on a device."
    text = f"{consent}\n\n# {TITLE}\n\n" + "\n\n".join([*BODY, report])
    article = _clean(text, "consent.md")
    assert consent in _kinds(article)["notice"]
    assert report in article.body


def test_a_menu_flattened_onto_one_line_is_not_the_body() -> None:
    menu = " ".join(f"o Section {n}" for n in range(14))
    text = f"{menu}\n\n{TITLE}\n\n" + "\n\n".join(BODY)
    article = _clean(text, "flat.txt")
    assert menu not in article.body
    assert article.paragraphs[0].text == BODY[0]


def test_a_date_line_over_the_headline_is_the_date_not_the_kicker() -> None:
    text = f"{MENU_MD}\n[Mara Lind](/author/mara-lind)\n\n[Business](/business)\n\n"
    text += f"Nov 7, 2023 2:00 AM\n\n{TITLE}\n{'=' * len(TITLE)}\n\n" + "\n\n".join(BODY)
    article = _clean(text, "over.md")
    assert article.title == TITLE
    assert article.section != "Nov 7, 2023 2:00 AM"
    assert article.published_at == "2023-11-07T02:00:00+00:00"
    assert article.authors == ["Mara Lind"]


def test_a_level_one_heading_linked_to_its_source_is_the_title() -> None:
    photo = "(L-R) Ada Holm, Olaf Berg and Mara Lind"
    text = f"{MENU_MD}\n# [{TITLE}](https://example.org/2024/05/harbour)\n\n"
    text += "![harbour](/img/harbour.jpg)\n\n" + photo + "\n\n" + "\n\n".join(BODY)
    article = _clean(text, "linked.md")
    assert article.title == TITLE


def test_byline_and_date_under_a_headline_far_above_the_body_are_read() -> None:
    teasers = "\n\n".join(
        f"Video Ad Feedback\n\nClip {n}: the harbour at dawn\n\n0{n}:12\n\nNow playing"
        for n in range(1, 9)
    )
    text = f"{MENU_MD}\n# {TITLE}\n\nBy [Mara Lind](/profiles/mara-lind), KTN\n\nUpdated\n\n"
    text += f"4:48 PM EST, Mon November 6, 2023\n\n{teasers}\n\n" + "\n\n".join(BODY)
    article = _clean(text, "distant.md")
    assert article.title == TITLE
    assert article.authors == ["Mara Lind"]
    assert article.published_at == "2023-11-06T21:48:00+00:00"


def test_a_bare_comments_label_under_a_widget_sentence_does_not_end_the_article() -> None:
    widget = "Your weather is set to the harbour. You can change the location at any time."
    text = f"{MENU_MD}\n{widget}\n\ncomments\n\n# {TITLE}\n\n" + "\n\n".join(BODY)
    article = _clean(text, "widget.md")
    assert article.title == TITLE
    assert [p.text for p in article.paragraphs] == BODY


def test_a_name_over_a_relative_stamp_is_the_byline() -> None:
    text = f"{MENU_MD}\n# {TITLE}\n\nMara Lind\n1 day ago\n\n" + "\n\n".join(BODY)
    article = _clean(text, "relative.md")
    assert article.authors == ["Mara Lind"]
    assert article.published_at is None


def test_the_headline_printed_twice_wins_over_the_standfirst_under_it() -> None:
    standfirst = "Union leaders say automation at the northern harbour threatens hundreds of jobs"
    lines = [TITLE, "Cranes at the northern harbour. Photograph: Ada Holm", standfirst]
    lines += ["by Mara Lind (reporting) and Ada Holm (photography)", TITLE, "Share on Facebook"]
    text = "\n\n".join([*lines, *BODY])
    article = _clean(text, "twice.txt")
    assert article.title == TITLE
    assert article.standfirst == standfirst


@pytest.mark.parametrize(
    "chrome",
    [
        "Oct 18, 2023 · 8 min read",  # a stamp with a reading time
        "Filed to: harbour strikes automation",  # the tag list
        "Note this link is broken: https://example.org/x/y",  # a line holding a URL
    ],
)
def test_header_chrome_lines_over_the_headline_are_never_the_title(chrome: str) -> None:
    text = "\n\n".join([chrome, TITLE, *BODY])
    article = _clean(text, "chrome.txt")
    assert article.title == TITLE


def test_a_date_stamp_glued_to_the_headline_is_cut_into_the_date() -> None:
    glued = f"{TITLE} Published on: June 25, 2024"
    text = "\n\n".join([glued, *BODY])
    article = _clean(text, "glued.txt")
    assert article.title == TITLE
    assert article.published_at == "2024-06-25T00:00:00+00:00"
    assert lost_lines(text, article) == []


@pytest.mark.parametrize(
    "chrome", ["Skip to contentSkip to site index", "TránsitoGuía de CineGuía de TeatroHumorSudoku"]
)
def test_skip_links_and_glued_menus_are_not_the_title(chrome: str) -> None:
    article = _clean("\n\n".join([chrome, TITLE, *BODY]), "menu.txt")
    assert article.title == TITLE


@pytest.mark.parametrize(
    ("meta", "iso"),
    [
        ("[Oct 18, 2019](/harbour/cranes-fall-silent-d6e62af1) · 8 min read", "2019-10-18"),
        ("Mara Lind · 12 March 2024 · 4 min read", "2024-03-12"),
        ("12. März 2024 | Lesezeit: 3 Min.", "2024-03-12"),
        ("12 mars 2024 - 5 min de lecture", "2024-03-12"),
    ],
)
def test_a_reading_time_beside_the_date_line_does_not_hide_the_date(meta: str, iso: str) -> None:
    text = f"# {TITLE}\n\n[Mara Lind](/author/mara-lind)\n\n{meta}\n\n" + "\n\n".join(BODY)
    article = _clean(text, "reading.md")
    assert article.published_at is not None and article.published_at[:10] == iso
    assert article.authors == ["Mara Lind"]
    assert not lost_lines(text, article)


def test_a_reading_time_line_alone_is_audited_not_body() -> None:
    text = f"# {TITLE}\n\nMara Lind\n\n12 March 2024\n\n6 min read\n\n" + "\n\n".join(BODY)
    article = _clean(text, "reading-alone.md")
    assert article.paragraphs[0].text == BODY[0]
    assert _kinds(article)["stamp"] == ["6 min read"]


@pytest.mark.parametrize("name", ["day-first.md", "day-first.txt"])
@pytest.mark.parametrize(
    ("line", "iso"),
    [("12. März 2024, 10:32 Uhr", "2024-03-12"), ("3. November 2021", "2021-11-03")],
)
def test_a_date_opening_with_its_day_number_is_no_numbered_list(
    name: str, line: str, iso: str
) -> None:
    text = f"# {TITLE}\n\nMara Lind\n\n{line}\n\n" + "\n\n".join(BODY)
    article = _clean(text, name)
    assert article.published_at is not None and article.published_at[:10] == iso
    assert article.date_line == line


def test_a_heading_under_the_byline_and_date_is_a_section_not_the_title() -> None:
    text = (
        f"{TITLE}\n{'=' * len(TITLE)}\n\n[Mara Lind](/@mara-lind)\n\nMar 12, 2024 · 6 min read\n\n"
        "Why the cranes matter\n=====================\n\n" + "\n\n".join(BODY)
    )
    article = _clean(text, "sections.md")
    assert article.title == TITLE
    assert article.authors == ["Mara Lind"]
    assert article.published_at is not None and article.published_at[:10] == "2024-03-12"


def test_a_link_target_wrapped_by_the_exporter_is_joined() -> None:
    text = (
        f"# {TITLE}\n\n[Mara Lind](/@mara-lind?source=post_page-----\nd6e62af173e2-----)\n\n"
        "[12 March 2024](/harbour/cranes-fall-silent-as-dock-workers-\nstrike-d6e62af173e2)\n\n"
        + "\n\n".join(BODY)
    )
    article = _clean(text, "wrapped.md")
    assert article.authors == ["Mara Lind"]
    assert article.date_line == "12 March 2024"
    assert article.paragraphs[0].text == BODY[0]  # no piece of the URL left in the body


def test_the_cut_end_of_a_flattened_line_is_never_the_title() -> None:
    text = "Mara Lind\n\non Mar 124 min\n\nNext story\n\n" + "\n\n".join(BODY)
    article = _clean(text, "fragment.txt")
    assert article.title != "on Mar 124 min"


def test_a_headline_wrapped_by_the_exporter_is_whole_beside_long_unbroken_links() -> None:
    headline = f"{TITLE}, leaving ships waiting at anchor outside the northern harbour"
    links = "\n".join(
        f"  * [Teaser {n}: a related story about the harbour](https://tribune.example/news/"
        f"{'very-long-slug-of-a-related-story-' * 2}{n})"
        for n in range(20)
    )
    wrapped = "\n\n".join(textwrap.fill(paragraph, 78) for paragraph in BODY * 2)
    heading = textwrap.wrap(f"# {headline}", 78)
    assert len(heading) == 2  # the exporter cut it
    text = f"{links}\n\n" + "\n".join(heading) + f"\n\n{wrapped}\n\n{links}\n"
    article = _clean(text, "whole-page.md")
    assert article.title == headline
    assert article.paragraphs[0].text == BODY[0]


def test_a_setext_headline_over_two_lines_is_one_title() -> None:
    first, rest = TITLE.split(" workers ")
    text = f"---\n{first}\nworkers {rest}\n{'=' * 30}\n\n" + "\n\n".join(BODY) + "\n"
    article = _clean(text, "setext.md")
    assert article.title == TITLE
    assert [p.text for p in article.paragraphs] == BODY
    assert lost_lines(text, article) == []


def test_a_comment_count_after_the_date_leaves_the_date_line() -> None:
    text = (
        f"# {TITLE}\n\n[Mara Lind](/author/mara-lind)\n"
        "March 12, 2024 [14](https://tribune.example/harbour-strike#comments)\n\n"
        + "\n\n".join(BODY)
    )
    article = _clean(text, "count.md")
    assert article.authors == ["Mara Lind"]
    assert article.published_at is not None and article.published_at[:10] == "2024-03-12"


@pytest.mark.parametrize(
    "target", ["/about/editors/mara-lind/", "https://tribune.example/es/perfiles/maralind/"]
)
def test_editor_and_spanish_profile_pages_are_author_links(target: str) -> None:
    text = f"# {TITLE}\n\n[Mara Lind]({target}), [@maralind](https://social.example/maralind)\n\n"
    article = _clean(text + "\n\n".join(BODY), "editors.md")
    assert article.authors == ["Mara Lind"]


@pytest.mark.parametrize(
    ("target", "authors"),
    [
        ("https://maralind.blogs.example/", ["Mara Lind"]),  # her own page on a blog platform
        ("https://www.maralind.example/", []),  # a site of its own: an outlet as often as not
        ("https://maralind.blogs.example/x", ["Mara Lind"]),
    ],
)
def test_a_name_linked_to_a_subdomain_spelt_as_the_name_is_an_author_link(
    target: str, authors: list[str]
) -> None:
    box = f"#### Mara Lind\n\n[Profile]({target})[Follow](#)\n\n[Mara Lind]({target})"
    text = f"# {TITLE}\n\n{box}\n\nFiled to: [harbour](/tag/harbour)\n\n" + "\n\n".join(BODY)
    assert _clean(text, "subdomain.md").authors == authors


def test_a_place_or_a_section_linked_to_its_subdomain_is_no_author() -> None:
    assert author_links("[New Haven](https://newhaven.listings.example/)") == ()
    assert author_links("[The Bests](https://thebests.games.example)") == ()  # "The": a name too
    assert author_links("[Mara Lind](https://maralind.blogs.example/)") == ("Mara Lind",)


LEAD_TITLE = "Northern harbour dock workers walk out over automated cranes"
TAG_AND_SHARE_ROWS = ["Filed to: harbour", "* ports", "* labour", "* shipping", "* automation"]
TAG_AND_SHARE_ROWS += ["3/09/15 8:00am", "* Share to Facebook", "* Share to Twitter"]


def test_a_teaser_over_the_headline_gives_way_to_the_headline_the_lead_repeats() -> None:
    teaser = "Council approves library budget and expansion plans"
    lines = ["Read more", teaser, "You can skip this ad in 5 seconds.", LEAD_TITLE]
    text = "\n\n".join([*lines, *TAG_AND_SHARE_ROWS, *BODY])
    article = _clean(text, "teaser.txt")
    assert article.title == LEAD_TITLE
    assert article.published_at == "2015-03-09T08:00:00+00:00"
    assert lost_lines(text, article) == []


def test_a_headline_the_lead_does_not_repeat_stays_without_a_better_line() -> None:
    headline = "Silent cranes and an empty quay on a grey morning"
    text = "\n\n".join([headline, *TAG_AND_SHARE_ROWS, *BODY])
    assert _clean(text, "quiet.txt").title == headline


def test_code_over_the_body_is_never_the_headline_however_many_words_it_shares() -> None:
    code = "dock_workers = northern harbour automated cranes"
    lines = ["Council approves library budget and expansion plans", code]
    text = "\n\n".join([*lines, *BODY])
    assert _clean(text, "code.txt").title != code


def test_a_plain_text_headline_wrapped_beside_overflowing_words_is_whole() -> None:
    headline = f"{TITLE} while Northport ships wait at anchor"
    lines = textwrap.wrap(headline, 76)
    assert lines[1].startswith("Northport")  # the exporter cut it before a capital
    slug = "/archive/" + "-".join(TITLE.lower().split()) + "-and-the-ships-left-at-anchor"
    assert 100 < len(slug) < 120  # a word longer than the width overflows it (lynx -dump)
    indent = {"initial_indent": "   ", "subsequent_indent": "   "}
    body = ["\n".join(textwrap.wrap(paragraph, 76, **indent)) for paragraph in BODY * 3]
    text = "\n".join(
        [
            *lines,
            "",
            "   7 March 2024 at 8:00 am Updated 8 March 2024 at 3:33 pm",  # "Cranes" fits: no wrap
            "   Cranes stand idle at the northern harbour on Thursday. (Photo: Tom Muster)",
            "",
            "\n\n".join(body),
            "",
            f"   {slug}",
        ]
    )
    article = _clean(text, "lynx.txt")
    assert article.title == headline
    assert article.published_at == "2024-03-07T08:00:00+00:00"


def test_a_credit_among_menu_labels_does_not_anchor_the_headline() -> None:
    menu = ["Order back issues of the paper", "FAQ", "Newsroom", "Contact", ""]
    header = [TITLE, "", "By Jana Beispiel, 7 March 2024", ""]
    article = _clean("\n".join([*menu, *header, *BODY]), "menu.txt")
    assert article.title == TITLE
    assert article.authors == ["Jana Beispiel"]


def test_a_form_control_line_is_never_the_headline() -> None:
    form = "Get the harbour newsletter ____________________ (BUTTON) Sign up"
    text = "\n".join([form, "By Jana Beispiel, 7 March 2024", "", *BODY])
    assert _clean(text, "form.txt").title != form


def test_a_text_browsers_button_label_beside_the_date_leaves_the_date() -> None:
    header = [TITLE, "", "   By Jana Beispiel", "   Mar 7, 2024, 8:54 PM UTC| (BUTTON)", ""]
    article = _clean("\n".join([*header, *BODY]), "lynx.txt")
    assert article.published_at == "2024-03-07T20:54:00+00:00"
    assert article.authors == ["Jana Beispiel"]


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Jana Beispiel and [Tom Muster](/author/tom-muster)", ["Jana Beispiel", "Tom Muster"]),
        ("By [Tom Muster](/author/tom-muster), Senior Reporter, Harbour Desk", ["Tom Muster"]),
        ("by [Tom Muster](/profile/tom-muster) (text) and Jana Beispiel (photos)", ["Tom Muster"]),
        (
            "By [Tom Muster](/author/tom-muster) (with Jana Beispiel and Ola Nordmann)",
            ["Tom Muster", "Jana Beispiel", "Ola Nordmann"],
        ),
        ("By [Tom Muster](/author/tom-muster) (Harbour Desk)", ["Tom Muster"]),
    ],
)
def test_a_name_beside_a_linked_author_counts_only_in_a_line_of_names(
    byline: str, authors: list[str]
) -> None:
    text = f"# {TITLE}\n\n{byline}\n\n" + "\n\n".join(BODY)
    assert _clean(text, "linked.md").authors == authors


def test_a_signed_byline_displaces_a_bare_credit_over_it() -> None:
    header = [
        "Harbour Post |",
        "7 March 2024",
        "Par [Jana Beispiel](/journaliste/jana-beispiel)",
    ]
    text = f"# {TITLE}\n\n" + "\n".join(header) + "\n\n" + "\n\n".join(BODY)
    article = _clean(text, "credit.md")
    assert article.authors == ["Jana Beispiel"]
    assert ("credit", "Harbour Post |") in [(r.kind, r.text) for r in article.removed]
    assert lost_lines(text, article) == []


def test_an_account_link_under_a_users_path_is_no_author() -> None:
    menu = "* [Forgot password?](/users/password/new)\n* [Get an invitation](/invite)\n\n"
    text = menu + f"# {TITLE}\n\n" + "\n\n".join(BODY)
    article = _clean(text, "account.md")
    assert article.authors == [] and article.byline is None


def test_icon_bullets_of_a_share_bar_do_not_push_the_byline_out_of_reach() -> None:
    standfirst = (
        "The union says the port broke its promise on jobs made when the cranes were ordered, "
        "and the port authority says it kept every word of it."
    )
    share_bar = ["*"] * 7
    header = [TITLE, standfirst, *share_bar, "7 March 2024, 10:00 AM UTC", "By Jana Beispiel"]
    article = _clean("\n".join([*header, *BODY]), "share-bar.txt")
    assert article.authors == ["Jana Beispiel"]
    assert article.published_at == "2024-03-07T10:00:00+00:00"


@pytest.mark.parametrize("line", ["Jana Beispiel 1 day ago", "By Jana Beispiel · 3 hours ago"])
def test_a_name_before_a_relative_stamp_is_the_byline_and_no_date(line: str) -> None:
    article = _clean("\n".join([TITLE, "Harbour Desk", line, "", *BODY]), "stamp.txt")
    assert article.authors == ["Jana Beispiel"]
    assert article.published_at is None


def test_a_label_printed_twice_on_one_line_is_no_headline() -> None:
    lines = [TITLE, "Harbour Desk Harbour Desk", "Harbour Desk", "Jana Beispiel 1 day ago", ""]
    assert _clean("\n".join([*lines, *BODY]), "doubled.txt").title == TITLE


@pytest.mark.parametrize(
    "menu",
    ["首页|新闻|图片|评论|娱乐|财经|体育|旅游", "Home >> Harbour >> Shipping >> Story"],
)
def test_a_glued_menu_or_a_breadcrumb_is_never_the_headline(menu: str) -> None:
    assert not is_headline(Unit(menu))
    assert is_headline(Unit("世博台灣館|720度全天域劇場|尋找綠蠵龜"))  # phrases of a title


def test_a_headline_printed_twice_above_a_captioned_photo_is_the_title() -> None:
    caption = (
        "Cranes stand idle at the northern harbour on Thursday morning as workers gather at "
        "the gate before the first shift of the strike. (Tom Muster/Getty Images)"
    )
    headline = "Silent quay leaves ships waiting at anchor off the coast"  # words the lead lacks
    shares = ["Share on Facebook", "Share on Twitter", "Share via Email", "Print Article"]
    header = ["Harbour Post", headline, "Sign In", "Shipping", headline, *shares]
    header += ["Resize Text", "Comments", "[quay-photo-12]"]  # labels between headline and byline
    lines = [*header, caption, "By Jana Beispiel March 7 at 8:00 AM", *BODY]
    article = _clean("\n".join(lines), "twice.txt")
    assert article.title == headline
    assert article.authors == ["Jana Beispiel"]


def test_a_card_link_around_an_avatar_and_a_name_is_an_author_link() -> None:
    card = "[\n\n![avatar](/img/mara.png)\n\nMara Lind](https://tribune.example/u/mara-lind)"
    text = f"# {TITLE}\n\n{card}\n\n•\n\n8h\n\n" + "\n\n".join(BODY)
    article = _clean(text, "card.md")
    assert article.authors == ["Mara Lind"]
    assert "](" not in article.body


def test_teaser_cards_whose_links_wrap_an_image_and_a_headline_are_link_text() -> None:
    cards = [
        f"[\n\n![photo](/img/{n}.jpg)\n\n#### Ferry number {n} returns to the island route]"
        f"(/news/article/ferry-{n}.php)"
        for n in range(1, 7)
    ]
    article = _clean("\n\n".join([f"# {TITLE}", *BODY, *cards]) + "\n", "cards.md")
    assert article.title == TITLE
    assert "Ferry number" not in article.body
    assert not any("](" in r.text for r in article.removed)


@pytest.mark.parametrize(
    "credit",
    [
        ["Mara Lind", "Mara Lind", "Follow", "Oct 18, 2019 · 8 min read"],  # avatar alt, button
        ["Mara Lind", "(BUTTON) Follow", "Oct 18, 2019"],  # lynx
        ["Mara Lind Mara Lind", "2 hours ago"],  # the alt text and the name on one line
        ["Mara Lind Mara Lind 2 hours ago"],  # w3m: and the stamp, all on one line
        ["Mara Lind Mara Lind · 4 May 2015"],
        ["[a1b2c3d4-e] Mara Lind • 8h"],  # w3m: the avatar's image label, a compact age
    ],
)
def test_a_bare_name_over_a_follow_button_and_a_date_is_the_byline(credit: list[str]) -> None:
    text = "\n\n".join([TITLE, *credit, *BODY]) + "\n"
    article = _clean(text, "follow.txt")
    assert article.authors == ["Mara Lind"]
    assert "Mara Lind" not in article.body and "Follow" not in article.body
    assert lost_lines(text, article) == []


def test_a_trailing_word_that_is_no_compact_age_stays_in_the_credit() -> None:
    """A last word "Today" ends an outlet's name ("Harbour Today") as often as a stamp."""
    meta = read_meta(Unit("Mara Lind Harbour Today"))
    assert meta.byline != "Mara Lind Harbour"


def test_a_meta_line_of_credit_dates_and_byline_parts_gives_date_and_byline() -> None:
    meta = "The Courier | 4 May 2015 13:36 • Updated 5 May 2015 20:13 | By Mara Lind"
    text = "\n\n".join([TITLE, meta, *BODY]) + "\n"
    article = _clean(text, "parts.txt")
    assert article.authors == ["Mara Lind"]
    assert article.published_at == "2015-05-04T13:36:00+00:00"
    assert meta not in article.body


def test_a_sentence_with_a_date_between_bars_is_no_meta_line() -> None:
    line = "The council met on 4 March 2015 | and voted on the harbour plan the week after"
    assert not is_meta_line(Unit(line))


def test_a_section_heading_over_its_tools_menu_gives_way_to_the_signed_headline() -> None:
    tools = "\n".join(f"* [{name}](/tools/{n})" for n, name in enumerate(TAG_AND_SHARE_ROWS))
    parts = ["# Harbour Health Centre", "## Tools & Resources", tools, "Font Size"]
    parts += [f"## {TITLE}", "By [Mara Lind](/authors/mara-lind)", *BODY]
    article = _clean("\n\n".join(parts) + "\n", "centre.md")
    assert article.title == TITLE
    assert article.authors == ["Mara Lind"]


def test_a_subtitle_heading_over_the_byline_stays_under_the_headline() -> None:
    parts = [f"# {TITLE}", "## Eleven rounds of talks ended without a written promise"]
    parts += ["By [Mara Lind](/authors/mara-lind)", *BODY]
    assert _clean("\n\n".join(parts) + "\n", "subtitle.md").title == TITLE


def test_a_bare_name_over_a_stamp_of_a_further_language_is_the_byline() -> None:
    text = "\n\n".join([TITLE, "Mara Lind Mara Lind", "před 2 hodinami", *BODY]) + "\n"
    assert _clean(text, "stamp.txt").authors == ["Mara Lind"]


def test_raw_html_links_wrapped_over_lines_stay_one_markdown_link() -> None:
    """pandoc keeps a page's markup as raw HTML and wraps it at 72 columns: a link's words
    break over two lines. They are one line, and in Markdown still a link."""
    text = (
        '-   <span id="x1"><a href="/tools/food-allergy"\n'
        '    class="type_ss">Think You\n    Have a Food Allergy?</a></span>\n'
    )
    out, _ = strip_inline_html(text, markdown=True)
    assert "[Think You Have a Food Allergy?](/tools/food-allergy)" in out
    plain, _ = strip_inline_html(text)
    assert "Think You Have a Food Allergy?" in plain and "](" not in plain


def test_a_section_heading_over_a_raw_html_tools_menu_gives_way_to_the_signed_headline() -> None:
    tools = "\n".join(
        f'-   <span><a href="/tools/{n}"\n    class="tool">{name}</a></span>'
        for n, name in enumerate(TAG_AND_SHARE_ROWS)
    )
    parts = ["# Harbour Health Centre", "## Tools & Resources", tools, "Font Size"]
    parts += [f"## {TITLE}", "By Mara Lind", *BODY]
    article = _clean("\n\n".join(parts) + "\n", "centre.md")
    assert article.title == TITLE
    assert article.authors == ["Mara Lind"]
