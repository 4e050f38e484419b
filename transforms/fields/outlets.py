"""Outlet resolution from explicit signals against the registry, ``transforms/data/outlets.json``.

An outlet missing from the registry is named from the page's own site name and registrable
domain (``Outlet("example_de", "Example", "example.de")``) rather than left empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

from tld import get_tld

from transforms.data_files import load, profiles
from transforms.data_models import OutletsFile
from transforms.folding import fold
from transforms.record import Outlet

_DOMAIN = re.compile(r"(?:https?://)?(?:www\.)?([\w-]+(?:\.[\w-]+)+)", re.IGNORECASE)
# "© 2024 Example Media. All rights reserved", "Copyright (c) 2019-2024 Example GmbH".
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)(?:\s*(?:©|\(c\)))?\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?[\s,.]*"
    r"(?P<owner>[^\W\d][^|©\n]{1,80}?)\s*(?:[.,;|]|\ball rights\b|\btous droits\b|$)",
    re.IGNORECASE,
)
_TRAILING_YEAR = re.compile(r"\s+\d{4}$")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class OutletSignals:
    """Explicit evidence of the publisher, strongest first (the resolution order)."""

    footer: str | None = None  # "Source: independent.co.uk"
    url: str | None = None  # page or canonical URL
    site_name: str | None = None  # og:site_name
    masthead: str | None = None  # masthead line printed above the title
    byline_org: str | None = None  # "Mangalore Today News Network"
    newsletter: str | None = None  # removed newsletter text that may name an outlet's newsletter
    publisher: str | None = None  # JSON-LD publisher.name
    title_site: str | None = None  # the site segment cut off the title ("Headline | Site")
    copyright: str | None = None  # a copyright line ("© 2024 Example Media")
    wire: str | None = None  # the agency of a dateline "(Reuters)": the author, not the host
    linked_domain: str | None = None  # the domain most of an export's links point at
    linked_name: str | None = None  # the page text spelling that domain's name ("The Verge")
    brand: str | None = None  # the name the page chrome gives the site ("Follow NBC News")


@dataclass(frozen=True, slots=True)
class _Registry:
    outlets: dict[str, Outlet]
    domains: dict[str, str]  # domain -> outlet id
    names: dict[str, str]  # lower-case name, alias or staff credit -> outlet id
    mastheads: dict[str, str]  # lower-case masthead line -> outlet id
    newsletters: tuple[tuple[re.Pattern[str], str], ...]


@cache
def _registry() -> _Registry:
    outlets: dict[str, Outlet] = {}
    domains: dict[str, str] = {}
    names: dict[str, str] = {}
    mastheads: dict[str, str] = {}
    for entry in load(OutletsFile).outlets:
        oid = entry.id
        outlets[oid] = Outlet(oid, entry.name, entry.domains[0] if entry.domains else None)
        domains.update(dict.fromkeys(entry.domains, oid))
        names.update(dict.fromkeys((n.lower() for n in [entry.name, *entry.aliases]), oid))
        mastheads.update(dict.fromkeys((m.lower() for m in entry.mastheads), oid))
    newsletters = []
    for profile in profiles():
        names.update(dict.fromkeys((c.lower() for c in profile.staff_credits), profile.outlet))
        newsletters += [
            (re.compile(r"\b" + re.escape(n) + r"\b"), profile.outlet) for n in profile.newsletters
        ]
    return _Registry(outlets, domains, names, mastheads, tuple(newsletters))


@lru_cache(maxsize=16384)
def registrable_domain(text: str) -> str | None:
    """The registrable domain of a URL or host ("https://news.bbc.co.uk/x" -> "bbc.co.uk")."""
    found = get_tld(text.strip(), as_object=True, fail_silently=True, fix_protocol=True)
    return found.fld.lower() if found else None


def domain_label(domain: str) -> str:
    """The name part of a registrable domain ("bbc.co.uk" -> "bbc")."""
    return domain.split(".", 1)[0]


def copyright_owner(text: str) -> str | None:
    """The owner named in a copyright line, or None."""
    match = _COPYRIGHT.search(text)
    owner = _TRAILING_YEAR.sub("", match.group("owner")).strip(" -–") if match else ""
    return owner if len(owner) > 1 else None


def _slug(text: str) -> str:
    return _SLUG.sub("_", fold(text).encode("ascii", "ignore").decode()).strip("_")


def unlisted_outlet(name: str | None, url: str | None) -> Outlet | None:
    """An outlet outside the registry, from its site name and the registrable domain of its URL
    (or a bare domain written as its name)."""
    domain = registrable_domain(url) if url else None
    name = (name or "").strip() or None
    if name and domain is None and _DOMAIN.fullmatch(name):
        domain = registrable_domain(name)
    if name is None and domain is None:
        return None
    label = name or domain_label(domain or "").title()
    return Outlet(_slug(domain or label) or "unknown", label, domain)


def by_domain(text: str) -> Outlet | None:
    """The outlet owning the domain in a URL or bare host ("www.bbc.co.uk", "https://...")."""
    host = urlsplit(text).hostname if "://" in text else None
    if host is None:
        match = _DOMAIN.search(text)
        host = match.group(1) if match else None
    if not host:
        return None
    labels = host.lower().removeprefix("www.").split(".")
    registry = _registry()
    for start in range(len(labels) - 1):
        oid = registry.domains.get(".".join(labels[start:]))
        if oid:
            return registry.outlets[oid]
    return None


def by_name(text: str) -> Outlet | None:
    """The outlet named exactly (any alias, case-insensitive)."""
    oid = _registry().names.get(text.strip().lower())
    return _registry().outlets[oid] if oid else None


def by_masthead(line: str) -> Outlet | None:
    """The outlet whose masthead string is this whole line."""
    oid = _registry().mastheads.get(line.strip().lower())
    return _registry().outlets[oid] if oid else None


def by_credit(org: str) -> Outlet | None:
    """The outlet behind a byline organisation: an exact name or "<name> News Network"-style."""
    found = by_name(org)
    if found:
        return found
    words = org.split()
    for cut in range(len(words) - 1, 0, -1):
        found = by_name(" ".join(words[:cut]))
        if found and len(" ".join(words[:cut])) > 3:
            return found
    return None


def by_newsletter(text: str) -> Outlet | None:
    """The outlet one of whose newsletters is named in the text."""
    for pattern, oid in _registry().newsletters:
        if pattern.search(text):
            return _registry().outlets[oid]
    return None


def resolve_outlet(signals: OutletSignals) -> Outlet | None:
    """The registry outlet from the strongest available signal; else an unlisted outlet named
    from the site name and domain; else the wire agency of the dateline; else None.

    The name the page chrome gives the site (``brand``), when nothing else names it, comes
    before the copyright owner unless the registry knows that owner: an unknown owner is
    often the parent company ("Vox Media")."""
    owner = copyright_owner(signals.copyright) if signals.copyright else None
    named = signals.site_name or signals.publisher or signals.title_site
    brand = signals.brand if not (named or signals.linked_name) else None
    checks = (
        (signals.footer, by_domain),
        (signals.url, by_domain),
        (signals.linked_domain, by_domain),
        (signals.site_name, by_name),
        (signals.publisher, by_name),
        (signals.title_site, by_name),
        (signals.masthead, by_masthead),
        (signals.byline_org, by_credit),
        (owner, by_credit),
        (brand, by_name),
        (signals.newsletter, by_newsletter),
    )
    for value, lookup in checks:
        found = lookup(value) if value else None
        if found:
            return found
    name = named or signals.linked_name or brand or owner
    unlisted = unlisted_outlet(name, signals.url or signals.footer or signals.linked_domain)
    if unlisted:
        return unlisted
    return by_credit(signals.wire) if signals.wire else None
