"""The schema of every JSON file in ``transforms/data``: one pydantic model per file.

Every model forbids unknown keys, so a misspelt key fails at load (see ``data_files.load``).
``_doc`` (and a rule's ``why``) are comments for the reader of the file.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DataFile(_Strict):
    """One JSON file under ``transforms/data``."""

    file: ClassVar[str]  # the path under transforms/data
    doc: str = Field("", alias="_doc")


class LineRuleEntry(_Strict):
    """A line (text) or paragraph (HTML) pattern and the removal kind it gives."""

    kind: str
    pattern: str
    flags: Literal["", "i"] = ""
    max_words: int | None = None  # HTML paragraph rules: longer paragraphs never match
    why: str = ""


class BlockRuleEntry(_Strict):
    """A block opened by a heading-like line (see ``rules.BlockRule``)."""

    kind: str
    start: str
    end: str | None = None
    flags: Literal["", "i"] = ""
    until: Literal["teasers"] | None = None
    max_lines: int = 40
    why: str = ""


class BoilerplateFile(DataFile):
    """``boilerplate.json``: generic text and Markdown rules."""

    file: ClassVar[str] = "boilerplate.json"

    author_url_parts: list[str]
    line_rules: list[LineRuleEntry]
    block_rules: list[BlockRuleEntry]


class HtmlLineRuleEntry(LineRuleEntry):
    max_words: int


class HtmlBlockEntry(_Strict):
    kind: str
    tags: list[str]
    class_tokens: list[str]


class HtmlRulesFile(DataFile):
    """``html_rules.json``: HTML paragraph rules and page blocks."""

    file: ClassVar[str] = "html_rules.json"

    line_rules: list[HtmlLineRuleEntry]
    blocks: list[HtmlBlockEntry]


class BylineLanguage(_Strict):
    """One language's byline words (``with`` is a Python keyword: read it as ``with_``)."""

    by: list[str]
    labels: list[str]
    skip_labels: list[str]
    source_labels: list[str]
    with_: list[str] = Field(alias="with")
    joiners: list[str]
    places: list[str]
    copulas: list[str]
    roles: list[str]


class BylinesFile(DataFile):
    """``bylines.json``: byline vocabulary."""

    file: ClassVar[str] = "bylines.json"

    languages: dict[str, BylineLanguage]
    ambiguous_prefixes: list[str]
    agencies: dict[str, list[str]]
    staff_credits: list[str]
    honorifics: list[str]
    dotted_honorifics: list[str]
    name_particles: list[str]
    not_name_words: list[str]
    cjk_org_suffixes: list[str]
    language_aliases: dict[str, str]


class DateLabels(_Strict):
    published: list[str]
    updated: list[str]


class ReadingTime(_Strict):
    minutes: list[str]
    reading: list[str]


class DatesFile(DataFile):
    """``dates.json``: date vocabulary beside dateparser's own."""

    file: ClassVar[str] = "dates.json"

    short_months: list[str]
    languages: list[str]
    stamp_languages: list[str]  # relative stamps only ("před 2 hodinami"), not their dates
    compact_stamp_units: list[str]  # "8h", "2d": an age stamp of a digit or two and a unit
    connectors: list[str]
    labels: DateLabels
    timezones: dict[str, int]  # abbreviation -> offset in minutes
    reading_time: ReadingTime


class EntityEntry(_Strict):
    type: Literal["person", "org", "place"]
    aliases: list[str]


class EntityAliasesFile(DataFile):
    """``entity_aliases.json``: canonical entity names and their spellings."""

    file: ClassVar[str] = "entity_aliases.json"

    entities: dict[str, EntityEntry]


class EntityRulesFile(DataFile):
    """``entity_rules.json``: words that clean raw NER mentions."""

    file: ClassVar[str] = "entity_rules.json"

    person_titles: list[str]
    role_words: list[str]
    drop: list[str]
    edge_words: list[str]
    photo_agencies: list[str]
    credit_markers: list[str]


class LanguagesFile(DataFile):
    """``languages.json``: the codes language guessing may answer."""

    file: ClassVar[str] = "languages.json"

    languages: list[str]


class OutletEntry(_Strict):
    id: str
    name: str
    domains: list[str]
    aliases: list[str]
    mastheads: list[str]


class OutletsFile(DataFile):
    """``outlets.json``: the outlet registry."""

    file: ClassVar[str] = "outlets.json"

    platform_domains: list[str]  # sites whose links never tell a page's outlet
    brand_lines: list[str]  # regexes of chrome lines naming the site, with a <name> group
    brand_stopwords: list[str]  # what a brand line may name that is no site ("Follow us")
    outlets: list[OutletEntry]


class ProfileFile(DataFile):
    """``profiles/<outlet>.json``: what belongs to one outlet only."""

    file: ClassVar[str] = "profiles"

    outlet: str
    newsletters: list[str] = []
    staff_credits: list[str] = []
    line_rules: list[LineRuleEntry] = []
