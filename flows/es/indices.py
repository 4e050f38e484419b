"""Versioned physical indices behind aliases: setup, mapping-change detection, rebuild and swap.

Aliases `{prefix}-articles` and `{prefix}-paragraphs` (searched and written by everyone) each
point at one physical index `{prefix}-{kind}-v{mapping version}-{UTC timestamp}`.
A rebuild fills new physical indices, then moves both aliases in one atomic `update_aliases`
call, and only then drops old indices, so searches answer throughout.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError

from flows.config import Settings
from flows.es.templates import (
    ENGLISH,
    FALLBACK,
    KINDS,
    Sharding,
    Templates,
    apply_templates,
    render_templates,
)

log = logging.getLogger(__name__)


class IndexLayoutError(RuntimeError):
    """The cluster holds something under our names that is not our alias layout."""


@dataclass(frozen=True)
class IndexPair:
    """Index (or alias) names for articles and paragraphs."""

    articles: str
    paragraphs: str

    def get(self, kind: str) -> str:
        return getattr(self, kind)

    def names(self) -> list[str]:
        return [self.articles, self.paragraphs]


@dataclass
class IndexState:
    """What `ensure_indices` found or made."""

    aliases: IndexPair
    write_indices: IndexPair  # the physical indices the aliases write to
    analyzer: str
    templates_changed: bool = False
    created: list[str] = field(default_factory=list)  # physical indices created by this call
    rebuild_reasons: list[str] = field(default_factory=list)

    @property
    def rebuild_needed(self) -> bool:
        """The live indices were made from other mappings than the current templates."""
        return bool(self.rebuild_reasons)


def aliases(settings: Settings) -> IndexPair:
    """The alias names searched and written by every flow."""
    return IndexPair(f"{settings.index_prefix}-articles", f"{settings.index_prefix}-paragraphs")


def physical_name(prefix: str, kind: str, version: int, now: datetime | None = None) -> str:
    """`{prefix}-{kind}-v{version}-{UTC timestamp to the millisecond}`, lowercase."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{prefix}-{kind}-v{version}-{now:%Y%m%dt%H%M%S}{now.microsecond // 1000:03d}z"


def indices_behind(es: Elasticsearch, alias: str) -> dict[str, bool]:
    """Physical index -> is_write_index for an alias ({} when the alias does not exist)."""
    try:
        found = es.indices.get_alias(name=alias)
    except NotFoundError:
        if not es.indices.exists(index=alias):
            return {}
        try:  # the name exists: an alias a racing setup created meanwhile, or a concrete index
            found = es.indices.get_alias(name=alias)
        except NotFoundError:
            raise IndexLayoutError(
                f"{alias!r} is a concrete index, not an alias: rename or delete it first"
            ) from None
    return {
        index: bool(body["aliases"][alias].get("is_write_index", len(found) == 1))
        for index, body in found.items()
    }


def _write_index(alias: str, behind: dict[str, bool]) -> str:
    writers = [index for index, is_writer in behind.items() if is_writer]
    if len(writers) != 1:
        raise IndexLayoutError(f"alias {alias!r} has no single write index: {sorted(behind)}")
    return writers[0]


def _create_physical(
    es: Elasticsearch, templates: Templates, kind: str, alias: str | None = None
) -> str:
    """Create a new physical index of `kind` (optionally as the alias's write index)."""
    while True:
        name = physical_name(templates.prefix, kind, templates.version(kind))
        body = {"aliases": {alias: {"is_write_index": True}}} if alias else {}
        try:
            es.indices.create(index=name, **body)
        except BadRequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise
            continue  # same millisecond as another index: take the next timestamp
        log.info("created index %s%s", name, f" behind {alias}" if alias else "")
        return name


def _lost_race(exc: ApiError) -> bool:
    """Another process gave the alias its write index first (the index was not created)."""
    return exc.error == "illegal_state_exception" and "more than one write index" in str(exc)


def _live_hash(es: Elasticsearch, index: str) -> str | None:
    mapping = es.indices.get_mapping(index=index)[index]["mappings"]
    return mapping.get("_meta", {}).get("mapping_hash")


def ensure_indices(es: Elasticsearch, settings: Settings) -> IndexState:
    """Put the templates (only if changed), create missing indices and aliases, detect drift.

    Idempotent: a second call writes nothing. Safe when several processes call it at once on
    a fresh prefix: each index is created only if its alias has none, then the alias is read
    again. When a live index was made from different mappings than the templates now
    describe, `rebuild_needed` is True; call `rebuild`.
    """
    templates, changed = apply_templates(es, settings.index_prefix, Sharding.of(settings))
    return _attach(es, settings, templates, changed)


def open_indices(es: Elasticsearch, settings: Settings) -> IndexPair:
    """The aliases to write to, after `ensure_indices` only when they do not exist yet.

    An existing layout is used as it is: a run then needs privileges on its own indices only
    (no template privileges). Drift from the templates is logged; `rebuild` applies it.
    """
    names = aliases(settings)
    if not all(indices_behind(es, alias) for alias in names.names()):
        return ensure_indices(es, settings).aliases
    for analyzer in (ENGLISH, FALLBACK):
        rendered = render_templates(settings.index_prefix, analyzer, Sharding.of(settings))
        state = _attach(es, settings, rendered, False)
        if not state.rebuild_needed:
            return names
    log.warning("rebuild needed: %s", "; ".join(state.rebuild_reasons))
    return names


def _attach(
    es: Elasticsearch, settings: Settings, templates: Templates, changed: bool
) -> IndexState:
    """Find or create the write index behind each alias and compare it with `templates`."""
    names = aliases(settings)
    writers: dict[str, str] = {}
    created: list[str] = []
    reasons: list[str] = []
    for kind in KINDS:
        alias = names.get(kind)
        behind = indices_behind(es, alias)
        if not behind:
            try:
                writers[kind] = _create_physical(es, templates, kind, alias)
                created.append(writers[kind])
                continue
            except ApiError as exc:
                if not _lost_race(exc):
                    raise
            log.info("%s got its write index from another process meanwhile", alias)
            behind = indices_behind(es, alias)
        writers[kind] = _write_index(alias, behind)
        live, wanted = _live_hash(es, writers[kind]), templates.mapping_hash(kind)
        if live != wanted:
            reasons.append(f"{writers[kind]} has mapping {live}, templates want {wanted}")
    return IndexState(
        aliases=names,
        write_indices=IndexPair(writers["articles"], writers["paragraphs"]),
        analyzer=templates.analyzer,
        templates_changed=changed,
        created=created,
        rebuild_reasons=reasons,
    )


def swap_aliases(es: Elasticsearch, names: IndexPair, new: IndexPair) -> None:
    """Point both aliases at `new` in one atomic request (removing every old index)."""
    actions: list[dict] = []
    for kind in KINDS:
        alias = names.get(kind)
        actions += [{"remove": {"index": old, "alias": alias}} for old in indices_behind(es, alias)]
        actions.append({"add": {"index": new.get(kind), "alias": alias, "is_write_index": True}})
    es.indices.update_aliases(actions=actions)
    log.info("aliases %s now point at %s", names.names(), new.names())


def drop_old_indices(es: Elasticsearch, settings: Settings, *, keep: int) -> list[str]:
    """Delete unaliased physical indices of this prefix, keeping the `keep` newest per kind."""
    dropped: list[str] = []
    for kind in KINDS:
        pattern = f"{settings.index_prefix}-{kind}-v*"
        found = es.indices.get(index=pattern, expand_wildcards="open,closed")
        spare = [name for name, body in found.items() if not body.get("aliases")]
        spare.sort(key=lambda name: int(found[name]["settings"]["index"]["creation_date"]))
        doomed = spare[: max(len(spare) - keep, 0)]
        if doomed:
            es.indices.delete(index=doomed)
            dropped += doomed
    if dropped:
        log.info("deleted old indices %s", dropped)
    return dropped


def rebuild(
    es: Elasticsearch,
    settings: Settings,
    fill: Callable[[IndexPair], None],
    *,
    keep_old: int = 1,
) -> IndexState:
    """Build new physical indices from the current templates and swap the aliases to them.

    `fill(targets)` writes every document into the new indices (re-ingest, or a copy
    of the live ones). If it raises, the new indices are deleted and the aliases never move.
    After the atomic swap, unaliased indices beyond the `keep_old` newest per kind are deleted.
    Writes made through the aliases while `fill` runs go to the old indices only.
    """
    state = ensure_indices(es, settings)
    templates = render_templates(settings.index_prefix, state.analyzer, Sharding.of(settings))
    new = IndexPair(*(_create_physical(es, templates, kind) for kind in KINDS))
    try:
        fill(new)
        es.indices.refresh(index=new.names())
    except BaseException:
        es.options(ignore_status=404).indices.delete(index=new.names())
        raise
    swap_aliases(es, state.aliases, new)
    drop_old_indices(es, settings, keep=keep_old)
    return IndexState(
        aliases=state.aliases,
        write_indices=new,
        analyzer=state.analyzer,
        templates_changed=state.templates_changed,
        created=new.names(),
    )
