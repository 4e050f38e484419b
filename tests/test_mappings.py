"""Index templates: strict, versioned, every document field mapped, analyzer fallback."""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

from flows.config import Settings
from flows.es.indices import ensure_indices
from flows.es.templates import (
    ANALYZER_PLACEHOLDER,
    KINDS,
    apply_templates,
    put_templates,
    render_templates,
)
from tests.article_samples import corpus
from transforms.es_documents import article_document, document_fingerprint, paragraph_documents

TEXT_FIELDS = {
    "articles": {"title", "standfirst", "body"},
    "paragraphs": {"title", "text"},
}


def _text_analyzers(properties: dict[str, Any], prefix: str = "") -> dict[str, str]:
    found = {}
    for name, spec in properties.items():
        if spec.get("type") == "text" and spec.get("index", True):
            found[prefix + name] = spec.get("analyzer", "standard")
        found |= _text_analyzers(spec.get("properties", {}), f"{prefix}{name}.")
    return found


def _unmapped(doc: dict[str, Any], properties: dict[str, Any], prefix: str = "") -> list[str]:
    """Paths of `doc` with no mapping (values of disabled objects are not walked)."""
    missing = []
    for key, value in doc.items():
        spec = properties.get(key)
        if spec is None:
            missing.append(prefix + key)
            continue
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and spec.get("enabled", True):
                missing += _unmapped(item, spec.get("properties", {}), f"{prefix}{key}.")
    return missing


@pytest.mark.parametrize("analyzer", ["standard", "english"])
def test_rendering_fills_analyzer_and_meta(analyzer: str) -> None:
    templates = render_templates("news", analyzer)
    for kind in KINDS:
        body = templates.indices[kind]
        mappings = body["template"]["mappings"]
        assert ANALYZER_PLACEHOLDER not in str(body)
        assert mappings["dynamic"] == "strict"
        assert body["index_patterns"] == [f"news-{kind}-v*"]
        assert body["composed_of"] == ["news-settings"]
        assert isinstance(templates.version(kind), int)
        assert mappings["_meta"]["mapping_hash"] == templates.mapping_hash(kind)
        analyzers = _text_analyzers(mappings["properties"])
        assert set(analyzers) == TEXT_FIELDS[kind]
        assert set(analyzers.values()) == {analyzer}


def test_analyzer_change_changes_mapping_hash() -> None:
    standard, english = render_templates("news", "standard"), render_templates("news", "english")
    for kind in KINDS:
        assert standard.mapping_hash(kind) != english.mapping_hash(kind)
        assert standard.mapping_hash(kind) == render_templates("news", "standard").mapping_hash(
            kind
        )


def test_every_document_field_is_mapped() -> None:
    templates = render_templates("news", "standard")
    articles = templates.indices["articles"]["template"]["mappings"]["properties"]
    paragraphs = templates.indices["paragraphs"]["template"]["mappings"]["properties"]
    for article in corpus():
        article.duplicate_of = "a0"
        article.byline_org, article.byline_location = "Wire Service", "Portwick"
        article.lsh_bands = ["0-ab"]
        doc = article_document(article, ingested_at="2024-03-08T00:00:00Z", pipeline_version="1")
        paras = paragraph_documents(article, ingested_at="2024-03-08T00:00:00Z")
        doc["fingerprint"] = document_fingerprint(doc, paras)
        assert "duplicate_of" in doc and "byline_org" in doc and "lsh_bands" in doc
        assert _unmapped(doc, articles) == []
        for para in paras:
            assert "section" in para or para["position"] == 0
            assert _unmapped(para, paragraphs) == []


def test_unknown_entity_types_are_left_out() -> None:
    article = corpus()[0]
    article.entities["misc"] = ["Something"]
    article.paragraphs[0].entities["misc"] = ["Something"]
    doc = article_document(article, ingested_at="2024-03-08T00:00:00Z")
    assert set(doc["entities"]) <= {"person", "org", "place"}
    assert "misc" not in paragraph_documents(article, ingested_at="x")[0]["entities"]


def test_templates_are_accepted_and_idempotent(es: Elasticsearch, settings: Settings) -> None:
    first = ensure_indices(es, settings)
    assert first.templates_changed and len(first.created) == 2
    templates = render_templates(settings.index_prefix, first.analyzer)
    assert put_templates(es, templates) is False
    second = ensure_indices(es, settings)
    assert not second.templates_changed and second.created == []
    assert second.write_indices == first.write_indices
    assert not second.rebuild_needed
    live = es.indices.get_mapping(index=first.write_indices.articles)
    mappings = next(iter(live.values()))["mappings"]
    assert mappings["dynamic"] == "strict"
    assert mappings["_meta"]["mapping_hash"] == templates.mapping_hash("articles")


def test_strict_mapping_refuses_unknown_fields(es: Elasticsearch, settings: Settings) -> None:
    state = ensure_indices(es, settings)
    with pytest.raises(BadRequestError) as refused:
        es.index(index=state.aliases.articles, id="x", document={"surprise": 1})
    assert refused.value.error == "strict_dynamic_mapping_exception"


def test_analyzer_probe_matches_what_the_cluster_accepts(
    es: Elasticsearch, settings: Settings
) -> None:
    """The english rendering works where the template upload took english, and fails where it
    fell back to standard (no cluster-level `_analyze`, which needs cluster `manage`)."""
    chosen = apply_templates(es, settings.index_prefix)[0].analyzer
    english = render_templates(settings.index_prefix, "english")
    body = english.indices["paragraphs"]["template"]
    name = f"{settings.index_prefix}-english-probe"
    if chosen == "english":
        es.indices.create(index=name, mappings=body["mappings"])
        tokens = es.indices.analyze(index=name, field="text", text="running ferries")["tokens"]
        assert [t["token"] for t in tokens] == ["run", "ferri"]
    else:
        assert chosen == "standard"
        with pytest.raises(BadRequestError) as refused:
            es.indices.create(index=name, mappings=body["mappings"])
        assert "english" in str(refused.value)
        state = ensure_indices(es, settings)
        index = state.write_indices.paragraphs
        tokens = es.indices.analyze(index=index, field="text", text="Running Ferries")["tokens"]
        assert [t["token"] for t in tokens] == ["running", "ferries"]
