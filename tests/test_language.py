"""Language guesses: real pages with a gold language, spaCy's example sentences, page claims."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest

from transforms.fields.language import guess_language, language_code

READABILITY = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "readability-dev"
# Written for these tests: one news sentence per language, the same story in each.
SENTENCES = {
    "de": "Die Regierung hat am Dienstag neue Regeln für den Bau von Windrädern vorgestellt.",
    "fr": "Le gouvernement a présenté mardi de nouvelles règles pour construire des éoliennes.",
    "es": "El gobierno presentó el martes nuevas normas para la construcción de parques eólicos.",
    "it": "Il governo ha presentato martedì nuove regole per la costruzione di impianti eolici.",
    "pt": "O governo apresentou na terça-feira novas regras para a construção de parques eólicos.",
    "nl": "De regering heeft dinsdag nieuwe regels voor de bouw van windmolens gepresenteerd.",
    "pl": "Rząd przedstawił we wtorek nowe zasady budowy farm wiatrowych w całym kraju.",
    "ru": "Правительство во вторник представило новые правила строительства ветряных станций.",
    "uk": "Уряд у вівторок представив нові правила будівництва вітрових електростанцій.",
    "tr": "Hükümet salı günü rüzgar santrallerinin inşası için yeni kuralları açıkladı.",
    "ar": "قدمت الحكومة يوم الثلاثاء قواعد جديدة لبناء محطات طاقة الرياح في البلاد.",
    "he": "הממשלה הציגה ביום שלישי כללים חדשים להקמת טורבינות רוח ברחבי הארץ.",
    "hi": "सरकार ने मंगलवार को पवन ऊर्जा संयंत्रों के निर्माण के लिए नए नियम पेश किए।",
    "zh": "政府周二公布了建设风力发电站的新规定，以加快能源转型。",
    "ja": "政府は火曜日、風力発電所の建設に関する新しい規則を発表した。",
    "ko": "정부는 화요일 풍력 발전소 건설에 관한 새로운 규정을 발표했다.",
    "el": "Η κυβέρνηση παρουσίασε την Τρίτη νέους κανόνες για την κατασκευή αιολικών πάρκων.",
    "en": "The government presented new rules for building wind farms on Tuesday.",
}
# Languages of spaCy's example sentences that news is widely written in (Turkish's are too short).
SPACY_EXAMPLES = ["ar", "de", "es", "fr", "he", "hi", "it", "ja", "ko", "nl", "pl", "ru", "zh"]


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_one_sentence_is_enough(lang: str) -> None:
    assert guess_language(SENTENCES[lang]) == lang


def test_spacy_example_sentences() -> None:
    """The sentences spaCy ships per language (read from the installed package): 90% right."""
    right = total = 0
    for lang in SPACY_EXAMPLES:
        for sentence in importlib.import_module(f"spacy.lang.{lang}.examples").sentences:
            guess = guess_language(sentence)
            if guess is not None or len(sentence.split()) >= 8:
                total += 1
                right += guess == lang
    assert total >= 60 and right / total >= 0.9


@pytest.mark.skipif(not READABILITY.exists(), reason="needs shared/eval/readability-dev")
def test_readability_pages_with_a_gold_language() -> None:
    """Every non-English page right; overall 95% (three lorem-ipsum test pages claim English)."""
    gold = json.loads((READABILITY / "gold.json").read_text())
    pages = [
        (language_code(page["lang"]), page["readability_text"])
        for page in gold.values()
        if page.get("lang") and page["readability_text"].strip()
    ]
    guesses = [(lang, guess_language(text)) for lang, text in pages]
    assert len(pages) >= 70
    assert all(guess == lang for lang, guess in guesses if lang != "en")
    assert len({lang for lang, _ in pages}) >= 7
    assert sum(guess == lang for lang, guess in guesses) / len(pages) >= 0.95


def test_too_short_texts_take_the_page_claim() -> None:
    assert guess_language("Windräder: neue Regeln", hint="de-DE") == "de"
    assert guess_language("Windräder: neue Regeln") is None
    assert guess_language("", hint="fr_FR") == "fr"
    assert guess_language("   ") is None
    assert guess_language("12 345 -- 2026 / 07 / 01 ++ 99 %", hint="pl") == "pl"


def test_a_clear_text_wins_over_a_template_claim() -> None:
    assert guess_language(SENTENCES["de"], hint="en-US") == "de"
    assert guess_language(SENTENCES["ru"], hint="uk") == "ru"


def test_a_claim_the_text_agrees_with_wins_over_a_close_language() -> None:
    danish_or_norwegian = "Ny plan for havnen i byen skal vedtas"
    assert guess_language(danish_or_norwegian) == "da"
    assert guess_language(danish_or_norwegian, hint="nb-NO") == "no"


@pytest.mark.parametrize(
    ("tag", "code"),
    [("en-US", "en"), ("pt_BR", "pt"), ("zh-Hant-TW", "zh"), ("nb", "no"), ("iw", "he")],
)
def test_language_tags_become_iso_639_1(tag: str, code: str) -> None:
    assert language_code(tag) == code


@pytest.mark.parametrize("tag", [None, "", "x-default", "eng", "und", "*"])
def test_tags_without_a_two_letter_language(tag: str | None) -> None:
    assert language_code(tag) is None
