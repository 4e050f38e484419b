"""`newsindex status`: what is indexed, by which mappings and pipeline, and what is pending.

Read-only, through the aliases, so the reader role is enough (plus `read` on the run log
`{prefix}-runs`): aliases and the physical indices behind them (`view_index_metadata`),
document counts per outlet, language and pipeline version (`read`), the stored index
templates (cluster `monitor`), the last runs (flows.es.run_log) and the local dead-letter file.
A rebuild is due when a live index was made from other mappings than the repo's templates,
or when documents were written by another pipeline version.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch, NotFoundError

from flows.config import Settings
from flows.es.dead_letter import read_entries
from flows.es.indices import aliases
from flows.es.run_log import last_runs
from flows.es.templates import ENGLISH, FALLBACK, KINDS, render_templates

UNKNOWN = "(unknown)"
FACETS = {"outlet": "outlet.name", "language": "language", "pipeline_version": "pipeline_version"}


def _behind(es: Elasticsearch, alias: str) -> dict[str, dict[str, Any]]:
    """Physical index -> its alias entry and mapping `_meta`, read through the alias."""
    try:
        found = es.indices.get_alias(index=alias, name=alias)
        mappings = es.indices.get_mapping(index=alias)
    except NotFoundError:
        return {}
    return {
        index: {
            "write_index": bool(body["aliases"][alias].get("is_write_index", len(found) == 1)),
            "meta": mappings[index]["mappings"].get("_meta", {}),
        }
        for index, body in sorted(found.items())
    }


def _repo_hashes(prefix: str) -> dict[str, dict[str, str]]:
    """analyzer -> kind -> mapping hash of the templates in this checkout."""
    rendered = {analyzer: render_templates(prefix, analyzer) for analyzer in (ENGLISH, FALLBACK)}
    return {a: {k: t.mapping_hash(k) for k in KINDS} for a, t in rendered.items()}


def _stored_template_hash(es: Elasticsearch, name: str) -> str | None:
    try:
        found = es.indices.get_index_template(name=name)["index_templates"]
    except NotFoundError:
        return None
    return found[0]["index_template"].get("_meta", {}).get("mapping_hash")


def _counts(buckets: list[dict[str, Any]]) -> dict[str, int]:
    return {str(bucket["key"]): bucket["doc_count"] for bucket in buckets}


def _document_counts(es: Elasticsearch, alias: str, facets: dict[str, str]) -> dict[str, Any]:
    aggs: dict[str, Any] = {"per_index": {"terms": {"field": "_index", "size": 100}}}
    for name, field in facets.items():
        aggs[name] = {"terms": {"field": field, "size": 100, "missing": UNKNOWN}}
    if facets:
        aggs["undated"] = {"missing": {"field": "published_at"}}
    found = es.search(index=alias, size=0, track_total_hits=True, aggs=aggs)
    result = {
        "total": found["hits"]["total"]["value"],
        "per_index": _counts(found["aggregations"]["per_index"]["buckets"]),
    }
    for name in facets:
        result[f"per_{name}"] = _counts(found["aggregations"][name]["buckets"])
    if facets:
        result["undated"] = found["aggregations"]["undated"]["doc_count"]
    return result


def dead_letter_status(path: Path) -> dict[str, Any]:
    """Entries, distinct files and entries per stage of the dead-letter file."""
    entries = read_entries(path)
    return {
        "path": str(path),
        "entries": len(entries),
        "files": len({entry.source for entry in entries}),
        "per_stage": dict(Counter(str(e.record.get("stage", "?")) for e in entries)),
    }


def collect_status(es: Elasticsearch, settings: Settings, pipeline_version: str) -> dict[str, Any]:
    """Everything `newsindex status` shows, JSON-ready."""
    prefix = settings.index_prefix
    names = aliases(settings)
    repo = _repo_hashes(prefix)
    reasons: list[str] = []
    layout: dict[str, Any] = {}
    documents: dict[str, Any] = {}
    for kind in KINDS:
        alias = names.get(kind)
        behind = _behind(es, alias)
        counts = _document_counts(es, alias, FACETS if kind == "articles" else {}) if behind else {}
        documents[kind] = counts
        layout[alias] = []
        for index, info in behind.items():
            live = info["meta"].get("mapping_hash")
            current = [a for a, hashes in repo.items() if hashes[kind] == live]
            if info["write_index"] and not current:
                reasons.append(
                    f"{index} has mapping {live}, the repo's templates want "
                    f"{repo[ENGLISH][kind]} ({ENGLISH}) or {repo[FALLBACK][kind]}"
                )
            layout[alias].append(
                {
                    "index": index,
                    "write_index": info["write_index"],
                    "documents": counts.get("per_index", {}).get(index, 0),
                    "mapping_version": info["meta"].get("version"),
                    "mapping_hash": live,
                    "mapping": f"current ({current[0]})" if current else "differs from the repo",
                }
            )
    templates = {}
    for kind in KINDS:
        stored = _stored_template_hash(es, f"{prefix}-{kind}")
        matching = [a for a, hashes in repo.items() if hashes[kind] == stored]
        templates[kind] = {
            "stored_hash": stored,
            "repo_hash": {a: hashes[kind] for a, hashes in repo.items()},
            "state": "missing" if stored is None else "current" if matching else "outdated",
        }
    versions = documents["articles"].get("per_pipeline_version", {})
    behind_pipeline = sum(n for version, n in versions.items() if version != pipeline_version)
    if behind_pipeline:
        reasons.append(
            f"{behind_pipeline} articles were written by another pipeline version than "
            f"{pipeline_version}"
        )
    return {
        "prefix": prefix,
        "indices": layout,
        "templates": templates,
        "articles": documents["articles"],
        "paragraphs": documents["paragraphs"],
        "pipeline_version": pipeline_version,
        "rebuild_due": reasons,
        "last_runs": last_runs(es, settings),
        "dead_letter": dead_letter_status(settings.dead_letter_path),
    }


def plural(count: int, word: str) -> str:
    """`1 entry`, `2 entries`, `1 file`, `3 files`."""
    if count == 1:
        return f"1 {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def _facet_line(label: str, counts: dict[str, int]) -> str:
    return f"  {label}: " + (", ".join(f"{key} {n}" for key, n in counts.items()) or "none")


def status_lines(status: dict[str, Any]) -> list[str]:
    """The status as plain lines for a terminal or a log."""
    lines = [f"prefix {status['prefix']}"]
    for alias, indices in status["indices"].items():
        if not indices:
            lines.append(f"{alias}: no index yet (`newsindex setup` or a first `run` makes it)")
        for info in indices:
            role = "write index" if info["write_index"] else "read only"
            lines.append(
                f"{alias} -> {info['index']} ({role}): {info['documents']} documents, "
                f"mapping v{info['mapping_version']} {info['mapping_hash']}: {info['mapping']}"
            )
    for kind, template in status["templates"].items():
        lines.append(
            f"template {status['prefix']}-{kind}: {template['state']} "
            f"(stored {template['stored_hash']}, repo "
            + ", ".join(f"{a} {h}" for a, h in template["repo_hash"].items())
            + ")"
        )
    articles = status["articles"]
    if articles:
        lines.append(
            f"articles: {articles['total']} ({articles['undated']} undated: Kibana shows them "
            f"at their ingest time); paragraphs: {status['paragraphs'].get('total', 0)}"
        )
        lines.append(_facet_line("per outlet", articles["per_outlet"]))
        lines.append(_facet_line("per language", articles["per_language"]))
        lines.append(
            _facet_line("per pipeline version", articles["per_pipeline_version"])
            + f" (this code writes {status['pipeline_version']})"
        )
    due = status["rebuild_due"]
    lines.append(
        "rebuild due: " + ("; ".join(due) + " (`newsindex rebuild SOURCE`)" if due else "no")
    )
    runs = status["last_runs"]
    lines.append("last runs:" if runs else "last runs: none recorded")
    for run in runs:
        balance = "balanced" if run.get("balanced") else "NOT balanced"
        finished = run["finished_at"][:19].replace("T", " ")
        lines.append(
            f"  {finished} {run['flow']} {run.get('source') or ''}: "
            f"seen {run.get('files_seen', 0)} = indexed {run.get('indexed', 0)} + skipped "
            f"{run.get('skipped', 0)} + failed {run.get('failed', 0)} ({balance}), "
            f"{run.get('seconds', 0)} s"
        )
    dead = status["dead_letter"]
    stages = ", ".join(f"{stage} {n}" for stage, n in dead["per_stage"].items())
    lines.append(
        f"dead-letter {dead['path']}: {plural(dead['entries'], 'entry')}, "
        f"{plural(dead['files'], 'file')}"
        + (f" ({stages}; `newsindex retry` re-processes them)" if dead["entries"] else "")
    )
    return lines
