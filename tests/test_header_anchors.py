"""The headline of a whole-page text export, found from the byline under it.

A text browser's dump prints the article's tool row (share buttons, "Print Article", a
comments link) between the headline and the byline, and a video player's controls and
captions between the byline and the first paragraph. Every input is written here.
"""

from __future__ import annotations

from transforms.clean import clean_document
from transforms.text.lines import split_lines
from transforms.text.page_region import locate_article
from transforms.text.rules import match_line

HEADLINE = "Ferry timetable cut leaves island commuters stranded"
BYLINE = "By Maren Tolvsen March 18 at 3:57 PM"
PARAGRAPHS = [
    "Commuters on the northern islands waited more than two hours on Monday after the "
    "operator cut the early crossing from its winter timetable without notice.",
    "The council said it had asked the operator to restore the crossing until the spring, "
    "when a second vessel returns from its refit at the yard on the mainland.",
    "Passengers who missed connecting trains can claim the fare back, the operator said in "
    "a statement, but it gave no date for a decision on the timetable itself.",
]
MENU = ["Home", "News", "Sport", "Weather", "Sign In", "Subscribe"]


def _title(lines: list[str]) -> str | None:
    return clean_document(("\n\n".join(lines) + "\n").encode("utf-8"), "ferry.txt").title


def test_share_buttons_of_any_network_are_a_share_row():
    for label in ("Share on Google Plus", "Share via Email", "Share on Whatsapp[]"):
        rule = match_line(label)
        assert rule is not None and rule.kind == "share", label
    assert match_line("Share on the rise in Asia markets today") is None


def test_the_headline_above_the_tool_row_is_the_title():
    tools = ["Share on Google Plus", "Share on Tumblr", "More Options", "Resize Text"]
    tools += ["Print Article", "Text Size", "Comments", "Listen", "Save"]
    caption = "Photo gallery of the harbour at dawn before the ferry left"
    lines = [*MENU, "Regional", HEADLINE, *tools, BYLINE, "1 of 24", "Full Screen", caption]
    assert _title([*lines, *PARAGRAPHS]) == HEADLINE


def test_a_signed_header_above_a_video_player_is_the_title():
    player = ["Video Quality", "Auto", "High (HD)", "Closed Caption Settings", "Back"]
    player += ["Type Size", "A", "Aa", "Style Options", "Captions will look like this", "Close"]
    lines = [*MENU, HEADLINE, BYLINE, *player * 3, "Now watching"]  # far above the text
    assert _title([*lines, *PARAGRAPHS]) == HEADLINE


TEASERS = [
    "Harbour Pilots Vote to Strike Over Night Shifts",
    "The pilots who guide tankers into the estuary say the new rota leaves them short of sleep.",
    "A Lighthouse Keeper's Last Winter on the Rock",
    "After forty years the automated beam takes over and the last keeper packs his books.",
    "Why the Island Bakery Opens at Four in the Morning",
    "The first ferry brings the flour, and the queue forms before the crossing lands.",
]


def _cleaned(lines: list[str]):
    return clean_document(("\n\n".join(lines) + "\n").encode("utf-8"), "ferry.txt")


def test_a_signed_header_under_a_teaser_strip_starts_the_article():
    """Short teaser blurbs and a menu the body run swept in stay above the article."""
    lines = [*MENU, *TEASERS, *MENU, "Most Recent Stories", HEADLINE, BYLINE, *PARAGRAPHS]
    article = _cleaned(lines)
    assert article.title == HEADLINE
    assert article.authors == ["Maren Tolvsen"]
    assert article.body.startswith(PARAGRAPHS[0][:40])
    assert "automated beam" not in article.body


def test_a_signed_header_under_running_text_does_not_cut_it():
    """Paragraphs of running length above a signed header are article text, not teasers."""
    opening = [
        "The first boat of the day used to leave the northern quay at a quarter past six, "
        "early enough for the hospital shift and the school run on the mainland both.",
        "Islanders learned of the change from a notice taped to the ticket office window on "
        "Sunday evening, and many only saw it when they arrived at the quay the next morning.",
    ]
    later = [
        "The operator's chief executive apologised at a public meeting on Tuesday evening and "
        "promised that a decision on the early crossing would be made within a fortnight.",
        "Until then a chartered water taxi will leave the quay at six for passengers with "
        "hospital appointments, the council said, paid for out of its emergency budget.",
    ]
    entry = ["What the new timetable means for you", "By Ola Brekke"]  # a live blog's entry
    lines = [*MENU, HEADLINE, BYLINE, *opening, *entry, *PARAGRAPHS, *later]
    units, _ = split_lines("\n\n".join(lines) + "\n", markdown=False)
    region = locate_article(units, markdown=False)
    assert region is not None
    assert units[region.body].text == opening[0]
    assert _cleaned(lines).title == HEADLINE


def test_a_title_case_headline_shaped_like_name_in_place_is_the_title():
    """A Title Case headline reads like "Jane Roe in Paris"; no first name opens this one,
    so it is the headline, not a byline."""
    headline = "Harbour Pilots Walk Out in Pay Dispute"
    article = _cleaned([*MENU, headline, "By Maren Tolvsen", *PARAGRAPHS])
    assert article.title == headline
    assert article.authors == ["Maren Tolvsen"]


FOOTER = ["About us", "Contact", "Privacy Policy", "Terms of Use", "Cookie Settings"]
LONG_PARAGRAPHS = [
    "The operator's chief executive apologised at a public meeting on Tuesday evening and "
    "promised that a decision on the early crossing would be made within a fortnight, after "
    "the council had put its own figures on the number of passengers to the operator's board "
    "and asked for the timetable to be restored until the spring at the latest.",
    "Until then a chartered water taxi will leave the quay at six for passengers with "
    "hospital appointments, the council said, paid for out of its emergency budget, and the "
    "school will let pupils from the northern islands start their first lesson an hour late "
    "for as long as the early crossing stays out of the timetable this winter. The harbour "
    "master said the quay would stay open from half past five.",
]


def test_a_related_box_inside_the_article_does_not_end_it():
    box = ["Related", "Island ferry fares to rise in the new year"]
    text = [*PARAGRAPHS, LONG_PARAGRAPHS[0], *box, LONG_PARAGRAPHS[1]]
    article = _cleaned([*MENU, HEADLINE, BYLINE, *text, *FOOTER])
    assert LONG_PARAGRAPHS[1][:60] in article.body
    assert "fares to rise" not in article.body


def test_a_related_list_after_the_article_ends_it():
    teasers = ["Related", *TEASERS]
    article = _cleaned([*MENU, HEADLINE, BYLINE, *PARAGRAPHS, *teasers, *FOOTER])
    assert "automated beam" not in article.body


def test_the_only_line_above_the_text_is_the_title_however_short():
    assert _title(["Ferry Timetable", *PARAGRAPHS]) == "Ferry Timetable"
    # two short lines above the text are a menu or a label and a name: neither is taken
    assert _title(["Home", "Ferry Timetable", *PARAGRAPHS]) is None
    # a date line alone above the text is no headline
    assert _title(["March 18, 2024", *PARAGRAPHS]) is None


def test_a_related_box_of_cards_inside_the_article_does_not_end_it():
    cards = [
        ("Island ferry fares to rise in the new year", "Tom Muster", "Jul 17, 2014"),
        ("Harbour pilots vote to strike over night shifts", "Ola Nordmann", "Mar 9, 2018"),
        ("The last winter of the lighthouse keeper", "Jana Beispiel", "Aug 23, 2017"),
    ]
    box = ["Recommended", *(line for card in cards for line in card)]
    text = [*PARAGRAPHS, LONG_PARAGRAPHS[0], *box, LONG_PARAGRAPHS[1]]
    article = _cleaned([*MENU, HEADLINE, BYLINE, *text, *FOOTER])
    assert article.title == HEADLINE
    assert article.authors == ["Maren Tolvsen"]
    assert article.body.startswith(PARAGRAPHS[0][:40])
    assert LONG_PARAGRAPHS[1][:60] in article.body


def test_a_bare_name_over_a_time_of_day_under_a_captioned_photo_is_the_byline():
    caption = "The quay at dawn before the first crossing Jana Beispiel/Reuters"
    article = _cleaned([*MENU, caption, HEADLINE, "Maren Tolvsen", "1:39 PM ET", *PARAGRAPHS])
    assert article.title == HEADLINE
    assert article.authors == ["Maren Tolvsen"]
    assert ("caption", caption) in {(r.kind, r.text) for r in article.removed}


def test_a_line_ending_in_an_unbracketed_photo_credit_is_a_caption_a_byline_is_not():
    for caption in (
        "Ferry passengers queue on the quay. Tom Muster / AP Photo",
        "The harbour at dawn Jana Beispiel/Getty Images",
    ):
        rule = match_line(caption)
        assert rule is not None and rule.kind == "caption", caption
    for credit in ("By Jana Beispiel and Tom Muster/Reuters", "Jana Beispiel/Reuters"):
        rule = match_line(credit)
        assert rule is None or rule.kind != "caption", credit


def test_the_headline_over_a_wiki_tagline_is_the_title_above_a_long_infobox():
    infobox = [
        f"{label} {value}"
        for label, value in zip(
            ["Country", "Region", "Area", "Population", "Density", "Harbour", "Ferry", "Founded"]
            * 4,
            ["Nordland", "North Sea", "12 km^2", "1,204", "100/km^2", "Yes", "Daily", "1856"] * 4,
            strict=True,
        )
    ]
    lead = "Harbour Island is an island off the northern coast served by a daily ferry."
    lines = ["Jump to navigation Jump to search", "Harbour Island"]
    lines += ["From Wikipedia, the free encyclopedia", *infobox, lead, *LONG_PARAGRAPHS]
    assert _title(lines) == "Harbour Island"
