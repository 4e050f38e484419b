"""Publication dates from date lines, datelines and metadata, normalised to UTC ISO 8601.

Only absolute dates are understood: a relative stamp such as "1d ago" never yields a date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import cache

from transforms.data_files import load_json
from transforms.record import Precision


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


_TIME = (
    r"(?P<hour>\d{1,2})[.:](?P<minute>\d{2})(?::\d{2})?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
    r"(?:\s*(?P<tz>[A-Z]{1,5}(?:[+-]\d{1,2}(?::?\d{2})?)?|[+-]\d{2}:?\d{2}))?"
)
_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?\s*"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
)


@cache
def _vocabulary() -> dict:
    return load_json("dates.json")


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    vocab = _vocabulary()
    month = "(?P<month>" + "|".join(sorted(vocab["months"], key=len, reverse=True)) + r")\.?"
    weekday = r"(?:(?:" + "|".join(vocab["weekdays"]) + r")\.?,?\s+)?"
    time = r"(?:,?\s+(?:at\s+)?" + _TIME + ")?"
    day = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
    year = r"(?P<year>(?:19|20)\d{2})"
    flags = re.IGNORECASE
    return (
        re.compile(weekday + day + r"\s+" + month + r",?\s+" + year + time, flags),
        re.compile(weekday + month + r"\s+" + day + r",?\s+" + year + time, flags),
        re.compile(month + r",?\s+" + year, flags),
    )


@cache
def _prefix() -> re.Pattern[str]:
    words = "|".join(sorted(_vocabulary()["prefixes"], key=len, reverse=True))
    return re.compile(r"^(?:(?:" + words + r")\s*:?\s+)", re.IGNORECASE)


def _offset(tz: str | None) -> timezone:
    """The zone for a printed abbreviation or offset; missing or unknown zones are UTC."""
    if not tz:
        return UTC
    tz = tz.upper()
    signed = re.fullmatch(r"(?:[A-Z]{1,5})?([+-])(\d{1,2}):?(\d{2})?", tz)
    if signed:
        minutes = int(signed.group(2)) * 60 + int(signed.group(3) or 0)
        return timezone(timedelta(minutes=minutes if signed.group(1) == "+" else -minutes))
    known = _vocabulary()["timezones"].get(tz)
    return UTC if known is None else timezone(timedelta(minutes=known))


def _build(parts: dict[str, str | None]) -> ParsedDate | None:
    months = _vocabulary()["months"]
    month_text = parts["month"] or ""
    month = int(month_text) if month_text.isdigit() else months.get(month_text.lower().rstrip("."))
    if month is None:
        return None
    day = int(parts["day"]) if parts.get("day") else 1
    hour = minute = 0
    precision: Precision = "day" if parts.get("day") else "month"
    if parts.get("hour") is not None:
        hour, minute = int(parts["hour"] or 0), int(parts["minute"] or 0)
        ampm = (parts.get("ampm") or "").lower()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
        precision = "minute"
    zone = _offset(parts.get("tz"))
    try:
        local = datetime(int(parts["year"] or 0), month, day, hour, minute, tzinfo=zone)
    except ValueError:
        return None
    return ParsedDate(local.astimezone(UTC).isoformat(), precision)


def _parse_whole(text: str) -> ParsedDate | None:
    """The date when ``text`` is entirely one written-out date."""
    for pattern in _patterns():
        match = pattern.fullmatch(text)
        parsed = _build(match.groupdict()) if match else None
        if parsed:
            return parsed
    return None


def parse_date_line(line: str) -> ParsedDate | None:
    """The date when the whole line is one ("Mon 11 Nov 2024 00.01 GMT", "Updated: May 2, 2024")."""
    text = _prefix().sub("", line.strip().rstrip("."))
    iso = _ISO.fullmatch(text)
    if iso:
        return parse_iso(text)
    return _parse_whole(text)


def parse_iso(value: str) -> ParsedDate | None:
    """An ISO 8601 date or timestamp (from metadata) in UTC; a bare date has day precision."""
    match = _ISO.match(value.strip())
    if not match:
        return None
    parts = match.groupdict()
    year, month, day = int(parts["year"]), int(parts["month"]), int(parts["day"])
    zone = _offset(parts["tz"])
    try:
        if parts["hour"] is None:
            return ParsedDate(datetime(year, month, day, tzinfo=UTC).isoformat(), "day")
        local = datetime(year, month, day, int(parts["hour"]), int(parts["minute"]), tzinfo=zone)
    except ValueError:
        return None
    return ParsedDate(local.astimezone(UTC).isoformat(), "minute")


_DATE_FIRST = re.compile(
    r"^(?P<date>[A-Z][^–—:]{2,40}?\d{4}),\s+(?P<place>[^–—:]{2,60}?)\s+[–—-]\s+(?=\S)"
)
_PLACE_FIRST = re.compile(
    r"^(?P<place>[A-Z][^,:–—]{1,40}),\s+(?P<date>[^:–—]{4,40}?\d{4})\s*[:–—-]\s+(?=\S)"
)
_CAPS_PLACE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’ -]{2,40}?(?:, [A-Z][A-Za-z.]{1,20})?)"
    r"(?: \((?P<org>[A-Za-z. ]{2,30})\))?\s+[–—-]{1,2}\s+(?=\S)"
)


def split_dateline(paragraph: str) -> Dateline | None:
    """Split a dateline off a paragraph's start.

    Understood: "November 2024, Mar-a-Lago, Florida – ...", "United State, November 11, 2024: ..."
    and wire style "LONDON (Reuters) - ...". Returns None when the paragraph has no dateline.
    """
    for pattern in (_DATE_FIRST, _PLACE_FIRST):
        match = pattern.match(paragraph)
        if match:
            found = _parse_whole(match.group("date"))
            if found:
                text = paragraph[: match.end()].rstrip().rstrip("–—-:").rstrip()
                return Dateline(text, found, paragraph[match.end() :])
    match = _CAPS_PLACE.match(paragraph)
    if match and match.group("place").strip().isupper():
        text = paragraph[: match.end()].rstrip().rstrip("–—-").rstrip()
        return Dateline(text, None, paragraph[match.end() :])
    return None
