"""The enrich stage: entity facets, MinHash and band keys on a new Article, the input untouched."""

from __future__ import annotations

import copy

from transforms.enrichment import dedup
from transforms.enrichment.enrich import enrich
from transforms.enrichment.entities import RawMention, with_entities
from transforms.record import Article, Paragraph

PARAGRAPHS = [
    "Mayor Ana Ruiz opened the Porto bridge on Monday after two years of building work.",
    "Ruiz said the council of Porto would open a second crossing next spring.",
]


def _article() -> Article:
    return Article(
        id="a1",
        source="a1.txt",
        format="text",
        content_hash="a1",
        title="Porto opens its bridge",
        paragraphs=[Paragraph(text) for text in PARAGRAPHS],
        body="\n\n".join(PARAGRAPHS),
    )


def _mentions(article: Article) -> list[list[RawMention]]:
    found = [[] for _ in range(2)]  # title, standfirst
    for text in PARAGRAPHS:
        found.append(
            [
                RawMention(name, label, text.index(name), text.index(name) + len(name))
                for name, label in (("Ana Ruiz", "PERSON"), ("Ruiz", "PERSON"), ("Porto", "GPE"))
                if name in text and not (name == "Ruiz" and "Ana Ruiz" in text)
            ]
        )
    return found


def test_enrich_sets_entities_minhash_and_their_bands() -> None:
    article = _article()
    enriched = enrich(article, _mentions(article))
    facets = {"person": ["Ana Ruiz"], "org": [], "place": ["Porto"]}
    assert enriched.entities == facets
    assert [p.entities for p in enriched.paragraphs] == [facets, facets]
    assert enriched.entity_mentions == with_entities(article, _mentions(article)).entity_mentions
    assert enriched.minhash == dedup.signature(article.body)
    assert len(enriched.minhash) == dedup.NUM_PERM
    assert enriched.lsh_bands == dedup.band_keys(enriched.minhash)
    assert len(enriched.lsh_bands) == dedup.LSH_BANDS


def test_enrich_leaves_its_input_unchanged() -> None:
    article = _article()
    before = copy.deepcopy(article)
    enriched = enrich(article, _mentions(article))
    assert article == before
    assert enriched != article and enriched.paragraphs[0] is not article.paragraphs[0]
    assert [p.entities for p in article.paragraphs] == [{}, {}]
    assert (article.entities, article.minhash, article.lsh_bands) == ({}, [], [])
