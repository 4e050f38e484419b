"""The headline of a whole-page text export, found from the byline under it.

A text browser's dump prints the article's tool row (share buttons, "Print Article", a
comments link) between the headline and the byline, and a video player's controls and
captions between the byline and the first paragraph. Every input is written here.
"""

from __future__ import annotations

from transforms.clean import clean_document
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
