"""The README documents what the code does: its settings table and its two commands."""

from __future__ import annotations

import re
from pathlib import Path

from flows.config import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _documented_settings() -> dict[str, str]:
    rows = re.findall(r"^\| `(NEWSINDEX_[A-Z_]+)` \| (.+?) \|", README, re.MULTILINE)
    return {name: default.strip("`") for name, default in rows}


def test_every_setting_is_in_the_readme_table_with_its_default() -> None:
    documented = _documented_settings()
    for name, field in Settings.model_fields.items():
        variable = f"NEWSINDEX_{name.upper()}"
        assert variable in documented, f"{variable} missing from the README table"
        default = "—" if field.default is None else str(field.default)
        assert documented[variable] == default, f"{variable}: README says {documented[variable]}"


def test_readme_table_has_no_stale_rows() -> None:
    known = {f"NEWSINDEX_{name.upper()}" for name in Settings.model_fields}
    assert set(_documented_settings()) <= known


def test_ci_runs_exactly_the_readme_test_command() -> None:
    repo = Path(__file__).resolve().parents[1]
    ci = (repo / ".ci" / "run").read_text()
    assert "scripts/test" in README
    assert re.search(r"^exec bash scripts/test$", ci, re.MULTILINE)
    assert (repo / "scripts" / "run").exists()
