"""The outlet of a whole-page export told by its own links (every page here is invented)."""

from __future__ import annotations

from transforms.clean import clean_document
from transforms.text.site_links import site_of_links

MENU = "\n".join(
    f"* [{section}](https://www.harbourgazette.com/{section.lower()})"
    for section in ("News", "Politics", "Business", "Sport", "Culture")
)
SHARES = "\n".join(
    f"[Share on {site}](https://www.{site.lower()}.com/share?u=x)"
    for site in ("Facebook", "Twitter", "Facebook", "Twitter", "Pinterest", "Facebook")
)
BODY = "\n\n".join(
    [
        "Dock workers at the northern harbour stopped work on Thursday morning, saying the new "
        "automated cranes would cost hundreds of jobs over the next two years.",
        "The union said eleven rounds of talks had failed to produce a written guarantee, and "
        "that its members had voted by a large majority to walk out for three days.",
        "The port authority said it regretted the decision and would meet union leaders again "
        "next week to discuss the timetable for the new equipment.",
    ]
)
FOOTER = "© 2024 Northern Media Holdings. All rights reserved. The Harbour Gazette"


def test_the_most_linked_domain_is_the_site_and_the_page_spells_its_name() -> None:
    text = f"{MENU}\n\n# Cranes fall silent at the harbour\n\n{BODY}\n\n{SHARES}\n\n{FOOTER}\n"
    assert site_of_links(text) == ("harbourgazette.com", "The Harbour Gazette")


def test_an_ad_network_linked_more_often_loses_to_the_site_whose_name_is_spelled() -> None:
    ads = "\n".join(f"[Sponsored offer {n}](https://clicks.adnetwork.net/c/{n})" for n in range(9))
    text = f"{MENU}\n\n{BODY}\n\n{ads}\n\n{FOOTER}\n"
    assert site_of_links(text) == ("harbourgazette.com", "The Harbour Gazette")


def test_links_spread_over_many_sites_or_only_platforms_tell_nothing() -> None:
    cited = "\n".join(f"[source {n}](https://www.source{n}.org/report)" for n in range(8))
    assert site_of_links(f"{BODY}\n\n{cited}\n") is None
    assert site_of_links(f"{BODY}\n\n{SHARES}\n") is None
    assert site_of_links(BODY) is None


def test_image_links_do_not_count() -> None:
    images = "\n".join(f"![photo {n}](https://cdn.photostock.com/{n}.jpg)" for n in range(9))
    text = f"{MENU}\n\n{images}\n\n{BODY}\n\n{FOOTER}\n"
    assert site_of_links(text) == ("harbourgazette.com", "The Harbour Gazette")


def test_a_whole_page_export_is_credited_to_the_site_not_to_the_copyright_owner() -> None:
    text = f"{MENU}\n\n# Cranes fall silent at the harbour\n\n{BODY}\n\n{SHARES}\n\n{FOOTER}\n"
    outlet = clean_document(text.encode(), "page.md").outlet
    assert outlet is not None
    assert (outlet.name, outlet.domain) == ("The Harbour Gazette", "harbourgazette.com")


def test_a_sentence_article_before_the_name_is_not_part_of_it() -> None:
    menu = "\n".join(
        f"* [{s}](https://www.harbourpost.com/{s.lower()})" for s in ("News", "Sport", "Culture")
    )
    boxes = "Sign up for the Harbour Post newsletter\n\nRead the Harbour Post app\n\nHarbour Post"
    found = site_of_links(f"{menu}\n\n{BODY}\n\n{boxes}\n")
    assert found == ("harbourpost.com", "Harbour Post")
