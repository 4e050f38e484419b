"""The commands that process source files: `extract` (no Elasticsearch), `run` and `rebuild`."""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from flows import sources
from flows.cli import errors
from flows.cli.errors import console, fail, one_line_api_errors, one_line_errors, print_summary
from flows.config import Settings, running_with
from flows.es.client import make_client
from flows.preflight import preflight
from flows.runtime.console_logs import quiet_console
from flows.runtime.prefect_api import start_prefect_api, using_prefect_api
from flows.runtime.progress import for_console, showing


@contextmanager
def progress_bar(visible: bool) -> Iterator[Progress]:
    """A progress bar on stderr (hidden for a single item)."""
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not visible, transient=False) as progress:
        yield progress


def extract(
    ctx: typer.Context,
    paths: list[str] = typer.Argument(..., help="Files and/or folders to clean"),
    include: list[str] = typer.Option(None, "--include", help="File name glob (repeatable)"),
    enrich: bool = typer.Option(
        False, "--enrich", help="Add entity facets (NEWSINDEX_SPACY_MODELS; no Elasticsearch)"
    ),
) -> None:
    """Clean raw files and print one JSON record per file on stdout (JSON lines).

    With --enrich, records carry entity facets as indexed; duplicate and story fields, which
    need the index, stay absent."""
    from flows.prepare import record_lines

    settings: Settings = ctx.obj
    patterns = tuple(include) if include else sources.DEFAULT_INCLUDE
    try:
        files = [
            f for path in paths for f in sources.discover(path, patterns, settings.source_root)
        ]
    except sources.SourceError as exc:
        raise fail(str(exc)) from None
    models = settings.spacy_models if enrich else None
    for model in set(models.values()) if models else ():
        from flows.ner import load_ner

        try:
            load_ner(model)
        except OSError:
            raise fail(
                f"spaCy model {model!r} is not installed: install it, or set NEWSINDEX_SPACY_MODELS"
            ) from None
    with progress_bar(len(files) > 1) as progress:
        task_id = progress.add_task("cleaning", total=len(files))
        for line in record_lines(files, settings.max_file_bytes, models):
            sys.stdout.write(line + "\n")
            progress.advance(task_id)


@one_line_api_errors
def run(
    ctx: typer.Context,
    source: str = typer.Argument("data/samples", help="Folder, file or fsspec URL to ingest"),
    full_refresh: bool = typer.Option(False, help="Re-process unchanged files too"),
    dry_run: bool = typer.Option(False, help="Parse and enrich, write nothing"),
    batch_size: int = typer.Option(None, help="Files per task (default NEWSINDEX_BATCH_SIZE)"),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON"),
) -> None:
    """Run the ingest flow once. Exit 3 when some files could not be indexed."""
    settings: Settings = ctx.obj
    with one_line_errors(settings.es_url, as_json):
        sources.validate_source(source, settings.source_root)
        preflight(make_client(settings), settings, writes=not dry_run)
        runner = _prepare_run(settings, source, batch_size)
        from flows.ingest import IngestOptions, ingest

        options = IngestOptions(
            source=source, full_refresh=full_refresh, dry_run=dry_run, batch_size=batch_size
        )
        with showing(for_console(console)), running_with(settings), using_prefect_api():
            summary = ingest.with_options(task_runner=runner)(options)
    print_summary(summary, as_json)
    if summary["failed"]:
        raise fail(_failed_files(summary, settings.dead_letter_path), code=3)


def _prepare_run(settings: Settings, source: str, batch_size: int | None) -> Any:
    """Boot the Prefect API in the background and pick the task runner meanwhile.

    A run whose files fit in one batch runs it on a thread of this process (no worker process
    to start, which would import Prefect and spaCy again); its NER models load while the
    temporary Prefect server starts. Returns the task runner for the flow.
    """
    api_ready = start_prefect_api()
    size = batch_size or settings.batch_size
    found = sources.discover(source, sources.DEFAULT_INCLUDE, settings.source_root)
    in_process = (
        settings.task_runner == "processes"
        and sum(1 for _ in itertools.islice(found, size + 1)) <= size
    )
    from flows.runtime.task_runner import build_task_runner

    if in_process:
        from flows.ner import load_ner

        for model in set(settings.spacy_models.values()):
            with contextlib.suppress(OSError):  # a missing model fails the batch, which says so
                load_ner(model)
    api_ready()
    # Without --verbose, log lines on the console carry no traceback, and Prefect's own are
    # shown only for retries (flows.runtime.console_logs).
    quiet_console(errors.verbose)
    return build_task_runner(settings, in_process=in_process, verbose=errors.verbose)


def _failed_files(summary: dict, dead_letter: object, note: str = "") -> str:
    """One line naming the failed files (the first five) and where the rest are."""
    names = [f"{f['source']} ({f.get('stage', '?')})" for f in summary["failures"][:5]]
    more = summary["failed"] - len(names)
    listed = ", ".join(names) + (f" and {more} more" if more > 0 else "")
    return f"{summary['failed']} files failed{note}: {listed}; see {dead_letter}"


@one_line_api_errors
def rebuild(
    ctx: typer.Context,
    source: str = typer.Argument(..., help="Every source file, to re-process into new indices"),
    keep_old: int = typer.Option(1, help="Old index versions to keep after the swap"),
    strict: bool = typer.Option(False, help="Do not swap when any file failed"),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON"),
) -> None:
    """Re-process everything into new index versions, then swap the aliases atomically.

    Files failing on their own do not stop the swap (exit 3, the files named); systemic
    failures, or any failure with --strict, leave the aliases where they were (exit 2).
    """
    settings: Settings = ctx.obj
    with one_line_errors(settings.es_url, as_json):
        sources.validate_source(source, settings.source_root)
        preflight(make_client(settings), settings)
        runner = _prepare_run(settings, source, None)
        from flows.ingest import IngestOptions
        from flows.rebuild import rebuild_indices

        with showing(for_console(console)), running_with(settings), using_prefect_api():
            summary = rebuild_indices.with_options(task_runner=runner)(
                IngestOptions(source=source), keep_old=keep_old, strict=strict
            )
    print_summary(summary, as_json)
    if summary["failed"]:
        note = " (the aliases were moved: these files are missing from the new indices)"
        raise fail(_failed_files(summary, settings.dead_letter_path, note), code=3)
