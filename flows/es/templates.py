"""Index templates from `mappings/`: analyzer choice, rendering, hashing, idempotent upload.

`mappings/settings.json` is a component template shared by both index templates;
`mappings/articles.json` and `mappings/paragraphs.json` are composable index templates whose
text fields name the analyzer as the placeholder "$text_analyzer", filled in at setup.
The shard and replica counts are settings (NEWSINDEX_INDEX_SHARDS, NEWSINDEX_INDEX_REPLICAS)
added to the component template when it is rendered; they are part of the mapping hash, so
live indices made with other counts are reported as needing a rebuild.
Whether the cluster has the "english" analyzer is learnt from the template upload itself (it
validates the mappings), so setup needs no cluster privilege beyond the templates'.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError

from flows.config import Settings
from transforms.data_files import read_json

log = logging.getLogger(__name__)

KINDS = ("articles", "paragraphs")
ANALYZER_PLACEHOLDER = "$text_analyzer"
ENGLISH = "english"
FALLBACK = "standard"


def load_mapping(name: str) -> dict[str, Any]:
    """A JSON file of the `mappings` package, parsed afresh."""
    return read_json("mappings", name)


def _fill(node: Any, analyzer: str) -> Any:
    if isinstance(node, dict):
        return {key: _fill(value, analyzer) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, analyzer) for value in node]
    return analyzer if node == ANALYZER_PLACEHOLDER else node


@dataclass(frozen=True)
class Sharding:
    """Primary shards and replicas of new indices; `replicas` is a count ("1") or a range that
    follows the number of nodes ("0-1", "0-all": Elasticsearch's `auto_expand_replicas`)."""

    shards: int = 1
    replicas: str = "0-1"

    @classmethod
    def of(cls, settings: Settings) -> Sharding:
        return cls(shards=settings.index_shards, replicas=settings.index_replicas)

    def index_settings(self) -> dict[str, Any]:
        if self.replicas.isdigit():
            return {"number_of_shards": self.shards, "number_of_replicas": int(self.replicas)}
        return {"number_of_shards": self.shards, "auto_expand_replicas": self.replicas}


def _digest(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Templates:
    """The rendered templates of one prefix and analyzer, ready to upload."""

    prefix: str
    analyzer: str
    component: dict[str, Any]  # body of the `{prefix}-settings` component template
    indices: dict[str, dict[str, Any]]  # kind -> body of the `{prefix}-{kind}` index template

    @property
    def component_name(self) -> str:
        return f"{self.prefix}-settings"

    def index_template_name(self, kind: str) -> str:
        return f"{self.prefix}-{kind}"

    def version(self, kind: str) -> int:
        """The integer mapping version (`_meta.version` of the JSON file)."""
        return self.indices[kind]["_meta"]["version"]

    def mapping_hash(self, kind: str) -> str:
        """A hash of everything that shapes a new index of `kind` (mapping, settings, analyzer)."""
        return self.indices[kind]["_meta"]["mapping_hash"]


def render_templates(prefix: str, analyzer: str, sharding: Sharding = Sharding()) -> Templates:
    """Fill the analyzer, shards, replicas, index patterns and `_meta` (version, hash) into the
    JSON templates."""
    component = load_mapping("settings.json")
    component["template"]["settings"]["index"].update(sharding.index_settings())
    component["_meta"] = {**component.get("_meta", {}), "hash": _digest(component["template"])}
    indices = {}
    for kind in KINDS:
        body = _fill(load_mapping(f"{kind}.json"), analyzer)
        version = body["_meta"]["version"]
        if not isinstance(version, int):
            raise ValueError(f"mappings/{kind}.json: _meta.version must be an integer")
        mapping_hash = _digest([body["template"], component["template"], analyzer])
        meta = {"kind": kind, "version": version, "mapping_hash": mapping_hash}
        body["index_patterns"] = [f"{prefix}-{kind}-v*"]
        body["composed_of"] = [f"{prefix}-settings"]
        body["template"]["mappings"]["_meta"] = meta  # copied into every index made from it
        body["_meta"] = {**body["_meta"], **meta, "analyzer": analyzer}
        indices[kind] = body
    return Templates(prefix=prefix, analyzer=analyzer, component=component, indices=indices)


def _stored_meta(es: Elasticsearch, name: str, *, component: bool) -> dict[str, Any] | None:
    try:
        if component:
            found = es.cluster.get_component_template(name=name)["component_templates"]
            return found[0]["component_template"].get("_meta", {})
        found = es.indices.get_index_template(name=name)["index_templates"]
        return found[0]["index_template"].get("_meta", {})
    except NotFoundError:
        return None


def put_templates(es: Elasticsearch, templates: Templates) -> bool:
    """Upload the templates that differ from the stored ones; True if anything was written."""
    changed = False
    if _stored_meta(es, templates.component_name, component=True) != templates.component["_meta"]:
        es.cluster.put_component_template(
            name=templates.component_name, body=copy.deepcopy(templates.component)
        )
        changed = True
    for kind in KINDS:
        name = templates.index_template_name(kind)
        body = templates.indices[kind]
        if _stored_meta(es, name, component=False) != body["_meta"]:
            es.indices.put_index_template(name=name, body=copy.deepcopy(body))
            changed = True
    if changed:
        log.info(
            "index templates for %s written (analyzer %s)", templates.prefix, templates.analyzer
        )
    return changed


def _unknown_analyzer(exc: BadRequestError, analyzer: str) -> bool:
    return f"analyzer [{analyzer}] has not been configured" in json.dumps(exc.body, default=str)


def _up_to_date(es: Elasticsearch, templates: Templates) -> bool:
    """The stored templates are these (read with cluster `monitor`, no template privilege)."""
    if _stored_meta(es, templates.component_name, component=True) != templates.component["_meta"]:
        return False
    return all(
        _stored_meta(es, templates.index_template_name(kind), component=False)
        == templates.indices[kind]["_meta"]
        for kind in KINDS
    )


def apply_templates(
    es: Elasticsearch, prefix: str, sharding: Sharding = Sharding()
) -> tuple[Templates, bool]:
    """Put the templates rendered with "english", or with "standard" when the cluster refuses
    "english" (no analysis-common); returns them and whether anything was written.

    Templates already stored in either rendering are left alone, so `rebuild` with
    unchanged templates needs no template privilege."""
    for analyzer in (ENGLISH, FALLBACK):
        stored = render_templates(prefix, analyzer, sharding)
        if _up_to_date(es, stored):
            return stored, False
    try:
        templates = render_templates(prefix, ENGLISH, sharding)
        return templates, put_templates(es, templates)
    except BadRequestError as exc:
        if not _unknown_analyzer(exc, ENGLISH):
            raise
    log.info("cluster has no %r analyzer; text fields use %r", ENGLISH, FALLBACK)
    templates = render_templates(prefix, FALLBACK, sharding)
    return templates, put_templates(es, templates)
