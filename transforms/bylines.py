"""Bylines: raw credit lines into person names, an organisation credit and a location."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from nameparser import HumanName

from transforms.data_files import compile_pattern, load_json
from transforms.markdown import strip_inline

_BY = re.compile(
    r"^(?:(?:words|written|reported|story|text|reporting)\s+)?by\s*:?\s+", re.IGNORECASE
)
_SPLIT = re.compile(r"\s*(?:,|;|\||•|·|\s&\s|\s+and\s+|\s[–—-]\s)\s*", re.IGNORECASE)
_IN_PLACE = re.compile(r"^(?P<name>.+?)\s+in\s+(?P<place>[A-Z][\w.'’ -]{1,40})$")
_NAME_TOKEN = re.compile(r"^[\"'‘“]?[A-ZÀ-Þ][\w.'’-]*$")


@dataclass(frozen=True, slots=True)
class Byline:
    """What a byline credits."""

    authors: list[str] = field(default_factory=list)
    org: str | None = None  # agency or staff credit
    location: str | None = None


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    agencies: dict[str, str]  # lower-case spelling -> canonical credit
    staff: tuple[re.Pattern[str], ...]
    roles: re.Pattern[str]
    trailing_role: re.Pattern[str]
    particles: frozenset[str]


@cache
def _vocabulary() -> _Vocabulary:
    data = load_json("bylines.json")
    roles = "(?:" + "|".join(data["roles"]) + ")"
    return _Vocabulary(
        agencies={
            spelling.lower(): canonical
            for canonical, spellings in data["agencies"].items()
            for spelling in spellings
        },
        staff=tuple(compile_pattern(p, "i") for p in data["staff_credits"]),
        roles=re.compile(roles, re.IGNORECASE),
        trailing_role=re.compile(r"^(?P<name>.+?)\s+" + roles + "$", re.IGNORECASE),
        particles=frozenset(data["name_particles"]),
    )


def title_case_name(name: str) -> str:
    """Title-case a name typed in capitals or lower case (Mc, Mac, O', hyphens, particles)."""
    if not (name.isupper() or name.islower()):
        return name
    human = HumanName(name)
    human.capitalize(force=True)
    return str(human) or name


def _is_name(text: str) -> bool:
    tokens = text.split()
    particles = _vocabulary().particles
    return (
        2 <= len(tokens) <= 5
        and all(_NAME_TOKEN.match(t) or t.lower() in particles for t in tokens)
        and not any(c.isdigit() for c in text)
    )


def _as_name(text: str) -> str | None:
    cased = title_case_name(text)
    return cased if _is_name(cased) else None


def agency_credit(text: str) -> str | None:
    """The canonical agency for a credit such as "AP" or "The Associated Press"."""
    return _vocabulary().agencies.get(text.strip().lower())


def is_staff_credit(text: str) -> bool:
    """True for house credits: "... News Network", "Staff Reporter", "Web Desk"."""
    return any(p.fullmatch(text.strip()) for p in _vocabulary().staff)


def _parse(raw: str) -> tuple[Byline, int]:
    """The byline and the number of segments that were neither names, credits nor roles."""
    text = _BY.sub("", strip_inline(raw)).strip(" |•·-–—:")
    vocab = _vocabulary()
    authors: list[str] = []
    orgs: list[str] = []
    location: str | None = None
    unknown = 0
    for segment in filter(None, _SPLIT.split(text)):
        agency = agency_credit(segment)
        if agency or is_staff_credit(segment):
            orgs.append(agency or segment)
            continue
        if vocab.roles.fullmatch(segment):
            continue
        trailing = vocab.trailing_role.match(segment)
        if trailing and _as_name(trailing.group("name")):
            segment = trailing.group("name")
        placed = _IN_PLACE.match(segment)
        if placed and _as_name(placed.group("name")):
            segment, location = placed.group("name"), title_case_name(placed.group("place"))
        name = _as_name(segment)
        if name:
            authors.append(name)
        else:
            unknown += 1
    return Byline(authors, ", ".join(dict.fromkeys(orgs)) or None, location), unknown


def parse_byline(raw: str) -> Byline:
    """Parse a raw byline ("By JANE McDONALD", "A, B and C in Paris", "Reuters").

    Agency and staff credits go to ``org``, never to ``authors``; roles are dropped.
    """
    return _parse(raw)[0]


def looks_like_byline(text: str, *, emphasised: bool = False) -> bool:
    """True when a header line is a byline.

    "By ..." lines and bare agency or staff credits always are; a bare list of names only when
    it is emphasised (a bold Markdown line) or carries a location ("Jane Roe in Paris").
    """
    plain = strip_inline(text)
    if not plain or len(plain) > 160 or plain.endswith((".", "?", "!")):
        return False
    byline, unknown = _parse(plain)
    if unknown or not (byline.authors or byline.org):
        return False
    return bool(_BY.match(plain) or not byline.authors or emphasised or byline.location)
