"""The operator commands: `ping`, `serve`, `deploy`, `retry`, `status` and `local-es`."""

from __future__ import annotations

import json

import typer

from flows.cli.errors import fail, one_line_api_errors, one_line_errors
from flows.config import Settings
from flows.es.client import EsUnavailableError, check_connection, make_client
from flows.ops import local_es


def ping(ctx: typer.Context) -> None:
    """Check the configured Elasticsearch answers, and print its version."""
    settings: Settings = ctx.obj
    try:
        version = check_connection(make_client(settings), settings)
    except EsUnavailableError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"Elasticsearch {version}")


def serve(ctx: typer.Context) -> None:
    """Serve the scheduled inbox ingest and the rebuild deployments from this process."""
    from flows.deployments import serve_deployments

    settings: Settings = ctx.obj
    serve_deployments(settings.inbox, settings.ingest_cron)


def deploy(ctx: typer.Context) -> None:
    """Register the deployments with the Prefect work pool NEWSINDEX_WORK_POOL."""
    from flows.deployments import deploy_to_pool

    settings: Settings = ctx.obj
    for deployment_id in deploy_to_pool(settings.inbox, settings.ingest_cron, settings.work_pool):
        typer.echo(f"deployment {deployment_id} registered on pool {settings.work_pool}")


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


def local_es_stop(ctx: typer.Context) -> None:
    """Stop the Elasticsearch started by `newsindex local-es start`."""
    stopped = local_es.stop_detached(ctx.obj.cache_dir)
    typer.echo("stopped" if stopped else "no local Elasticsearch was running")
