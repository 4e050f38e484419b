"""Bylines: raw credit lines into person names, an organisation credit and a location.

The vocabulary is data (``transforms/data/bylines.json``), keyed by ISO 639-1 code: "by"
prefixes (by, von, par, por, di, door, av, af, przez, ...), author labels ("Texte :", "Tekst:",
"作者："), photo/editing labels (dropped), co-credit markers (with, mit Material von, avec, con),
joiners (and, und, et, y, e, en, og, och, i, &, commas), place prepositions, roles and titles
in each language, news agencies and staff or house credits (both go to ``org``, never to
``authors``). A ``language`` narrows the vocabulary to that language plus English; without one,
all of it applies. URLs, e-mail addresses, handles and anything from the first digit run on
(glued dates and counters) are cut off; an outlet's own names and domains (``outlet_names``)
and bare domain names are never authors.

Libraries: nameparser title-cases names typed in capitals (Mc, Mac, O', particles) and supplies
the titles ("Dr.", "Prof.") and degree suffixes ("MA", "PhD", "MD") stripped around a name
(``nameparser.config.CONSTANTS``; generational suffixes such as "Jr." are kept: they belong to
the name). The rest is regular expressions compiled once per language from the data file.

Speed: 60-100 µs per ``parse_byline`` call (145 bylines: the shapes in the tests plus the
readability-dev author fields; best of 7 runs of CPU time on the shared 2-core machine at load
5), about 1.8 times the English-only parser it replaces. Vocabulary regexes are gated by a word
check (``_Gated``, ``may_hold_role``) so that most bylines never run the long alternations.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache

from nameparser import HumanName
from nameparser.config import CONSTANTS

from transforms.data_files import compile_pattern, load
from transforms.data_models import BylinesFile
from transforms.fields.dates import stamp_start
from transforms.fields.given_names import is_given_name
from transforms.text.markdown import strip_inline

_CJK = "\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK_NAME = re.compile(rf"[{_CJK}·・ ]+")
_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|@\w+", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_SKIPPED = "\u2063"  # marks the name a photo, video or editing role followed ("(photos)")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|<\s*>")
_INNER_PARENS = re.compile(r"\(([^()\d]*)\)(?=\s*[^\W\d_][\w'’-]*\s*(?:$|[,;|/]))")
_SEPARATORS = re.compile(r"\s*(?:[,;|•·/()\[\]<>]|\s[–—-]\s|^[–—-]\s|\s[–—-]$)\s*")
_DOMAIN = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)
_LOWER_NAME_PREFIX = re.compile(r"^(?:al|el|ad|as|an|ar|at|az|ben|d|l)[-'’]\w", re.IGNORECASE)
_ABBREVIATED_END = re.compile(r"(?:\b[A-Z][a-z]{0,2}\.|\b(?:[A-Z]\.)+)$")
_NAME_MARKS = frozenset(".'’-")
_INITIALS = re.compile(r"(?:\w{1,2}\.)+(?:-\w{1,2}\.)?")
_MAX_LINE_WORDS = 16
ACRONYM_MAX_CHARS = 2  # "AP", "AA": a credit this short counts in capitals only
ROLE_PREFIX_WORDS = 2  # outlet words glued before a role ("eHow Contributor")
AFFILIATION_MAX_WORDS = 4  # "By Jane Roe, The Washington Post": the outlet after the names
_HAS_CJK = re.compile(f"[{_CJK}]")
_WORD_BREAK = re.compile(r"[\s,/-]+")
_REGEX_SYNTAX = re.compile(r"\\.|\(\?[:=!<]*|[^\W\d_]\?")
_LETTERS = re.compile(r"[^\W\d_]{3,}")
_WORDS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True, slots=True)
class Byline:
    """What a byline credits."""

    authors: list[str] = field(default_factory=list)
    org: str | None = None  # agency or staff credit
    location: str | None = None


@dataclass(frozen=True, slots=True)
class _Shared:
    agencies: dict[str, str]  # lower-case spelling -> canonical credit
    staff: re.Pattern[str]  # every staff-credit regex in one alternation
    honorifics: frozenset[str]
    dotted_honorifics: frozenset[str]
    particles: frozenset[str]
    not_name: frozenset[str]
    cjk_org_suffixes: tuple[str, ...]
    ambiguous_prefixes: frozenset[str]


def _words_of(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(w for phrase in phrases for w in _WORDS.findall(phrase.lower()))


def _words_in(text: str) -> frozenset[str] | None:
    """The lower-case words of ``text``; None for CJK text, which has no spaces to split at."""
    return None if _HAS_CJK.search(text) else frozenset(_WORDS.findall(text.lower()))


_BRACKETS = re.compile(r"\(\s*([^()]*?)\s*\)")  # a bracketed co-credit: "(with Jane Roe)"


@dataclass(frozen=True, slots=True)
class _Gated:
    """A vocabulary regex run only when the text holds one of its words (or CJK text, or
    ``always``): most bylines hold none, and the long alternations are the cost of a parse."""

    pattern: re.Pattern[str]
    words: frozenset[str]
    always: str = ""

    def _open(self, text: str) -> bool:
        if self.always and self.always in text:
            return True
        words = _words_in(text)
        return words is None or not self.words.isdisjoint(words)

    def match(self, text: str) -> re.Match[str] | None:
        return self.pattern.match(text) if self._open(text) else None

    def sub(self, repl: str, text: str) -> str:
        return self.pattern.sub(repl, text) if self._open(text) else text

    def split(self, text: str) -> list[str]:
        return self.pattern.split(text) if self._open(text) else [text]

    def finditer(self, text: str) -> list[re.Match[str]]:
        return list(self.pattern.finditer(text)) if self._open(text) else []


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """The patterns of one language selection."""

    by: _Gated
    by_only: _Gated  # a by-word or label on a line of its own ("By\n Jane Roe")
    label: _Gated
    skip_label: _Gated
    inline_skip: _Gated  # before "Edited by", "Foto:" inside a line: a new segment
    skip_role: _Gated  # "(photography)" after a name: a photo, video or editing credit
    source_label: _Gated
    co_credit: _Gated
    joiner: _Gated
    joiner_words: frozenset[str]
    place: _Gated
    copula: _Gated
    role: re.Pattern[str]
    lead_role: re.Pattern[str]
    trail_role: re.Pattern[str]
    role_place: re.Pattern[str]
    lenient_prefixes: frozenset[str]  # ambiguous prefixes that the chosen languages own
    role_stems: frozenset[str]  # every word of the role regexes, optional endings cut

    def may_hold_role(self, text: str) -> bool:
        """False when no word of ``text`` starts with a role word: the role regexes, the
        slowest part of a parse, cannot match then. CJK text is always checked."""
        if _HAS_CJK.search(text):
            return True
        stems = self.role_stems
        return any(
            word[:n] in stems
            for word in _WORD_BREAK.split(text.lower())
            for n in range(3, len(word) + 1)
        )


@dataclass(slots=True)
class _Parse:
    authors: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    agencies: int = 0
    staff_roles: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    location: str | None = None
    explicit_place: bool = False
    prefixed: bool = False
    unknown: int = 0
    single: bool = False  # a one-word name counts
    lower: bool = False  # the whole byline is lower case
    outlets: frozenset[str] = frozenset()  # keys of the page's outlet names and domains

    def is_site(self, text: str) -> bool:
        if self.outlets and _key(text) in self.outlets:
            return True
        return "." in text and _DOMAIN.match(text) is not None

    def person(self, text: str) -> str | None:
        return _person(text, single=self.single, lower=self.lower)

    def byline(self) -> Byline:
        orgs = self.orgs or ([] if self.authors else self.staff_roles)
        if not (orgs or self.authors):
            orgs = self.sites[:1]
        return Byline(self.authors, ", ".join(dict.fromkeys(orgs)) or None, self.location)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _shared() -> _Shared:
    data = load(BylinesFile)
    return _Shared(
        agencies={
            spelling.lower(): canonical
            for canonical, spellings in data.agencies.items()
            for spelling in spellings
        },
        staff=compile_pattern("|".join(f"(?:{p})" for p in data.staff_credits), "i"),
        honorifics=frozenset(data.honorifics),
        dotted_honorifics=frozenset(data.dotted_honorifics),
        particles=frozenset(data.name_particles),
        not_name=frozenset(data.not_name_words),
        cjk_org_suffixes=tuple(data.cjk_org_suffixes),
        ambiguous_prefixes=frozenset(data.ambiguous_prefixes),
    )


def _vocabulary(language: str | None) -> _Vocabulary:
    """The patterns for a language tag ("de", "pt-BR"); every language for None or unknown."""
    data = load(BylinesFile)
    code = (language or "").lower().replace("_", "-").split("-")[0]
    code = data.language_aliases.get(code, code)
    return _compile_vocabulary(code if code in data.languages else "")


@cache
def _compile_vocabulary(code: str) -> _Vocabulary:
    table = {
        lang: entry.model_dump(by_alias=True) for lang, entry in load(BylinesFile).languages.items()
    }
    chosen = [table[code], table["en"]] if code in table else list(table.values())

    def words(*keys: str) -> list[str]:
        return [w for key in keys for lang in chosen for w in lang[key]]

    def gated(pattern: str, *keys: str) -> _Gated:
        return _Gated(re.compile(pattern, re.IGNORECASE), _words_of(words(*keys)))

    roles = "(?:" + "|".join(words("roles")) + ")"
    places = _alternation(w for w in words("places") if w not in _shared().particles)
    cjk_gap = rf"(?:\s+|(?<=[{_CJK}]))"
    joiners = _alternation(words("joiners", "with"))
    skips = _alternation(words("skip_labels"))
    long_skips = _alternation(w for w in words("skip_labels") if " " in w)
    flags = re.IGNORECASE
    return _Vocabulary(
        by=gated(rf"^(?P<word>{_alternation(words('by'))})\s*[:：]?\s+(?=\S)", "by"),
        by_only=gated(rf"^(?:{_alternation(words('by', 'labels'))})\s*[:：]?$", "by", "labels"),
        label=gated(rf"^(?:{_alternation(words('labels'))})\s*[:：]\s*", "labels"),
        skip_label=gated(
            rf"^(?:(?:\S+\s+)?(?:{skips})(?:\s*[:：]|\s)|(?:{skips})$)", "skip_labels"
        ),
        inline_skip=gated(rf"\s+(?=(?:{long_skips})\s|(?:{skips})\s*[:：])", "skip_labels"),
        skip_role=gated(rf"\s*\(\s*(?:{skips})\s*\)", "skip_labels"),
        source_label=gated(
            rf"^(?:{_alternation(words('source_labels')) or '(?!)'})\s*[:：]\s*", "source_labels"
        ),
        co_credit=gated(rf"^(?:{joiners})\s+", "joiners", "with"),
        joiner=_Gated(
            re.compile(
                rf"\s+(?:{joiners})\s+|\s*[&、]\s*|(?<=[{_CJK}])(?:和|与|與)(?=[{_CJK}])", flags
            ),
            _words_of(words("joiners", "with")),
            always="&",
        ),
        joiner_words=frozenset(w.lower() for w in words("joiners")),
        place=gated(rf"^(?P<name>.+?)\s+(?P<prep>{places})\s+(?P<place>\S.*)$", "places"),
        copula=gated(
            rf"^(?P<name>.+?)\s+(?:{_alternation(words('copulas')) or '(?!)'})\s+\S", "copulas"
        ),
        role=re.compile(roles, flags),
        lead_role=re.compile(rf"^{roles}(?:\s+|(?=[{_CJK}]))(?P<rest>.+)$", flags),
        trail_role=re.compile(rf"^(?P<rest>.+?){cjk_gap},?\s*{roles}$", flags),
        role_place=re.compile(rf"^{roles}\s+(?:{places})\s+(?P<place>\S.*)$", flags),
        lenient_prefixes=frozenset(w for w in words("by") if code in table)
        & _shared().ambiguous_prefixes,
        role_stems=frozenset(
            stem.lower()
            for fragment in words("roles")
            for stem in _LETTERS.findall(_REGEX_SYNTAX.sub(" ", fragment))
        ),
    )


def title_case_name(name: str) -> str:
    """Title-case a name typed in capitals or lower case (Mc, Mac, O', hyphens, particles)."""
    if not (name.isupper() or name.islower()):
        return name
    human = HumanName(name)
    human.capitalize(force=True)
    return str(human) or name


def agency_credit(text: str) -> str | None:
    """The canonical agency for a credit such as "AP", "The Associated Press" or "EFE".

    Two-letter acronyms count in capitals only ("AA" is Anadolu, "Aa" a font-size button)."""
    text = text.strip()
    canonical = _shared().agencies.get(text.lower())
    if canonical is None or len(text) > ACRONYM_MAX_CHARS:
        return canonical
    return canonical if text.isupper() else None


def is_staff_credit(text: str) -> bool:
    """True for house credits: "... News Network", "Staff Writer", "Redaktion", "Rédaction"."""
    return _shared().staff.fullmatch(text.strip()) is not None


def _name_token(token: str) -> bool:
    """A capitalised (or caseless-script) word, initial or "al-"/"d'" form; no stop word."""
    if token.lower() in _shared().not_name or not token[0].isalpha():
        return False
    if not all(c.isalpha() or c in _NAME_MARKS for c in token):
        return False
    dotted = "." in token[:-1] or (len(token) > 4 and token.endswith("."))
    if dotted and not _INITIALS.fullmatch(token):
        return False
    first = token[0]
    return first.isupper() or not first.islower() or bool(_LOWER_NAME_PREFIX.match(token))


def _is_honorific(token: str) -> bool:
    base = token.lower().rstrip(".")
    shared = _shared()
    if base in shared.honorifics:
        return True
    dotted = token.endswith(".") and len(base) > 1
    return dotted and (base in shared.dotted_honorifics or base in CONSTANTS.titles)


def _is_degree(token: str) -> bool:
    """A degree or post-nominal (MA, PhD, M.D.), but not a capitalised word ("Am")."""
    base = token.lower().replace(".", "")
    written_as_acronym = token.isupper() or "." in token or not token[1:].islower()
    return bool(base) and base in CONSTANTS.suffix_acronyms and written_as_acronym


def _cjk_person(text: str) -> str | None:
    compact = text.replace(" ", "")
    shared = _shared()
    if compact in shared.not_name or compact.endswith(shared.cjk_org_suffixes):
        return None
    if 2 <= len(compact) <= 12:
        return text.strip()
    return None


def _person(text: str, *, single: bool, lower: bool = False) -> str | None:
    """The name in ``text`` with titles and degrees stripped, or None when it is no name.

    Capitals are title-cased; lower case only when the whole byline was (``lower``).
    """
    text = text.strip(" \"'‘’“”")
    if not text or any(c.isdigit() for c in text):
        return None
    if _CJK_NAME.fullmatch(text):
        return _cjk_person(text)
    if " " not in text and (lower or (text.isupper() and len(text) <= 4)):
        return None  # a user name ("admin", "jroe") or an acronym ("CNN")
    shared = _shared()
    if text.isupper() or (lower and text.islower()):
        text = title_case_name(text)
    tokens = text.split()
    while len(tokens) > 1 and _is_honorific(tokens[0]):
        tokens.pop(0)
    while len(tokens) > 1 and _is_degree(tokens[-1]):
        tokens.pop()
    if not 1 <= len(tokens) <= 7 or (len(tokens) == 1 and not single):
        return None
    for i, token in enumerate(tokens):
        if token.islower() and token in shared.particles:
            if i in (0, len(tokens) - 1):
                return None
        elif not _name_token(token):
            return None
    if all(len(token.rstrip(".")) < 2 for token in tokens):
        return None  # initials only
    return " ".join(tokens)


def _place(text: str) -> str | None:
    text = text.strip()
    text = title_case_name(text) if text.isupper() else text
    tokens = text.split()
    shared = _shared()
    if not 1 <= len(tokens) <= 4 or any(c.isdigit() for c in text):
        return None
    for token in tokens:
        if not (token.islower() and token in shared.particles) and not _name_token(token):
            return None
    return text


def _key(text: str) -> str:
    return "".join(c for c in text.casefold().removeprefix("www.") if c.isalnum())


@lru_cache(maxsize=1024)
def _outlet_keys(outlet_names: frozenset[str]) -> frozenset[str]:
    keys: set[str] = set()
    for name in outlet_names:
        keys.add(_key(name))
        if _DOMAIN.match(name.strip()):
            labels = name.strip().lower().removeprefix("www.").split(".")
            stem = labels[-3] if len(labels) > 2 and labels[-2] in {"co", "com", "org"} else None
            keys.add(stem or labels[-2])
    keys.discard("")
    return frozenset(keys)


def _strip_prefix(text: str, vocab: _Vocabulary) -> tuple[str, bool]:
    """``text`` without a leading label ("Texte :") or by-word ("Von", "Par"), and whether
    one was there. Ambiguous words ("di", "da") go only before two names or in their language.
    """
    stripped = False
    if label := vocab.label.match(text):
        text, stripped = text[label.end() :], True
    if by := vocab.by.match(text):
        rest = text[by.end() :]
        word = by.group("word").lower()
        tokens = rest.split()
        particle_next = tokens[0] in _shared().particles
        clear = word not in _shared().ambiguous_prefixes or word in vocab.lenient_prefixes
        if not particle_next and (clear or len(tokens) >= 2):
            text, stripped = rest, True
    return text, stripped


def _classify(piece: str, parse: _Parse, vocab: _Vocabulary) -> None:
    """Add one joiner-free piece to ``parse`` as a credit, an author, a role or unknown."""
    piece = piece.strip(" :-–—\"'“”‘’")
    if not piece:
        return
    if (agency := agency_credit(piece)) is not None:
        parse.orgs.append(agency)
        parse.agencies += 1
        return
    role_word = vocab.may_hold_role(piece)
    if is_staff_credit(piece):
        is_role = role_word and vocab.role.fullmatch(piece)
        (parse.staff_roles if is_role else parse.orgs).append(piece)
        return
    if parse.is_site(piece):
        parse.sites.append(piece)
        return
    if all(map(_is_degree, piece.split())):
        return
    if role_word:
        if vocab.role.fullmatch(piece):
            return
        if (placed := vocab.role_place.match(piece)) and (where := _place(placed["place"])):
            parse.location = parse.location or where  # "Korrespondent in Berlin"
            return
        if (match := vocab.lead_role.match(piece)) and parse.person(match["rest"]):
            piece = match["rest"]
        if match := vocab.trail_role.match(piece):
            named = _name_before_role(match["rest"], parse)
            if named is None and len(match["rest"].split()) <= ROLE_PREFIX_WORDS:
                return  # "eHow Contributor": the outlet's role credit, no name in it
            piece = named or piece
    if name := parse.person(piece):
        parse.authors.append(name)
    else:
        parse.unknown += 1


def _name_before_role(rest: str, parse: _Parse) -> str | None:
    """The name in front of a role, past an outlet glued before it ("Jane Roe CNN" in
    "Jane Roe CNN Correspondent", "Lucy Akins eHow")."""
    tokens = rest.split()
    if not rest.isupper() and all(map(_outlet_like, tokens)):
        return None  # "TechCrunch": the outlet alone
    for cut in range(max(0, min(ROLE_PREFIX_WORDS, len(tokens) - 2)), -1, -1):
        head, tail = tokens[: len(tokens) - cut], tokens[len(tokens) - cut :]
        if cut and (rest.isupper() or not all(map(_outlet_like, tail))):
            continue
        if name := parse.person(" ".join(head)):
            return name
    return None


def _outlet_like(token: str) -> bool:
    """An acronym ("CNN") or a brand in mixed case ("eHow", "TechCrunch")."""
    letters = [c for c in token if c.isalpha()]
    return len(letters) >= 2 and (
        token.isupper() or token[0].islower() or any(c.isupper() for c in token[1:])
    )


def _trailing_place(chunk: str, parse: _Parse, vocab: _Vocabulary) -> str | None:
    """The place in a last one-word chunk after names ("Anna Schmidt, Berlin")."""
    word = chunk.strip()
    if not parse.authors or " " in word or agency_credit(word) or _is_degree(word):
        return None
    if word.isupper() and len(word) <= 3:
        return None  # an acronym ("CNN"), not a place
    if (vocab.may_hold_role(word) and vocab.role.fullmatch(word)) or is_staff_credit(word):
        return None
    return _place(word)


def _chunk(chunk: str, parse: _Parse, vocab: _Vocabulary, *, last: bool) -> None:
    """One separator-free stretch: labels, co-credits, a place, then the joined names."""
    chunk = chunk.strip(" :-–—")
    if not chunk:
        return
    if source := vocab.source_label.match(chunk):
        credit = chunk[source.end() :]
        if agency_credit(credit) or is_staff_credit(credit):
            _classify(credit, parse, vocab)
        return
    chunk = vocab.co_credit.sub("", chunk)
    credit = agency_credit(chunk) or is_staff_credit(chunk) or parse.is_site(chunk)
    if credit or (vocab.may_hold_role(chunk) and vocab.role.fullmatch(chunk)):
        _classify(chunk, parse, vocab)
        return
    if (copula := vocab.copula.match(chunk)) and (name := parse.person(copula["name"])):
        parse.authors.append(name)
        parse.unknown += 1  # the rest is a biography, not a credit
        return
    placed = vocab.place.match(chunk)
    where = _place(placed["place"]) if placed else None
    if placed and where and (placed["prep"].lower() not in vocab.joiner_words or " " not in where):
        found = len(parse.authors) + len(parse.orgs)
        _chunk(placed["name"], parse, vocab, last=False)
        role = vocab.may_hold_role(placed["name"]) and vocab.role.fullmatch(placed["name"])
        if role or len(parse.authors) + len(parse.orgs) > found:
            parse.location, parse.explicit_place = parse.location or where, True
        return
    if last and (where := _trailing_place(chunk, parse, vocab)):
        parse.location = parse.location or where
        return
    if last and _affiliation(chunk, parse):
        parse.sites.append(chunk)  # "By Jane Roe, CNN": the outlet she writes for
        return
    for piece in vocab.joiner.split(chunk):
        _classify(piece, parse, vocab)


def _affiliation(chunk: str, parse: _Parse) -> bool:
    """An outlet named after the authors of a "by" line ("By Jane Roe, CNN", "..., The Times",
    "..., BBC News"): a short brand, acronym or "The ..." name that is not itself a person."""
    tokens = chunk.split()
    if not (parse.prefixed and parse.authors) or len(tokens) > AFFILIATION_MAX_WORDS:
        return False
    if not all(token[:1].isupper() or _outlet_like(token) for token in tokens):
        return False
    branded = _outlet_like(tokens[0]) or tokens[0] in {"The", "the"}
    return branded and parse.person(chunk) is None


def _inverted_tail(chunk: str) -> bool:
    """Given names after a comma in "Last, First" lists: initials ("F.") or "Michiel de"."""
    return bool(_INITIALS.fullmatch(chunk.replace(" ", ""))) or (
        " " in chunk and chunk.split()[-1] in _shared().particles
    )


def _uninvert(chunks: list[str]) -> list[str]:
    """ "Kooman, F., Jong, Michiel de" -> "F. Kooman", "Michiel de Jong"; others unchanged."""
    pairs = list(zip(chunks[::2], chunks[1::2], strict=False))
    if len(chunks) % 2 or not all(" " not in a and _inverted_tail(b) for a, b in pairs):
        return chunks
    return [f"{given} {family}" for family, given in pairs]


def _parse(
    raw: str, *, language: str | None, outlet_names: Collection[str], trusted: bool
) -> _Parse:
    vocab = _vocabulary(language)
    text = _URL.sub(" ", strip_inline(_LINE_BREAK.sub(" | ", raw)))
    digits = _DIGIT.search(text)
    stamp = stamp_start(text, (language,) if language else ()) if digits else None
    if stamp is not None:
        text, digits = text[:stamp], None  # a printed date glued to the names: not a name
    elif digits:
        text = text[: digits.start()]
    text = vocab.skip_role.sub(f" {_SKIPPED}", text)  # "Jane Roe (photos)": not an author
    text = _INNER_PARENS.sub(r" \1 ", _EMPTY_BRACKETS.sub(" ", text))
    text = vocab.inline_skip.sub(" | ", text)
    chunks = _SEPARATORS.split(text.strip(" |•·:-–—"))
    if digits and len(chunks) > 1:
        chunks.pop()  # the words glued to a date or counter ("| March 25")
    chunks = [c.strip() for c in chunks if c.strip()]
    chunks = _uninvert(chunks)
    parse = _Parse(
        unknown=int(bool(digits)),
        single=trusted and not digits,
        lower=text.islower(),
        outlets=_outlet_keys(frozenset(outlet_names)) if outlet_names else frozenset(),
    )
    skipping = False  # inside a photo or editing credit ("Photo: Jane Roe/Reuters")
    for i, chunk in enumerate(chunks):
        if vocab.skip_label.match(chunk):
            skipping = True
            continue
        if vocab.by_only.match(chunk) and not is_staff_credit(chunk):
            parse.prefixed = parse.single = not digits  # "By" on a line of its own
            skipping = False
            continue
        chunk, prefixed = _strip_prefix(chunk, vocab)
        if prefixed:
            parse.prefixed, skipping = True, False
            parse.single |= not digits  # "Von Heiko": the prefix says it is a byline
        if chunk.endswith(_SKIPPED):
            chunk = _before_last_name(chunk.removesuffix(_SKIPPED), vocab)
        if not skipping and chunk:
            _chunk(chunk, parse, vocab, last=i == len(chunks) - 1)
    return parse


def _before_last_name(chunk: str, vocab: _Vocabulary) -> str:
    """The names of a chunk before its last one ("Jane Roe and John Doe" -> "Jane Roe")."""
    joins = vocab.joiner.finditer(chunk)
    return chunk[: joins[-1].start()].strip() if joins else ""


def parse_byline(
    raw: str, *, language: str | None = None, outlet_names: Collection[str] = ()
) -> Byline:
    """Parse a byline ("By JANE McDONALD", "Von Anna Schmidt und Max Müller, Berlin", "AFP").

    ``raw`` is known to be a byline (an HTML author field or a header line that passed
    :func:`looks_like_byline`), so a single capitalised word ("Heiko") or a CJK name is an
    author. ``language`` (ISO 639-1, e.g. "de") narrows the vocabulary; ``outlet_names`` are
    the page's outlet names and domains, which never become authors. Agency and staff credits
    go to ``org``; roles, titles, degrees, URLs and glued dates are dropped.
    """
    return _parse(raw, language=language, outlet_names=outlet_names, trusted=True).byline()


BY_WORD_MAX_CHARS = 40  # the longest by-word or label ("propos recueillis par") and marks
_LEADING_MARKS = " \t*_([\"'“‘-–—•·|"


@lru_cache(maxsize=65536)
def opens_with_by_word(text: str) -> bool:
    """A line opening with a by-word of any language ("By", "Von", "Par", "Written by") and
    words after it."""
    return _vocabulary(None).by.match(text.lstrip(_LEADING_MARKS)) is not None


def names_only(raw: str, names: Iterable[str]) -> bool:
    """True when ``raw`` holds nothing but a by-word, ``names`` and the joiners or co-credit
    words between them ("By Jane Roe and John Doe", "Par Jane Roe (avec John Doe)"); a role, any
    other word or a bracket not opening with a co-credit word says more than names."""
    vocab = _vocabulary(None)
    rest = raw.lstrip(_LEADING_MARKS).casefold()
    found = vocab.by.match(rest)
    rest = rest[found.end() :] if found else rest
    for name in sorted(names, key=len, reverse=True):
        rest = rest.replace(name.casefold(), " ")
    rest = _BRACKETS.sub(lambda m: f" {m[1]} " if vocab.co_credit.match(m[1]) else m[0], rest)
    rest = vocab.joiner.sub(" ", f" {rest} ")
    return all(
        word in vocab.joiner_words or word == "&" for word in re.split(r"[\s,;]+", rest) if word
    )


def is_by_word(text: str) -> bool:
    """A line holding only a by-word or a byline label ("By", "Von", "Texto:")."""
    if len(text) > BY_WORD_MAX_CHARS:
        return False
    return _vocabulary(None).by_only.match(text.strip(_LEADING_MARKS)) is not None


def _ends_sentence(text: str) -> bool:
    return text.endswith(("?", "!")) or (text.endswith(".") and not _ABBREVIATED_END.search(text))


def looks_like_byline(
    text: str,
    *,
    emphasised: bool = False,
    language: str | None = None,
    outlet_names: Collection[str] = (),
) -> bool:
    """True when a header line of a text export is a byline.

    Prefixed lines ("By ...", "Von ...", "Par ...", "Texto: ...") and bare agency or staff
    credits always are; a bare list of names only when it is emphasised (a bold Markdown
    line), carries a location ("Jane Roe in Paris") or an agency ("Jane Roe, Reuters"). A
    single word counts as a name only after a prefix; sentences and unknown segments never do.
    """
    plain = strip_inline(text)
    if not plain or len(plain) > 160 or len(plain.split()) > _MAX_LINE_WORDS:
        return False
    if _ends_sentence(plain):
        return False
    parse = _parse(plain, language=language, outlet_names=outlet_names, trusted=False)
    byline = parse.byline()
    if parse.unknown or not (byline.authors or byline.org):
        return False
    if not byline.authors:
        return bool(parse.orgs or parse.staff_roles)
    if parse.prefixed or emphasised or parse.agencies > 0:
        return True
    return parse.explicit_place and all(map(_given_first, byline.authors))


def _given_first(name: str) -> bool:
    """A name opening with a known first name: "Jane Roe in Paris" is a byline, a Title Case
    headline ("Veteran Wraps Baby in American Flag") is not."""
    return is_given_name(name.split(maxsplit=1)[0])
