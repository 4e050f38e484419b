"""Outlet resolution from explicit signals against the registry in ``data/outlets.json``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from transforms.data_files import load_json, profiles
from transforms.record import Outlet

_DOMAIN = re.compile(r"(?:https?://)?(?:www\.)?([\w-]+(?:\.[\w-]+)+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class OutletSignals:
    """Explicit evidence of the publisher, strongest first (the resolution order)."""

    footer: str | None = None  # "Source: independent.co.uk"
    url: str | None = None  # page or canonical URL
    site_name: str | None = None  # og:site_name
    masthead: str | None = None  # masthead line printed above the title
    byline_org: str | None = None  # "Mangalore Today News Network"
    newsletter: str | None = None  # removed newsletter text that may name an outlet's newsletter


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
    for entry in load_json("outlets.json")["outlets"]:
        oid = entry["id"]
        outlets[oid] = Outlet(oid, entry["name"], entry["domains"][0] if entry["domains"] else None)
        domains.update(dict.fromkeys(entry["domains"], oid))
        names.update(dict.fromkeys((n.lower() for n in [entry["name"], *entry["aliases"]]), oid))
        mastheads.update(dict.fromkeys((m.lower() for m in entry["mastheads"]), oid))
    newsletters = []
    for profile in profiles():
        names.update(
            dict.fromkeys((c.lower() for c in profile.get("staff_credits", [])), profile["outlet"])
        )
        newsletters += [
            (re.compile(r"\b" + re.escape(n) + r"\b"), profile["outlet"])
            for n in profile.get("newsletters", [])
        ]
    return _Registry(outlets, domains, names, mastheads, tuple(newsletters))


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
    """The outlet from the strongest available signal, or None."""
    checks = (
        (signals.footer, by_domain),
        (signals.url, by_domain),
        (signals.site_name, by_name),
        (signals.masthead, by_masthead),
        (signals.byline_org, by_credit),
        (signals.newsletter, by_newsletter),
    )
    for value, lookup in checks:
        found = lookup(value) if value else None
        if found:
            return found
    return None
