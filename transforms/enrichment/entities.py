"""Canonical entities of one article from raw NER mentions.

Rules, in order:
1. Types: spaCy PERSON -> person, ORG -> org, GPE/LOC/FAC -> place. NORP (nationalities,
   parties), dates, numbers and the other labels are not entities here; a mention with such a
   label is kept only when the alias table knows its spelling (the model tags "Zelenskyy"
   WORK_OF_ART at times).
2. Each mention is cleaned and junk dropped (``entity_rules.clean_mention``): emoji, markdown,
   possessives, a leading "the" and person titles go; single letters, numbers, time zones,
   calendar words, nationality adjectives, domains, posts ("National Security Advisor") and
   word fragments ("Mar" of Mar-a-Lago) are dropped, as is everything inside a photo credit.
   A span the model ran across a sentence end or into function words ("Ana Ruiz of") is cut
   back, and "Ana Ruiz of Alpha Widgets" splits in two when "Ana Ruiz" also stands alone. A
   name cut short ("Leeds Fire" where the text says "Leeds Fire and Rescue Service") becomes
   the whole name when the article has it.
3. A spelling the alias table knows folds to its canonical name and type. Otherwise a mention
   whose words end a longer name in the same article resolves to it ("Peskov" -> "Dmitry
   Peskov", "Post" -> "The Washington Post"), as does an acronym of its capitalised words
   ("ISW" -> "Institute for the Study of War"); places are not targets ("Florida" never becomes
   "South Florida"). Else the cleaned spelling is the name.
4. Type: the alias table's; else the majority over strong evidence (mentions spelled as the full
   name, and a person title such as "spokesman" in or right before a mention); else the majority
   over all mentions. Ties go person, org, place. An entity with no typed evidence is dropped.
5. Title Case text (a headline) is unreliable for the small model: its mentions count only for
   entities the alias table knows or the article's ordinary text also mentions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import Any

from transforms.enrichment.entity_rules import (
    alias_key,
    clean_mention,
    credit_start,
    is_headline_case,
    lookup_alias,
    may_be_alias,
    vocabulary,
)
from transforms.record import Article, EntityType

ENTITY_TYPES: tuple[EntityType, ...] = ("person", "org", "place")  # also the tie-break order
LABEL_TYPES: dict[str, EntityType] = {
    "PERSON": "person",
    "ORG": "org",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
_HEADING_SOURCES = 2  # entity_sources starts with the title and the standfirst


@dataclass(frozen=True, slots=True)
class RawMention:
    """One span as the NER model found it, with character offsets into its text."""

    text: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Mention:
    source: int  # index into entity_sources(article)
    span: tuple[int, int]  # the raw mention's offsets in that text
    name: str
    type: EntityType | None  # from the NER label
    titled: bool
    headline: bool


def entity_sources(article: Article) -> list[str]:
    """The texts NER reads, in order: title, standfirst, then every paragraph ('' when absent)."""
    return [article.title or "", article.standfirst or "", *(p.text for p in article.paragraphs)]


def with_entities(article: Article, mentions: list[list[RawMention]]) -> Article:
    """A copy of ``article`` with ``entities``, ``entity_mentions`` and each paragraph's
    ``entities`` set; ``article`` itself is left unchanged.

    ``mentions`` holds the raw mentions of each text of ``entity_sources(article)``.
    """
    sources = entity_sources(article)
    if len(mentions) != len(sources):
        raise ValueError(f"{len(mentions)} mention lists for {len(sources)} texts")
    cleaned = _clean(sources, mentions)
    canonical = _resolve({m.name for m in cleaned}, cleaned)
    types = _decide_types(cleaned, canonical)
    in_body = {canonical[m.name] for m in cleaned if not m.headline}
    kept = [
        (m.source, canonical[m.name])
        for m in cleaned
        if canonical[m.name] in types
        and (not m.headline or canonical[m.name] in in_body or lookup_alias(m.name) is not None)
    ]
    counts = Counter(name for _, name in kept)
    paragraphs = [
        replace(
            paragraph,
            entities=_by_type(
                dict.fromkeys(n for s, n in kept if s == index + _HEADING_SOURCES), types
            ),
        )
        for index, paragraph in enumerate(article.paragraphs)
    ]
    ranked = sorted(counts, key=lambda n: (-counts[n], n))
    return replace(
        article,
        paragraphs=paragraphs,
        entities=_by_type(dict.fromkeys(ranked), types),
        entity_mentions=[_mention_count(n, types[n], counts[n]) for n in ranked],
    )


def _mention_count(name: str, entity_type: EntityType, count: int) -> dict[str, Any]:
    return {"name": name, "type": entity_type, "count": count}


def _by_type(names: dict[str, None], types: dict[str, EntityType]) -> dict[str, list[str]]:
    return {t: [n for n in names if types[n] == t] for t in ENTITY_TYPES}


def _clean(sources: list[str], mentions: list[list[RawMention]]) -> list[_Mention]:
    result = []
    for index, (text, raw) in enumerate(zip(sources, mentions, strict=True)):
        if not raw:
            continue
        credit = credit_start(text)
        headline = is_headline_case(text, [(m.start, m.end) for m in raw])
        for mention in raw:
            label_type = LABEL_TYPES.get(mention.label)
            if mention.start >= credit or (label_type is None and not may_be_alias(mention.text)):
                continue
            clean = clean_mention(text, mention.start, mention.end)
            if clean is None or (label_type is None and lookup_alias(clean.name) is None):
                continue
            span = (mention.start, mention.end)
            result.append(_Mention(index, span, clean.name, label_type, clean.titled, headline))
    return _complete_cut_names(sources, _split_affiliations(result))


def _complete_cut_names(sources: list[str], mentions: list[_Mention]) -> list[_Mention]:
    """Read "Leeds Fire" as "Leeds Fire and Rescue Service" where the text goes on so.

    The model cuts names at "and" at times, and tags the piece at random; when the article
    also has the whole name, the piece is that name (with no type evidence of its own).
    """
    longer: defaultdict[str, list[str]] = defaultdict(list)
    for name in sorted({m.name for m in mentions}, key=len, reverse=True):
        longer[name.split(" ", 1)[0]].append(name)
    result = []
    for mention in mentions:
        text, (start, end) = sources[mention.source], mention.span
        at = text.find(mention.name, start, end)
        for name in longer[mention.name.split(" ", 1)[0]] if at >= 0 else ():
            if len(name) <= len(mention.name):
                break
            if name.startswith(mention.name + " ") and text.startswith(name, at):
                mention = replace(mention, name=name, type=None)
                break
        result.append(mention)
    return result


def _split_affiliations(mentions: list[_Mention]) -> list[_Mention]:
    """Split "Ana Ruiz of Alpha Widgets" in two when the article also names "Ana Ruiz" alone.

    The model runs a person and their organisation into one span. A name built as "X of Y"
    (Bank of England, University of Leeds) stays whole: its X is not a name of its own.
    """
    alone = {m.name for m in mentions}
    result = []
    for mention in mentions:
        head, of, tail = mention.name.partition(" of ")
        if (
            of
            and len(head.split()) > 1
            and head in alone
            and tail[:1].isupper()
            and lookup_alias(mention.name) is None
        ):
            result.append(replace(mention, name=head, type=None))
            result.append(replace(mention, name=tail, titled=False))
        else:
            result.append(mention)
    return result


def _resolve(names: set[str], mentions: list[_Mention]) -> dict[str, str]:
    """Canonical name of every cleaned spelling (rule 3)."""
    canonical: dict[str, str] = {}
    for name in names:
        alias = lookup_alias(name)
        if alias is not None:
            canonical[name] = alias.name
    place_only = _place_only_names(mentions)
    spellings = Counter(m.name for m in mentions)
    longer = [n for n in sorted(names) if len(n.split()) > 1 and n not in place_only]
    for name in sorted(names - canonical.keys()):
        words = alias_key(name).split()
        targets: Counter[str] = Counter()
        for long in longer:
            long_words = alias_key(long).split()
            ends_long = len(long_words) > len(words) and long_words[-len(words) :] == words
            if ends_long or _is_acronym_of(name, long):
                targets[canonical.get(long, long)] += spellings[long]
        canonical[name] = min(targets, key=lambda t: (-targets[t], t)) if targets else name
    return canonical


def _is_acronym_of(short: str, long: str) -> bool:
    """True when "ISW" abbreviates "Institute for the Study of War" (capitalised initials)."""
    initials = "".join(w[0] for w in long.split() if w[:1].isupper())
    return short.isupper() and short.isalpha() and len(short) > 1 and short == initials


def _place_only_names(mentions: list[_Mention]) -> set[str]:
    labels: defaultdict[str, set[EntityType | None]] = defaultdict(set)
    for mention in mentions:
        labels[mention.name].add(mention.type)
    return {name for name, types in labels.items() if types == {"place"}}


def _decide_types(mentions: list[_Mention], canonical: dict[str, str]) -> dict[str, EntityType]:
    """Type of every canonical entity that has any typed evidence (rule 4)."""
    strong: defaultdict[str, Counter[EntityType]] = defaultdict(Counter)
    weak: defaultdict[str, Counter[EntityType]] = defaultdict(Counter)
    for mention in mentions:
        name = canonical[mention.name]
        if mention.titled:
            strong[name]["person"] += 1
        if mention.type is not None:
            votes = strong if alias_key(mention.name) == alias_key(name) else weak
            votes[name][mention.type] += 1
    aliases = vocabulary().aliases
    types: dict[str, EntityType] = {}
    for name in set(canonical.values()):
        alias = aliases.get(alias_key(name))
        if alias is not None and alias.name == name:
            types[name] = alias.type
        elif strong[name] or weak[name]:
            votes = strong[name] or weak[name]
            types[name] = max(ENTITY_TYPES, key=lambda t: (votes[t], -ENTITY_TYPES.index(t)))
    return types
