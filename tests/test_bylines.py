"""Byline parsing: names, organisations, locations and roles."""

from __future__ import annotations

import pytest

from transforms.fields.bylines import (
    agency_credit,
    looks_like_byline,
    parse_byline,
    title_case_name,
)


@pytest.mark.parametrize(
    ("raw", "authors", "org", "location"),
    [
        ("By DAYO ADESULU", ["Dayo Adesulu"], None, None),
        ("Maya Yang in New York", ["Maya Yang"], None, "New York"),
        ("**Maya Yang in New York**", ["Maya Yang"], None, "New York"),
        ("By SEAN MCDONALD in WASHINGTON", ["Sean McDonald"], None, "Washington"),
        ("By Jane Roe and John Doe", ["Jane Roe", "John Doe"], None, None),
        ("By Ana Lima, Ben Ode and Cal Reyes", ["Ana Lima", "Ben Ode", "Cal Reyes"], None, None),
        ("By Jane Roe, Senior Correspondent", ["Jane Roe"], None, None),
        ("Jane Roe For Daily Mail Australia", ["Jane Roe"], None, None),
        ("By Jane Roe, Chief Political Correspondent", ["Jane Roe"], None, None),
        ("Mangalore Today News Network", [], "Mangalore Today News Network", None),
        ("Reuters", [], "Reuters", None),
        ("By Jane Roe, The Associated Press", ["Jane Roe"], "Associated Press", None),
        ("By Jane Roe and AP", ["Jane Roe"], "Associated Press", None),
        ("Staff Reporter", [], "Staff Reporter", None),
        ("Web Desk", [], "Web Desk", None),
        ("By Ludwig van Halen", ["Ludwig van Halen"], None, None),
        ("by Ana Lima (reporting) and Ben Ode (photography)", ["Ana Lima"], None, None),
        ("By Ana Lima, Ben Ode (video) and Cal Reyes", ["Ana Lima", "Cal Reyes"], None, None),
    ],
)
def test_parse_byline(raw: str, authors: list[str], org: str | None, location: str | None) -> None:
    byline = parse_byline(raw)
    assert byline.authors == authors
    assert byline.org == org
    assert byline.location == location


@pytest.mark.parametrize(
    ("caps", "expected"),
    [
        ("SEAN MCDONALD", "Sean McDonald"),
        ("ANGUS MACDONALD", "Angus MacDonald"),
        ("MARY O'BRIEN", "Mary O'Brien"),
        ("JEAN-PAUL RENARD", "Jean-Paul Renard"),
        ("AMARA O'CONNELL-MCBRIDE", "Amara O'Connell-McBride"),
        ("maya yang", "Maya Yang"),
        ("Ian McKay", "Ian McKay"),
    ],
)
def test_title_case_name(caps: str, expected: str) -> None:
    assert title_case_name(caps) == expected


@pytest.mark.parametrize(
    "credit", ["Reuters", "Associated Press", "Kerala News Network", "Web Desk"]
)
def test_credits_never_become_authors(credit: str) -> None:
    assert parse_byline(f"By {credit}").authors == []
    assert parse_byline(f"By {credit}").org


@pytest.mark.parametrize(
    ("line", "emphasised", "expected"),
    [
        ("By JANE ROE", False, True),
        ("Jane Roe in Paris", False, True),
        ("Søren Lykke in Aarhus", False, True),
        # a Title Case headline of the same shape: no first name opens it
        ("Veteran Wraps Baby in American Flag", False, False),
        ("Harbour Pilots in Strike Talks", False, False),
        ("By Harbour Pilots in Aarhus", False, True),  # a "by" word still says so
        ("Jane Roe", True, True),
        ("Jane Roe", False, False),
        ("Harbour Workers Vote to Strike", False, False),
        ("The council met on Monday to discuss the budget.", False, False),
        ("Staff Reporter", False, True),
    ],
)
def test_looks_like_byline(line: str, emphasised: bool, expected: bool) -> None:
    assert looks_like_byline(line, emphasised=emphasised) is expected


@pytest.mark.parametrize(
    ("raw", "authors", "org", "location"),
    [
        # language-aware "by" words and labels
        ("von Ingo", ["Ingo"], None, None),
        ("Par Claire Moreau", ["Claire Moreau"], None, None),
        ("par Luc Bernard", ["Luc Bernard"], None, None),
        ("Texte : Marie Lefort", ["Marie Lefort"], None, None),
        ("Propos recueillis par Anne Roux", ["Anne Roux"], None, None),
        ("Por Lucía Gómez / EFE", ["Lucía Gómez"], "EFE", None),
        ("Di Marco Bianchi", ["Marco Bianchi"], None, None),
        ("Door Piet de Groot", ["Piet de Groot"], None, None),
        ("Av Kari Hansen", ["Kari Hansen"], None, None),
        ("Af Mette Jensen", ["Mette Jensen"], None, None),
        ("Przez Piotr Nowak", ["Piotr Nowak"], None, None),
        ("Tekst: Adam Wiśniewski, PAP", ["Adam Wiśniewski"], "PAP", None),
        ("Written by Sam Carter", ["Sam Carter"], None, None),
        ("By\n\t\tDana Whitfield", ["Dana Whitfield"], None, None),
        ("Written by Sam Carter\n   Edited by Lee Park", ["Sam Carter"], None, None),
        # joiners, lists and co-credits
        (
            "Von Lena Vogel und Jonas Keller, Hamburg",
            ["Lena Vogel", "Jonas Keller"],
            None,
            "Hamburg",
        ),
        ("Paul Girard et Léa Petit", ["Paul Girard", "Léa Petit"], None, None),
        ("Ana Ruiz y Pablo Soto", ["Ana Ruiz", "Pablo Soto"], None, None),
        ("Kari Hansen og Per Olsen", ["Kari Hansen", "Per Olsen"], None, None),
        ("Tom Reed & Amy Lowe", ["Tom Reed", "Amy Lowe"], None, None),
        ("Rina Park, Omar Haddad", ["Rina Park", "Omar Haddad"], None, None),
        (
            "Julien Masson (avec Hugo Lambert et Inès Caron)",
            ["Julien Masson", "Hugo Lambert", "Inès Caron"],
            None,
            None,
        ),
        ("Mit Material von dpa", [], "dpa", None),
        ("Lena Vogel, mit Material von AFP", ["Lena Vogel"], "AFP", None),
        # roles, titles, degrees, case
        ("Jane Roe, Senior Correspondent", ["Jane Roe"], None, None),
        ("Korrespondentin Lena Vogel", ["Lena Vogel"], None, None),
        ("Lena Vogel, Korrespondentin in Wien", ["Lena Vogel"], None, "Wien"),
        ("De notre correspondant à Rome, Luc Bernard", ["Luc Bernard"], None, "Rome"),
        ("Lucía Gómez, corresponsal", ["Lucía Gómez"], None, None),
        ("Marco Bianchi, inviato speciale", ["Marco Bianchi"], None, None),
        ("By Carla  Dunne, MA\n        Example Health News", ["Carla Dunne"], None, None),
        ("Dr. Jane Roe, PhD", ["Jane Roe"], None, None),
        ("Prof. Dr. Jonas Keller", ["Jonas Keller"], None, None),
        ("Dr. med. Eva Roth", ["Eva Roth"], None, None),
        ("Ing. Petr Malý", ["Petr Malý"], None, None),
        ("prof. dr hab. Ewa Kowal", ["Ewa Kowal"], None, None),
        ("Pan Wei", ["Pan Wei"], None, None),
        ("John Doe Jr.", ["John Doe Jr."], None, None),
        ("MARK FENWICK", ["Mark Fenwick"], None, None),
        ("Jane Roe is a reporter at Example Daily", ["Jane Roe"], None, None),
        # one-word, CJK and other scripts
        ("Ingo", ["Ingo"], None, None),
        ("王小明", ["王小明"], None, None),
        ("记者 王小明", ["王小明"], None, None),
        ("김민수 기자", ["김민수"], None, None),
        ("Иван Соколов", ["Иван Соколов"], None, None),
        ("Kees, Jan de", ["Jan de Kees"], None, None),
        # URLs, e-mails, handles, glued dates, placeholders
        ("Tom Reed - http://tomreed.example", ["Tom Reed"], None, None),
        ("Alan R. Moss (http://moss.example/alan/)", ["Alan R. Moss"], None, None),
        ("Amy Lowe amy.lowe@example.com @amylowe", ["Amy Lowe"], None, None),
        ("By Owen Hart14 Mar 2019312", ["Owen Hart"], None, None),
        ("By Owen Hart\n   March 14, 2019", ["Owen Hart"], None, None),
        ("April 2, 2020 at 9:15 am", [], None, None),
        ("Follow Author", [], None, None),
        ("By the end of the year, prices rose sharply.", [], None, None),
        ("Organization for Better Roads", [], None, None),
        # agency and staff credits in many languages
        ("(AP)", [], "Associated Press", None),
        ("AFP/Reuters", [], "AFP, Reuters", None),
        ("ANSA", [], "ANSA", None),
        ("Agencia EFE", [], "EFE", None),
        ("Staff Writer", [], "Staff Writer", None),
        ("Jane Roe, Staff Writer", ["Jane Roe"], None, None),
        ("Redaktion", [], "Redaktion", None),
        ("Rédaction", [], "Rédaction", None),
        ("Redacción", [], "Redacción", None),
        ("La Redazione", [], "La Redazione", None),
        ("Redactie", [], "Redactie", None),
        ("Kerala News Network", [], "Kerala News Network", None),
        (
            "Contributors to Example Wiki projects",
            [],
            "Contributors to Example Wiki projects",
            None,
        ),
        ("新华社", [], "Xinhua", None),
        ("example.de", [], "example.de", None),
    ],
)
def test_parse_multilingual(
    raw: str, authors: list[str], org: str | None, location: str | None
) -> None:
    byline = parse_byline(raw)
    assert (byline.authors, byline.org, byline.location) == (authors, org, location)


@pytest.mark.parametrize(
    ("raw", "outlets", "authors", "org"),
    [
        ("Example News", ["Example News", "example.de"], [], "Example News"),
        ("Jane Roe | Example", ["example.de"], ["Jane Roe"], None),
        ("Jane Roe - example.de", ["Example News"], ["Jane Roe"], None),
        ("Bits & Bytes", ["Bits & Bytes"], [], "Bits & Bytes"),
        ("Jane Roe, Example News, Reuters", ["Example News"], ["Jane Roe"], "Reuters"),
    ],
)
def test_outlet_names_never_authors(
    raw: str, outlets: list[str], authors: list[str], org: str | None
) -> None:
    byline = parse_byline(raw, outlet_names=outlets)
    assert (byline.authors, byline.org) == (authors, org)


@pytest.mark.parametrize(
    ("raw", "language", "authors", "location"),
    [
        ("Da Marco Bianchi", "it", ["Marco Bianchi"], None),
        ("Da Silva", None, ["Da Silva"], None),
        ("Juan Pérez en Madrid", "es", ["Juan Pérez"], "Madrid"),
        ("Jan Smit en Anna Bakker", "nl", ["Jan Smit", "Anna Bakker"], None),
        ("Kari Hansen i Bergen", "no", ["Kari Hansen"], "Bergen"),
        ("Kari Hansen i Bergen", "nb", ["Kari Hansen"], "Bergen"),
        ("Adam Nowak i Ewa Kowal", "pl", ["Adam Nowak", "Ewa Kowal"], None),
        ("Von Lena Vogel", "de-AT", ["Lena Vogel"], None),
    ],
)
def test_language_narrows_vocabulary(
    raw: str, language: str | None, authors: list[str], location: str | None
) -> None:
    byline = parse_byline(raw, language=language)
    assert (byline.authors, byline.location) == (authors, location)


@pytest.mark.parametrize(
    "line",
    [
        "Von Lena Vogel",
        "Par Claire Moreau",
        "Por Lucía Gómez",
        "Di Marco Bianchi",
        "Door Piet de Groot",
        "Av Kari Hansen",
        "Przez Piotr Nowak",
        "Texto: Ana Ruiz",
        "Text: Lena Vogel",
        "By Jane Roe and John Doe",
        "By JANE ROE, Associated Press",
        "By Jane Roe | Reuters",
        "Jane Roe, Reuters",
        "Lena Vogel, dpa",
        "Redaktion",
        "AFP/Reuters",
        "Jane Roe in Paris",
        "By Jane Roe Jr.",
    ],
)
def test_looks_like_byline_prefixed_and_credited(line: str) -> None:
    assert looks_like_byline(line)


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, prices had risen by a third.",
        "By the time the council met, the plan had changed",
        "Von Anfang an war klar, dass es knapp wird",
        "Par ailleurs, le gouvernement prépare un texte",
        "Por qué la inflación no baja",
        "Door de regen bleef het stil",
        "Av og til",
        "Ingo",
        "Jane Roe",
        "Rina Park, Omar Haddad",
        "Follow Author",
        "JANE ROE/AFP/Getty Images",
        "example.de",
        "Jane Roe is a reporter at Example Daily",
        "Photo: Jane Roe/Reuters",
        "Politik",
        "Share this article",
    ],
)
def test_looks_like_byline_rejects(line: str) -> None:
    assert not looks_like_byline(line)


@pytest.mark.parametrize(
    ("raw", "authors", "org"),
    [
        ("Quelle: dpa", [], "dpa"),
        ("Source: Jane Roe", [], None),
        ("Photos: Jane Roe", [], None),
        ("Written by Sam Carter Edited by Lee Park", ["Sam Carter"], None),
        # a photo credit after the name, as before it ("Photos: Lee Park"), names no author
        ("Lena Vogel (Text) und Jonas Keller (Fotos)", ["Lena Vogel"], None),
        ("Rui (Pedro Alves) Costa", ["Rui Pedro Alves Costa"], None),
        ("Moss, A., Kees, Jan de", ["A. Moss", "Jan de Kees"], None),
        ("Jane Roe, CNN", ["Jane Roe"], None),
        ("J R", [], None),
        ("Par Claire Moreau avec AFP", ["Claire Moreau"], "AFP"),
        ("Interview mit Lena Vogel", ["Lena Vogel"], None),
        ("Von der Heide", ["Von der Heide"], None),
        ("jane roe, reuters", ["Jane Roe"], "Reuters"),
        ("admin", [], None),
        ("Photo: Jane Roe/Reuters", [], None),
        ("Photos: Lee Park, Text: Sam Carter", ["Sam Carter"], None),
        ("Written by Sam Carter | Edited by Lee Park, Ann Cole", ["Sam Carter"], None),
    ],
)
def test_parse_credit_edges(raw: str, authors: list[str], org: str | None) -> None:
    byline = parse_byline(raw)
    assert (byline.authors, byline.org) == (authors, org)


def test_looks_like_byline_context() -> None:
    assert looks_like_byline("Rina Park", emphasised=True)
    assert looks_like_byline("Da Marco Bianchi", language="it")
    assert not looks_like_byline("Example News", outlet_names=["Example News"])


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Jane Roe March 18 at 3:57 PM Follow @janeroe", ["Jane Roe"]),
        ("By JANE ROE March 11, 2015 3:46 PM Morning Show", ["Jane Roe"]),
        ("By Jane Roe@janeroe Updated Jul 24, 2018, 2:15pm EDT", ["Jane Roe"]),
        ("Par Jean Dupont, le 7 mars 2024 à 10h32", ["Jean Dupont"]),
        ("By Owen Hart | 14 March 2019", ["Owen Hart"]),
    ],
)
def test_a_printed_date_glued_to_a_byline_is_cut_off(line: str, authors: list[str]) -> None:
    assert looks_like_byline(line)
    assert parse_byline(line).authors == authors


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Jane Roe CNN Correspondent", ["Jane Roe"]),
        ("By Lucy Akins eHow Contributor", ["Lucy Akins"]),
        ("By Jane Roe, TechCrunch Senior Writer", ["Jane Roe"]),
    ],
)
def test_an_outlet_glued_before_a_role_is_not_part_of_the_name(
    line: str, authors: list[str]
) -> None:
    assert parse_byline(line).authors == authors


def test_two_letter_agency_acronyms_count_in_capitals_only() -> None:
    assert agency_credit("AA") == "Anadolu"
    assert agency_credit("Aa") is None  # the font-size button of a page
    assert agency_credit("AP") == "Associated Press"


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Mara Lind, KTN", ["Mara Lind"]),
        ("By Mara Lind and Olaf Berg, The Harbour Gazette", ["Mara Lind", "Olaf Berg"]),
        ("By Mara Lind, NordNews", ["Mara Lind"]),
        ("By MARA LIND, OLAF BERG", ["Mara Lind", "Olaf Berg"]),  # two names, not an outlet
        ("By Mara Lind, KTN Senior Supreme Court Analyst", ["Mara Lind"]),
    ],
)
def test_an_outlet_after_the_names_of_a_by_line_is_no_author(line: str, authors: list[str]) -> None:
    assert looks_like_byline(line)
    assert parse_byline(line).authors == authors


@pytest.mark.parametrize("label", ["Story Highlights", "Related Stories", "Latest Videos"])
def test_section_labels_are_not_names(label: str) -> None:
    assert parse_byline(label).authors == []
