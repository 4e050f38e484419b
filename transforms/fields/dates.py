"""Publication dates from date lines, datelines and metadata, normalised to UTC ISO 8601.

Printed dates are read by dateparser (``DateDataParser``, absolute dates only), bounded by a
cheap prefilter: a line is looked at only when it is short and holds a four-digit number or a
numeric date, and only the runs of date-like words in it (day, month name, year, time, zone,
joining words such as "de", "à", "um", "om") are handed to dateparser, in the languages that own
the month word. Month and weekday names come from dateparser's own language data;
``transforms/data/dates.json`` adds the default languages, the joining words,
published/updated labels and a time-zone table (dateparser reads "IST" as Israel and knows no
"ET"/"PT", so zones are applied here).

Rules: relative stamps ("3 hours ago", "vor 2 Stunden", "Yesterday") never give a date, a
published stamp wins over an updated one, a date later than ``not_after`` plus one day is
rejected, and precision is minute when a time of day was printed, day when a day was, month
when only month and year were (then the month must be written out: "May 2024", not "Set 2020").
Numeric dates are day-first ("07/03/2024" is 7 March) unless the
languages name US English ("en-US"), or English without a region and the line prints a
12-hour clock ("9/11/13 10:00AM", the US custom); ISO dates are always year-first.

Measured (CPU time per line on 2 shared cores, 300 distinct lines per shape, two runs):
0.6-1 µs for a line without a four-digit number or numeric date, 0.3-0.6 µs for a line longer
than ``MAX_WORDS``, 13-18 µs for a short line with a year but no date run ("Top 10 films of
2024"), 0.9-2.2 ms for a line whose date run dateparser reads (English, German, French, Polish,
numeric and byline shapes alike) and 18-46 µs when that run was read before (runs are cached).
Each language's first use loads its locale once (about 0.1-0.3 s).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache, lru_cache
from itertools import pairwise

from dateparser.date import DateDataParser

from transforms.data_files import load
from transforms.data_models import DatesFile
from transforms.folding import fold
from transforms.record import Precision

MAX_WORDS = 25  # longer lines are text, not date or byline lines
_MONTHS = [
    *("january", "february", "march", "april", "may", "june", "july", "august", "september"),
    *("october", "november", "december"),
]
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_SETTINGS = {
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "PREFER_DAY_OF_MONTH": "first",
    "PREFER_LOCALE_DATE_ORDER": False,
    "REQUIRE_PARTS": ["month", "year"],
    "PARSERS": ["absolute-time"],
}


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """An instant in UTC and how much of it the source stated."""

    iso: str
    precision: Precision


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline split off the start of a paragraph."""

    text: str  # the dateline as printed, without its closing dash or colon
    date: ParsedDate | None
    rest: str  # the paragraph without the dateline
    org: str | None = None  # the agency in parentheses: "Reuters", "dpa", "AFP"


_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?\s*"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)
# A four-digit number or a numeric date: a line without one holds no dateable stamp.
# Starting with a bare \d keeps the scan of a line without digits well under a microsecond.
_CANDIDATE = re.compile(r"\d(?:\d{3}|[./-]\d{1,2}[./-]\d{2}|\d[./-]\d{1,2}[./-]\d{2})")
# A day, month word and year joined by dots ("21.dez.2018") are three tokens, as when spaced.
_TOKEN = re.compile(
    r"\d{1,2}\.(?=[^\W\d_]{3,9}\.\d{4}\b)|(?<=\d\.)[^\W\d_]{3,9}\.(?=\d{4}\b)|[^\s|·•]+|[|·•]"
)
# "2018年6月18日" (Chinese, Japanese), "2018년 6월 18일" (Korean): year, month, day marked.
_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")


@dataclass(frozen=True, slots=True)
class _Rewritten:
    """A line with its CJK dates written "2018/6/18", and where each character came from."""

    text: str
    starts: tuple[int, ...] = ()  # offset in the original line of each character's start
    ends: tuple[int, ...] = ()  # ... and of its end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original line's span of the rewritten text's [start, end)."""
        if not self.starts:
            return start, end
        return self.starts[start], self.ends[end - 1] if end > start else self.starts[start]


def _numeric_cjk(line: str) -> _Rewritten:
    if "年" not in line and "년" not in line:
        return _Rewritten(line)
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    for match in _CJK_DATE.finditer(line):
        text.append(line[last : match.start()])
        starts.extend(range(last, match.start()))
        ends.extend(range(last + 1, match.start() + 1))
        numeric = f" {'/'.join(match.groups())} "  # a token of its own, whatever is glued on
        text.append(numeric)
        starts.extend([match.start()] * len(numeric))
        ends.extend([match.end()] * len(numeric))
        last = match.end()
    text.append(line[last:])
    starts.extend(range(last, len(line)))
    ends.extend(range(last + 1, len(line) + 1))
    return _Rewritten("".join(text), tuple(starts), tuple(ends))


_EDGE = "()[]{},;:\"'“”«»：，（）【】「」"
_NUMERIC_DATE = re.compile(
    r"\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\.?|\d{4}[./-]\d{1,2}[./-]\d{1,2}(?:T[\d:.+Z-]+)?"
)
_YEAR = re.compile(r"(?:19|20)\d{2}\.?")
_DAY = re.compile(r"\d{1,2}(?:\.|st|nd|rd|th|er|º|ª|o)?", re.IGNORECASE)
_TIME = re.compile(
    r"\d{1,2}[:.h]\d{2}(?::\d{2}(?:\.\d+)?)?(?:h|[ap]\.?m\.?|Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
_CLOCK_ZONE = re.compile(r"(.+?)(Z|[+-]\d{2}(?::?\d{2})?)?", re.IGNORECASE)
_HOUR_H = re.compile(r"^(\d{1,2})[hH](\d{2})")
_OFFSET = re.compile(r"(?:UTC|GMT)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?|([+-])(\d{2})(?::?(\d{2}))?")
_AMPM = {"am", "pm", "a.m", "p.m"}
_SEPARATORS = frozenset("|·•-–—/")
_FILLERS = ("joiner", "sep", "weekday", "ampm", "zone")  # may stand beside a date line's dates
_RANK = {"published": 0, None: 1, "updated": 2}


@cache
def _vocabulary() -> dict:
    return load(DatesFile).model_dump(exclude={"doc"})


@cache
def _names(language: str) -> tuple[frozenset[str], frozenset[str]]:
    """Month names (three letters or more) and weekday names (two or more, "Do.") of a language,
    folded, from dateparser's language data."""
    try:
        info = importlib.import_module(f"dateparser.data.date_translation_data.{language}").info
    except ModuleNotFoundError:
        return frozenset(), frozenset()

    def words(keys: list[str], shortest: int) -> frozenset[str]:
        found = (fold(w).rstrip(".") for k in keys for w in info.get(k, []))
        return frozenset(w for w in found if len(w) >= shortest and w.isalpha())

    return words(_MONTHS, 3), words(_WEEKDAYS, 2)


@cache
def _lexicon(languages: tuple[str, ...]) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """Month names with the languages owning each (in the given order), and weekday names."""
    months: dict[str, tuple[str, ...]] = {}
    for lang in languages:
        for word in _names(lang)[0]:
            months[word] = (*months.get(word, ()), lang)
    return months, frozenset().union(*(_names(lang)[1] for lang in languages))


def _base(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def _languages(given: Sequence[str] | None) -> tuple[str, ...]:
    """The given languages (base codes) first, then the default ones."""
    bases = [_base(lang) for lang in given or ()]
    return tuple(dict.fromkeys([*bases, *_vocabulary()["languages"]]))


@cache
def _labels() -> re.Pattern[str]:
    """Published and updated labels as named groups, longest spelling first."""
    groups = (
        f"(?P<{kind}>" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
        for kind, words in _vocabulary()["labels"].items()
    )
    return re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)", re.IGNORECASE)


@cache
def _connectors() -> frozenset[str]:
    return frozenset(fold(w) for w in _vocabulary()["connectors"])


def _zone(token: str) -> timezone | None:
    """The zone a printed abbreviation ("CET", case-sensitive) or offset ("+01:00") names."""
    known = _vocabulary()["timezones"].get(token)
    if known is not None:
        return timezone(timedelta(minutes=known))
    signed = _OFFSET.fullmatch(token)
    if not signed:
        return None
    sign, hours, minutes = signed.group(1, 2, 3) if signed.group(2) else signed.group(4, 5, 6)
    if sign is None:
        return UTC
    total = int(hours) * 60 + int(minutes or 0)
    if int(hours) > 14 or int(minutes or 0) >= 60:
        return None
    return timezone(timedelta(minutes=total if sign == "+" else -total))


@lru_cache(maxsize=65536)
def _kind(token: str, languages: tuple[str, ...]) -> str | None:
    """What a token is in a printed date, or None when it ends a date run."""
    if token in _SEPARATORS:
        return "sep"
    core = token.strip(_EDGE)
    if core.startswith("@") and _TIME.fullmatch(core[1:]):
        return "time"  # "Nov 18, 2019 @17:19 PM"
    if not core:
        return None
    if _NUMERIC_DATE.fullmatch(core):
        return "numeric"
    if _YEAR.fullmatch(core):
        return "year"
    if _DAY.fullmatch(core):
        return "day"
    if _TIME.fullmatch(core):
        return "time"
    if _zone(core) is not None:
        return "zone"
    word = fold(core).rstrip(".")
    months, weekdays = _lexicon(languages)
    if word in months:
        return "month"
    if word in _AMPM:
        return "ampm"
    if word in weekdays and (len(word) > 2 or token.endswith((".", ","))):
        return "weekday"
    if word in _connectors():
        return "joiner"
    return None


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int
    kind: str | None


@dataclass(frozen=True, slots=True)
class _Found:
    date: ParsedDate
    start: int
    end: int
    label: str | None


def _runs(tokens: list[_Token]) -> list[list[_Token]]:
    """Maximal runs of date tokens, trimmed of joining words, that hold a year and a month."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    for token in [*tokens, _Token("", 0, 0, None)]:
        if token.kind is not None:
            current.append(token)
            continue
        while current and current[0].kind in ("joiner", "sep", "ampm", "zone"):
            current.pop(0)
        while current and (current[-1].kind in ("joiner", "sep") or _count_after(current)):
            current.pop()
        kinds = {t.kind for t in current}
        if "numeric" in kinds or {"year", "month"} <= kinds:
            runs.append(current)
        current = []
    return runs


def _count_after(run: list[_Token]) -> bool:
    """A bare number after a whole date ("March 9, 2017 13": a comment count), not its day."""
    return run[-1].kind == "day" and {"day", "month", "year"} <= {t.kind for t in run[:-1]}


@cache
def _parser(languages: tuple[str, ...], order: str) -> DateDataParser:
    settings = {**_SETTINGS, "DATE_ORDER": order}
    return DateDataParser(
        languages=list(languages),
        settings=settings,
        try_previous_locales=False,
        use_given_order=True,
    )


@lru_cache(maxsize=4096)
def _read(text: str, languages: tuple[str, ...], order: str) -> tuple[datetime, bool, bool] | None:
    """dateparser's reading of one date run: the instant, whether a day and a time were printed."""
    data = _parser(languages, order).get_date_data(text)
    if data.date_obj is None or data.date_obj.year < 1900:
        return None
    return data.date_obj, "day" in data.parts, "time" in data.parts


def _parse_run(run: list[_Token], languages: tuple[str, ...], order: str) -> ParsedDate | None:
    months = _lexicon(languages)[0]
    owners = [months[fold(t.text.strip(_EDGE)).rstrip(".")] for t in run if t.kind == "month"]
    words: list[str] = []
    zone: timezone | None = None
    for previous, token in zip([None, *run], run, strict=False):
        if token.kind == "zone":
            zone = _zone(token.text.strip(_EDGE))
        elif token.kind == "ampm" and previous is not None and previous.kind == "time":
            words.append(token.text.strip(_EDGE))
        elif token.kind == "time":  # "10h32" is a time in every language, dateparser's fr only
            clock, suffix = _CLOCK_ZONE.fullmatch(token.text.strip(_EDGE)).groups()
            zone = _zone(suffix.upper()) if suffix else zone
            words.append(_HOUR_H.sub(r"\1:\2", clock).rstrip("hH"))
        elif token.kind in ("day", "month", "year", "numeric"):
            words.append(token.text.strip("()[]{}\"'“”«»:;"))
    read = _read(" ".join(words), owners[0] if owners else languages[:1], order)
    if read is None:
        return None
    instant, has_day, has_time = read
    if not has_day and not any(_spelled_out(t.text) for t in run if t.kind == "month"):
        return None
    if not has_day:
        return ParsedDate(instant.replace(day=1, hour=0, minute=0).isoformat(), "month")
    if not has_time:
        return ParsedDate(instant.replace(hour=0, minute=0).isoformat(), "day")
    if zone is not None:
        instant = instant.replace(tzinfo=zone).astimezone(UTC)
    return ParsedDate(instant.replace(second=0, microsecond=0).isoformat(), "minute")


def _spelled_out(month: str) -> bool:
    """Whether a month word is written out or plainly abbreviated ("May", "Sept.", not "Set"):
    a month without a day is a date only then."""
    word = fold(month.strip(_EDGE))
    if word.endswith(".") or len(word) > 3:
        return True
    return word in _vocabulary()["short_months"]


def _label(gap: str) -> str | None:
    found = list(_labels().finditer(gap))
    return found[-1].lastgroup if found else None


def _read_runs(
    tokens: list[_Token], languages: tuple[str, ...], order: str
) -> Iterator[tuple[list[_Token], ParsedDate]]:
    """Each date run with its date; a run dateparser cannot read is retried split at its
    separators ("7 March 2024 | 10:32" is one date, "7 March 2024 - 8 March 2024" two), else
    after its first year when more follows ("22 Dec 2016 22 Dec 2016": a date printed twice)."""
    for run in _runs(tokens):
        parsed = _parse_run(run, languages, order)
        years = [i for i, t in enumerate(run[:-1]) if t.kind == "year"]
        if parsed:
            yield run, parsed
        elif any(t.kind == "sep" for t in run):
            parts = [_Token(t.text, t.start, t.end, None) if t.kind == "sep" else t for t in run]
            yield from _read_runs(parts, languages, order)
        elif years:
            cut = years[0] + 1
            yield from _read_runs(run[:cut], languages, order)
            yield from _read_runs(run[cut:], languages, order)


def _numeric_order(given: Sequence[str], langs: tuple[str, ...], tokens: list[_Token]) -> str:
    """Month first for US English, and for English without a region when a slashed date sits
    beside a 12-hour clock ("9/11/13 10:00AM"); day first everywhere else."""
    regions = {lang.lower().replace("_", "-") for lang in given}
    if "en-us" in regions:
        return "MDY"
    regional = any(r.startswith("en-") for r in regions)
    twelve_hour = any(t.kind == "time" and t.text[-2:].lower() in ("am", "pm") for t in tokens)
    twelve_hour = twelve_hour or any(
        t.kind == "time" and after.kind == "ampm" for t, after in pairwise(tokens)
    )
    slashed = any("/" in t.text for t in tokens)  # "03.11.2024 10:00 am" stays day-first
    return "MDY" if langs[0] == "en" and twelve_hour and slashed and not regional else "DMY"


def _scan(
    line: str, languages: Sequence[str] | None, not_after: datetime | None
) -> tuple[list[_Found], list[_Token]] | None:
    """Every date in a short candidate line with its label, and the line's tokens (offsets
    into the line with its CJK dates rewritten, ``_numeric_cjk``)."""
    line = _numeric_cjk(line).text
    if len(line) > 400 or line.count(" ") >= MAX_WORDS or not _CANDIDATE.search(line):
        return None
    langs = _languages(languages)
    tokens = [
        _Token(m.group(), m.start(), m.end(), _kind(m.group(), langs))
        for m in _TOKEN.finditer(line)
    ]
    if len(tokens) > MAX_WORDS:
        return None
    order = _numeric_order(languages or (), langs, tokens)
    limit = not_after + timedelta(days=1) if not_after else None
    found: list[_Found] = []
    previous_end = 0
    for run, parsed in _read_runs(tokens, langs, order):
        if limit and datetime.fromisoformat(parsed.iso) > _aware(limit):
            continue
        first, last = run[0], run[-1]
        start = first.end - len(first.text.lstrip(_EDGE))
        end = last.start + len(last.text.rstrip(_EDGE if last.kind == "ampm" else _EDGE + "."))
        found.append(_Found(parsed, start, end, _label(line[previous_end:start])))
        previous_end = end
    return found, tokens


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _best(found: list[_Found]) -> _Found | None:
    """The published date when labelled, else the first unlabelled one, else the updated one."""
    return min(found, key=lambda f: _RANK[f.label], default=None)


_STAMP_OPENERS = frozenset({"month", "weekday", "day"})
_STAMP_PARTS = frozenset({"month", "day", "year", "time", "numeric", "weekday"})
_STAMP_ALONE = frozenset({"numeric", "year", "time"})


@lru_cache(maxsize=65536)
def stamp_start(line: str, languages: tuple[str, ...] = ()) -> int | None:
    """Where a printed date or time (or its label) starts in a byline-like line, else None.

    "By Jane Roe March 18 at 3:57 PM" gives the offset of "March", "Jane Roe Updated 2 May"
    that of "Updated": a name line cut there keeps only the name. A year-less stamp counts,
    though it gives no date. A lone number ("Top 10") is no stamp.
    """
    if not any(c.isdigit() for c in line):
        return None
    rewritten = _numeric_cjk(line)
    line = rewritten.text
    langs = _languages(languages)
    tokens = list(_TOKEN.finditer(line))
    kinds = [_kind(m.group(), langs) for m in tokens]
    start = None
    for i, kind in enumerate(kinds):
        following = kinds[i + 1] if i + 1 < len(kinds) else None
        if kind in _STAMP_ALONE or (kind in _STAMP_OPENERS and following in _STAMP_PARTS):
            while i > 0 and kinds[i - 1] in ("joiner", "ampm"):  # "le 7 mars", "am 7. März"
                i -= 1
            start = tokens[i].start()
            break
    if start is None:
        return None
    label = next((m for m in _labels().finditer(line, 0, start) if m.start() > 0), None)
    if label is not None and not line[label.end() : start].strip(" :,|·•-–—"):
        return rewritten.span(label.start(), label.end())[0]
    return rewritten.span(start, start + 1)[0]


TRAILING_STAMP_TOKENS = 12


def trailing_stamp(line: str, languages: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """(the text, the date stamp) of a line a labelled or set-off printed date ends: "Harbour
    strike ends Published on: June 25, 2024" gives ("Harbour strike ends", "Published on: June
    25, 2024"), "... | 7 March 2024" too; "What happened on 7 March 2024" gives None."""
    if not any(c.isdigit() for c in line[-40:]):
        return None
    tokens = list(_TOKEN.finditer(line))
    found = None
    for token in reversed(tokens[-TRAILING_STAMP_TOKENS:]):
        if parse_date_line(line[token.start() :], languages=languages) is not None:
            found = token.start()
        elif found is not None:
            break
    if not found:
        return None
    head, stamp = line[:found].rstrip(" :,|·•-–—"), line[found:]
    marked = stamp[:1] in "|·•-–—" or _labels().match(stamp) is not None
    return (head, stamp.lstrip(" |·•-–—")) if head and marked else None


_STAMP_TOKENS = frozenset({*_STAMP_PARTS, "sep", "joiner", "ampm", "zone"})
_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")
RELATIVE_MAX_WORDS = 6


@cache
def _relative_words(languages: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Words of relative stamps from dateparser's language data: (the unit and number words,
    the words that make a stamp relative: "ago", "vor", "il y a", "yesterday", "gestern")."""
    parts: set[str] = set()
    relative: set[str] = set()
    for language in languages:
        try:
            module = f"dateparser.data.date_translation_data.{language}"
            info = importlib.import_module(module).info
        except ModuleNotFoundError:
            continue
        parts.update(fold(w) for unit in _UNITS for w in info.get(unit, []))
        relative.update(fold(w) for phrase in info.get("ago", []) for w in phrase.split())
        for phrases in info.get("relative-type", {}).values():
            relative.update(fold(w) for phrase in phrases for w in phrase.split())
    return frozenset(parts), frozenset(relative)


@cache
def _compact_stamp() -> re.Pattern[str]:
    units = "|".join(map(re.escape, sorted(_vocabulary()["compact_stamp_units"], key=len)[::-1]))
    return re.compile(rf"\d{{1,2}} ?(?:{units})")


def _clock_only(line: str) -> bool:
    """A time of day alone, labelled or not, with its zone ("Updated 1:39 PM ET", "14:05");
    a bare "3.50" is a number."""
    tokens = _labels().sub(" ", line).split()
    kinds = [_kind(token, ()) for token in tokens]
    if "time" not in kinds or not all(k in ("time", "ampm", "zone", "sep") for k in kinds):
        return False
    return len(tokens) > 1 or ":" in line or len(tokens) < len(line.split())


def is_relative_stamp(line: str, languages: tuple[str, ...] = ()) -> bool:
    """A line that only says how long ago ("1 day ago", "vor 2 Stunden", "il y a 3 heures",
    "Yesterday", "Updated 5 hours ago") or at what time of today ("1:39 PM ET"): a stamp that
    gives no date."""
    if _compact_stamp().fullmatch(line.strip(_READING_EDGE)) or _clock_only(line):
        return True
    tokens = [t.strip(_EDGE + ".") for t in _TOKEN.findall(line)]
    if not tokens or len(tokens) > RELATIVE_MAX_WORDS:
        return False
    langs = (*_languages(languages), *_vocabulary()["stamp_languages"])
    parts, relative = _relative_words(langs)
    unlabelled = _labels().sub(" ", " ".join(tokens)).split()
    folded = [fold(t) for t in unlabelled]
    said = any(w in relative for w in folded)
    known = (w.isdigit() or w in parts or w in relative or _TIME.fullmatch(w) for w in folded)
    return said and all(known)


def continues_a_day(text: str) -> bool:
    """Whether the text after a "12." list marker goes on with a date's month ("März 2024",
    "11. 2021"): the number is then the day of a printed date, not a list number."""
    words = text.split(maxsplit=2)
    if not words or not any(c.isdigit() for c in text):
        return False
    kind = _kind(words[0], _languages(None))
    return kind == "month" or (kind == "day" and len(words) > 1 and _kind(words[1], ()) == "year")


_READING_EDGE = " \t|·•,-–—"


@cache
def _reading_time() -> re.Pattern[str]:
    words = _vocabulary()["reading_time"]
    minutes = "|".join(map(re.escape, sorted(words["minutes"], key=len, reverse=True)))
    reading = "|".join(map(re.escape, sorted(words["reading"], key=len, reverse=True)))
    amount = rf"\d{{1,3}}\s*-?\s*(?:{minutes})\b\.?"
    return re.compile(
        rf"\b(?:(?:{reading})\s*:?\s*(?:ca\.\s*)?{amount}"
        rf"|{amount}\s+(?:(?:de|di|of)\s+)?(?:{reading})\b)",
        re.IGNORECASE,
    )


def without_reading_time(line: str) -> str:
    """The line without its reading-time stamp and the separator beside it ("Oct 18, 2019 · 8
    min read" -> "Oct 18, 2019"; "Lesezeit: 3 Min." -> ""): it says nothing of date or author."""
    if not any(c.isdigit() for c in line):
        return line
    cut = _reading_time().sub("", line)
    return cut.strip(_READING_EDGE) if cut != line else line


def is_stamp(line: str, languages: tuple[str, ...] = ()) -> bool:
    """A line made of dates, times and their joining words only ("3/09/15 8:00am", "Mar 7,
    2024 | 10:32 CET"), readable or not."""
    if not any(c.isdigit() for c in line):
        return False
    langs = _languages(languages)
    tokens = _TOKEN.findall(_numeric_cjk(line).text)
    return len(tokens) <= MAX_WORDS and all(_kind(t, langs) in _STAMP_TOKENS for t in tokens)


def find_date_in_line(
    line: str, languages: Sequence[str] | None = None, *, not_after: datetime | None = None
) -> tuple[ParsedDate, str] | None:
    """The date in a short byline or meta line and the date as printed in it.

    "By Jane Roe | March 7, 2024" gives day precision and "March 7, 2024". Lines longer than
    ``MAX_WORDS`` tokens and relative stamps give None.
    """
    scanned = _scan(line, languages, not_after)
    best = _best(scanned[0]) if scanned else None
    if best is None:
        return None
    start, end = _numeric_cjk(line).span(best.start, best.end)
    return best.date, line[start:end]


def parse_date_line(
    line: str, *, languages: Sequence[str] | None = None, not_after: datetime | None = None
) -> ParsedDate | None:
    """The date when the whole line is a date stamp.

    Labels, joining words and separators may surround the dates ("Updated: May 2, 2024",
    "Publié le 7 mars 2024 à 10h32", "Published: 7 March 2024 | Updated: 8 March 2024");
    any other word (a name, a sentence) means the line is not a date line.
    """
    text = line.strip()
    if _ISO.fullmatch(text):
        parsed = parse_iso(text)
        if (
            parsed
            and not_after
            and datetime.fromisoformat(parsed.iso) > _aware(not_after) + timedelta(days=1)
        ):
            return None
        return parsed
    scanned = _scan(text, languages, not_after)
    if not scanned or not scanned[0]:
        return None
    found, tokens = scanned
    spans = [(f.start, f.end) for f in found]
    outside = [t for t in tokens if not _within(_core_span(t.text, t.start), spans)]
    rest = _labels().sub(" ", " ".join(t.text for t in outside))
    for word in rest.split():
        core = word.strip(_EDGE + "|·•–—-.")
        if core and _kind(core, _languages(languages)) not in _FILLERS:
            return None
    best = _best(found)
    return best.date if best else None


def _within(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(lo <= span[0] and span[1] <= hi for lo, hi in spans)


def _core_span(text: str, start: int) -> tuple[int, int]:
    """Where a token's text stands without the brackets and commas around it: "2024)" and
    "2024," end a date printed before a bracket or a comma."""
    lead = len(text) - len(text.lstrip(_EDGE))
    return start + lead, start + len(text.rstrip(_EDGE))


def parse_iso(value: str) -> ParsedDate | None:
    """An ISO 8601 date or timestamp (from metadata) in UTC; a bare date has day precision."""
    match = _ISO.match(value.strip())
    if not match:
        return None
    parts = match.groupdict()
    year, month, day = int(parts["year"]), int(parts["month"]), int(parts["day"])
    zone = (_zone(parts["tz"]) if parts["tz"] else None) or UTC
    try:
        if parts["hour"] is None:
            return ParsedDate(datetime(year, month, day, tzinfo=UTC).isoformat(), "day")
        local = datetime(year, month, day, int(parts["hour"]), int(parts["minute"]), tzinfo=zone)
    except ValueError:
        return None
    return ParsedDate(local.astimezone(UTC).isoformat(), "minute")


_PLACE = r"[A-ZÀ-Þ][\w.'’-]*(?:[ /][A-ZÀ-Þ][\w.'’-]*){0,3}(?:, [A-ZÀ-Þ][\w.]{1,20})?"
_DATE_FIRST = re.compile(
    r"^(?P<date>[A-Z0-9][^–—:]{2,40}?\d{4}),\s+(?P<place>[^–—:]{2,60}?)\s+[–—-]\s+(?=\S)"
)
_PLACE_FIRST = re.compile(
    r"^(?P<place>[A-ZÀ-Þ][^,:–—()]{1,40}),\s+(?P<date>[^:–—()]{4,40}?\d{2,4})\.?"
    r"(?:\s+\((?P<org>[^()]{2,30})\)\.?)?\s*[:–—-]\s*(?=\S)"
)
_WIRE = re.compile(
    r"^(?:(?P<place>" + _PLACE + r")(?:,\s+(?P<date>[^()–—:]{3,40}?))?\s+)?"
    r"\((?P<org>[^()]{2,30})\)\.?\s*[–—-]{1,2}\s*(?=\S)"
)
_CAPS_PLACE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’ -]{2,40}?(?:, [A-Z][A-Za-z.]{1,20})?)\s+[–—-]{1,2}\s+(?=\S)"
)


def _agency(org: str | None) -> str | None:
    """A wire agency in parentheses: at most three words, each capitalised or short ("dpa")."""
    words = (org or "").replace("/", " ").split()
    if not words or len(words) > 3:
        return None
    ok = all(w[0].isupper() or (len(w) <= 4 and w.isalpha()) for w in words)
    return org.strip() if ok and org else None


def _cut(paragraph: str, end: int, date: ParsedDate | None, org: str | None) -> Dateline:
    text = paragraph[:end].rstrip().rstrip("–—-:").rstrip()
    text = text[:-1] if text.endswith(").") else text  # Spanish wire style "(EFE).-"
    return Dateline(text, date, paragraph[end:], org)


def split_dateline(
    paragraph: str, *, languages: Sequence[str] | None = None, not_after: datetime | None = None
) -> Dateline | None:
    """Split a dateline off a paragraph's start.

    Understood: "November 2024, Mar-a-Lago, Florida – ...", "United State, November 11, 2024: ...",
    "Berlin, 12. März 2024 – ...", and wire style "LONDON (Reuters) - ...", "BERLIN (dpa) – ...",
    "(AFP) - ..." with the agency in ``org``. Returns None when the paragraph has no dateline.
    """
    for pattern in (_DATE_FIRST, _PLACE_FIRST):
        match = pattern.match(paragraph)
        found = match and parse_date_line(
            match.group("date"), languages=languages, not_after=not_after
        )
        org = _agency(match.groupdict().get("org")) if match else None
        if match and found and (org or not match.groupdict().get("org")):
            return _cut(paragraph, match.end(), found, org)
    match = _WIRE.match(paragraph)
    org = _agency(match.group("org")) if match else None
    date_text = match.group("date") if match else None
    if match and org and (date_text is None or any(c.isdigit() for c in date_text)):
        date = (
            parse_date_line(date_text, languages=languages, not_after=not_after)
            if date_text
            else None
        )
        return _cut(paragraph, match.end(), date, org)
    match = _CAPS_PLACE.match(paragraph)
    if match and match.group("place").strip().isupper():
        return _cut(paragraph, match.end(), None, None)
    return None
