"""The `newsindex` command line."""

from __future__ import annotations

import os

# One BLAS thread per process, set before numpy loads: the task runner already uses every core,
# and OpenBLAS's own threads on top halve spaCy's per-core NER speed.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import contextlib
import functools
import itertools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import typer
from elasticsearch import ApiError, NotFoundError, TransportError
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from flows import sources
from flows.config import Settings, load_settings, running_with
from flows.es.client import EsUnavailableError, check_connection, describe_error, make_client
from flows.es.dead_letter import DeadLetterError
from flows.es.indices import IndexLayoutError
from flows.es.lease import LeaseError, LeaseHeldError
from flows.ops import local_es
from flows.preflight import preflight
from flows.report import RunAbortedError, summary_text
from flows.runtime.console_logs import quiet_console
from flows.runtime.progress import for_console, showing
from flows.runtime.runner_errors import TaskRunnerError

app = typer.Typer(
    help="Turn raw news files into a searchable Elasticsearch index.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold credentials
)
# Without PREFECT_API_URL flows run on a temporary local server: give it time to start on a
# busy machine, and keep it from phoning home.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
local_es_app = typer.Typer(help="A local development Elasticsearch (no Docker needed).")
app.add_typer(local_es_app, name="local-es")

console = Console(stderr=True)
log = logging.getLogger(__name__)
_verbose = False  # --verbose: tracebacks in the logs and after a failure
LEASE_HELD_EXIT = 4  # another run held the writer lease for NEWSINDEX_LEASE_WAIT seconds


def _one_line_logs() -> None:
    """Without --verbose, log lines on the console carry no traceback, and Prefect's own are
    shown only for retries (flows.runtime.console_logs)."""
    quiet_console(_verbose)


def _print_summary(summary: dict, as_json: bool) -> None:
    """The run summary on stdout: for a person, or as JSON for scripts."""
    typer.echo(json.dumps(summary, indent=2) if as_json else summary_text(summary))


@contextmanager
def one_line_errors(url: str, json_summary: bool = False) -> Iterator[None]:
    """Turn every error a command expects into one line on stderr and exit 2."""
    try:
        yield
    except RunAbortedError as exc:
        _print_summary(exc.summary, json_summary)
        _traceback()
        raise fail(str(exc)) from None
    except LeaseHeldError as exc:  # another run writes these indices: try again later
        raise fail(str(exc), code=LEASE_HELD_EXIT) from None
    except (
        EsUnavailableError,
        DeadLetterError,
        IndexLayoutError,
        sources.SourceError,
        TaskRunnerError,
        LeaseError,
    ) as exc:
        raise fail(str(exc)) from None
    except (ApiError, TransportError) as exc:
        _traceback()
        raise fail(describe_error(exc, url)) from None


def _traceback() -> None:
    if _verbose:
        console.print_exception(show_locals=False)


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print one clear line on stderr and return the exit to raise."""
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def one_line_api_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """An error answered by Elasticsearch (e.g. a missing privilege) is one line, exit 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from flows.ops.security import describe_api_error

        try:
            return command(*args, **kwargs)
        except ApiError as exc:
            logging.getLogger(__name__).debug("Elasticsearch error", exc_info=True)
            raise fail(describe_api_error(exc)) from None

    return wrapper


@contextmanager
def progress_bar(visible: bool) -> Iterator[Progress]:
    """A progress bar on stderr (hidden for a single item)."""
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not visible, transient=False) as progress:
        yield progress


@app.callback()
def main(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging"),
) -> None:
    """Configure logging and read the settings once for every command (a caller may pass its
    own Settings as the context object)."""
    global _verbose
    _verbose = verbose
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not verbose:  # the transport logs every retry with a traceback
        logging.getLogger("elastic_transport").setLevel(logging.ERROR)
    try:
        if ctx.obj is None:
            ctx.obj = load_settings()
    except ValidationError as exc:  # one line per bad setting; never echo the value given
        problems = "; ".join(
            f"NEWSINDEX_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
            if e["loc"]
            else e["msg"].removeprefix("Value error, ")
            for e in exc.errors()
        )
        raise fail(f"invalid settings: {problems}") from None
    ca_file = ctx.obj.es_ca_certs
    if ca_file is not None and not ca_file.is_file():  # checked here: compose paths are remote
        raise fail(f"invalid settings: NEWSINDEX_ES_CA_CERTS: no such file: {ca_file}")


@app.command()
def ping(ctx: typer.Context) -> None:
    """Check the configured Elasticsearch answers, and print its version."""
    settings: Settings = ctx.obj
    try:
        version = check_connection(make_client(settings), settings)
    except EsUnavailableError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Elasticsearch {version}")


@app.command()
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


@app.command()
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
        with showing(for_console(console)), running_with(settings):
            summary = ingest.with_options(task_runner=runner)(options)
    _print_summary(summary, as_json)
    if summary["failed"]:
        raise fail(_failed_files(summary, settings.dead_letter_path), code=3)


def _prepare_run(settings: Settings, source: str, batch_size: int | None) -> Any:
    """Boot the Prefect API in the background and pick the task runner meanwhile.

    A run whose files fit in one batch runs it on a thread of this process (no worker process
    to start, which would import Prefect and spaCy again); its NER models load while the
    temporary Prefect server starts. Returns the task runner for the flow.
    """
    from flows.runtime.prefect_api import start_prefect_api

    api_ready = start_prefect_api(_verbose)
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
    _one_line_logs()
    return build_task_runner(settings, in_process=in_process, verbose=_verbose)


def _failed_files(summary: dict, dead_letter: object, note: str = "") -> str:
    """One line naming the failed files (the first five) and where the rest are."""
    names = [f"{f['source']} ({f.get('stage', '?')})" for f in summary["failures"][:5]]
    more = summary["failed"] - len(names)
    listed = ", ".join(names) + (f" and {more} more" if more > 0 else "")
    return f"{summary['failed']} files failed{note}: {listed}; see {dead_letter}"


@app.command()
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

        with showing(for_console(console)), running_with(settings):
            summary = rebuild_indices.with_options(task_runner=runner)(
                IngestOptions(source=source), keep_old=keep_old, strict=strict
            )
    _print_summary(summary, as_json)
    if summary["failed"]:
        note = " (the aliases were moved: these files are missing from the new indices)"
        raise fail(_failed_files(summary, settings.dead_letter_path, note), code=3)


@app.command()
def serve(ctx: typer.Context) -> None:
    """Serve the scheduled inbox ingest and the rebuild deployments from this process."""
    from flows.deployments import serve_deployments

    settings: Settings = ctx.obj
    serve_deployments(settings.inbox, settings.ingest_cron)


@app.command()
def deploy(ctx: typer.Context) -> None:
    """Register the deployments with the Prefect work pool NEWSINDEX_WORK_POOL."""
    from flows.deployments import deploy_to_pool

    settings: Settings = ctx.obj
    for deployment_id in deploy_to_pool(settings.inbox, settings.ingest_cron, settings.work_pool):
        typer.echo(f"deployment {deployment_id} registered on pool {settings.work_pool}")


def _iso_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


@app.command("search")
@one_line_api_errors
def search_command(
    ctx: typer.Context,
    query: str = typer.Argument(..., help="Words to find (empty string: everything, newest first)"),
    outlet: str | None = typer.Option(None, help="Outlet name or id"),
    person: str | None = typer.Option(None, help="Person entity"),
    org: str | None = typer.Option(None, help="Organisation entity"),
    place: str | None = typer.Option(None, help="Place entity"),
    author: str | None = typer.Option(None, help="Author"),
    since: str | None = typer.Option(None, help="Published on or after (YYYY-MM-DD)"),
    until: str | None = typer.Option(None, help="Published on or before (YYYY-MM-DD)"),
    paragraphs: bool = typer.Option(False, "--paragraphs", help="Search paragraphs"),
    size: int = typer.Option(10, min=1, max=1000, help="Number of hits"),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON (one object)"),
) -> None:
    """Search the index and print hits with highlighted snippets and facet counts."""
    from flows.cli.search_output import print_result, result_json
    from flows.es.search import SearchFilters, search

    filters = SearchFilters(outlet, person, org, place, author, _iso_date(since), _iso_date(until))
    settings: Settings = ctx.obj
    es = make_client(settings)
    with one_line_errors(settings.es_url):
        check_connection(es, settings)
        try:
            result = search(es, settings, query, filters, paragraphs=paragraphs, size=size)
        except NotFoundError:
            raise fail(
                f"no index {settings.index_prefix}-* to search yet: ingest some files first"
            ) from None
    if as_json:
        typer.echo(result_json(result, paragraphs=paragraphs))
        return
    print_result(Console(), result, paragraphs=paragraphs)


@app.command()
@one_line_api_errors
def setup(
    ctx: typer.Context,
    skip_kibana: bool = typer.Option(
        False, "--skip-kibana", help="Only Elasticsearch: templates, indices and aliases"
    ),
    wait: float = typer.Option(
        0.0, "--wait", min=0, metavar="SECONDS", help="Wait up to SECONDS for Kibana first"
    ),
    security: bool = typer.Option(
        False, "--security", help="Also store the roles and print writer/reader API keys (admin)"
    ),
    keys_dir: Path | None = typer.Option(
        None, "--keys-dir", help="With --security: write the keys as secret files here instead"
    ),
) -> None:
    """Apply index templates, create indices and aliases, and import the Kibana objects."""
    from flows.ops.kibana import KibanaError
    from flows.ops.setup import describe_indices, setup_elasticsearch, setup_kibana

    settings: Settings = ctx.obj
    with one_line_errors(settings.es_url):
        version, state = setup_elasticsearch(settings)
    for line in describe_indices(settings, version, state):
        typer.echo(line)
    if security:
        _setup_security(settings, keys_dir)
    if skip_kibana:
        typer.echo("Kibana: skipped (--skip-kibana)")
        return
    try:
        result = setup_kibana(settings, wait)
    except KibanaError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Kibana: {result.success_count} objects imported (overwrite)")
    for warning in result.warnings:
        typer.echo(f"Kibana warning: {warning}")


def _setup_security(settings: Settings, keys_dir: Path | None) -> None:
    """Store the roles; print the API keys once on stdout (never logged), or write each to
    `keys_dir/{writer,reader}/NEWSINDEX_ES_API_KEY` (a NEWSINDEX_SECRETS_DIR folder, mode 0600)."""
    from flows.ops.security import SecuritySetupError, apply_security

    es = make_client(settings)
    try:
        result = apply_security(es, settings.index_prefix)
    except SecuritySetupError as exc:
        raise fail(str(exc)) from None
    finally:
        es.close()
    typer.echo(f"roles: {', '.join(result.roles)}")
    for kind, key in result.api_keys.items():
        if keys_dir is not None:
            folder = keys_dir / kind
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            secret = folder / "NEWSINDEX_ES_API_KEY"
            secret.touch(mode=0o600)
            secret.write_text(key)
            typer.echo(f"{kind} API key written to {secret}")
            continue
        use = "run and rebuild" if kind == "writer" else "search and Kibana users"
        typer.echo(f"{kind} API key (NEWSINDEX_ES_API_KEY for {use}; shown once): {key}")


@app.command()
@one_line_api_errors
def retry(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the machine summary (JSON)"),
) -> None:
    """Re-process what the dead-letter holds; keep only what still fails. Exit 3 if some do."""
    from flows.retry import retry_dead_letter

    settings: Settings = ctx.obj
    with one_line_errors(settings.es_url):
        check_connection(make_client(settings), settings)
        result = retry_dead_letter(settings)
    summary = result.summary()
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    elif not result.entries_before:
        typer.echo(f"nothing to retry: {settings.dead_letter_path} holds no entries")
    else:
        from flows.status import plural

        typer.echo(
            f"retried {plural(summary['sources_retried'], 'source')} of "
            f"{settings.dead_letter_path} ({plural(result.entries_before, 'entry')}): "
            f"{len(result.succeeded)} now indexed, "
            f"{len(result.still_failing_sources())} still failing, "
            f"{len(result.not_retried)} gone"
        )
        for source in result.from_stored:
            typer.echo(f"  from the stored document (file gone): {source}")
        for failure in result.still_failing:
            typer.echo(
                f"  still failing: {failure['source']} ({failure['stage']}): {failure['reason']}"
            )
        for source in result.not_retried:
            typer.echo(f"  gone, nothing stored: {source}")
        typer.echo(f"dead-letter: {plural(result.entries_after, 'entry')} left")
    if result.still_failing or result.not_retried:
        raise typer.Exit(3)


@app.command()
@one_line_api_errors
def status(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="Print the status as JSON"),
) -> None:
    """Aliases and indices, counts per outlet, language and pipeline version, mapping drift,
    last runs and the dead-letter. Read-only (the reader role and the run log suffice)."""
    from flows.es.client import redact_url
    from flows.ingest import PIPELINE_VERSION
    from flows.status import collect_status, status_lines

    settings: Settings = ctx.obj
    es = make_client(settings)
    with one_line_errors(settings.es_url):
        version = check_connection(es, settings)
        state = collect_status(es, settings, PIPELINE_VERSION)
    if as_json:
        typer.echo(json.dumps({"elasticsearch": version, **state}, indent=2))
        return
    typer.echo(f"Elasticsearch {version} at {redact_url(settings.es_url)}")
    for line in status_lines(state):
        typer.echo(line)


@local_es_app.command("start")
def local_es_start(
    ctx: typer.Context,
    port: int = typer.Option(9200, help="HTTP port on 127.0.0.1"),
    heap: str = typer.Option("1g", help="JVM heap size"),
) -> None:
    """Start a local single-node Elasticsearch in the background (security off, loopback only)."""
    settings: Settings = ctx.obj
    server = local_es.LocalElasticsearch(
        port=port, heap=heap, version=settings.local_es_version, cache=settings.cache_dir
    )
    try:
        version = server.start(detach=True)
    except local_es.LocalEsError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Elasticsearch {version} running at {server.url}")
    typer.echo("stop it with `newsindex local-es stop`")


@local_es_app.command("stop")
def local_es_stop(ctx: typer.Context) -> None:
    """Stop the Elasticsearch started by `newsindex local-es start`."""
    stopped = local_es.stop_detached(ctx.obj.cache_dir)
    typer.echo("stopped" if stopped else "no local Elasticsearch was running")
