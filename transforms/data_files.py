"""Read the JSON files shipped in packages: rule and registry files in ``transforms/data``."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any


def read_json(package: str, name: str) -> Any:
    """Parse ``<package>/<name>`` afresh (the caller may change it), e.g. ``"mappings"``."""
    return json.loads(resources.files(package).joinpath(name).read_text("utf-8"))


@cache
def load_json(name: str) -> Any:
    """Parse ``transforms/data/<name>`` once, e.g. ``"outlets.json"`` or ``"profiles/x.json"``."""
    return read_json("transforms", f"data/{name}")


@cache
def profile_names() -> tuple[str, ...]:
    """File names of every outlet profile, sorted."""
    folder = resources.files("transforms").joinpath("data", "profiles")
    return tuple(sorted(p.name for p in folder.iterdir() if p.name.endswith(".json")))


def profiles() -> list[dict[str, Any]]:
    """Every outlet profile."""
    return [load_json(f"profiles/{name}") for name in profile_names()]


def compile_pattern(pattern: str, flags: str = "") -> re.Pattern[str]:
    """Compile a data-file regex; ``flags`` is a string of letters, only ``i`` is used."""
    return re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
