"""What log lines reach the console: without --verbose one line each, and of Prefect's own only
the retry notices. Records still reach Prefect's API handler whole (the UI keeps tracebacks)."""

from __future__ import annotations

import logging

# `extra` of a record meant for the console even when it goes through a Prefect run logger
CONSOLE = {"newsindex_console": True}
_RETRY_NOTICE = " - Retry "  # Prefect's "Task run failed with %s: %r - Retry %s/%s will start %s"


class OneLineFormatter(logging.Formatter):
    """Formats like `inner` without the traceback (the record keeps it for other handlers)."""

    def __init__(self, inner: logging.Formatter) -> None:
        super().__init__()
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return self.inner.format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


class NotPrefectChatter(logging.Filter):
    """Drops Prefect's own records (state changes, server start, tracebacks of failed tasks)
    except retry notices; keeps every other logger's and those marked with CONSOLE."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "newsindex_console", False) or not record.name.startswith("prefect"):
            return True
        return isinstance(record.msg, str) and _RETRY_NOTICE in record.msg


def _stream_handlers() -> list[logging.StreamHandler]:
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    return [
        handler
        for logger in loggers
        for handler in getattr(logger, "handlers", [])
        if isinstance(handler, logging.StreamHandler)
        and not isinstance(handler, logging.FileHandler)
    ]


def quiet_console(verbose: bool) -> None:
    """Without `verbose`: console log lines carry no traceback and Prefect's only retries."""
    if verbose:
        return
    logging.getLogger("elastic_transport").setLevel(logging.ERROR)  # a traceback per retry
    for handler in _stream_handlers():
        if not isinstance(handler.formatter, OneLineFormatter):
            handler.setFormatter(OneLineFormatter(handler.formatter or logging.Formatter()))
        if not any(isinstance(f, NotPrefectChatter) for f in handler.filters):
            handler.addFilter(NotPrefectChatter())


def redirect_console(old: object, new: object) -> list[logging.StreamHandler]:
    """Point the console log handlers writing to `old` at `new`; returns the handlers moved."""
    moved = [handler for handler in _stream_handlers() if handler.stream is old]
    for handler in moved:
        handler.setStream(new)
    return moved
