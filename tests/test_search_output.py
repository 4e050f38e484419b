"""Search snippets as shown: cut at word boundaries, with an ellipsis where the text goes on."""

from __future__ import annotations

import re

from flows.cli.search_output import ELLIPSIS, trim_snippet

WORDS = "Crane operators at the <em>port</em> began a three-day strike on Tuesday after talks"


def _visible(snippet: str) -> str:
    return re.sub(r"</?em>", "", snippet)


def test_a_long_fragment_is_cut_after_a_whole_word_with_an_ellipsis() -> None:
    text = " ".join([WORDS] * 6)
    trimmed = trim_snippet(text, limit=100)
    plain = _visible(trimmed)
    assert plain.endswith(ELLIPSIS) and len(plain) <= 101
    kept = plain.removesuffix(ELLIPSIS).split()
    assert kept == _visible(text).split()[: len(kept)]  # whole words only, none cut in two


def test_an_open_highlight_is_closed_when_the_cut_falls_inside_it() -> None:
    trimmed = trim_snippet("a " * 10 + "<em>port strike</em> went on", limit=24)
    assert trimmed.count("<em>") == trimmed.count("</em>") == 1


def test_ellipsis_only_where_the_text_goes_on() -> None:
    assert trim_snippet("Dockers at the <em>port</em> walked out.") == (
        "Dockers at the <em>port</em> walked out."
    )
    assert trim_snippet("the <em>port</em> strike went on and") == (
        f"{ELLIPSIS}the <em>port</em> strike went on and{ELLIPSIS}"
    )
    assert trim_snippet("Port <em>strike</em> ends", whole=True) == "Port <em>strike</em> ends"


def test_whitespace_is_folded_to_one_line() -> None:
    assert trim_snippet("One\n\n<em>two</em>\tthree.") == "One <em>two</em> three."
