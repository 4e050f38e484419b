"""Data-driven rules for NER mentions: surface cleaning, junk, titles, credits and aliases.

The vocabulary comes from ``transforms/data/entity_aliases.json`` and
``transforms/data/entity_rules.json``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from transforms.data_files import load
from transforms.data_models import EntityAliasesFile, EntityRulesFile
from transforms.record import EntityType

_SYMBOL_CATEGORIES = frozenset({"So", "Sm", "Sk", "Cf", "Co", "Cs"})  # emoji, arrows, joiners...
_ASCII_SYMBOLS = str.maketrans(
    dict.fromkeys(c for c in map(chr, range(128)) if unicodedata.category(c) in _SYMBOL_CATEGORIES)
)
_EDGE = " \t\n,;:!?\"'“”‘’()[]{}*_#|/\\-–—•·"  # stripped from a mention's ends ('.' is kept: U.S.)
_POSSESSIVE = re.compile(r"['’]s?(?=\W|$)")  # Trump’s, Reuters’ (not O'Brien)
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)
_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
# A sentence end inside a span the model ran across it: "Leeds. Leeds City Council",
# "4.5m. Ortega". Short abbreviations are not sentence ends (St. Louis, Gen. Smith, U.S. Army).
_SENTENCE_END = re.compile(r"(?:[^\W\d_]{4,}|\S*\d\S*)\.\s+(?=\w)")
_HYPHENS = "-‑"  # a mention glued to a word by these is a fragment: "Mar" of Mar-a-Lago
_TITLE_CONTEXT = 40  # characters before a mention searched for a person title
_MAX_WORDS_BEFORE_TITLE = 3  # "US National Security Advisor Jake Sullivan" -> "Jake Sullivan"
_HEADLINE_MIN_WORDS = 3
_HEADLINE_CAPITALISED_SHARE = 0.7
# Distinct surfaces remembered per process: names recur across paragraphs and articles, and
# their cleaning depends on the surface alone. 65k short strings stay under ~20 MB.
_SURFACE_CACHE = 1 << 16


@dataclass(frozen=True, slots=True)
class Alias:
    """Where a spelling folds to."""

    name: str
    type: EntityType


@dataclass(frozen=True, slots=True)
class EntityVocabulary:
    """Compiled alias table and cleaning rules."""

    aliases: dict[str, Alias]  # alias_key(spelling) -> canonical entity
    alias_words: frozenset[str]  # every word of every alias key
    # person titles as word tuples by their first word, longest first
    titles: dict[str, tuple[tuple[str, ...], ...]]
    # a person title right before a mention, matched on the reversed text before it: anchored
    # at the mention, it is tried once instead of at every offset of the context
    title_before_reversed: re.Pattern[str]
    role_words: frozenset[str]
    drop: frozenset[str]
    edge_words: frozenset[str]  # lowercase words a mention never starts or ends with
    credit: re.Pattern[str]  # where a trailing photo credit starts


@dataclass(frozen=True, slots=True)
class CleanMention:
    """A mention's cleaned surface, and whether a person title came with it."""

    name: str
    titled: bool


@lru_cache(maxsize=_SURFACE_CACHE)
def alias_key(name: str) -> str:
    """Lookup key: casefolded, straight apostrophes, single spaces, no leading 'the'."""
    name = " ".join(name.replace("’", "'").split())
    return _LEADING_THE.sub("", name).casefold()


@cache
def vocabulary() -> EntityVocabulary:
    """The alias table and rules, compiled once."""
    table = load(EntityAliasesFile).entities
    rules = load(EntityRulesFile)
    aliases: dict[str, Alias] = {}
    for name, entry in table.items():
        for spelling in (name, *entry.aliases):
            aliases[alias_key(spelling)] = Alias(name, entry.type)
    titles = sorted((tuple(t.split()) for t in rules.person_titles), key=len, reverse=True)
    titles_by_first: dict[str, tuple[tuple[str, ...], ...]] = {}
    for title in titles:
        titles_by_first[title[0]] = (*titles_by_first.get(title[0], ()), title)
    reversed_titles = "|".join(
        r"\s+".join(re.escape(word[::-1]) for word in reversed(t)) for t in titles
    )
    agencies = "|".join(re.escape(a) for a in rules.photo_agencies)
    markers = "|".join(re.escape(m) for m in rules.credit_markers)
    credit = (
        rf"\b(?:{markers})\s*:.*$"  # Photograph: Name/Agency
        rf"|\((?:[^()]*\b(?:{agencies}|via)\b[^()]*)\)\W*$"  # closing "(AFP via Getty Images)"
    )
    return EntityVocabulary(
        aliases=aliases,
        alias_words=frozenset(word for key in aliases for word in key.split()),
        titles=titles_by_first,
        title_before_reversed=re.compile(rf"\s+,?\.?(?:{reversed_titles})\b", re.IGNORECASE),
        role_words=frozenset(w.casefold() for w in rules.role_words),
        drop=frozenset(alias_key(w) for w in rules.drop),
        edge_words=frozenset(rules.edge_words),
        credit=re.compile(credit, re.IGNORECASE | re.DOTALL),
    )


def lookup_alias(name: str) -> Alias | None:
    """The canonical entity a spelling folds to, if the alias table knows it."""
    return vocabulary().aliases.get(alias_key(name))


def may_be_alias(surface: str) -> bool:
    """False when no cleaning of ``surface`` can be a spelling the alias table knows.

    A cheap test run before ``clean_mention`` on mentions that count only when the alias table
    knows them: cleaning keeps a subset of the words, and a known spelling has only known words.
    """
    words = alias_key(_strip_surface(surface)).split()
    return any(word in vocabulary().alias_words for word in words)


def credit_start(text: str) -> int:
    """Offset where a trailing photo credit begins in ``text`` (``len(text)`` if none)."""
    match = vocabulary().credit.search(text)
    return match.start() if match else len(text)


def is_headline_case(text: str, spans: Iterable[tuple[int, int]] = ()) -> bool:
    """True for Title Case Text, where the small model tags capitalised words at random.

    Words inside ``spans`` (the mentions themselves) do not count: names are capitalised anyway.
    """
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if len(w) > 3]
    if len(words) < _HEADLINE_MIN_WORDS:
        return False
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised / len(words) >= _HEADLINE_CAPITALISED_SHARE


def clean_mention(text: str, start: int, end: int) -> CleanMention | None:
    """The cleaned mention at ``text[start:end]``, or None when it is junk."""
    if _is_word_fragment(text, start, end) or (cleaned := _clean_surface(text[start:end])) is None:
        return None
    name, titled = cleaned
    titled = titled or _title_before(text, start)
    return CleanMention(name, titled)


def _title_before(text: str, start: int) -> bool:
    """Whether a person title ends right before ``start``: "President ", "Gen. ", "Mayor, "."""
    context = text[max(0, start - _TITLE_CONTEXT) : start]
    return vocabulary().title_before_reversed.match(context[::-1]) is not None


@lru_cache(maxsize=_SURFACE_CACHE)
def _clean_surface(surface: str) -> tuple[str, bool] | None:
    """The cleaned name of a mention's surface and whether a title was cut off; None if junk."""
    vocab = vocabulary()
    words, titled = _trim_edge_words(_strip_surface(surface).split(), vocab), False
    if lookup_alias(" ".join(words)) is None:  # "King Charles" may be a canonical name on its own
        words, titled = _strip_titles(words, vocab)
    name = " ".join(words)
    return None if _is_junk(name, vocab) else (name, titled)


def _is_word_fragment(text: str, start: int, end: int) -> bool:
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    glued_after = len(after) == 2 and after[0] in _HYPHENS and after[1].isalpha()
    glued_before = len(before) == 2 and before[1] in _HYPHENS and before[0].isalpha()
    return glued_after or glued_before


@lru_cache(maxsize=_SURFACE_CACHE)
def _strip_surface(surface: str) -> str:
    if surface.isascii():  # the common case, without a category lookup per character
        surface = surface.translate(_ASCII_SYMBOLS)
    else:
        kept = (ch for ch in surface if unicodedata.category(ch) not in _SYMBOL_CATEGORIES)
        surface = "".join(kept)
    sentence_ends = list(_SENTENCE_END.finditer(surface))
    if sentence_ends:
        surface = surface[sentence_ends[-1].end() :]
    possessive = _POSSESSIVE.search(surface)
    if possessive and possessive.start() > 0:
        surface = surface[: possessive.start()]
    surface = " ".join(surface.split()).strip(_EDGE)
    return _LEADING_THE.sub("", surface).strip(_EDGE)


def _trim_edge_words(words: list[str], vocab: EntityVocabulary) -> list[str]:
    """Drop lowercase function words the model ran into: "Ana Ruiz of", "between Leeds"."""
    start, end = 0, len(words)
    while start < end and words[start] in vocab.edge_words:
        start += 1
    while end > start and words[end - 1] in vocab.edge_words:
        end -= 1
    return words[start:end]


def _strip_titles(words: list[str], vocab: EntityVocabulary) -> tuple[list[str], bool]:
    """Drop "President", "Kremlin spokesman" etc. in front of a capitalised name."""
    folded = [w.rstrip(".,").casefold() for w in words]
    for at in range(min(_MAX_WORDS_BEFORE_TITLE, len(words) - 1) + 1):
        for title in vocab.titles.get(folded[at], ()):
            rest = at + len(title)
            if tuple(folded[at:rest]) == title and rest < len(words) and words[rest][:1].isupper():
                return words[rest:], True
    return words, False


def _is_junk(name: str, vocab: EntityVocabulary) -> bool:
    letters = sum(ch.isalpha() for ch in name)
    digits = sum(ch.isdigit() for ch in name)
    words = name.split()
    return (
        letters < 2
        or digits > letters
        or alias_key(name) in vocab.drop
        or bool(_DOMAIN.fullmatch(name))
        or "@" in name
        or words[-1].casefold() in vocab.role_words
        or not any(w[:1].isupper() for w in words)
    )
