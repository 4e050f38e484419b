"""The site a plain-text export names in its own chrome, without links (pages invented here)."""

from __future__ import annotations

import pytest

from tests.test_site_links import BODY
from transforms.clean import clean_document
from transforms.text.brand_lines import named_brand


def test_the_name_most_chrome_lines_give_is_the_site() -> None:
    lines = ["Follow us", "Follow Harbour Post", "Harbour Post homepage", "Follow Tide Radio"]
    assert named_brand(lines) == "Harbour Post"


def test_a_name_opening_a_longer_one_counts_for_the_longer() -> None:
    lines = ["Follow Harbour", "Follow Harbour on Twitter", "Sign up for Harbour Post Daily"]
    assert named_brand(lines) == "Harbour Post"


@pytest.mark.parametrize(
    "line",
    [
        "Get the most out of Harbour Post. Subscribe to our Newsletter",  # a sentence goes on
        "Thank you for supporting Harbour Post",
        "Thanks for reading Harbour Post!",
    ],
)
def test_a_sign_up_box_or_a_thank_you_line_names_the_site(line: str) -> None:
    assert named_brand([line]) == "Harbour Post"


@pytest.mark.parametrize(
    "line",
    [
        "Sign up for our newsletter. We never share your address",
        "Thanks for reading the whole thing",
        "Subscribe to Blog via Email",
        "Follow us",
        "Follow Us On Facebook",
        "Download the App",
        "Backchannel: Twitter | Facebook",
        "MORE FROM THE",
        "About the quiet harbour of the north and what its workers say about the new cranes",
    ],
)
def test_labels_and_sentences_name_no_site(line: str) -> None:
    assert named_brand([line]) is None


def test_a_plain_text_page_is_credited_to_its_brand_not_to_an_unknown_parent() -> None:
    chrome = "Harbour Post homepage\nNews\nSport\n\nCranes fall silent at the harbour\n\n"
    footer = "\n\nFollow Harbour Post\nAbout Harbour Post\n© 2024 Northern Media Holdings LLC\n"
    outlet = clean_document((chrome + BODY + footer).encode(), "page.txt").outlet
    assert outlet is not None and outlet.name == "Harbour Post"
