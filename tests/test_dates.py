"""Date lines, datelines and metadata timestamps, all to UTC."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from transforms.fields.dates import (
    find_date_in_line,
    is_relative_stamp,
    parse_date_line,
    parse_iso,
    split_dateline,
    stamp_start,
    trailing_stamp,
)


@pytest.mark.parametrize(
    ("line", "iso", "precision"),
    [
        ("Mon 11 Nov 2024 00.01 GMT", "2024-11-11T00:01:00+00:00", "minute"),
        ("November 11, 2024", "2024-11-11T00:00:00+00:00", "day"),
        ("November 2024", "2024-11-01T00:00:00+00:00", "month"),
        ("11 November 2024", "2024-11-11T00:00:00+00:00", "day"),
        ("Tue 12 Mar 2024 18.30 GMT", "2024-03-12T18:30:00+00:00", "minute"),
        ("Nov. 3, 2024 10:30 a.m. EST", "2024-11-03T15:30:00+00:00", "minute"),
        ("Published: July 4, 2024 at 9:15 pm EDT", "2024-07-05T01:15:00+00:00", "minute"),
        ("Updated 14 June 2024 08:00 BST", "2024-06-14T07:00:00+00:00", "minute"),
        ("12 March 2024 16:45 IST", "2024-03-12T11:15:00+00:00", "minute"),
        ("2024-11-11T10:00:00-05:00", "2024-11-11T15:00:00+00:00", "minute"),
        ("Tuesday, March 3, 2015 @ 9:05 PM UTC", "2015-03-03T21:05:00+00:00", "minute"),
        ("Mar 3, 2015 @21:05", "2015-03-03T21:05:00+00:00", "minute"),
    ],
)
def test_parse_date_line(line: str, iso: str, precision: str) -> None:
    parsed = parse_date_line(line)
    assert parsed is not None
    assert (parsed.iso, parsed.precision) == (iso, precision)


@pytest.mark.parametrize(
    "line",
    [
        "1d ago",
        "22h ago",
        "Yesterday",
        "The vote took place on November 11, 2024.",
        "31 February 2024",
    ],
)
def test_no_date_from_relative_stamps_or_sentences(line: str) -> None:
    assert parse_date_line(line) is None


def test_parse_iso_date_only_is_day_precision() -> None:
    parsed = parse_iso("2024-11-11")
    assert parsed is not None and parsed.precision == "day"
    assert parse_iso("not a date") is None


@pytest.mark.parametrize(
    ("paragraph", "dateline", "iso", "rest"),
    [
        (
            "November 2024, Port Halden, Westmark – Crane operators stopped work.",
            "November 2024, Port Halden, Westmark",
            "2024-11-01T00:00:00+00:00",
            "Crane operators stopped work.",
        ),
        (
            "United State, November 11, 2024: The council voted.",
            "United State, November 11, 2024",
            "2024-11-11T00:00:00+00:00",
            "The council voted.",
        ),
        ("LONDON (Reuters) - Ministers met.", "LONDON (Reuters)", None, "Ministers met."),
    ],
)
def test_split_dateline(paragraph: str, dateline: str, iso: str | None, rest: str) -> None:
    found = split_dateline(paragraph)
    assert found is not None
    assert found.text == dateline and found.rest == rest
    assert (found.date.iso if found.date else None) == iso


@pytest.mark.parametrize(
    "paragraph",
    ["Trump, who won in November 2024, said – nothing.", "The council met on Monday."],
)
def test_no_dateline_in_ordinary_sentences(paragraph: str) -> None:
    assert split_dateline(paragraph) is None


@pytest.mark.parametrize(
    ("line", "iso", "precision"),
    [
        ("April 2, 2025 6:40 PM UTC", "2025-04-02T18:40:00+00:00", "minute"),
        ("Published 9 April 2025", "2025-04-09T00:00:00+00:00", "day"),
        ("Updated: Sept. 21, 2023", "2023-09-21T00:00:00+00:00", "day"),
        ("Wed 18 Jun 2025 06.00 BST", "2025-06-18T05:00:00+00:00", "minute"),
        ("Thursday 3 October 2024 22.10 CEST", "2024-10-03T20:10:00+00:00", "minute"),
        ("2 Jan 2025 8:05 p.m. ET", "2025-01-03T01:05:00+00:00", "minute"),
        ("Oct 1, 2024, 11:20 AM PT", "2024-10-01T19:20:00+00:00", "minute"),
        ("5 May 2024 09:00 +02:00", "2024-05-05T07:00:00+00:00", "minute"),
        # German
        ("21. Februar 2025, 09:47 Uhr", "2025-02-21T09:47:00+00:00", "minute"),
        ("Veröffentlicht am 03.11.2024 um 17:20 Uhr", "2024-11-03T17:20:00+00:00", "minute"),
        ("Freitag, 21. Februar 2025", "2025-02-21T00:00:00+00:00", "day"),
        ("Sa., 4. Jan. 2025", "2025-01-04T00:00:00+00:00", "day"),
        ("Oktober 2023", "2023-10-01T00:00:00+00:00", "month"),
        # French
        ("Publié le 18 juin 2025 à 06h45", "2025-06-18T06:45:00+00:00", "minute"),
        ("Mis à jour le 1er décembre 2024", "2024-12-01T00:00:00+00:00", "day"),
        ("mercredi 5 février 2025", "2025-02-05T00:00:00+00:00", "day"),
        # Spanish
        ("18 de junio de 2025, 06:45 CET", "2025-06-18T05:45:00+00:00", "minute"),
        ("Actualizado el 2 de enero de 2025 a las 13:05", "2025-01-02T13:05:00+00:00", "minute"),
        # Italian
        ("Pubblicato il 18 giugno 2025", "2025-06-18T00:00:00+00:00", "day"),
        ("venerdì 4 ottobre 2024 alle 21:30", "2024-10-04T21:30:00+00:00", "minute"),
        # Portuguese
        ("Publicado em 9 de abril de 2025 às 14h10", "2025-04-09T14:10:00+00:00", "minute"),
        ("Atualizado 3 set 2024", "2024-09-03T00:00:00+00:00", "day"),
        ("7.nov.2024 às 9h05", "2024-11-07T09:05:00+00:00", "minute"),  # dots, no spaces
        # Dutch
        ("18 juni 2025 om 06:45", "2025-06-18T06:45:00+00:00", "minute"),
        ("Gepubliceerd op 2 okt. 2024", "2024-10-02T00:00:00+00:00", "day"),
        # Polish
        ("18 czerwca 2025, 06:45", "2025-06-18T06:45:00+00:00", "minute"),
        (
            "Opublikowano: 4 października 2024 r., godz. 21:30",
            "2024-10-04T21:30:00+00:00",
            "minute",
        ),
        # numeric: ISO always, otherwise day first
        ("2025-06-18", "2025-06-18T00:00:00+00:00", "day"),
        ("18.06.2025 06:45", "2025-06-18T06:45:00+00:00", "minute"),
        ("04/10/2024", "2024-10-04T00:00:00+00:00", "day"),
        ("Mittwoch, 18.06.2025 | 06:45 Uhr", "2025-06-18T06:45:00+00:00", "minute"),
        ("2025-06-18 06:45:00+02", "2025-06-18T04:45:00+00:00", "minute"),
        ("maj 2025", "2025-05-01T00:00:00+00:00", "month"),
        ("Sept. 2025", "2025-09-01T00:00:00+00:00", "month"),
    ],
)
def test_parse_date_line_in_eight_languages(line: str, iso: str, precision: str) -> None:
    parsed = parse_date_line(line)
    assert parsed is not None, line
    assert (parsed.iso, parsed.precision) == (iso, precision)


def test_numeric_dates_are_month_first_only_for_us_english() -> None:
    us = parse_date_line("04/10/2024", languages=["en-US"])
    assert us is not None and us.iso == "2024-04-10T00:00:00+00:00"
    unambiguous = parse_date_line("25/10/2024", languages=["en-US"])
    assert unambiguous is not None and unambiguous.iso == "2024-10-25T00:00:00+00:00"


@pytest.mark.parametrize(
    "line",
    [
        "Published: 9 April 2025 | Updated: 10 April 2025",
        "Updated 10 April 2025 · Published 9 April 2025",
        "Aktualisiert am 10.04.2025 | Veröffentlicht am 09.04.2025",
        "Mis à jour le 10 avril 2025 - Publié le 9 avril 2025",
        "9 avril 2025 à 07:19 (Mis à jour : 10 avril 2025 à 07:38)",  # a bracketed update
        "April 9, 2025, updated April 10, 2025",  # a comma after the year
        "Updated April 10, 2025 (first published April 9, 2025)",
    ],
)
def test_published_wins_over_updated(line: str) -> None:
    parsed = parse_date_line(line)
    assert parsed is not None and parsed.iso[:10] == "2025-04-09"


@pytest.mark.parametrize(
    "line",
    [
        "Last updated 5 hours ago",
        "3 days ago",
        "vor 2 Stunden",
        "Aktualisiert vor 35 Minuten",
        "il y a 4 jours",
        "hace 2 días",
        "2 ore fa",
        "há 3 horas",
        "3 uur geleden",
        "5 godzin temu",
        "Yesterday at 14:20",
        "heute, 10:32 Uhr",
        "Today 09:15 GMT",
        "May",
        "Sun",
        "2024",
        "Top 10 films of 2024",
        "Poison Set 2020 Stadium Tour",
        "Ago 2024",
        "Updated 14:35",
    ],
)
def test_relative_and_partial_stamps_give_no_date(line: str) -> None:
    assert parse_date_line(line) is None
    assert find_date_in_line(line) is None


def test_dates_after_the_file_are_rejected() -> None:
    when = datetime(2025, 4, 9, 12, tzinfo=UTC)
    assert parse_date_line("11 April 2025", not_after=when) is None
    assert find_date_in_line("By Jane Roe | 11 April 2025", not_after=when) is None
    # one day of slack for time zones and late stamps, naive limits are UTC
    assert parse_date_line("10 April 2025", not_after=when) is not None
    assert parse_date_line("2025-04-12", not_after=datetime(2025, 4, 9)) is None


@pytest.mark.parametrize(
    ("line", "iso", "precision", "printed"),
    [
        (
            "Posted on June 3, 2025 by Jane Roe",
            "2025-06-03T00:00:00+00:00",
            "day",
            "June 3, 2025",
        ),
        ("By Jane Roe | June 3, 2025", "2025-06-03T00:00:00+00:00", "day", "June 3, 2025"),
        ("Jane Roe · 4 min read · Jun 3, 2025", "2025-06-03T00:00:00+00:00", "day", "Jun 3, 2025"),
        (
            "Von Max Muster, 3. Juni 2025, 14:35 Uhr",
            "2025-06-03T14:35:00+00:00",
            "minute",
            "3. Juni 2025, 14:35",
        ),
        (
            "Por Ana Ruiz | Madrid | 3 de junio de 2025 - 10:32 CET",
            "2025-06-03T09:32:00+00:00",
            "minute",
            "3 de junio de 2025 - 10:32 CET",
        ),
        ("Anna Nowak, 3 czerwca 2025", "2025-06-03T00:00:00+00:00", "day", "3 czerwca 2025"),
        ("Di Marco Rossi, giugno 2025", "2025-06-01T00:00:00+00:00", "month", "giugno 2025"),
        ("Weekly notes (03/06/25)", "2025-06-03T00:00:00+00:00", "day", "03/06/25"),
        ("Filed on 3 June 2025.", "2025-06-03T00:00:00+00:00", "day", "3 June 2025"),
        ("Jane Roe June 3, 2025 14", "2025-06-03T00:00:00+00:00", "day", "June 3, 2025"),
        ("3 juin 2025 · 27 commentaires", "2025-06-03T00:00:00+00:00", "day", "3 juin 2025"),
    ],
)
def test_find_date_in_line(line: str, iso: str, precision: str, printed: str) -> None:
    found = find_date_in_line(line)
    assert found is not None
    date, text = found
    assert (date.iso, date.precision, text) == (iso, precision, printed)
    assert text in line
    assert parse_date_line(line) is None  # names make it a byline, not a date line


def test_find_date_in_line_skips_long_lines() -> None:
    line = "The council, which met " + "again and " * 12 + "on 3 June 2025, voted."
    assert find_date_in_line(line) is None


def test_given_language_reads_its_own_abbreviations() -> None:
    spanish = parse_date_line("3 mar 2025", languages=["es"])
    assert spanish is not None and spanish.iso == "2025-03-03T00:00:00+00:00"
    assert parse_date_line("3 mei 2025", languages=["nl"]) is not None


@pytest.mark.parametrize(
    ("paragraph", "dateline", "org", "iso", "rest"),
    [
        (
            "BERLIN (dpa) – Die Regierung tagte.",
            "BERLIN (dpa)",
            "dpa",
            None,
            "Die Regierung tagte.",
        ),
        ("PARIS (AFP) - Le conseil a voté.", "PARIS (AFP)", "AFP", None, "Le conseil a voté."),
        ("(Reuters) - Ministers met.", "(Reuters)", "Reuters", None, "Ministers met."),
        ("WARSZAWA (PAP) - Rząd zebrał się.", "WARSZAWA (PAP)", "PAP", None, "Rząd zebrał się."),
        (
            "Berlin, 12. März 2024 – Die Regierung tagte.",
            "Berlin, 12. März 2024",
            None,
            "2024-03-12T00:00:00+00:00",
            "Die Regierung tagte.",
        ),
        (
            "Madrid, 7 de marzo de 2024 (EFE).- El Gobierno aprobó.",
            "Madrid, 7 de marzo de 2024 (EFE)",
            "EFE",
            "2024-03-07T00:00:00+00:00",
            "El Gobierno aprobó.",
        ),
        (
            "LONDON (Reuters) - Ministers met.",
            "LONDON (Reuters)",
            "Reuters",
            None,
            "Ministers met.",
        ),
    ],
)
def test_split_wire_datelines(
    paragraph: str, dateline: str, org: str | None, iso: str | None, rest: str
) -> None:
    found = split_dateline(paragraph)
    assert found is not None
    assert (found.text, found.org, found.rest) == (dateline, org, rest)
    assert (found.date.iso if found.date else None) == iso


@pytest.mark.parametrize(
    "paragraph",
    ["Ministers (and others) - met.", "Der Rat, der im März 2024 tagte, sagte – nichts."],
)
def test_no_wire_dateline_in_ordinary_sentences(paragraph: str) -> None:
    assert split_dateline(paragraph) is None


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("By Jane Roe March 18 at 3:57 PM", "March 18 at 3:57 PM"),
        ("By Jane Roe Updated Jul 24, 2018, 2:15pm EDT", "Updated Jul 24, 2018, 2:15pm EDT"),
        ("Par Jean Dupont, le 7 mars 2024 à 10h32", "le 7 mars 2024 à 10h32"),
        ("Von Anna Schmidt am 7. März 2024", "am 7. März 2024"),
        ("Jane Roe - 16.04.2015", "16.04.2015"),
        ("Top 10 tips for the harbour", None),
        ("Jane Roe", None),
    ],
)
def test_stamp_start_finds_where_a_printed_date_begins(line: str, stamp: str | None) -> None:
    start = stamp_start(line)
    assert (None if start is None else line[start:]) == stamp


@pytest.mark.parametrize(
    ("line", "iso", "printed"),
    [
        ("2018年6月18日 10:01", "2018-06-18T10:01:00+00:00", "2018年6月18日 10:01"),
        ("记者 王明 2023年11月6日", "2023-11-06T00:00:00+00:00", "2023年11月6日"),
        ("发布时间：2018年06月18日 10:01", "2018-06-18T10:01:00+00:00", "2018年06月18日 10:01"),
        ("기사입력 2018년 6월 8일", "2018-06-08T00:00:00+00:00", "2018년 6월 8일"),
    ],
)
def test_cjk_dates_with_year_month_day_marks(line: str, iso: str, printed: str) -> None:
    found = find_date_in_line(line)
    assert found is not None and found[0].iso == iso and found[1] == printed


def test_a_labelled_cjk_date_is_a_date_line() -> None:
    parsed = parse_date_line("更新时间：2018年06月19日 10:01 发布时间：2018年06月18日 10:01")
    assert parsed is not None and parsed.iso.startswith("2018-06-18")  # published wins


@pytest.mark.parametrize(
    ("line", "relative"),
    [
        ("1 day ago", True),
        ("Updated 5 hours ago", True),
        ("vor 2 Stunden", True),
        ("il y a 3 heures", True),
        ("hace 2 horas", True),
        ("Yesterday", True),
        ("gestern, 14:32", True),
        ("před 2 hodinami", True),  # the stamp languages beyond the date languages
        ("3 timmar sedan", True),
        ("2 часа назад", True),
        ("5 min read", False),
        ("3 days", False),
        ("Mara Lind", False),
        ("7 March 2024", False),
        ("8h", True),  # a compact age
        ("• 2d", True),
        ("12 min", True),
        ("3D", False),
        ("120h", False),
        ("1:39 PM ET", True),  # a time of today alone
        ("Updated 14:05", True),
        ("3.50", False),  # a price, not a time
        ("Meeting at 10:30", False),
    ],
)
def test_relative_stamps_are_recognised_from_dateparser_data(line: str, relative: bool) -> None:
    assert is_relative_stamp(line) is relative


@pytest.mark.parametrize(
    ("line", "cut"),
    [
        (
            "Harbour strike ends Published on: June 25, 2024",
            ("Harbour strike ends", "Published on: June 25, 2024"),
        ),
        ("Harbour strike ends | 7 March 2024", ("Harbour strike ends", "7 March 2024")),
        (
            "Hafen streikt Veröffentlicht am 7. März 2024",
            ("Hafen streikt", "Veröffentlicht am 7. März 2024"),
        ),
        ("What happened on 7 March 2024", None),  # the date belongs to the headline
        ("Top 10 ports of 2024", None),
    ],
)
def test_trailing_stamp_is_cut_only_when_labelled_or_set_off(
    line: str, cut: tuple[str, str] | None
) -> None:
    assert trailing_stamp(line) == cut


@pytest.mark.parametrize(
    ("line", "languages", "iso"),
    [
        ("9/11/13 10:00AM", None, "2013-09-11"),  # a 12-hour clock beside a slashed date: US
        ("9/11/13 10:00 pm", ["en"], "2013-09-11"),
        ("9/11/13 10:00AM", ["en-GB"], "2013-11-09"),  # a region other than the US: day first
        ("9/11/2013", None, "2013-11-09"),  # no clock: day first
        ("09.11.2013 10:00 am", None, "2013-11-09"),  # dotted dates are day-first
        ("Veröffentlicht am 09.11.2013 um 10:00 Uhr", None, "2013-11-09"),  # "am" is no clock
    ],
)
def test_a_twelve_hour_clock_makes_an_english_slashed_date_month_first(
    line: str, languages: list[str] | None, iso: str
) -> None:
    parsed = parse_date_line(line, languages=languages)
    assert parsed is not None and parsed.iso[:10] == iso


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("22 Dec, 2016 22 Dec, 2016", "2016-12-22T00:00:00+00:00"),  # one stamp printed twice
        ("March 7, 2024 March 8, 2024", "2024-03-07T00:00:00+00:00"),
    ],
)
def test_two_dates_run_together_are_read_apart(line: str, iso: str) -> None:
    parsed = parse_date_line(line)  # a text export flattened two stamps onto one line
    assert parsed is not None and parsed.iso == iso
