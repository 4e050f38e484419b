"""Run accounting: what a run saw and did, merged over batches and published as artifacts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from transforms.record import Article


class RunAbortedError(RuntimeError):
    """A run stopped on a systemic error (Elasticsearch down, refusing); `summary` is what it
    had done by then."""

    def __init__(self, message: str, summary: dict[str, Any]) -> None:
        super().__init__(message)
        self.summary = summary

    def __reduce__(self) -> tuple[type[RunAbortedError], tuple[str, dict[str, Any]]]:
        return RunAbortedError, (str(self), self.summary)


@dataclass
class RunReport:
    """Counts for one ingest run. Invariant: files_seen == indexed + skipped + failed."""

    files_seen: int = 0
    indexed: int = 0
    skipped: int = 0
    failed: int = 0
    paragraphs_indexed: int = 0
    paragraphs_deleted: int = 0
    with_date: int = 0
    with_author: int = 0
    entities_total: int = 0
    duplicates_found: int = 0
    per_outlet: Counter[str] = field(default_factory=Counter)
    per_language: Counter[str] = field(default_factory=Counter)
    removals_by_kind: Counter[str] = field(default_factory=Counter)
    failures: list[dict[str, str]] = field(default_factory=list)  # id, source, stage, reason
    systemic_failures: int = 0  # failed files refused for the cluster's reasons (5xx, 429, down)
    seconds: float = 0.0

    def count_articles(self, articles: list[Article]) -> None:
        """Add the quality figures of articles that reached the index."""
        for article in articles:
            self.per_outlet[article.outlet.name if article.outlet else "(unknown)"] += 1
            self.per_language[article.language or "(unknown)"] += 1
            self.removals_by_kind.update(removal.kind for removal in article.removed)
            self.with_date += article.published_at is not None
            self.with_author += bool(article.authors)
            self.entities_total += sum(len(names) for names in article.entities.values())
            self.duplicates_found += article.duplicate_of is not None

    def merge(self, other: RunReport) -> None:
        """Fold another batch's report into this one."""
        for name in (f.name for f in fields(self) if f.name != "seconds"):
            mine, value = getattr(self, name), getattr(other, name)
            if isinstance(mine, Counter):
                mine.update(value)
            elif isinstance(mine, list):
                mine.extend(value)
            else:
                setattr(self, name, mine + value)

    @property
    def balanced(self) -> bool:
        """True when every file seen is accounted for."""
        return self.files_seen == self.indexed + self.skipped + self.failed

    def per_indexed(self, count: int) -> float:
        """`count` divided by the indexed articles, to 3 places (0 when none were indexed): a share
        for a count of articles, a mean for a total such as entities."""
        return round(count / self.indexed, 3) if self.indexed else 0.0

    def summary(self) -> dict[str, Any]:
        """A flat JSON-ready view for logs, the CLI and artifacts."""
        return {
            "files_seen": self.files_seen,
            "indexed": self.indexed,
            "skipped": self.skipped,
            "failed": self.failed,
            "balanced": self.balanced,
            "paragraphs_indexed": self.paragraphs_indexed,
            "paragraphs_deleted": self.paragraphs_deleted,
            "share_with_date": self.per_indexed(self.with_date),
            "share_with_author": self.per_indexed(self.with_author),
            "entities_per_article": self.per_indexed(self.entities_total),
            "duplicates_found": self.duplicates_found,
            "per_outlet": dict(self.per_outlet.most_common()),
            "per_language": dict(self.per_language.most_common()),
            "removals_by_kind": dict(self.removals_by_kind.most_common()),
            "failures": [
                {k: f[k] for k in ("source", "stage", "reason") if k in f}
                for f in self.failures[:50]
            ],
            "seconds": round(self.seconds, 2),
        }

    def to_markdown(self) -> str:
        """The run report as a Markdown document (the Prefect artifact body)."""
        s = self.summary()
        lines = [
            "# Ingest run report",
            "",
            "| files seen | indexed | skipped (unchanged) | failed | balanced |",
            "|---:|---:|---:|---:|:---:|",
            f"| {s['files_seen']} | {s['indexed']} | {s['skipped']} | {s['failed']} "
            f"| {'yes' if s['balanced'] else '**no**'} |",
            "",
            f"- paragraphs indexed: {s['paragraphs_indexed']}, orphans deleted: "
            f"{s['paragraphs_deleted']}",
            f"- articles with a date: {s['share_with_date']:.0%}, with an author: "
            f"{s['share_with_author']:.0%}",
            f"- entities per article: {s['entities_per_article']}",
            f"- near-duplicates found: {s['duplicates_found']}",
            f"- time: {s['seconds']} s",
            "",
            "## Per outlet",
            "",
            "| outlet | articles |",
            "|---|---:|",
            *[f"| {name} | {count} |" for name, count in s["per_outlet"].items()],
            "",
            "## Per language",
            "",
            "| language | articles |",
            "|---|---:|",
            *[f"| {lang} | {count} |" for lang, count in s["per_language"].items()],
            "",
            "## Removals by kind",
            "",
            "| kind | spans |",
            "|---|---:|",
            *[f"| {kind} | {count} |" for kind, count in s["removals_by_kind"].items()],
        ]
        if self.failures:
            lines += [
                "",
                "## Failures (first 50)",
                "",
                "| file | stage | reason |",
                "|---|---|---|",
            ]
            lines += [
                f"| {f['source']} | {f.get('stage', '')} | {f['reason']} |"
                for f in self.failures[:50]
            ]
        return "\n".join(lines) + "\n"


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"


def summary_text(summary: dict[str, Any]) -> str:
    """The run summary for a person: counts, then per outlet, per language, removals, failures."""
    s = summary
    lines = [
        f"{s['files_seen']} files seen: {s['indexed']} indexed, {s['skipped']} skipped "
        f"(unchanged), {s['failed']} failed in {s['seconds']} s",
        f"  paragraphs: {s['paragraphs_indexed']} indexed, {s['paragraphs_deleted']} orphans "
        f"deleted; with a date {s['share_with_date']:.0%}, with an author "
        f"{s['share_with_author']:.0%}; entities per article {s['entities_per_article']}; "
        f"near-duplicates {s['duplicates_found']}",
        f"  per outlet: {_counts(s['per_outlet'])}",
        f"  per language: {_counts(s.get('per_language', {}))}",
        f"  removed: {_counts(s['removals_by_kind'])}",
    ]
    if s["failures"]:
        lines.append(f"  failures{' (first 50)' if s['failed'] > len(s['failures']) else ''}:")
        lines += [
            f"    {f['source']} ({f.get('stage', '?')}): {f['reason']}" for f in s["failures"]
        ]
    return "\n".join(lines)
