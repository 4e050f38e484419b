"""Outlet registry integrity and resolution from explicit signals."""

from __future__ import annotations

import pytest

from transforms.data_files import load, profiles
from transforms.data_models import OutletEntry, OutletsFile
from transforms.fields.outlets import (
    OutletSignals,
    by_credit,
    by_domain,
    by_masthead,
    by_name,
    copyright_owner,
    registrable_domain,
    resolve_outlet,
    unlisted_outlet,
)
from transforms.record import Outlet
from transforms.text.rules import outlet_line_rules

REQUIRED = {
    "independent",
    "guardian",
    "washington_post",
    "mangalore_today",
    "reuters",
    "ap",
    "afp",
    "bbc",
}


def _registry() -> list[OutletEntry]:
    return load(OutletsFile).outlets


def test_registry_has_the_required_outlets_and_unique_keys() -> None:
    ids = [o.id for o in _registry()]
    domains = [d for o in _registry() for d in o.domains]
    assert set(ids) >= REQUIRED
    assert len(ids) == len(set(ids)) and len(domains) == len(set(domains))


def test_every_profile_belongs_to_a_registered_outlet_and_its_rules_load() -> None:
    ids = {o.id for o in _registry()}
    loaded = outlet_line_rules()
    for profile in profiles():
        assert profile.outlet in ids
        assert len(loaded[profile.outlet]) == len(profile.line_rules)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Source: independent.co.uk", "independent"),
        ("https://www.theguardian.com/us-news/2024/nov/11/x", "guardian"),
        ("http://news.bbc.co.uk/2/hi/x.stm", "bbc"),
        ("apnews.com", "ap"),
        ("https://example.org/news", None),
    ],
)
def test_by_domain(text: str, expected: str | None) -> None:
    found = by_domain(text)
    assert (found.id if found else None) == expected


def test_names_mastheads_and_credits() -> None:
    assert by_name("the guardian").id == "guardian"
    assert by_masthead("mangalore today").id == "mangalore_today"
    assert by_masthead("Breaking news") is None
    assert by_credit("Mangalore Today News Network").id == "mangalore_today"
    assert by_credit("Associated Press").id == "ap"
    assert by_credit("Staff Reporter") is None


def test_resolution_order_prefers_the_footer_then_the_url() -> None:
    signals = OutletSignals(
        footer="Source: independent.co.uk",
        url="https://www.washingtonpost.com/a",
        site_name="BBC News",
        byline_org="Reuters",
    )
    assert resolve_outlet(signals).id == "independent"
    assert (
        resolve_outlet(OutletSignals(url=signals.url, site_name="BBC News")).id == "washington_post"
    )
    assert resolve_outlet(OutletSignals(site_name="BBC News", byline_org="Reuters")).id == "bbc"
    assert resolve_outlet(OutletSignals(byline_org="Reuters")).id == "reuters"


def test_newsletter_name_is_the_weakest_signal() -> None:
    newsletter = OutletSignals(newsletter="Sign up to First Edition")
    assert resolve_outlet(newsletter).id == "guardian"
    both = OutletSignals(masthead="mangalore today", newsletter="Sign up to First Edition")
    assert resolve_outlet(both).id == "mangalore_today"
    assert resolve_outlet(OutletSignals()) is None
    assert resolve_outlet(OutletSignals(newsletter="Sign up to our weekly digest")) is None


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("https://news.bbc.co.uk/x", "bbc.co.uk"),
        ("www.example.de", "example.de"),
        ("http://foo.blogspot.com/a", "foo.blogspot.com"),
        ("https://localhost/x", None),
    ],
)
def test_registrable_domain(text: str, domain: str | None) -> None:
    assert registrable_domain(text) == domain


def test_unlisted_outlet_is_named_from_site_name_and_domain() -> None:
    assert unlisted_outlet("Aktuálně.cz", "https://zpravy.aktualne.cz/a") == Outlet(
        "aktualne_cz", "Aktuálně.cz", "aktualne.cz"
    )
    assert unlisted_outlet(None, "https://www.example.de/x") == Outlet(
        "example_de", "Example", "example.de"
    )
    assert unlisted_outlet("Harbour Post", None) == Outlet("harbour_post", "Harbour Post", None)
    assert unlisted_outlet(None, None) is None


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        ("© 2024 Example Media. All rights reserved.", "Example Media"),
        ("Copyright (c) 2019-2024 Beispiel GmbH", "Beispiel GmbH"),
        ("© Le Monde 2024", "Le Monde"),
        ("Photo: Jo Lee", None),
    ],
)
def test_copyright_owner(line: str, owner: str | None) -> None:
    assert copyright_owner(line) == owner


def test_registry_signals_beat_the_unlisted_fallback_and_the_wire_comes_last() -> None:
    assert resolve_outlet(OutletSignals(url="https://example.org/a", title_site="BBC News")).id == (
        "bbc"
    )
    assert resolve_outlet(OutletSignals(copyright="© 2024 The Guardian")).id == "guardian"
    unlisted = resolve_outlet(OutletSignals(url="https://example.org/a", wire="Reuters"))
    assert unlisted == Outlet("example_org", "Example", "example.org")
    assert resolve_outlet(OutletSignals(wire="Reuters")).id == "reuters"
    assert resolve_outlet(OutletSignals(publisher="Harbour Post")).name == "Harbour Post"
