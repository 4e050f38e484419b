"""What every command shares for failing: one line on stderr, an exit code, the --verbose flag.

`verbose` is set by the `newsindex` callback: read it as `errors.verbose`, not a copy."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from elasticsearch import ApiError, TransportError
from rich.console import Console
from rich.markup import escape

from flows import sources
from flows.es.client import EsUnavailableError, describe_error
from flows.es.dead_letter import DeadLetterError
from flows.es.indices import IndexLayoutError
from flows.es.lease import LeaseError, LeaseHeldError
from flows.report import RunAbortedError, summary_text
from flows.runtime.prefect_api import PrefectApiError
from flows.runtime.runner_errors import TaskRunnerError

console = Console(stderr=True)
verbose = False  # --verbose: tracebacks in the logs and after a failure
LEASE_HELD_EXIT = 4  # another run held the writer lease for NEWSINDEX_LEASE_WAIT seconds


def print_summary(summary: dict, as_json: bool) -> None:
    """The run summary on stdout: for a person, or as JSON for scripts."""
    typer.echo(json.dumps(summary, indent=2) if as_json else summary_text(summary))


@contextmanager
def one_line_errors(url: str, json_summary: bool = False) -> Iterator[None]:
    """Turn every error a command expects into one line on stderr and exit 2."""
    try:
        yield
    except RunAbortedError as exc:
        print_summary(exc.summary, json_summary)
        traceback_if_verbose()
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
        PrefectApiError,
    ) as exc:
        raise fail(str(exc)) from None
    except (ApiError, TransportError) as exc:
        traceback_if_verbose()
        raise fail(describe_error(exc, url)) from None


def traceback_if_verbose() -> None:
    """With --verbose, the traceback of the error being handled on stderr."""
    if verbose:
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
