"""A small hand-written corpus of Article records for the index tests (invented text)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from transforms.record import Article, Outlet, Paragraph, RecordWarning, Removal

LEDGER = Outlet("northern-ledger", "Northern Ledger", "ledger.example")
LANTERN = Outlet("daily-lantern", "Daily Lantern", "lantern.example")
WIRE = Outlet("coastal-wire", "Coastal Wire", None)


def make_article(
    article_id: str,
    *,
    outlet: Outlet,
    title: str,
    paragraphs: Sequence[tuple[str, dict[str, list[str]]]],
    published_at: str,
    authors: Sequence[str] = (),
    section: str | None = None,
) -> Article:
    """An enriched article: entities are the union of its paragraphs' entities."""
    body = "\n\n".join(text for text, _ in paragraphs)
    entities: dict[str, list[str]] = {}
    for _, found in paragraphs:
        for kind, names in found.items():
            entities.setdefault(kind, [])
            entities[kind] += [name for name in names if name not in entities[kind]]
    return Article(
        id=article_id,
        source=f"inbox/{article_id}.txt",
        format="text",
        content_hash=hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
        title=title,
        standfirst=f"{title}: what we know so far",
        section=section,
        url=f"https://{outlet.domain or 'wire.example'}/{article_id}",
        authors=list(authors),
        outlet=outlet,
        published_at=published_at,
        published_precision="minute",
        date_source="header",
        language="en",
        paragraphs=[
            Paragraph(text, "Background" if i else None, found)
            for i, (text, found) in enumerate(paragraphs)
        ],
        body=body,
        word_count=len(body.split()),
        removed=[Removal("caption", "A picture of the scene."), Removal("newsletter", "Sign up")],
        warnings=[RecordWarning.read("no_byline")] if not authors else [],
        entities=entities,
        entity_mentions=[
            {"text": name, "type": kind} for kind, names in entities.items() for name in names
        ],
        minhash=[7, 2**40, 3],
        story_id=f"story-{article_id}",
    )


def corpus() -> list[Article]:
    """Five articles from three outlets, 14 paragraphs in all."""
    return [
        make_article(
            "a1",
            outlet=LEDGER,
            title="Harbour bridge reopens after repairs",
            authors=["Ruth Okafor"],
            published_at="2024-03-04T08:30:00+00:00",
            paragraphs=[
                (
                    "The harbour bridge in Portwick reopened on Monday after six weeks of repairs.",
                    {"place": ["Portwick"]},
                ),
                (
                    "Mara Quell, who chairs the City Transit Board, said buses would return.",
                    {"person": ["Mara Quell"], "org": ["City Transit Board"]},
                ),
                ("Engineers replaced two rusted cables and repainted the deck.", {}),
            ],
        ),
        make_article(
            "a2",
            outlet=LEDGER,
            title="Council votes on cycling lanes",
            authors=["Ruth Okafor", "Dev Lindqvist"],
            published_at="2024-03-05T17:00:00+00:00",
            paragraphs=[
                (
                    "Portwick Council approved three new cycling lanes by a narrow vote.",
                    {"org": ["Portwick Council"], "place": ["Portwick"]},
                ),
                (
                    "Mara Quell welcomed the decision but warned about the cost.",
                    {"person": ["Mara Quell"]},
                ),
            ],
        ),
        make_article(
            "a3",
            outlet=LANTERN,
            title="Orchard growers report early frost",
            authors=["Pia Brandt"],
            published_at="2024-03-05T06:15:00+00:00",
            paragraphs=[
                (
                    "An early frost damaged apple blossom across the Fenmoor valley this week.",
                    {"place": ["Fenmoor"]},
                ),
                (
                    "Tobin Ashgrove of the Growers Union called it the worst frost in a decade.",
                    {"person": ["Tobin Ashgrove"], "org": ["Growers Union"]},
                ),
                ("Some farms lit small fires between the rows to keep the trees warm.", {}),
                ("Prices for local cider are expected to rise next autumn.", {}),
            ],
        ),
        make_article(
            "a4",
            outlet=LANTERN,
            title="Rail strike talks resume",
            published_at="2024-03-06T12:00:00+00:00",
            paragraphs=[
                (
                    "Talks to end the rail strike resumed in Portwick on Wednesday.",
                    {"place": ["Portwick"]},
                ),
                (
                    "Ilse Varga said the City Transit Board had offered a new pay deal.",
                    {"person": ["Ilse Varga"], "org": ["City Transit Board"]},
                ),
            ],
        ),
        make_article(
            "a5",
            outlet=WIRE,
            title="Lighthouse museum opens new wing",
            authors=["Sam Reyes"],
            published_at="2024-03-07T10:45:00+00:00",
            paragraphs=[
                (
                    "The lighthouse museum near Fenmoor opened a wing about shipwrecks.",
                    {"place": ["Fenmoor"]},
                ),
                (
                    "Tobin Ashgrove lent the museum his collection of brass lamps.",
                    {"person": ["Tobin Ashgrove"]},
                ),
                ("Entry is free for children during the spring holidays.", {}),
            ],
        ),
    ]


def shortened(article: Article, keep: int, note: str) -> Article:
    """The same article edited: only its first `keep` paragraphs, the first one rewritten."""
    kept = [replace(p) for p in article.paragraphs[:keep]]
    kept[0] = replace(kept[0], text=f"{kept[0].text} {note}")
    body = "\n\n".join(p.text for p in kept)
    return replace(
        article,
        paragraphs=kept,
        body=body,
        word_count=len(body.split()),
        content_hash=hashlib.sha256(body.encode()).hexdigest(),
    )
