"""The `setup` command: templates, indices and aliases, Kibana objects, and with --security
the roles and API keys."""

from __future__ import annotations

from pathlib import Path

import typer

from flows.cli.errors import fail, one_line_api_errors, one_line_errors
from flows.config import Settings
from flows.es.client import make_client


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
