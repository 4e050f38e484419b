"""The article's body run across code listings and a table of contents (plain text, Markdown).

A tech article prints code between its paragraphs and a long article a list of its sections
between the lead and the first section; neither is page chrome. Every input is written here.
"""

from __future__ import annotations

from transforms.clean import clean_document, detect_format

TITLE = "Tracing slow queries in the harbour ledger service"
LEAD = [
    "The ledger service that books every crane movement at the harbour slowed down last "
    "winter, and the team spent three weeks finding out why the nightly batch overran.",
    "This article walks through the queries they wrote, what each one measured, and which "
    "of them ended up in the alerting rules the operators rely on today.",
]
LATER = [
    f"Step {n} of the investigation compared the booking counts of each berth against the "
    f"week before, and the gap it found pointed at the index the team rebuilt on day {n}."
    for n in range(1, 7)
]


def _body(text: str, name: str = "ledger.txt") -> tuple[str | None, str]:
    article = clean_document(text.encode("utf-8"), name)
    return article.title, article.body


def test_a_long_code_listing_does_not_split_the_article():
    code = ["WITH per_berth AS (", "SELECT berth_id,", "count(*) AS moves,", "FROM crane_log"]
    code += ["GROUP BY berth_id", "),", "ranked AS (", "SELECT *,", "rank_moves", "FROM per_berth"]
    code += [")", "SELECT berth_id,", "moves", "FROM ranked", "WHERE rank_moves < 4;", "}"] * 2
    text = "\n\n".join(["Harbour Tech", TITLE, *LEAD, "\n".join(code), *LATER]) + "\n"
    title, body = _body(text)
    assert title == TITLE
    assert LEAD[0] in body and LATER[-1] in body


def test_a_table_of_contents_between_lead_and_sections_is_inside_the_article():
    sections = [f"Berth {name} findings" for name in "ABCDEFGHIJKLMNOPQ"]
    contents = [f"* [{s}](#berth-{s.split()[1].lower()})" for s in sections]
    parts = ["Harbour Tech", f"# {TITLE}", *LEAD, "Contents", "\n".join(contents)]
    for section, paragraph in zip(sections, LATER * 3, strict=False):
        parts += [f"### {section}", paragraph]
    title, body = _body("\n\n".join(parts) + "\n", "ledger.md")
    assert title == TITLE
    assert LEAD[0] in body and LATER[0] in body


def test_a_menu_between_two_runs_still_parts_them():
    labels = ["News", "Sport", "Weather", "Travel", "Food", "Money"]
    menu = [f"* [{name}](/{name.lower()})" for name in labels]
    teaser = [
        "Crane drivers at the southern quay voted on Monday to accept the offer, ending a "
        "dispute that had closed two berths for most of the month."
    ]
    parts = ["Harbour Tech", *teaser, "\n".join(menu * 3), f"# {TITLE}", *LEAD, *LATER]
    title, body = _body("\n\n".join(parts) + "\n", "ledger.md")
    assert title == TITLE
    assert teaser[0] not in body and LEAD[0] in body


def test_lynx_button_references_are_no_markdown_links():
    lynx = "   [13](BUTTON) Menu\n   [14](BUTTON) Search\n\nSome text of the page.\n"
    assert detect_format(lynx, "page.txt") == "text"
    markdown = "[Home](/) and [News](https://example.org/news)\n"
    assert detect_format(markdown, "page.txt") == "markdown"


def _teasers(count: int) -> list[str]:
    return [
        f"##### Quay {n} reopens after the storm\n\nMonday March {n}, 2024\n\n"
        f"Crews at quay {n} cleared the last of the fallen containers on Sunday night, and the "
        f"first ships of the week were unloading by dawn, the port authority said on Monday."
        for n in range(1, count + 1)
    ]


def test_a_more_from_the_site_teaser_list_is_not_the_article():
    parts = ["Harbour Tech", f"# {TITLE}", *LEAD, *LATER[:2], "##### More Harbour Tech"]
    title, body = _body("\n\n".join(parts + _teasers(10)) + "\n", "ledger.md")
    assert title == TITLE
    assert LEAD[0] in body and LATER[1] in body
    assert "quay 3" not in body


def test_a_landing_page_of_blurbs_keeps_its_blurbs():
    footer = (
        "Harbour Tech is published by the Harbour Trust, a charity registered in the northern "
        "district, and all of its pages may be shared with credit under the usual licence terms."
    )
    text = "\n\n".join(["Harbour Tech", *_teasers(6), "Contact us", footer]) + "\n"
    _title, body = _body(text, "quays.md")
    assert "quay 3" in body


ENCYCLOPEDIA_LEAD = (
    "A berth crane is a rail-mounted crane that moves containers between a ship and the quay, "
    "travelling along the berth on its own track while its boom reaches over the hull."
)


def test_an_encyclopedia_articles_short_title_over_its_tagline():
    chrome = ["Harbour Wiki", "Search", "Berth crane", "From Wikipedia, the free encyclopedia"]
    text = "\n\n".join([*chrome, ENCYCLOPEDIA_LEAD, *LATER[:3]]) + "\n"
    article = clean_document(text.encode("utf-8"), "crane.txt")
    assert article.title == "Berth crane"
    assert "From Wikipedia, the free encyclopedia" in [r.text for r in article.removed]


def test_a_short_label_the_lead_does_not_name_is_no_title():
    text = "\n\n".join(["Harbour Wiki", "Port Logistics", ENCYCLOPEDIA_LEAD, *LATER[:3]]) + "\n"
    assert clean_document(text.encode("utf-8"), "crane.txt").title is None


def test_the_steps_of_a_how_to_between_their_photos_are_the_article():
    steps = [
        f"Step {n}\n\nCut the foam block to fit the base of the glass dome, leaving a small gap "
        f"all round so that the moss of layer {n} can be tucked in neatly later on.\n\n"
        f"Foam block in the dome\n\nFoam block in the dome (Harbour Tech)"
        for n in range(1, 9)
    ]
    intro = "How to build a glass dome garden"
    menu = "\n".join(f"* Section {n}" for n in range(18))
    excerpt = " ".join([*LEAD, LATER[0]])  # one paragraph above: no article of its own
    parts = ["Harbour Tech", "Excerpt", excerpt, menu, intro, "By Jana Beispiel", *steps]
    title, body = _body("\n\n".join(parts) + "\n", "dome.txt")
    assert title == intro
    assert "layer 1 " in body and "layer 8 " in body
