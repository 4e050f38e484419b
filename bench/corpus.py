# ruff: noqa: E501  (template grammar: one sentence template per line reads best)
"""Seeded synthetic news corpus in every input shape, with the ground truth planted beside it.

Usage: .venv/bin/python bench/corpus.py OUT_DIR --count N [--seed S] [--per-folder 1000]

Every document is a pure function of ``(seed, index)``: an invented event (place, people,
organisations, date) is rendered by a small template grammar as one of five shapes:

- ``text``: plain text export, inline photo captions ending in an agency credit "(AP)", a
  ``Source: domain`` footer;
- ``markdown``: page export with kicker, ``# title``, standfirst, 📷 caption with credit, byline,
  date line, newsletter block, "More on this story" teasers with "1d ago", "Most viewed";
- ``wordpress``: "By NAME" in capitals, a dateline, subheadings, an empty trailing heading and
  "Exit mobile version";
- ``regional``: masthead, "... News Network" staff credit, "City, Month D, YYYY:" dateline, a lone
  caption word, nbsp-only lines;
- ``html``: nav, figure/figcaption/credit, related list, newsletter box, og:site_name,
  article:published_time.

About 8% of documents are near-duplicates of an earlier one (a paragraph cut or added, a figure
changed, often in another shape) and about 22% are another outlet's write-up of an earlier
event (same cast, new wording): duplicate groups and story groups. Files are written one at a
time into folders of ``per_folder`` files; ``truth.jsonl`` gets one line per file (same order):
``path``, ``shape``, ``title``, ``authors``, ``published_at``, ``published_precision``,
``paragraphs``, ``removed`` (``[kind, text]``), ``outlet``, ``duplicate_group``, ``story``.
Nothing is held in memory beyond one document (a copy regenerates its original).
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

GENERATOR_VERSION = "1"
SHAPES = ("text", "markdown", "wordpress", "regional", "html")
SHAPE_EXT = {"text": "txt", "markdown": "md", "wordpress": "txt", "regional": "txt", "html": "html"}
DUPLICATE_SHARE = 0.08
STORY_SHARE = 0.22
LOOKBACK = 400  # copies and follow-ups refer to one of the previous LOOKBACK documents
_ALTERNATION = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")  # "[a|b|c]": one of the options

FIRST = [
    "Oskar",
    "Lena",
    "Tamsin",
    "Idris",
    "Maren",
    "Corin",
    "Yusra",
    "Bettina",
    "Anselm",
    "Rhiannon",
    "Dario",
    "Nadia",
    "Emeka",
    "Sunniva",
    "Hollis",
    "Ines",
    "Teodor",
    "Wren",
    "Farah",
    "Casimir",
    "Delphine",
    "Ruairi",
    "Odile",
    "Piet",
    "Zofia",
    "Arjun",
    "Mireille",
    "Bram",
    "Celeste",
    "Joaquim",
    "Kalinda",
    "Lorcan",
    "Signe",
    "Tobias",
    "Vesna",
    "Anouk",
    "Benedikt",
    "Ilse",
    "Matthias",
    "Oona",
    "Priscilla",
    "Hamza",
    "Greta",
    "Leopold",
    "Amara",
    "Soren",
    "Noor",
    "Felix",
    "Ottilie",
    "Rafael",
]
SURNAME_A = [
    "Hal",
    "Bren",
    "Vos",
    "Kell",
    "Mor",
    "Ashe",
    "Lind",
    "Tor",
    "Quill",
    "Dun",
    "Fenn",
    "Gar",
    "Holt",
    "Ives",
    "Marr",
    "Pell",
    "Rook",
    "Strand",
    "Wick",
    "Yar",
    "Ebb",
    "Cald",
    "Dray",
    "Orm",
    "Thal",
]
SURNAME_B = [
    "ner",
    "strom",
    "wood",
    "by",
    "ford",
    "ley",
    "stead",
    "ton",
    "hart",
    "well",
    "ridge",
    "combe",
    "gard",
    "mere",
    "lowe",
    "vik",
    "holm",
    "sen",
    "dale",
    "croft",
]
TOWN_A = [
    "Ash",
    "Bram",
    "Cor",
    "Dun",
    "Eld",
    "Fal",
    "Gris",
    "Hal",
    "Kes",
    "Lor",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Quen",
    "Rav",
    "Sel",
    "Tarn",
    "Ul",
    "Ver",
    "Wend",
    "Yell",
]
TOWN_B = [
    "mouth",
    "bridge",
    "haven",
    "holm",
    "wick",
    "ford",
    "minster",
    "by",
    "stow",
    "field",
    "port",
    "ton",
    "ley",
    "dale",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NUMBER_WORDS = [
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
]

# Topic vocabularies: who acts, over what, and the words the grammar slots in.
TOPICS: list[dict[str, list[str] | str]] = [
    {
        "kicker": "Industrial action",
        "action": ["strike", "walkout", "stoppage"],
        "group": ["crane operators", "bus drivers", "refuse collectors", "ferry crews"],
        "issue": ["automation plans", "a pay offer", "shift patterns", "pension changes"],
        "thing": ["the pay offer", "the new rota", "the automation plan", "the pension scheme"],
        "org": ["{town} Transport Workers' Union", "{town} Port Authority", "{sur} Logistics"],
        "heads": [
            "Talks Break Down",
            "Pickets at the Gate",
            "Employers Respond",
            "What Happens Now",
        ],
    },
    {
        "kicker": "Flooding",
        "action": ["flood", "storm surge", "downpour"],
        "group": ["residents", "shopkeepers", "farmers", "families"],
        "issue": ["flood defences", "drainage repairs", "insurance payouts", "river dredging"],
        "thing": [
            "the flood wall",
            "the drainage scheme",
            "the emergency fund",
            "the pumping station",
        ],
        "org": ["{town} Borough Council", "{town} Water Board", "{sur} Civil Engineering"],
        "heads": [
            "Streets Under Water",
            "Clean-up Begins",
            "Questions for the Council",
            "Help Available",
        ],
    },
    {
        "kicker": "Local politics",
        "action": ["budget vote", "council vote", "spending review"],
        "group": ["councillors", "ratepayers", "library users", "tenants"],
        "issue": ["library closures", "parking charges", "a housing levy", "school transport"],
        "thing": ["the budget", "the levy", "the spending plan", "the closure list"],
        "org": ["{town} Borough Council", "{town} Residents' Association", "{sur} Property Group"],
        "heads": [
            "A Narrow Majority",
            "Opposition Warns of Cuts",
            "Residents Pack the Gallery",
            "Next Steps",
        ],
    },
    {
        "kicker": "Business",
        "action": ["factory closure", "takeover", "round of job cuts"],
        "group": ["workers", "apprentices", "suppliers", "engineers"],
        "issue": ["redundancy terms", "the sale of the site", "relocation costs", "lost orders"],
        "thing": ["the takeover bid", "the redundancy package", "the rescue plan", "the site sale"],
        "org": ["{sur} Industries", "{town} Chamber of Commerce", "{sur} & {sur2} Holdings"],
        "heads": [
            "Shock on the Shop Floor",
            "A Rescue Bid",
            "Suppliers Count the Cost",
            "Looking for Buyers",
        ],
    },
    {
        "kicker": "Health",
        "action": ["ward closure", "hospital merger", "clinic overhaul"],
        "group": ["nurses", "patients", "paramedics", "carers"],
        "issue": ["waiting times", "staff shortages", "the night service", "ambulance delays"],
        "thing": ["the merger plan", "the new ward", "the recruitment drive", "the night clinic"],
        "org": ["{town} General Hospital", "{town} Health Trust", "{sur} Care Partners"],
        "heads": [
            "Patients Wait Longer",
            "Staff Speak Out",
            "Trust Defends Plan",
            "A Review Ordered",
        ],
    },
    {
        "kicker": "Environment",
        "action": ["wildfire", "heathland fire", "forest blaze"],
        "group": ["firefighters", "walkers", "landowners", "volunteers"],
        "issue": ["fire breaks", "water supplies", "evacuation routes", "grazing rules"],
        "thing": ["the evacuation order", "the fire break", "the recovery fund", "the grazing ban"],
        "org": ["{town} Fire and Rescue Service", "{town} Heath Trust", "{sur} Forestry"],
        "heads": [
            "Crews Work Through the Night",
            "Homes Evacuated",
            "How the Fire Spread",
            "Recovery Plans",
        ],
    },
    {
        "kicker": "Transport",
        "action": ["bridge closure", "rail upgrade", "bypass project"],
        "group": ["commuters", "hauliers", "cyclists", "bus passengers"],
        "issue": ["diversion routes", "ticket prices", "construction delays", "a toll plan"],
        "thing": ["the bridge repair", "the bypass", "the new timetable", "the toll"],
        "org": ["{town} Highways Agency", "{sur} Rail Contractors", "{town} Commuters' Group"],
        "heads": [
            "Long Diversions",
            "Contractors Blame Weather",
            "Traders Worried",
            "Reopening Date Set",
        ],
    },
    {
        "kicker": "Science",
        "action": ["research finding", "field survey", "laboratory study"],
        "group": ["researchers", "students", "anglers", "beekeepers"],
        "issue": ["declining eel numbers", "soil acidity", "a rare beetle", "coastal erosion"],
        "thing": ["the survey", "the study", "the sampling programme", "the data"],
        "org": [
            "{town} Institute of Marine Studies",
            "University of {town}",
            "{sur} Field Station",
        ],
        "heads": ["What the Team Found", "Doubts Over Method", "Wider Lessons", "More Work Needed"],
    },
]

ROLES = [
    "chief executive of {org}",
    "a spokesperson for {org}",
    "chair of {org}",
    "a director at {org}",
    "the secretary of {org}",
    "a senior official at {org}",
]
LOCAL_ROLES = ["a resident of {town}", "who runs a cafe in {town}", "a {group_one} from {town}"]
SENTENCES = [
    "{person}, {role}, [said|told reporters|confirmed] {thing} had been [discussed|debated|raised] at {num_word} [meetings|sessions|hearings] since {month}.",
    "[About|Roughly|More than|Nearly] {n} {group} in {town} were [affected|caught up|hit] on {day}, [according to|citing|based on] figures from {org}.",
    '"{quote}," [said|added|insisted] {person}.',
    '"{quote}," {surname} [told reporters|said|told a crowd] [outside|near|at] {venue} on {day}.',
    "{org} said [in a statement|on {day}|late on {day}|in a letter to {group}] that it {stance} {thing} and would {next_step}.",
    "The {action} is the {ordinal} [in|to hit|seen in] {town} since {year_past}, when {group} {past_event}.",
    "{surname} [said|estimated|claimed] the cost of {issue} had [risen|climbed|grown] to {money} [this year|since {month}|in {year_past2}], [up from|compared with|against] {money2}.",
    "[Critics|Opponents|Campaigners], [including|among them|led by] {person} of {org2}, [said|argued|claimed] {thing} {criticism}.",
    "By {day} [evening|afternoon|night] {n2} {group} had [signed|backed|put their names to] a [letter|petition|motion] asking {org} to {demand}.",
    "{org2} said it had [not been consulted|heard nothing|been left out] [on|over|about] {thing} and {reaction}.",
    "A [meeting|round of talks|hearing] between {org} and {org2} [is due|is expected|has been called] [on|for|next] {day}, {surname} [confirmed|said|added].",
    "[Figures|A survey|Data] [seen by this newspaper|published on {day}|from {org2}] [suggest|shows|indicate] {pct} per cent of {group} {finding}.",
    '"{quote2}," [said|added] {local}, {local_role}.',
    "{surname} [added|warned|said] that {thing} could {outcome} [unless|if no] [agreement|deal|compromise] [was reached|emerged|was found] by {month}.",
    "[Traders|Shops|Cafes|Pubs] near {venue} [reported|described|complained of] {biz_effect} during the {action}.",
    "In {year_past} a [similar|comparable|bitter] dispute over {issue} [lasted|dragged on for|ran for] {num_word} [weeks|months] in {town}.",
]
QUOTE_SUBJECTS = [
    "Nobody",
    "Not one person",
    "None of the managers",
    "No one at {org}",
    "Hardly anyone",
    "Nobody in {town}",
]
QUOTE_VERBS = ["asked", "consulted", "listened to", "spoke to", "wrote to", "thought about"]
QUOTE_OBJECTS = [
    "the people who do the work",
    "the families on our street",
    "the {group}",
    "anyone outside the office",
    "those of us who live here",
]
QUOTE_TAILS = [
    "before deciding",
    "until it was too late",
    "at any point this year",
    "and now we pay the price",
    "even once",
    "when it mattered",
]
QUOTES = ["{q_subject} {q_verb} {q_object} {q_tail}"]
QUOTES2 = [
    "[My neighbours and I|We|Half the street] have lost count of the [letters|emails|complaints] we have [written|sent]",
    "I had to close for [most of the week|three days|a fortnight] and nobody has offered to cover [that|the loss|it]",
    "We only found out from a [notice|poster|leaflet] [taped to|pinned on|left at] the [door|gate|library]",
    "I support the plan in principle but the timing [could hardly be worse|is terrible|is baffling]",
    "Everyone [on our street|I know|in the village] is worried about [next winter|the bills|what happens next]",
]
STANCES = [
    "remained committed to",
    "was reviewing",
    "stood by",
    "had paused work on",
    "would revise",
]
NEXT_STEPS = [
    "publish a revised timetable within a fortnight",
    "hold a public meeting next month",
    "ask an independent panel to review the figures",
    "set out its position in writing",
]
CRITICISMS = [
    "had been rushed through without proper scrutiny",
    "left too many questions unanswered",
    "relied on figures that were years out of date",
    "would hit the poorest households hardest",
]
REACTIONS = [
    "called for the decision to be delayed",
    "would seek legal advice",
    "planned to raise the matter at the next full meeting",
    "was considering its options",
]
DEMANDS = [
    "reopen negotiations",
    "publish its cost estimates",
    "hold an independent review",
    "halt the plan",
]
OUTCOMES = [
    "be delayed until next year",
    "cost far more than planned",
    "be scrapped altogether",
    "need fresh approval",
]
FINDINGS = [
    "had waited longer than the national average",
    "said they had not been told of the change",
    "expected conditions to get worse",
    "backed a fresh vote on the plan",
]
PAST_EVENTS = [
    "held a week of protests",
    "won a partial concession",
    "forced a public inquiry",
    "staged a one-day stoppage",
]
BIZ_EFFECTS = [
    "a sharp fall in trade",
    "cancelled bookings",
    "deliveries held up for days",
    "empty tables at lunchtime",
]
VENUES = [
    "the town hall",
    "the north gate",
    "the civic centre",
    "the main depot",
    "the railway station",
    "the harbour office",
]
ORDINALS = ["second", "third", "fourth", "first"]
TITLES = [
    "{Town} {group} {action} over {issue} enters {day_word} day",
    "{Org} faces pressure as {group} in {Town} demand answers on {issue}",
    "{action_cap} in {Town}: {group} say {thing} {criticism_short}",
    "{Town} {group} warn of {consequence} after {action}",
    "{Surname} calls for review of {thing} as {action} hits {Town}",
]
CRITICISM_SHORT = ["was rushed", "goes too far", "ignores the facts", "comes too late"]
CONSEQUENCES = ["months of disruption", "higher bills", "job losses", "a long winter"]
DAY_WORDS = ["second", "third", "fourth", "fifth"]
STANDFIRSTS = [
    "{Org} says it will respond within a week, while {group} promise to keep up the pressure",
    "{Surname} says the dispute over {issue} has exposed deep mistrust in {Town}",
    "Talks between {org} and {org2} are expected to resume on {day}",
]
CAPTIONS = [
    "{Group} gather outside {venue} in {Town} on {day}",
    "{Surname} speaks to reporters in {Town} on {day} morning",
    "A view of {venue} in {Town} during the {action}",
    "Volunteers hand out leaflets near {venue} in {Town}",
]
AGENCIES = ["AP", "PA", "Reuters", "AFP via Getty Images", "EPA"]
PHOTO_AGENCIES = ["Getty Images", "PA", "Reuters", "Alamy"]
TEXT_FOOTERS = [
    ("independent.co.uk", "independent"),
    ("reuters.com", "reuters"),
    ("apnews.com", "ap"),
    ("bbc.co.uk", "bbc"),
    ("valleyherald.example", None),
]
MD_NEWSLETTERS = [
    ("First Edition", "guardian"),
    ("Morning Mail", "guardian"),
    ("Down to Earth", "guardian"),
]
MD_NEWSLETTER_BLURBS = [
    "A short weekday briefing on the stories that shaped the day, written by our editors",
    "The main headlines and one longer read, in your inbox before breakfast",
]
REGIONAL_MASTHEADS = [("mangalore today", "Mangalore Today", "mangalore_today")]
HTML_SITES = [
    ("Reuters", "www.reuters.com", "reuters"),
    ("BBC News", "www.bbc.co.uk", "bbc"),
    ("The Washington Post", "www.washingtonpost.com", "washington_post"),
    ("The Fenmouth Courier", "www.fenmouthcourier.example", None),
    ("Kestrel Valley Times", "www.kestrelvalleytimes.example", None),
]
HTML_NAV = ["News", "Sport", "Business", "Opinion", "Culture", "Weather"]


@dataclass
class Event:
    """An invented news event: the cast every write-up of one story shares."""

    story: int
    topic: dict
    town: str
    people: list[tuple[str, str]]  # (full name, role)
    orgs: list[str]
    when: datetime
    words: dict[str, str]


@dataclass
class Draft:
    """One article before rendering: title, standfirst, authors, sections of paragraphs."""

    event: Event
    title: str
    standfirst: str
    authors: list[str]
    sections: list[tuple[str | None, list[str]]]  # (subheading or None, paragraphs)
    captions: list[str] = field(default_factory=list)
    edits: int = 0


def _rng(seed: int, index: int, salt: str) -> random.Random:
    return random.Random(f"{seed}:{salt}:{index}")


def _surname(rng: random.Random) -> str:
    return rng.choice(SURNAME_A) + rng.choice(SURNAME_B)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {_surname(rng)}"


def make_event(seed: int, story: int) -> Event:
    """The event of one story: pure function of (seed, story)."""
    rng = _rng(seed, story, "event")
    topic = rng.choice(TOPICS)
    town = rng.choice(TOWN_A) + rng.choice(TOWN_B)
    surnames = [_surname(rng) for _ in range(2)]
    orgs = [
        template.format(town=town, sur=surnames[0], sur2=surnames[1])
        for template in rng.sample(topic["org"], 3)
    ]
    people = [(_person(rng), rng.choice(ROLES).format(org=orgs[i % 2])) for i in range(3)]
    people.append((_person(rng), rng.choice(LOCAL_ROLES)))
    when = datetime(2019, 1, 1) + timedelta(minutes=rng.randrange(6 * 365 * 24 * 60))
    words = {k: rng.choice(topic[k]) for k in ("action", "group", "issue", "thing")}
    return Event(story, topic, town, people, orgs, when, words)


def _fill(rng: random.Random, event: Event, template: str) -> str:
    person, role = rng.choice(event.people[:3])
    local, local_role = event.people[3]
    topic, w = event.topic, event.words
    group = rng.choice([w["group"], w["group"], rng.choice(topic["group"])])
    values = {
        "person": person,
        "local": local,
        "surname": person.split()[-1],
        "role": role,
        "local_role": local_role.format(town=event.town, group_one=group.rstrip("s")),
        "org": event.orgs[0],
        "org2": event.orgs[1],
        "Org": event.orgs[rng.randrange(2)],
        "town": event.town,
        "Town": event.town,
        "group": group,
        "Group": group.capitalize(),
        "issue": w["issue"] if rng.random() < 0.7 else rng.choice(topic["issue"]),
        "thing": w["thing"],
        "action": w["action"],
        "action_cap": w["action"].capitalize(),
        "num_word": rng.choice(NUMBER_WORDS),
        "month": rng.choice(MONTHS),
        "day": rng.choice(DAYS),
        "n": f"{rng.randrange(40, 4000):,}",
        "n2": rng.randrange(12, 900),
        "quote": rng.choice(QUOTES),
        "quote2": rng.choice(QUOTES2),
        "venue": rng.choice(VENUES),
        "stance": rng.choice(STANCES),
        "next_step": rng.choice(NEXT_STEPS),
        "ordinal": rng.choice(ORDINALS),
        "year_past": rng.randrange(1990, 2018),
        "past_event": rng.choice(PAST_EVENTS),
        "money": f"£{rng.randrange(2, 90)}.{rng.randrange(10)}m",
        "money2": f"£{rng.randrange(1, 40)}.{rng.randrange(10)}m",
        "criticism": rng.choice(CRITICISMS),
        "reaction": rng.choice(REACTIONS),
        "demand": rng.choice(DEMANDS),
        "outcome": rng.choice(OUTCOMES),
        "pct": rng.randrange(11, 89),
        "finding": rng.choice(FINDINGS),
        "biz_effect": rng.choice(BIZ_EFFECTS),
        "criticism_short": rng.choice(CRITICISM_SHORT),
        "consequence": rng.choice(CONSEQUENCES),
        "day_word": rng.choice(DAY_WORDS),
        "Surname": event.people[0][0].split()[-1],
    }
    values.update(
        q_subject=rng.choice(QUOTE_SUBJECTS).format(org=event.orgs[0], town=event.town),
        q_verb=rng.choice(QUOTE_VERBS),
        q_object=rng.choice(QUOTE_OBJECTS).format(group=group),
        q_tail=rng.choice(QUOTE_TAILS),
        year_past2=rng.randrange(2019, 2025),
    )
    values["quote"] = values["quote"].format(**values)
    values["quote2"] = _ALTERNATION.sub(
        lambda m: rng.choice(m.group(1).split("|")), values["quote2"]
    )
    template = _ALTERNATION.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    text = template.format(**values)
    return text[0].upper() + text[1:]


def _paragraph(rng: random.Random, event: Event) -> str:
    templates = rng.sample(SENTENCES, rng.randint(2, 4))
    return " ".join(_fill(rng, event, template) for template in templates)


def make_draft(seed: int, index: int, event: Event) -> Draft:
    """A fresh write-up of ``event`` (300-1200 words), pure function of (seed, index)."""
    rng = _rng(seed, index, "draft")
    target = rng.randint(300, 1200)
    paragraphs: list[str] = []
    words = 0
    while words < target:
        paragraph = _paragraph(rng, event)
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    heads = rng.sample(event.topic["heads"], k=min(3, max(1, len(paragraphs) // 5)))
    sections: list[tuple[str | None, list[str]]] = [(None, paragraphs[:3])]
    rest = paragraphs[3:]
    step = max(1, -(-len(rest) // len(heads)))
    for n, head in enumerate(heads):
        chunk = rest[n * step : (n + 1) * step]
        if chunk:
            sections.append((head, chunk))
    authors = [_person(rng) for _ in range(rng.choice([1, 1, 1, 2]))]
    return Draft(
        event=event,
        title=_fill(rng, event, rng.choice(TITLES)),
        standfirst=_fill(rng, event, rng.choice(STANDFIRSTS)),
        authors=authors,
        sections=sections,
        captions=[_fill(rng, event, rng.choice(CAPTIONS)) for _ in range(2)],
    )


def near_copy(draft: Draft, rng: random.Random) -> Draft:
    """A revision or syndicated copy: one paragraph cut or added, one figure changed."""
    sections = [(head, list(paras)) for head, paras in draft.sections]
    _, paras = sections[-1]
    if rng.random() < 0.5 and len(paras) > 1:
        paras.pop(rng.randrange(len(paras)))
    else:
        paras.append(_paragraph(rng, draft.event))
    _, first = sections[0]
    first[0] = (
        first[0].replace(" on ", f" late on {rng.choice(DAYS)} or ", 1)
        if rng.random() < 0.3
        else first[0]
    )
    return Draft(
        draft.event, draft.title, draft.standfirst, draft.authors, sections, draft.captions, 1
    )


@dataclass
class Plan:
    """What document ``index`` is: its shape, its content's origin and its groups."""

    index: int
    shape: str
    story: int  # index of the first write-up of the event
    duplicate_group: int  # index of the original text
    source_index: int  # index whose draft this document renders (itself unless a copy)


def plan(seed: int, index: int) -> Plan:
    """Shape and group membership of document ``index``."""
    rng = _rng(seed, index, "plan")
    shape = SHAPES[rng.randrange(len(SHAPES))]
    roll = rng.random()
    if index > 0 and roll < DUPLICATE_SHARE:
        original = plan(seed, index - rng.randint(1, min(index, LOOKBACK)))
        return Plan(index, shape, original.story, original.duplicate_group, original.source_index)
    if index > 0 and roll < DUPLICATE_SHARE + STORY_SHARE:
        other = plan(seed, index - rng.randint(1, min(index, LOOKBACK)))
        return Plan(index, shape, other.story, index, index)
    return Plan(index, shape, index, index, index)


def draft_for(seed: int, p: Plan) -> Draft:
    """The draft of a planned document (copies regenerate their original and edit it)."""
    event = make_event(seed, p.story)
    draft = make_draft(seed, p.source_index, event)
    if p.source_index != p.index:
        draft = near_copy(draft, _rng(seed, p.index, "copy"))
    return draft


@dataclass
class Rendered:
    """A rendered file and its truth record."""

    text: str
    truth: dict


def _paragraphs(draft: Draft) -> list[str]:
    return [p for _, paras in draft.sections for p in paras]


def _title_case(text: str) -> str:
    small = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "over"}
    words = text.split()
    return " ".join(
        w if (i and w.lower() in small) or not w[0].isalpha() else w[0].upper() + w[1:]
        for i, w in enumerate(words)
    )


def _truth(draft: Draft, **fields: object) -> dict:
    base: dict = {
        "title": draft.title,
        "authors": list(draft.authors),
        "published_at": None,
        "published_precision": None,
        "paragraphs": _paragraphs(draft),
        "removed": [],
        "outlet": None,
    }
    base.update(fields)
    return base


def render_text(draft: Draft, rng: random.Random) -> Rendered:
    """Plain text: title, paragraphs, inline captions with an agency credit, a source footer."""
    domain, outlet = rng.choice(TEXT_FOOTERS)
    paras = _paragraphs(draft)
    lines = [draft.title, ""]
    removed = []
    spots = {min(len(paras) - 1, 2): 0, min(len(paras) - 1, 5): 1}
    for i, paragraph in enumerate(paras):
        lines += [paragraph, ""]
        if i in spots:
            caption = f"{draft.captions[spots[i]]} ({rng.choice(AGENCIES)})"
            lines += [caption, ""]
            removed.append(["caption", caption])
        if i == 3:
            lines += [" ", ""]
    footer = f"Source: {domain}"
    lines.append(footer)
    removed.append(["footer", footer])
    truth = _truth(draft, authors=[], removed=removed, outlet=outlet)
    return Rendered("\n".join(lines), truth)


def _md_inline(paragraph: str, town: str, rng: random.Random) -> str:
    if rng.random() < 0.3 and town in paragraph:
        paragraph = paragraph.replace(town, f"**{town}**", 1)
    if rng.random() < 0.3 and " the " in paragraph:
        head, tail = paragraph.split(" the ", 1)
        word, _, rest = tail.partition(" ")
        if word.isalpha() and rest:
            paragraph = f"{head} [the {word}](#) {rest}"
    return paragraph


def render_markdown(draft: Draft, rng: random.Random) -> Rendered:
    """Markdown page export in the shape of a big-outlet article page."""
    event, when = draft.event, draft.event.when
    newsletter, outlet = rng.choice(MD_NEWSLETTERS)
    credit = f"Photograph: {_person(rng)}/{rng.choice(PHOTO_AGENCIES)}"
    caption = f"📷 {draft.captions[0]}. {credit}"
    byline = " and ".join(draft.authors)
    if rng.random() < 0.5:
        byline += f" in {event.town}"
    date_line = f"{when:%a} {when.day} {when:%b %Y %H.%M} GMT"
    paras = _paragraphs(draft)
    cut = min(len(paras), 4)
    blurb = rng.choice(MD_NEWSLETTER_BLURBS)
    block = [
        f"### Sign up to **{newsletter}**",
        " Free newsletter",
        blurb,
        "Enter your email address",
        "Sign up",
    ]
    teasers = []
    for _ in range(2):
        other = make_event(rng.randrange(10**6), rng.randrange(10**6))
        teasers.append(_fill(rng, other, rng.choice(TITLES)))
    ages = [f"{rng.randint(1, 23)}h ago", f"{rng.randint(1, 6)}d ago"]
    lines = [
        "",
        "",
        f"**{event.topic['kicker']}**",
        "",
        f"# {draft.title}",
        "",
        draft.standfirst,
        "",
        "",
        "",
        caption,
        "",
        f"**{byline}**",
        "",
        date_line,
        "",
    ]
    for paragraph in paras[:cut]:
        lines += [_md_inline(paragraph, event.town, rng), ""]
    lines += [block[0], block[1], "", block[2], "", block[3], "", block[4], ""]
    for paragraph in paras[cut:]:
        lines += [_md_inline(paragraph, event.town, rng), ""]
    lines += [
        "## More on this story",
        "",
        teasers[0],
        "",
        ages[0],
        "",
        "",
        "",
        teasers[1],
        "",
        ages[1],
        "",
        "",
        "",
        "**Most viewed**",
    ]
    removed = [
        ["caption", caption[2:]],
        *(["newsletter", b.replace("**", "").lstrip("# ").strip()] for b in block),
    ]
    removed += [["related", "More on this story"], ["related", teasers[0]], ["related", ages[0]]]
    removed += [["related", teasers[1]], ["related", ages[1]], ["most_viewed", "Most viewed"]]
    truth = _truth(
        draft,
        published_at=f"{when:%Y-%m-%dT%H:%M}:00+00:00",
        published_precision="minute",
        removed=removed,
        outlet=outlet,
        standfirst=draft.standfirst,
    )
    return Rendered("\n".join(lines), truth)


def render_wordpress(draft: Draft, rng: random.Random) -> Rendered:
    """WordPress-style text: title case, capitalised byline, dateline, subheadings, trailer."""
    event, when = draft.event, draft.event.when
    title = _title_case(draft.title)
    day_precise = rng.random() < 0.6
    stamp = f"{when:%B} {when.day}, {when.year}" if day_precise else f"{when:%B %Y}"
    lines = [title, "", "By " + " and ".join(a.upper() for a in draft.authors), ""]
    first = True
    for head, paras in draft.sections:
        if head:
            lines += [_title_case(head), ""]
        for paragraph in paras:
            lines += [f"{stamp}, {event.town} – {paragraph}" if first else paragraph, ""]
            first = False
    trailing = _title_case(rng.choice(["What Comes Next", "Read More", "Related Coverage"]))
    lines += [trailing, "", "Exit mobile version"]
    day = when.replace(hour=0, minute=0) if day_precise else when.replace(day=1, hour=0, minute=0)
    truth = _truth(
        draft,
        title=title,
        published_at=f"{day:%Y-%m-%dT%H:%M}:00+00:00",
        published_precision="day" if day_precise else "month",
        removed=[["empty_heading", trailing], ["navigation", "Exit mobile version"]],
    )
    return Rendered("\n".join(lines), truth)


def render_regional(draft: Draft, rng: random.Random) -> Rendered:
    """Regional-site text: masthead, staff credit, 'City, Month D, YYYY:' dateline, stray lines."""
    event, when = draft.event, draft.event.when
    masthead, name, outlet = rng.choice(REGIONAL_MASTHEADS)
    lone = event.people[0][0].split()[-1]
    lines = [masthead, "", draft.title, "", "", f"{name} News Network", ""]
    first = True
    for n, (head, paras) in enumerate(draft.sections):
        if head:
            lines += [_title_case(head), ""]
        for paragraph in paras:
            lines += [
                f"{event.town}, {when:%B} {when.day}, {when.year}: {paragraph}"
                if first
                else paragraph,
                "",
            ]
            first = False
        if n == 0:
            lines += ["", lone, "", "\u00a0 ", ""]
        else:
            lines += ["\u00a0"]
    day = when.replace(hour=0, minute=0)
    truth = _truth(
        draft,
        authors=[],
        published_at=f"{day:%Y-%m-%dT%H:%M}:00+00:00",
        published_precision="day",
        removed=[["masthead", masthead], ["caption", lone]],
        outlet=outlet,
    )
    return Rendered("\n".join(lines), truth)


def render_html(draft: Draft, rng: random.Random) -> Rendered:
    """An article page: nav, figure with caption and credit, newsletter box, related list."""
    event, when = draft.event, draft.event.when
    site, host, outlet = rng.choice(HTML_SITES)
    e = html.escape
    slug = "-".join(draft.title.lower().split()[:6]).strip(":,")
    url = f"https://{host}/news/{when:%Y/%m}/{e(slug)}"
    stamp = f"{when:%Y-%m-%dT%H:%M}:00+00:00"
    credit = f"Photograph: {_person(rng)}/{rng.choice(PHOTO_AGENCIES)}"
    caption = draft.captions[0] + "."
    newsletter = f"Sign up to {event.town} Morning"
    blurb = "The day's local news in one short email, every weekday. Unsubscribe at any time."
    related = [
        _fill(rng, make_event(rng.randrange(10**6), rng.randrange(10**6)), rng.choice(TITLES))
        for _ in range(3)
    ]
    nav = rng.sample(HTML_NAV, 4)
    body: list[str] = []
    for n, (head, paras) in enumerate(draft.sections):
        if head:
            body.append(f"    <h2>{e(head)}</h2>")
        body += [f"    <p>{e(p)}</p>" for p in paras]
        if n == 0:
            body += [
                '    <aside class="newsletter-signup">',
                f"      <h3>{e(newsletter)}</h3>",
                f"      <p>{e(blurb)}</p>",
                "      <button>Sign up</button>",
                "    </aside>",
            ]
    page = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(draft.title)} | {e(site)}</title>",
        f'<meta property="og:site_name" content="{e(site)}">',
        f'<meta property="og:title" content="{e(draft.title)}">',
        f'<meta property="og:description" content="{e(draft.standfirst)}">',
        f'<meta property="og:url" content="{url}">',
        f'<meta property="article:published_time" content="{stamp}">',
        f'<meta name="author" content="{e(", ".join(draft.authors))}">',
        f'<link rel="canonical" href="{url}">',
        "</head>",
        "<body>",
        '<header class="masthead">',
        '  <nav class="site-nav"><ul>',
        "    " + "".join(f'<li><a href="/{w.lower()}">{w}</a></li>' for w in nav),
        "  </ul></nav>",
        "</header>",
        "<main>",
        "<article>",
        f"  <h1>{e(draft.title)}</h1>",
        '  <p class="byline">By '
        + " and ".join(
            f'<a rel="author" href="/staff/{a.lower().replace(" ", "-")}">{e(a)}</a>'
            for a in draft.authors
        )
        + "</p>",
        f'  <time datetime="{stamp}">{when:%a} {when.day} {when:%b %Y %H.%M} GMT</time>',
        '  <div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a></div>',
        "  <figure>",
        f'    <img src="/img/{event.story}.jpg" alt="{e(caption)}">',
        f'    <figcaption>{e(caption)} <span class="credit">{e(credit)}</span></figcaption>',
        "  </figure>",
        '  <div class="article-body">',
        *body,
        "  </div>",
        '  <section class="related-links">',
        "    <h3>Related stories</h3>",
        "    <ul>",
        *(f'      <li><a href="/news/{i}">{e(t)}</a></li>' for i, t in enumerate(related)),
        "    </ul>",
        "  </section>",
        "</article>",
        "</main>",
        f'<footer class="site-footer"><p>© {when.year} {e(site)}. All rights reserved.</p></footer>',
        "</body>",
        "</html>",
    ]
    removed = [
        ["nav", " ".join(nav)],
        ["caption", caption],
        ["credit", credit],
        ["newsletter", newsletter],
        ["newsletter", blurb],
        ["related", "Related stories"],
        *(["related", t] for t in related),
        ["share", "Share on Facebook"],
        ["footer", f"© {when.year} {site}. All rights reserved."],
    ]
    truth = _truth(
        draft,
        published_at=stamp,
        published_precision="minute",
        removed=removed,
        outlet=outlet,
        standfirst=draft.standfirst,
    )
    return Rendered("\n".join(page) + "\n", truth)


RENDERERS = {
    "text": render_text,
    "markdown": render_markdown,
    "wordpress": render_wordpress,
    "regional": render_regional,
    "html": render_html,
}


def document(seed: int, index: int) -> Rendered:
    """Document ``index`` of the corpus with seed ``seed``: its text and truth record."""
    p = plan(seed, index)
    draft = draft_for(seed, p)
    rendered = RENDERERS[p.shape](draft, _rng(seed, index, "render"))
    rendered.truth.update(
        index=index,
        shape=p.shape,
        duplicate_group=p.duplicate_group,
        story=p.story,
    )
    return rendered


def relative_path(index: int, shape: str, per_folder: int = 1000) -> str:
    """Where document ``index`` lives under the corpus folder."""
    return f"shard-{index // per_folder:04d}/doc-{index:07d}-{shape}.{SHAPE_EXT[shape]}"


def iter_documents(seed: int, count: int, per_folder: int = 1000) -> Iterator[tuple[str, Rendered]]:
    """(relative path, rendered document) for indices 0..count-1, one at a time."""
    for index in range(count):
        rendered = document(seed, index)
        yield relative_path(index, rendered.truth["shape"], per_folder), rendered


def write_corpus(out: Path, count: int, seed: int = 7, per_folder: int = 1000) -> dict:
    """Write ``count`` files plus ``truth.jsonl``, streaming; returns the manifest written last."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    total_bytes = 0
    shapes: dict[str, int] = dict.fromkeys(SHAPES, 0)
    with (out / "truth.jsonl").open("w", encoding="utf-8") as truth_file:
        for rel, rendered in iter_documents(seed, count, per_folder):
            path = out / rel
            path.parent.mkdir(exist_ok=True)
            data = rendered.text.encode("utf-8")
            path.write_bytes(data)
            total_bytes += len(data)
            shapes[rendered.truth["shape"]] += 1
            truth_file.write(json.dumps({"path": rel, **rendered.truth}, ensure_ascii=False) + "\n")
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "count": count,
        "seed": seed,
        "per_folder": per_folder,
        "bytes": total_bytes,
        "shapes": shapes,
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def load_manifest(out: Path) -> dict | None:
    """The manifest of a complete corpus folder, or None."""
    path = out / "manifest.json"
    return json.loads(path.read_text()) if path.is_file() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--per-folder", type=int, default=1000)
    args = parser.parse_args()
    manifest = write_corpus(args.out, args.count, args.seed, args.per_folder)
    print(json.dumps(manifest), file=sys.stdout)


if __name__ == "__main__":
    main()
