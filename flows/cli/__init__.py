"""The `newsindex` command line (`flows.cli.main:app`) and its output."""
