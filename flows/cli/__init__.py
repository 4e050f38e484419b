"""The `newsindex` command line (`flows.cli.main`) and its output; `app` is the command."""

from flows.cli.main import app

__all__ = ["app"]
