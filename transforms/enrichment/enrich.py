"""The enrich stage: an Article with its entity facets, MinHash signature and LSH band keys.

Pure: the raw NER mentions (flows.ner) in, a new Article out. Grouping
(``transforms.enrichment.dedup.assign_groups``), the candidate search (flows.es.candidates)
and the Elasticsearch documents (``transforms.es_documents``) read what it sets; none computes
it again.
"""

from __future__ import annotations

from transforms.enrichment.dedup import with_signature
from transforms.enrichment.entities import RawMention, with_entities
from transforms.record import Article


def enrich(article: Article, mentions: list[list[RawMention]]) -> Article:
    """A copy of ``article`` with its entity facets (``with_entities``), ``minhash`` and
    ``lsh_bands`` (``with_signature``); ``article`` itself is left unchanged.

    ``mentions`` holds the raw mentions of each text of ``entity_sources(article)``.
    """
    return with_signature(with_entities(article, mentions))
