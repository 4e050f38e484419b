"""The `newsindex` command line: `app`, its --verbose and settings callback, and its commands
(run_commands, search_command, setup_commands, ops_commands)."""

from __future__ import annotations

import os

# One BLAS thread per process, set before numpy loads: the task runner already uses every core,
# and OpenBLAS's own threads on top halve spaCy's per-core NER speed.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Without PREFECT_API_URL flows run on a temporary local server: give it time to start on a
# busy machine, and keep it from phoning home.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

import logging

import typer
from pydantic import ValidationError

from flows.cli import errors, ops_commands, run_commands, search_command, setup_commands
from flows.cli.errors import fail
from flows.config import load_settings

app = typer.Typer(
    help="Turn raw news files into a searchable Elasticsearch index.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals may hold credentials
)
local_es_app = typer.Typer(help="A local development Elasticsearch (no Docker needed).")
app.add_typer(local_es_app, name="local-es")


@app.callback()
def main(
    ctx: typer.Context,
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging"),
) -> None:
    """Configure logging and read the settings once for every command (a caller may pass its
    own Settings as the context object)."""
    errors.verbose = verbose
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


# In this order in `newsindex --help`.
app.command()(ops_commands.ping)
app.command()(run_commands.extract)
app.command()(run_commands.run)
app.command()(run_commands.rebuild)
app.command()(ops_commands.serve)
app.command()(ops_commands.deploy)
app.command("search")(search_command.search_command)
app.command()(setup_commands.setup)
app.command()(ops_commands.retry)
app.command()(ops_commands.status)
local_es_app.command("start")(ops_commands.local_es_start)
local_es_app.command("stop")(ops_commands.local_es_stop)
