"""Seed articles cleaned and run through NER once per test session, plus a story of our own."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

from flows.ner import find_mentions
from transforms.clean import clean_document
from transforms.enrichment.enrich import enrich
from transforms.record import Article, Paragraph

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# Written for these tests: a different story (a football transfer) with its own people and places.
TRANSFER_PARAGRAPHS = [
    "Arsenal have agreed a fee of 60 million euros with Bayer Leverkusen for the midfielder "
    "Florian Wirtz, the London club said on Tuesday after a week of talks in Germany.",
    "Mikel Arteta told reporters at the training ground in Hertfordshire that Wirtz would bring "
    "creativity to a squad that finished second in the Premier League last season.",
    "Leverkusen's sporting director Simon Rolfes said the player had asked to leave and that "
    "the club had received a fair offer. Wirtz is expected to sign a five-year contract.",
    "The deal still needs a medical in London, and Arteta said he hoped to have the German "
    "available for the opening match against Chelsea.",
]


@cache
def _enriched_seeds() -> tuple[Article, ...]:
    articles = [clean_document(p.read_bytes(), p.name) for p in sorted(SEEDS.iterdir())]
    found = find_mentions(articles)
    return tuple(enrich(a, mentions) for a, mentions in zip(articles, found, strict=True))


def enriched_seeds() -> list[Article]:
    """Fresh copies of the five seed articles, cleaned, with entities, MinHash and band keys (as
    the enrich stage gives them)."""
    return copy.deepcopy(list(_enriched_seeds()))


def transfer_article() -> Article:
    """The unrelated article, with entities from the real NER, its MinHash and band keys."""
    body = "\n\n".join(TRANSFER_PARAGRAPHS)
    article = Article(
        id="f00tba11",
        source="transfer.txt",
        format="text",
        content_hash="f00tba11",
        title="Arsenal agree fee for Leverkusen playmaker",
        paragraphs=[Paragraph(text) for text in TRANSFER_PARAGRAPHS],
        body=body,
    )
    return enrich(article, find_mentions([article])[0])
