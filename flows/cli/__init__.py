"""The `newsindex` command line (`flows.cli.main`, commands in `*_command(s).py`, failures in
`errors.py`) and its search output; `app` is the command."""

from flows.cli.main import app

__all__ = ["app"]
