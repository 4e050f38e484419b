"""Read the JSON files shipped in packages; validate the rule and registry files in
``transforms/data``."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from transforms.data_models import DataFile, ProfileFile

Model = TypeVar("Model", bound=BaseModel)
File = TypeVar("File", bound=DataFile)


class DataFileError(ValueError):
    """A data file that does not match its schema; the message names the file and the keys."""


def validate(model: type[Model], data: Any, name: str) -> Model:
    """``data`` as ``model``; a ``DataFileError`` naming ``name`` and each bad key otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or '(top level)'}: {e['msg']}"
            for e in error.errors()
        )
        raise DataFileError(f"transforms/data/{name}: {problems}") from None


def read_json(package: str, name: str) -> Any:
    """Parse ``<package>/<name>`` afresh (the caller may change it), e.g. ``"mappings"``."""
    return json.loads(resources.files(package).joinpath(name).read_text("utf-8"))


@cache
def load(model: type[File]) -> File:
    """The validated contents of the data file ``model`` describes (``model.file``)."""
    return validate(model, read_json("transforms", f"data/{model.file}"), model.file)


@cache
def profile_names() -> tuple[str, ...]:
    """File names of every outlet profile, sorted."""
    folder = resources.files("transforms").joinpath("data", "profiles")
    return tuple(sorted(p.name for p in folder.iterdir() if p.name.endswith(".json")))


@cache
def profiles() -> tuple[ProfileFile, ...]:
    """Every outlet profile, validated."""
    return tuple(
        validate(ProfileFile, read_json("transforms", f"data/profiles/{name}"), f"profiles/{name}")
        for name in profile_names()
    )


def compile_pattern(pattern: str, flags: str = "") -> re.Pattern[str]:
    """Compile a data-file regex; ``flags`` is a string of letters, only ``i`` is used."""
    return re.compile(pattern, re.IGNORECASE if "i" in flags else 0)
