"""The site a text or Markdown export was taken from, told by its own links.

A whole-page export keeps the page's links: menus, section fronts and teasers point at the
outlet's own domain (Markdown ``[News](https://www.example.com/news)``, a lynx reference
list), shares and citations at others. The domain most links point at, once social and
sharing platforms are set aside, is the outlet's; its display name is the text of the page
that spells the domain's name ("The Verge" for theverge.com, "NBC News" for nbcnews.com).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

from transforms.data_files import load
from transforms.data_models import OutletsFile
from transforms.fields.outlets import domain_label, registrable_domain
from transforms.folding import match_key

_URL = re.compile(r"https?://[^\s)\]\"'<>]+", re.IGNORECASE)
_IMAGE = re.compile(r"!\[[^\]]*\]\((\S+?)[\s)]")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|avif|ico)(?:[?#]|$)", re.IGNORECASE)
_WORD = re.compile(r"[^\s\[\]()*_#>|!\"“”«»]+")
MIN_LINKS = 3  # fewer links to one domain tell nothing
MIN_SHARE = 0.3  # of the links to any domain but the platforms
NAME_MAX_WORDS = 4
CANDIDATE_DOMAINS = 3
NAME_LINE_MAX_CHARS = 300  # a longer line is a paragraph (or a line of links)
ACRONYM_MAX_CHARS = 5  # "CNN", "BBC": a name in capitals, not a shouted menu label
_EDGE_MARKS = ".,:;!?+'’-–—"


@cache
def _platforms() -> frozenset[str]:
    return frozenset(load(OutletsFile).platform_domains)


def _domain_counts(text: str) -> Counter[str]:
    images = set(_IMAGE.findall(text))
    counts: Counter[str] = Counter()
    for url in _URL.findall(text):
        if url in images or _IMAGE_FILE.search(url):
            continue
        domain = registrable_domain(url.split("/", 3)[2].lower())
        if domain and domain not in _platforms():
            counts[domain] += 1
    return counts


def _spellings(domain: str, words: list[str], squashed_words: list[str]) -> Counter[str]:
    """Runs of up to ``NAME_MAX_WORDS`` words that spell the domain's name: "The Verge" or
    "Verge" for theverge.com, "Aktuálně.cz" for aktualne.cz."""
    found: Counter[str] = Counter()
    label = match_key(domain_label(domain))
    bare = label.removeprefix("the") if len(label) > 5 else label
    spelt = {label, bare, "the" + label, match_key(domain)}
    covered = 0  # "Verge" inside a "The Verge" already counted is not counted again
    for i, head in enumerate(squashed_words):
        if i < covered or not head:
            continue
        if not (label.startswith(head) or bare.startswith(head) or head == "the"):
            continue
        if head == "the" and words[i].islower():
            continue  # "the CityLab Daily": the article of the sentence, not of the name
        squashed = ""
        for n in range(min(NAME_MAX_WORDS, len(words) - i)):
            squashed += squashed_words[i + n]
            if squashed in spelt:
                found[" ".join(words[i : i + n + 1]).strip(_EDGE_MARKS)] += 1
                covered = i + n + 1
                break
            if not any(form.startswith(squashed) for form in spelt):
                break
    return found


def _preference(name: str, domain: str, spelled: Counter[str]) -> tuple[bool, int, bool]:
    """Title case or an acronym over a lower-case link text or a shouted menu label, then the
    page's most used form ("The Telegraph" or "Telegraph"), then the domain's own words."""
    squashed = match_key(name)
    acronym = len(squashed) <= ACRONYM_MAX_CHARS
    styled = name != name.lower() and (name != name.upper() or acronym)
    return styled, spelled[name], squashed == match_key(domain_label(domain))


def site_of_links(text: str) -> tuple[str, str | None] | None:
    """The site's registrable domain and the page's spelling of its name, or None when no
    domain stands out (too few links, or links spread over many sites).

    Of the most linked domains, one whose name the page spells wins over one it does not
    (an ad network or a parent company linked from every teaser)."""
    counts = _domain_counts(text)
    total = counts.total()
    candidates = [
        (domain, links)
        for domain, links in counts.most_common(CANDIDATE_DOMAINS)
        if links >= MIN_LINKS and links >= MIN_SHARE * total / CANDIDATE_DOMAINS
    ]
    if not candidates:
        return None
    # The name stands in the page's short lines (masthead, menus, footer, title), not in its
    # paragraphs: those are skipped, which keeps this cheap.
    short = "\n".join(line for line in text.splitlines() if len(line) <= NAME_LINE_MAX_CHARS)
    words = _WORD.findall(_URL.sub(" ", short))
    squashed_words = [match_key(word) for word in words]
    best: tuple[tuple[bool, int], str, str | None] | None = None
    for domain, links in candidates:
        spelled = (
            _spellings(domain, words, squashed_words)
            if len(domain_label(domain)) >= 2
            else Counter()
        )
        name = max(spelled, key=lambda n: _preference(n, domain, spelled)) if spelled else None
        key = (name is not None, links + spelled.total())
        if best is None or key > best[0]:
            best = (key, domain, name)
    if best is None or (best[2] is None and counts[best[1]] < MIN_SHARE * total):
        return None
    return best[1], best[2]
