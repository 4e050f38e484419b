"""Where the article sits in a text or Markdown export: title, first and last body line.

A whole-page export carries menus, teaser lists, share rows and footers around the article;
an article-region export starts at the headline or at the first paragraph. Both are read the
same way, from the shape of the lines alone (no outlet-specific rule):

- the **body** starts at the first run of prose: a line of at least ``PROSE_MIN_WORDS`` words
  ending a sentence (or very long), mostly not link text, that is followed by more prose; the
  article is the largest run (code listings and tables inside it cost little toward its end,
  its table of contents joins its lead to its sections), but never a teaser list (blurbs
  standing alone between their headlines and dates) under running text of several paragraphs;
- the **title** is the headline-like line just above the body: in Markdown the page's only
  level-1 heading when it has exactly one above the body (exporters write the page's ``<h1>``
  as ``#``, and a page with one ``<h1>`` holds its headline there), else the first level-1
  heading with a body run under it, else the strongest heading (lowest level, first of a
  repeated pair) in the ``TITLE_WINDOW`` lines before the body; in plain text the headline
  standing over the byline or date line (the one printed twice when a standfirst stands
  between), else the first headline-like line of the contiguous header block above the body,
  else the nearest headline over a "By ..." line however far above the body; a plain-line
  title whose words the lead paragraphs do not repeat gives way to a headline above the body
  whose words they do (``lead_overlap``: a teaser or slogan shares none of the story's words);
  with no title yet, a line of two or three words above the body that the lead names in full,
  else the file's only line above the body when it reads as a headline of any length;
- the body **ends** at the last prose line before a gap of ``MAX_GAP`` lines without prose
  (the footer, the teaser lists), at a "related"/"most read" heading, and at the comments
  heading under the article's first prose, however short the article above it is.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from transforms.fields.bylines import looks_like_byline, opens_with_by_word
from transforms.fields.dates import find_date_in_line, is_stamp, parse_date_line
from transforms.fields.outlets import by_masthead
from transforms.folding import match_key
from transforms.text.lead_overlap import lead_share, lead_tokens
from transforms.text.lines import LYNX_BUTTON, TERMINAL, Unit, undoubled, word_count
from transforms.text.meta_lines import META_MAX_WORDS, is_meta_line, read_meta
from transforms.text.rules import match_block_start, match_line

PROSE_MIN_WORDS = 12
PROSE_LONG_WORDS = 30
PROSE_LOOKAHEAD = 4
MAX_LINK_SHARE = 0.5
TITLE_WINDOW = 25
TITLE_WORDS = (3, 30)
KICKER_MAX_WORDS = 6
TWO_SENTENCE_WORDS = 15  # a longer line holding a sentence break is a standfirst or teaser
_SENTENCE_BREAK = re.compile(r"\w[.!?]\s+[A-Z]")
_URL_IN_TEXT = re.compile(r"https?://|www\.\w", re.IGNORECASE)
TEXT_TITLE_MIN_WORDS = 4  # a plain-text headline; shorter lines are menus and labels
MAX_GAP = 15
NEUTRAL_GAP_COST = 0.25
CODE_GAP_COST = 0.1  # a code listing or drawn table inside an article may run for many lines
TERMINATOR_MAX_WORDS = 8
COMMENTS_MAX_WORDS = 25  # "12 responses to “<the headline>”"
TERMINABLE_WORDS = 40  # a comments or related heading ends a run holding this much prose
TERMINATING_BLOCKS = frozenset({"related", "most_viewed"})
ANCHOR_MIN_SHARE = 2  # an h1's run holding under half the largest run's prose is not the article
MENU_RUN = 3  # consecutive short lines that make a menu, not a header
MENU_MARKS = frozenset("o|•·-–—/»>*+│┃")  # one-character item marks of a menu flattened on a line
# A menu item glued to the next one ("Tránsito|Guía"): a capitalised word of three letters or
# more, then at once another ("YouTube" and "MacArthur" are one such pair each).
_GLUED_ITEMS = re.compile(r"[A-ZÀ-Þ][a-zà-ÿ]{2,}(?=[A-ZÀ-Þ][a-zà-ÿ])")
MENU_MARK_SHARE = 0.15
MENU_GLUED_PIPES = 5  # "首页|新闻|图片|评论|娱乐|财经": items glued to their pipes
SHORT_WORDS = 3
SHORT_ITEM_WORDS = 4  # tag and share-button items inside the header block
TAIL_MIN_UNITS = 5  # a shorter tail is left to the heading and line rules
META_BELOW_BODY = 3  # a byline under the standfirst sits in the body's first lines
ANCHOR_SKIP = 2  # other lines (standfirst, kicker) between a headline and its byline
ANCHOR_LABELS = 12  # short labels (a tool row) a headline may stand above its byline
INLINE_BOX_LINES = 12  # a "Related" box inside the article: four cards of headline, name, date
JOIN_GAP_UNITS = 2  # short lines between two runs that may still be one article
TOC_MIN_ITEMS = 3
TOC_MATCH_SHARE = 0.6  # of a contents list's items that are subheadings printed below it
_SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*\.?\s+")  # "3.1 Foreign relations"
TEASER_MIN_BLURBS = 4
TEASER_SPACING = 2  # worded lines between two blurbs of a teaser list (its headline, a date)
TEASER_ALONE_SHARE = 0.8
LEAD_KEEP_SHARE = 0.25  # a headline sharing this much with the lead stays
LEAD_SWITCH_SHARE = 0.6  # a line above the body sharing this much may replace it
LEAD_MARGIN = 0.2
LEAD_MIN_SHARED = 2  # content words it must share at least
SHORT_TITLE_LEAD_WORDS = 80  # the body's first words that name a short title's subject
_CODE_MARKS = re.compile(rf"[{{}}=;]|\w_\w|_{{4}}|{LYNX_BUTTON}|\($")  # code and form controls
# A short line of a code block or a drawn table: braces, semicolons, identifiers, box rules, an
# open bracket or comma at its end, or closing brackets alone ("}", "),", "] list: [").
_CODE_LINE = re.compile(r"[{};=│┃─┼]|[^\W_]_[^\W_]|[(\[{,]$|^[.)\]}\s,]+$")


@dataclass(frozen=True, slots=True)
class Region:
    """Indices into the unit list (``title``/``kicker`` None when absent)."""

    start: int  # first unit of the article (kicker, title or body): before it is page chrome
    title: int | None
    kicker: int | None
    body: int  # first body unit
    end: int  # one past the last article unit: after it is the page footer
    header: int  # first header line after the title: lines between are page chrome


def is_prose(unit: Unit) -> bool:
    """A line of running text: long enough, a sentence, mostly not link text."""
    if unit.heading or unit.image or unit.link_share >= MAX_LINK_SHARE:
        return False
    words = unit.words
    if words < PROSE_MIN_WORDS or _inline_menu(unit.text, words):
        return False
    return words >= PROSE_LONG_WORDS or unit.text.rstrip("*_ ").endswith(TERMINAL)


def _inline_menu(text: str, words: int) -> bool:
    """Menu items run together on one line ("o News o Sport o Weather", "Home | News | ...",
    "首页|新闻|图片", a breadcrumb "Home >> News >> Story")."""
    marks = sum(1 for token in text.split() if len(token) <= 2 and set(token) <= MENU_MARKS)
    glued = text.count("|") >= MENU_GLUED_PIPES  # a title parts two or three phrases, no more
    return glued or (marks >= MENU_RUN and marks >= MENU_MARK_SHARE * words)


def _glued_menu(text: str) -> bool:
    """Menu items glued without a space ("TránsitoGuía de CineGuía de TeatroHumorSudoku"):
    three different glued words, where a headline has at most a brand or two ("WordPress")."""
    return len(set(_GLUED_ITEMS.findall(text))) >= MENU_RUN


def _boilerplate(unit: Unit) -> bool:
    return match_line(unit.text) is not None or (
        unit.words <= 10 and match_block_start(unit.text) is not None
    )


def _body_start(units: list[Unit], prose: list[bool], start: int = 0) -> int | None:
    for i in range(start, len(units)):
        unit = units[i]
        if not prose[i] or _boilerplate(unit):
            continue
        if unit.words >= PROSE_LONG_WORDS * 2 or any(prose[i + 1 : i + 1 + PROSE_LOOKAHEAD]):
            return i
    return None


def is_headline(unit: Unit, *, min_words: int = TITLE_WORDS[0]) -> bool:
    """A line that reads as a headline: a few words, no sentence punctuation at its end."""
    low, high = min_words, TITLE_WORDS[1]
    text = unit.text
    if unit.list_item or unit.image or unit.link_share >= MAX_LINK_SHARE or not text:
        return False
    if not low <= unit.words <= high or text.endswith((".", ",", ";", ":", "·", "|")):
        return False
    return not (
        opens_with_by_word(text)
        or _cut_fragment(text)
        or _boilerplate(unit)
        or by_masthead(text)
        or _inline_menu(text, unit.words)
        or _glued_menu(text)
        or undoubled(text) != text  # a logo's text beside its image's
        or (unit.words > TWO_SENTENCE_WORDS and _SENTENCE_BREAK.search(text) is not None)
        or is_stamp(text)
        or _URL_IN_TEXT.search(text) is not None
        or _CODE_MARKS.search(text) is not None
        or is_meta_line(unit)
        or _mostly_date(text)
    )


def _cut_fragment(text: str) -> bool:
    """A line opening with a lower-case word yet capitalised further on ("on Feb 24 · 4 min"):
    the end of a flattened line, not a headline (an all-lower-case headline is a style)."""
    first = text.split(maxsplit=1)[0]
    return first.isalpha() and first.islower() and not text.islower()


@lru_cache(maxsize=16384)
def _mostly_date(text: str) -> bool:
    """A printed date taking half the line ("Oct 18, 2019 · 8 min read"): a stamp, not a
    headline."""
    found = find_date_in_line(text) if any(c.isdigit() for c in text) else None
    return found is not None and word_count(found[1]) * 2 >= word_count(text)


def _title_heading(unit: Unit) -> bool:
    # A level-1 heading linked to the story's permalink or source is still the headline.
    linked_h1 = unit.heading == 1 and unit.words >= TEXT_TITLE_MIN_WORDS
    return (
        bool(unit.heading)
        and (unit.link_share < MAX_LINK_SHARE or linked_h1)
        and not _boilerplate(unit)
        and not parse_date_line(unit.text)
    )


def _markdown_title(units: list[Unit], lo: int, body: int) -> int | None:
    headings = [j for j in range(lo, body) if _title_heading(units[j])]
    if not headings:
        return None
    worded = [j for j in headings if units[j].words >= TITLE_WORDS[0]] or headings
    level = min(units[j].heading for j in worded)
    same = [j for j in worded if units[j].heading == level]
    best = same[-1]
    # A heading under the byline or date line opens the body (Medium's section h1s): the
    # headline is the nearest one over that meta line.
    for i in reversed(same[:-1]):
        if any(_plain_meta_line(units[k]) for k in range(i + 1, best)):
            best = i
            break
    text = units[best].text
    return next(j for j in headings if units[j].text == text)


def _plain_meta_line(unit: Unit) -> bool:
    """A byline or date line that is no heading."""
    return not unit.heading and unit.words <= META_MAX_WORDS and is_meta_line(unit)


def _h1_anchor(units: list[Unit], prose: list[bool]) -> tuple[int, int] | None:
    """(title, body) for the first level-1 heading with a body run close under it."""
    for j, unit in enumerate(units):
        if unit.heading != 1 or unit.words < TITLE_WORDS[0] or not _title_heading(unit):
            continue
        body = _body_start(units, prose, j + 1)
        if body is not None and body - j <= TITLE_WINDOW:
            return j, body
    return None


def _sole_h1(units: list[Unit], body: int) -> int | None:
    """The only level-1 heading above the body (or its first copy); those below it (a widget's,
    the comments') do not count."""
    found = [j for j in range(body) if units[j].heading == 1 and _title_heading(units[j])]
    return found[0] if len({units[j].text for j in found}) == 1 else None


def _meta_anchored(units: list[Unit], lo: int, body: int) -> int | None:
    """The headline standing just above a byline or date line of the header (a standfirst or
    a kicker may sit between; share buttons, tool labels and images do not count)."""
    for k in range(lo, min(len(units), body + META_BELOW_BODY)):
        if units[k].words > META_MAX_WORDS or not is_meta_line(units[k]) or in_menu(units, k):
            continue
        others = labels = 0
        for j in range(k - 1, lo - 1, -1):
            unit = units[j]
            if not unit.words or unit.image or _boilerplate(unit):
                continue
            if unit.words >= TEXT_TITLE_MIN_WORDS and is_headline(unit):
                return _repeated_above(units, j, lo)
            if unit.words <= SHORT_WORDS and not unit.list_item and labels < ANCHOR_LABELS:
                labels += 1  # "Print Article", "Comments": the article's tool row
                continue
            others += 1
            if others > ANCHOR_SKIP:
                break
    return None


def _signed_below_chrome(units: list[Unit], title: int | None, lo: int, body: int) -> int | None:
    """The heading over the byline or date line when a link list stands between it and the
    heading taken as the title (a section's "Allergies Health Center" over its tools menu);
    else ``title``."""
    if title is None:
        return None
    anchored = _meta_anchored(units, lo, body)
    if anchored is None or anchored <= title or not units[anchored].heading:
        return title
    return anchored if any(map(_is_chrome, units[title + 1 : anchored])) else title


def in_menu(units: list[Unit], k: int) -> bool:
    """A bare credit between two short labels ("FAQ", "La rédaction", "Contact"): a menu
    item, not a byline (a "by" word, an author link or a date says otherwise)."""
    unit = units[k]
    signed = unit.authors or opens_with_by_word(unit.text) or read_meta(unit).date
    if unit.words > SHORT_WORDS or signed:
        return False
    beside = [units[j] for j in (k - 1, k + 1) if 0 <= j < len(units)]
    return len(beside) == 2 and all(
        0 < other.words <= SHORT_WORDS and not is_meta_line(other) for other in beside
    )


def _repeated_above(units: list[Unit], j: int, lo: int) -> int:
    """The headline the page prints twice (over its photo and again by the share buttons),
    when it stands a line or two above ``j``: then ``j`` is the standfirst; else ``j``."""
    texts = [unit.text for unit in units]
    if texts.count(texts[j]) > 1:
        return j
    for i in range(j - 1, max(lo, j - 1 - ANCHOR_SKIP) - 1, -1):
        unit = units[i]
        if unit.words >= TEXT_TITLE_MIN_WORDS and is_headline(unit) and texts.count(unit.text) > 1:
            return i
    return j


def _signed_headline(units: list[Unit], body: int, prose: list[bool] | None = None) -> int | None:
    """The nearest headline above the body standing over a "By ..." line, however far up: a
    video or teaser strip may sit between the article's header and its text. With ``prose``,
    only a header with no running text between it and the body."""
    for k in range(body - 1, 0, -1):
        unit = units[k]
        if prose is not None and prose[k]:
            return None
        signed = unit.words <= META_MAX_WORDS and opens_with_by_word(unit.text)
        if signed and is_meta_line(unit) and (top := _headline_over(units, k, 0)) is not None:
            return top
    return None


def _headline_over(units: list[Unit], k: int, lo: int) -> int | None:
    """The nearest headline in the ``ANCHOR_SKIP`` lines over line ``k`` (none above ``lo``)."""
    for j in range(k - 1, max(lo, k - ANCHOR_SKIP) - 1, -1):
        if units[j].words >= TEXT_TITLE_MIN_WORDS and is_headline(units[j]):
            return j
    return None


def _printed_twice(units: list[Unit], lo: int, body: int) -> int | None:
    """The headline the window above the body prints twice (over the photo and again by the
    share buttons), when nothing else named one: its first copy."""
    texts = [units[j].text for j in range(lo, body)]
    for j in range(body - 1, lo - 1, -1):
        unit = units[j]
        if unit.words >= TEXT_TITLE_MIN_WORDS and is_headline(unit) and texts.count(unit.text) > 1:
            return lo + texts.index(unit.text)
    return None


def _named_by_lead(units: list[Unit], prose: list[bool], lo: int, body: int) -> int | None:
    """A short title ("Hermitian matrix", "New Zealand") when nothing else named one: the
    nearest line of two or three capitalised words above the body, no sentence, label, link or
    date, with no longer headline between, all of whose words the first sentences of the body
    use (an encyclopedia's lead opens with its subject)."""
    lead = lead_tokens(
        (units[k].text for k in range(body, len(units)) if prose[k]), SHORT_TITLE_LEAD_WORDS
    )
    for j in range(body - 1, lo - 1, -1):
        unit = units[j]
        if not unit.words or unit.image or _boilerplate(unit):
            continue
        if (
            prose[j]
            or _is_chrome(unit)
            or (unit.words >= TEXT_TITLE_MIN_WORDS and is_headline(unit))
        ):
            break  # a longer headline closer to the body is the page's, if any is
        if not 2 <= unit.words < TEXT_TITLE_MIN_WORDS or unit.list_item or unit.heading > 1:
            continue
        text = unit.text
        if not text[:1].isupper() or text.endswith(TERMINAL) or any(map(str.isdigit, text)):
            continue
        if is_meta_line(unit):  # a name beside its date, a bold credit
            continue
        share, shared = lead_share(text, lead)
        if share == 1.0 and shared >= 2:
            return j
    return None


def _over_tagline(units: list[Unit], body: int) -> int | None:
    """The headline right over the site's tagline that a wiki prints under every page title
    ("From Wikipedia, the free encyclopedia", a ``masthead`` line rule), however far above
    the body an infobox puts it."""
    for k in range(body):
        rule = match_line(units[k].text) if units[k].words else None
        if rule is None or rule.kind != "masthead":
            continue
        above = next((j for j in range(k - 1, -1, -1) if units[j].words), None)
        if above is not None and is_headline(units[above], min_words=1):
            return above
        return None
    return None


def _lone_line_above(units: list[Unit], body: int) -> int | None:
    """The file's only worded line above the body, when it reads as a headline of any length
    ("Readability Test" over the article's text): an article export opens with its title."""
    above = [j for j in range(body) if units[j].words]
    if len(above) == 1 and is_headline(units[above[0]], min_words=1):
        return above[0]
    return None


def _is_chrome(unit: Unit) -> bool:
    return (unit.list_item and unit.link_share > 0) or unit.link_share >= MAX_LINK_SHARE


def _text_title(units: list[Unit], lo: int, body: int, prose: list[bool]) -> int | None:
    """The first headline-like line of the header block that ends just above the body.

    The block runs up from the body over header lines (standfirst, byline, date, captions,
    tags, share buttons) and stops at prose, a link line, a run of short menu labels, or,
    once a headline was met, a run of list items (the menu above the headline).
    """
    found: int | None = None
    short_run = items = 0
    for j in range(body - 1, lo - 1, -1):
        unit = units[j]
        if unit.image or not unit.words or _boilerplate(unit):
            continue  # images, icon bullets ("*"), share buttons
        if prose[j] or _is_chrome(unit) or (unit.list_item and unit.words > SHORT_ITEM_WORDS):
            break
        if unit.list_item:
            items += 1
            if found is not None and items >= MENU_RUN:
                break
            continue
        items = 0
        short_run = short_run + 1 if unit.words <= SHORT_WORDS else 0
        if short_run >= MENU_RUN:
            break
        if is_headline(unit) and unit.words >= TEXT_TITLE_MIN_WORDS:
            found = j
    anchored = _meta_anchored(units, lo, body)
    if anchored is None:  # a signed header above a video strip beats a line of the strip
        anchored = _signed_headline(units, body, prose)
    return anchored if anchored is not None else found


def _told_by_lead(
    units: list[Unit], prose: list[bool], title: int | None, body: int, last: int
) -> int | None:
    """The headline the lead repeats: ``title`` unless it is a plain line (no heading: a
    Markdown heading is the page's own) whose words are not in the first paragraphs, and a
    headline-shaped line above the body has most of its words there."""
    if title is not None and units[title].heading:
        return title
    lead = lead_tokens(units[k].text for k in range(body, last + 1) if prose[k])
    current = lead_share(units[title].text, lead)[0] if title is not None else 0.0
    if current >= LEAD_KEEP_SHARE or not lead:
        return title
    best, best_share = title, current
    for j in range(body - 1, max(-1, body - 1 - TITLE_WINDOW), -1):
        unit = units[j]
        shaped = unit.heading or (unit.words >= TEXT_TITLE_MIN_WORDS and is_headline(unit))
        if not shaped or _not_a_headline(unit):
            continue
        share, shared = lead_share(unit.text, lead)
        if (
            shared >= LEAD_MIN_SHARED
            and share >= LEAD_SWITCH_SHARE
            and share > best_share + LEAD_MARGIN
        ):
            best, best_share = j, share
    return best


def _not_a_headline(unit: Unit) -> bool:
    """Code, a form control, a byline or a date line standing where a headline could."""
    return (
        _CODE_MARKS.search(unit.text) is not None
        or looks_like_byline(unit.text)
        or (unit.words <= META_MAX_WORDS and is_meta_line(unit))
    )


def locate_article(units: list[Unit], *, markdown: bool) -> Region | None:
    """The article's place among the units, or None when no body run is found."""
    prose = [is_prose(u) for u in units]
    comments = _comments_start(units, prose)
    every_run = _prose_runs(units, prose, comments)
    runs = [run for run in every_run if run[2] >= PROSE_LONG_WORDS * 2 or run[1] > run[0]]
    if comments is not None:  # the article is above its comments, however short it is
        before = [run for run in every_run if run[1] < comments]
        runs = [run for run in runs if run[1] < comments] or before or runs
    if not runs:
        return None
    main = _joined_back(units, runs, max(_stories(units, prose, runs), key=lambda run: run[2]))
    anchor = _h1_anchor(units, prose) if markdown else None
    if anchor is not None:
        anchored = next((run for run in runs if run[0] <= anchor[1] <= run[1]), None)
        if anchored is None or anchored[2] * ANCHOR_MIN_SHARE < main[2]:
            anchor = None
        else:
            main = anchored
    if anchor is None:
        main = _below_signed_header(units, prose, main)
    body = anchor[1] if anchor else main[0]
    lo = max(0, body - TITLE_WINDOW)
    title = None
    if markdown:
        title = _sole_h1(units, body)
        if title is None:
            title = _markdown_title(units, anchor[0] if anchor else lo, body)
        title = _signed_below_chrome(units, title, lo, body)
    if title is None:
        title = _over_tagline(units, body)
    if title is None:
        title = _text_title(units, lo, body, prose)
    if title is None:
        title = _signed_headline(units, body)
    if title is None:
        title = _printed_twice(units, lo, body)
    title = _told_by_lead(units, prose, title, body, main[1])
    if title is None:
        title = _named_by_lead(units, prose, lo, body)
    if title is None:
        title = _lone_line_above(units, body)
    kicker = None
    if title is not None and title > 0:
        before = units[title - 1]
        if (
            before.words <= KICKER_MAX_WORDS
            and not before.heading
            and not before.image
            and not _boilerplate(before)
            and not looks_like_byline(before.text)
            and not is_meta_line(before)  # a date line over the headline is no kicker
            and by_masthead(before.text) is None
        ):
            kicker = title - 1
    start = kicker if kicker is not None else title if title is not None else body
    header = body if title is None else max(title + 1, lo)
    return Region(start, title, kicker, body, _body_end(units, main[1]), header)


def _below_signed_header(
    units: list[Unit], prose: list[bool], run: tuple[int, int, int]
) -> tuple[int, int, int]:
    """The part of ``run`` under a headline over a byline or date line inside it, when what
    stands above that header is blurbs (no paragraph of running length: a "latest stories" strip the
    run swept in) holding fewer words than the article under it; else ``run``."""
    for k in range(run[0] + 1, run[1]):
        if prose[k] and units[k].words >= PROSE_LONG_WORDS:
            break  # running text: what stands above any header below is no strip of blurbs
        if prose[k] or units[k].words > META_MAX_WORDS or not is_meta_line(units[k]):
            continue
        top = _headline_over(units, k, run[0] + 1)
        body = _body_start(units, prose, k + 1)
        if top is None or body is None or body > run[1]:
            continue
        blurbs = [units[i].words for i in range(run[0], top) if prose[i]]
        below = sum(units[i].words for i in range(body, run[1] + 1) if prose[i])
        if sum(blurbs) < below and max(blurbs, default=0) < PROSE_LONG_WORDS:
            return body, run[1], below
    return run


def _stories(
    units: list[Unit], prose: list[bool], runs: list[tuple[int, int, int]]
) -> list[tuple[int, int, int]]:
    """The runs that may be the article: a teaser list under running text of several
    paragraphs is the site's "more stories" below the article (a landing page's feature
    blurbs stay, and so do a how-to's steps between their photos under a lone excerpt)."""
    kept: list[tuple[int, int, int]] = []
    story_above = False
    for run in runs:
        teasers = _teaser_list(units, prose, run)
        if not (teasers and story_above):
            kept.append(run)
        story_above = story_above or (not teasers and run[1] > run[0])
    return kept


def _teaser_list(units: list[Unit], prose: list[bool], run: tuple[int, int, int]) -> bool:
    """A run whose paragraphs each stand alone between lines of their own (a headline, a name,
    a date): the blurbs of a teaser list, however many words they add up to."""
    lines = [k for k in range(run[0], run[1] + 1) if prose[k]]
    if len(lines) < TEASER_MIN_BLURBS:
        return False
    alone = sum(
        1
        for a, b in itertools.pairwise(lines)
        if sum(1 for unit in units[a + 1 : b] if unit.words) >= TEASER_SPACING
    )
    return alone >= TEASER_ALONE_SHARE * (len(lines) - 1)


def _gap_cost(unit: Unit) -> float:
    """How much a non-prose line counts toward ending the body: menus and link lines fully,
    headings and short sentences of the article a little, code and table rows less."""
    if unit.link_share >= MAX_LINK_SHARE or unit.image or _boilerplate(unit):
        return 1.0
    if unit.list_item and unit.link_share > 0:
        return 1.0
    if _CODE_LINE.search(unit.text):
        return CODE_GAP_COST
    return NEUTRAL_GAP_COST if unit.words > SHORT_WORDS or unit.heading else 1.0


def _ends_article(unit: Unit) -> bool:
    """A heading that opens what follows an article: comments, related or most-read lists."""
    if unit.words > COMMENTS_MAX_WORDS:
        return False
    if _comments_heading(unit.text):
        return True
    block = match_block_start(unit.text) if unit.words <= TERMINATOR_MAX_WORDS else None
    return block is not None and block.kind in TERMINATING_BLOCKS


def _inline_box(units: list[Unit], k: int) -> bool:
    """A "Related" heading over a headline or two that the article's text goes on under,
    in a paragraph of running length: a box set inside the article, not what follows it."""
    below = list(itertools.islice((u for u in units[k + 1 :] if u.words), INLINE_BOX_LINES + 1))
    goes_on = next((n for n, unit in enumerate(below) if unit.words >= PROSE_LONG_WORDS * 2), 0)
    return goes_on > 0 and all(unit.words <= TITLE_WORDS[1] for unit in below[:goes_on])


def _prose_runs(
    units: list[Unit], prose: list[bool], comments: int | None
) -> list[tuple[int, int, int]]:
    """(first, last, prose words) of each run of prose lines with short gaps between them;
    a run of one short line is kept, for articles of one paragraph above their comments."""
    runs: list[tuple[int, int, int]] = []
    first = last = -1
    words = 0
    gap = 0.0
    for i, unit in enumerate(units):
        if prose[i] and not _boilerplate(unit):
            if first < 0:
                first = i
            last, gap = i, 0.0
            words += unit.words
        elif first >= 0:
            gap += _gap_cost(unit)
            ends = i == comments or (
                words >= TERMINABLE_WORDS and _ends_article(unit) and not _inline_box(units, i)
            )
            if gap > MAX_GAP or ends:
                runs.append((first, last, words))
                first, words = -1, 0
    if first >= 0:
        runs.append((first, last, words))
    return runs


def _comments_start(units: list[Unit], prose: list[bool]) -> int | None:
    """The comments heading under the article's first prose ("Comments", "12 responses to
    ..."), or None; a link ("6 comments" in the header) only points at them, and a bare
    label ("comments") under a widget's sentence or two ("Your weather is set to ...") is page
    chrome."""
    prose_words = 0
    for i, unit in enumerate(units):
        prose_words += unit.words if prose[i] else 0
        short = unit.words <= COMMENTS_MAX_WORDS and unit.link_share < MAX_LINK_SHARE
        bare = not unit.heading and unit.words <= SHORT_WORDS
        enough = prose_words >= (TERMINABLE_WORDS if bare else 1)
        if enough and short and _comments_heading(unit.text):
            return i
    return None


def _comments_heading(text: str) -> bool:
    rule = match_line(text)
    return rule is not None and rule.kind == "comments"


def _joined_back(
    units: list[Unit], runs: list[tuple[int, int, int]], main: tuple[int, int, int]
) -> tuple[int, int, int]:
    """The main run grown over the runs just before it that a short label cut off from it
    ("Read more", a photo credit): the article's first paragraphs, not a teaser."""
    first, last, words = main
    for before in reversed(runs[: runs.index(main)]):
        gap = units[before[1] + 1 : first]
        labels = len(gap) <= JOIN_GAP_UNITS and all(map(_joining_label, gap))
        if not (labels or _table_of_contents(gap, units[first:])):
            break
        first, words = before[0], words + before[2]
    return first, last, words


def _table_of_contents(gap: list[Unit], below: list[Unit]) -> bool:
    """A list of items most of which are subheadings printed below it: the article's table of
    contents between its lead and its sections, not a menu between two pages."""
    items = [unit for unit in gap if unit.list_item and unit.words]
    others = sum(1 for unit in gap if unit.words and not unit.list_item)
    if len(items) < TOC_MIN_ITEMS or others * 2 > len(items):
        return False
    headings = {match_key(unit.text) for unit in below if unit.words <= TERMINATOR_MAX_WORDS}
    found = sum(1 for unit in items if match_key(_SECTION_NUMBER.sub("", unit.text)) in headings)
    return found >= TOC_MATCH_SHARE * len(items)


def _joining_label(unit: Unit) -> bool:
    """A short line inside an article run: not a heading, not the comments' opening line."""
    return unit.words <= SHORT_ITEM_WORDS and not unit.heading and not _comments_heading(unit.text)


def _body_end(units: list[Unit], last: int) -> int:
    end = last + 1
    while end < len(units) and _closing_sentence(units[end]):
        end += 1
    return end if len(units) - end >= TAIL_MIN_UNITS else len(units)


def _closing_sentence(unit: Unit) -> bool:
    """A short line after the last prose that still ends a sentence of the article."""
    return (
        not (unit.heading or unit.list_item or unit.image or unit.strong)
        and unit.link_share < MAX_LINK_SHARE
        and unit.words >= SHORT_WORDS
        and unit.text.endswith((".", "!", "?", '"', "”", "»", "。"))
        and not _boilerplate(unit)
    )
