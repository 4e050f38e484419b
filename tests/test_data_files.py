"""Every data file matches its schema, and a misspelt key fails loudly, naming file and key."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from transforms.data_files import DataFileError, load, profile_names, profiles, validate
from transforms.data_models import (
    BoilerplateFile,
    BylinesFile,
    DataFile,
    DatesFile,
    EntityAliasesFile,
    EntityRulesFile,
    HtmlRulesFile,
    LanguagesFile,
    OutletsFile,
    ProfileFile,
)

# (model, file, path to the dict holding the key, key, its misspelling)
TYPOS: list[tuple[type[DataFile], str, tuple[str | int, ...], str, str]] = [
    (BoilerplateFile, "boilerplate.json", ("line_rules", 0), "pattern", "patern"),
    (BoilerplateFile, "boilerplate.json", ("block_rules", 0), "max_lines", "maxlines"),
    (HtmlRulesFile, "html_rules.json", ("blocks", 0), "class_tokens", "class_token"),
    (BylinesFile, "bylines.json", ("languages", "de"), "skip_labels", "skip_label"),
    (DatesFile, "dates.json", (), "timezones", "timezone"),
    (EntityAliasesFile, "entity_aliases.json", ("entities", "Joe Biden"), "aliases", "alias"),
    (EntityRulesFile, "entity_rules.json", (), "role_words", "roleWords"),
    (LanguagesFile, "languages.json", (), "languages", "langauges"),
    (OutletsFile, "outlets.json", ("outlets", 0), "mastheads", "masthead"),
    (ProfileFile, "profiles/guardian.json", (), "newsletters", "newsleters"),
]


def _data(name: str) -> Any:
    return json.loads(resources.files("transforms").joinpath("data", name).read_text("utf-8"))


def test_every_data_file_and_profile_is_valid() -> None:
    models = [m for m, *_ in TYPOS if m is not ProfileFile]
    assert {m.file for m in models} == {
        p.name for p in resources.files("transforms").joinpath("data").iterdir() if p.is_file()
    }
    for model in models:
        assert isinstance(load(model), model)
    assert len(profiles()) == len(profile_names()) > 0


@pytest.mark.parametrize(("model", "name", "path", "key", "typo"), TYPOS)
def test_a_misspelt_key_fails_with_the_file_and_the_key_named(
    model: type[DataFile], name: str, path: tuple[str | int, ...], key: str, typo: str
) -> None:
    data = copy.deepcopy(_data(name))
    holder = data
    for part in path:
        holder = holder[part]
    holder[typo] = holder.pop(key)
    validate(model, _data(name), name)  # the real file passes
    with pytest.raises(DataFileError) as raised:
        validate(model, data, name)
    message = str(raised.value)
    where = ".".join(str(part) for part in path)
    assert message.startswith(f"transforms/data/{name}: ")
    assert f"{where + '.' if where else ''}{typo}: Extra inputs are not permitted" in message


def test_a_wrong_value_type_is_named_too() -> None:
    data = copy.deepcopy(_data("dates.json"))
    data["timezones"]["BST"] = "sixty"
    with pytest.raises(DataFileError, match=r"dates\.json: timezones\.BST: "):
        validate(DatesFile, data, "dates.json")
