"""Entity canonicalisation: rules on hand-written text, facets on the seed story, the NER loader."""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

import pytest

from flows import ner
from flows.prepare import enrich_articles
from tests.enriched_seeds import enriched_seeds
from transforms.enrichment.entities import ENTITY_TYPES, RawMention, entity_sources, with_entities
from transforms.enrichment.entity_rules import clean_mention, lookup_alias
from transforms.record import Article, Paragraph, Removal, WarningCode

EXPECTED = {
    "person": [
        "Donald Trump",
        "Vladimir Putin",
        "Volodymyr Zelensky",
        "Dmitry Peskov",
        "Jake Sullivan",
        "Olaf Scholz",
        "Steven Cheung",
    ],
    "org": ["The Washington Post", "Kremlin", "NATO"],
    "place": ["Ukraine", "Russia", "Crimea"],
}
TIME_ZONES = {"GMT", "BST", "UTC", "EST", "EDT", "PST", "CET"}


def _article(paragraphs: list[str], title: str | None = None) -> Article:
    return Article(
        id="a1",
        source="a1.txt",
        format="text",
        content_hash="a1",
        title=title,
        paragraphs=[Paragraph(p) for p in paragraphs],
    )


def _mentions(article: Article, spans: dict[str, str]) -> list[list[RawMention]]:
    """Mentions of every occurrence of each ``spans`` key, labelled with its value."""
    result = []
    for text in entity_sources(article):
        found = [
            RawMention(m.group(), label, m.start(), m.end())
            for surface, label in spans.items()
            for m in re.finditer(re.escape(surface), text)
        ]
        kept: list[RawMention] = []
        for mention in sorted(found, key=lambda m: (m.start, -m.end)):
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        result.append(kept)
    return result


def _enrich(paragraphs: list[str], spans: dict[str, str], title: str | None = None) -> Article:
    article = _article(paragraphs, title)
    return with_entities(article, _mentions(article, spans))


def test_short_names_and_possessives_resolve_to_the_full_name() -> None:
    article = _enrich(
        [
            "Senator Maria Velasquez-Orr met Tomas Brandt on Monday.",
            "Brandt said Brandt's office would reply; Brandt later left.",
        ],
        {"Maria Velasquez-Orr": "PERSON", "Tomas Brandt": "PERSON", "Brandt": "ORG"},
    )
    assert article.entities["person"] == ["Tomas Brandt", "Maria Velasquez-Orr"]
    assert article.entities["org"] == []
    counts = {m["name"]: m["count"] for m in article.entity_mentions}
    assert counts == {"Tomas Brandt": 4, "Maria Velasquez-Orr": 1}
    assert article.paragraphs[1].entities["person"] == ["Tomas Brandt"]


def test_alias_table_folds_spellings_and_fixes_types() -> None:
    article = _enrich(
        ["Zelenskyy spoke to Nato and the U.S. about Crimea and Kyiv.", "Zelenskiy agreed."],
        {
            "Zelenskyy": "ORG",
            "Nato": "ORG",
            "U.S.": "GPE",
            "Crimea": "ORG",
            "Kyiv": "PERSON",
            "Zelenskiy": "PERSON",
        },
    )
    assert article.entities == {
        "person": ["Volodymyr Zelensky"],
        "org": ["NATO"],
        "place": ["Crimea", "Kyiv", "United States"],
    }


def test_type_follows_the_full_name_and_titles_over_the_raw_majority() -> None:
    article = _enrich(
        [
            "The spokesman, Irena Kovalchuk, spoke first.",
            "Kovalchuk said no. Kovalchuk repeated it. Kovalchuk left.",
        ],
        {"Irena Kovalchuk": "ORG", "Kovalchuk": "ORG"},
    )
    assert article.entities["person"] == ["Irena Kovalchuk"]


def test_junk_is_dropped() -> None:
    article = _enrich(
        [
            "Updated 10.15 GMT at the Mar-a-Lago club, said X of Alpha Widgets.",
            "📷 Alpha Widgets won. Visit alphawidgets.com for more from the Russian team.",
        ],
        {
            "GMT": "ORG",
            "Mar": "PERSON",
            "X": "PERSON",
            "📷 Alpha Widgets": "ORG",
            "Alpha Widgets": "ORG",
            "alphawidgets.com": "ORG",
            "Russian": "GPE",
            "10.15": "CARDINAL",
        },
    )
    assert article.entities == {"person": [], "org": ["Alpha Widgets"], "place": []}


def test_spans_run_past_a_name_are_cut_back() -> None:
    article = _enrich(
        [
            "Ana Ruiz of Alpha Widgets spoke first. Ana Ruiz said the plan stands.",
            "Talks ran between Leeds and Bradford at the Bank of England.",
            "It cost 4.5m. Ortega left.",
            "Officials from St. Louis went home to Leeds.",
        ],
        {
            "Ana Ruiz of Alpha Widgets": "ORG",
            "Ana Ruiz": "PERSON",
            "between Leeds": "GPE",
            "Bradford": "GPE",
            "Bank of England": "ORG",
            "4.5m. Ortega": "PERSON",
            "St. Louis": "GPE",
            "Leeds": "GPE",
        },
    )
    assert article.entities == {
        "person": ["Ana Ruiz", "Ortega"],
        "org": ["Alpha Widgets", "Bank of England"],
        "place": ["Leeds", "Bradford", "St. Louis"],
    }
    text = "He left Leeds. Leeds City Council said so"
    assert clean_mention(text, text.index("Leeds"), text.index(" said")).name == (
        "Leeds City Council"
    )


def test_a_name_cut_short_becomes_the_whole_name_where_the_text_goes_on() -> None:
    whole = "Leeds Fire and Rescue Service"
    article = _article([f"{whole} sent crews.", f"Later {whole} said Leeds Fire crews were safe."])
    second = article.paragraphs[1].text
    cut = second.index("Leeds Fire crews")
    article = with_entities(
        article,
        [
            [],
            [],
            [RawMention("Leeds Fire", "PERSON", 0, 10)],  # cut at "and", and mistyped
            [
                RawMention(whole, "ORG", 6, 6 + len(whole)),
                RawMention("Leeds Fire", "ORG", cut, cut + 10),  # the text does not go on
            ],
        ],
    )
    assert article.entities == {"person": [], "org": [whole, "Leeds Fire"], "place": []}
    assert article.paragraphs[0].entities["org"] == [whole]


def test_mentions_inside_a_photo_credit_are_dropped() -> None:
    article = _enrich(
        ["The mayor, Ana Ruiz, opened the bridge in Porto (Jorge Lima/AFP via Getty Images)"],
        {
            "Ana Ruiz": "PERSON",
            "Porto": "GPE",
            "Jorge Lima": "PERSON",
            "AFP": "ORG",
            "Getty Images": "ORG",
        },
    )
    assert article.entities == {"person": ["Ana Ruiz"], "org": [], "place": ["Porto"]}


def test_agency_named_in_the_text_is_kept() -> None:
    article = _enrich(["Figures compiled by AFP show a rise."], {"AFP": "ORG"})
    assert article.entities["org"] == ["Agence France-Presse"]


def test_headline_case_mentions_need_support_from_the_text() -> None:
    article = _enrich(
        ["Leaders met in Lisbon on Friday to discuss the plan."],
        {"Grand Plan Unveiled": "ORG", "Lisbon": "GPE"},
        title="Leaders Gather Today In Lisbon While Grand Plan Unveiled",
    )
    assert article.entities == {"person": [], "org": [], "place": ["Lisbon"]}


def test_mention_lists_must_match_the_texts() -> None:
    article = _article(["One paragraph."])
    with pytest.raises(ValueError):
        with_entities(article, [[]])


def test_clean_mention_strips_titles_and_emoji() -> None:
    text = "📷 Kremlin spokesman Dmitry Peskov’s remarks"
    cleaned = clean_mention(text, 0, text.index(" remarks"))
    assert cleaned is not None
    assert (cleaned.name, cleaned.titled) == ("Dmitry Peskov", True)


@pytest.mark.parametrize(
    ("before", "titled"),
    [
        ("Talks led by Prime  Minister, ", True),  # any spacing, then "." or ","
        ("A note from Gen. ", True),
        ("the former vice-president ", True),
        ("Exmr ", False),  # a title must start a word
        ("a minister met ", False),  # ... and end right before the name
        ("", False),
    ],
)
def test_a_title_right_before_the_span_marks_the_mention(before: str, titled: bool) -> None:
    text = before + "Ana Ruiz spoke"
    cleaned = clean_mention(text, len(before), len(before) + len("Ana Ruiz"))
    assert cleaned is not None
    assert (cleaned.name, cleaned.titled) == ("Ana Ruiz", titled)


# --- the seed story ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path) -> list[Article]:
    return enriched_seeds()


def _types_by_name(articles: list[Article]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for article in articles:
        for entity_type, names in article.entities.items():
            for name in names:
                found.setdefault(name, set()).add(entity_type)
    return found


def test_seed_facets_have_one_value_and_one_type_per_entity(seeds: list[Article]) -> None:
    found = _types_by_name(seeds)
    for entity_type, names in EXPECTED.items():
        for name in names:
            assert found.get(name) == {entity_type}, name
    expected = [name for names in EXPECTED.values() for name in names]
    for value in found:
        for name in expected:
            last = name.split()[-1].casefold()
            variant = value != name and (
                value.casefold().split()[-1] == last or last.startswith(value.casefold())
            )
            assert not variant, f"{value!r} is a second value for {name!r}"
        assert len(found[value]) == 1, f"{value!r} has types {found[value]}"


def test_seed_facets_hold_no_junk(seeds: list[Article]) -> None:
    for article in seeds:
        texts = " ".join(entity_sources(article))
        for name in (n for names in article.entities.values() for n in names):
            assert sum(ch.isalpha() for ch in name) >= 2, name
            assert name not in TIME_ZONES, name
            assert not any(unicodedata.category(ch) == "So" for ch in name), name
            assert any(w[:1].isupper() for w in name.split()), name
            alias = lookup_alias(name)
            if alias is None or alias.name != name:
                # a value of its own must stand in the text as whole words, not a fragment
                assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", texts), name


def test_seed_entities_do_not_come_from_removed_spans(seeds: list[Article]) -> None:
    nlp = ner.load_ner()
    checked = 0
    for article in seeds:
        texts = " ".join(entity_sources(article))
        values = {n for names in article.entities.values() for n in names}
        for removal in article.removed:
            for ent in nlp(removal.text).ents:
                if ent.text in texts or len(ent.text) < 3:
                    continue
                checked += 1
                alias = lookup_alias(ent.text)
                assert ent.text not in values, (removal.kind, ent.text)
                assert alias is None or alias.name not in values, (removal.kind, ent.text)
    assert checked > 0  # the seeds' captions and teasers do name things the body does not


def test_seed_paragraph_entities_add_up_to_the_article(seeds: list[Article]) -> None:
    for article in seeds:
        assert set(article.entities) == set(ENTITY_TYPES)
        article_types = {n: t for t, names in article.entities.items() for n in names}
        for paragraph in article.paragraphs:
            for entity_type, names in paragraph.entities.items():
                assert all(article_types[n] == entity_type for n in names)
        counts = {m["name"]: (m["type"], m["count"]) for m in article.entity_mentions}
        assert {n: t for n, (t, _) in counts.items()} == article_types
        assert all(c >= 1 for _, c in counts.values())


def test_removed_caption_is_not_an_entity_source() -> None:
    article = _article(["Nothing named here."])
    article.removed = [Removal("caption", "Photo of Quentin Marlowe")]
    assert all("Marlowe" not in text for text in entity_sources(article))


# --- the NER loader -----------------------------------------------------------------------------


def test_ner_pipeline_runs_only_ner() -> None:
    assert ner.load_ner().pipe_names == ["ner"]


def test_inference_ops_give_thincs_results() -> None:
    """The fast maxout is thinc's maximum, and the loaded network finds what thinc's ops find."""
    import numpy as np
    import spacy
    from thinc.api import NumpyOps

    pieces = np.random.default_rng(3).standard_normal((500, 96, 3)).astype("float32")
    pieces[7, 5] = 0.25  # ties keep the value
    assert (ner.InferenceOps().maxout(pieces)[0] == NumpyOps().maxout(pieces)[0]).all()
    texts = [
        "Dmitry Peskov told reporters in Moscow that the Kremlin had no comment.",
        "The Institute for the Study of War said on Monday that Kyiv was shelled.",
    ]
    fast = ner.load_ner()
    plain = spacy.load(f"{fast.meta['lang']}_{fast.meta['name']}")  # thinc's own ops
    assert [[(e.text, e.label_) for e in d.ents] for d in fast.pipe(texts)] == [
        [(e.text, e.label_) for e in d.ents] for d in plain.pipe(texts)
    ]


def test_missing_official_model_falls_back_with_a_notice(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import spacy.util

    if spacy.util.is_package(ner.DEFAULT_MODEL):
        pytest.skip("the official model is installed")
    ner.load_ner.cache_clear()
    with caplog.at_level(logging.INFO, logger="flows.ner"):
        nlp = ner.load_ner(ner.DEFAULT_MODEL)
    assert nlp.meta["name"] in ner.FALLBACK_MODEL
    assert any(ner.FALLBACK_MODEL in r.getMessage() for r in caplog.records)


def test_unknown_model_is_an_error() -> None:
    with pytest.raises(OSError):
        ner.load_ner("no_such_model_xyz")


def test_find_mentions_offsets_point_into_each_text() -> None:
    article = _article(
        ["Angela Merkel visited Paris with officials from the United Nations.", ""],
        title="Merkel in Paris",
    )
    per_text = ner.find_mentions([article, article], batch_size=2)
    assert len(per_text) == 2
    texts = entity_sources(article)
    for mentions in per_text:
        assert len(mentions) == len(texts)
        for text, found in zip(texts, mentions, strict=True):
            assert all(text[m.start : m.end] == m.text for m in found)
        assert {m.text for m in mentions[2]} >= {"Angela Merkel", "Paris"}
        assert mentions[3] == []


def test_repeated_texts_are_read_once_with_the_same_result() -> None:
    """A paragraph already read (another outlet's copy) comes from the cache, identical."""
    wire = "Olaf Scholz met Emmanuel Macron in Berlin on Tuesday, officials said."
    first = _article([wire, "Protesters gathered outside the Reichstag."], title="Leaders meet")
    copy = _article([wire, "The talks ran late into the evening in Berlin."], title="Talks")
    cache = ner.MentionCache(max_texts=3)
    uncached = ner.find_mentions([first, copy], cache=None)
    assert ner.find_mentions([first], cache=cache) == uncached[:1]
    assert len(cache.get(ner.DEFAULT_MODEL, entity_sources(first))) == 3  # title + 2 paragraphs
    assert ner.find_mentions([copy], cache=cache) == uncached[1:]
    assert {m.text for m in uncached[1][2]} >= {"Olaf Scholz", "Berlin"}
    held = cache.get(ner.DEFAULT_MODEL, [*entity_sources(first), *entity_sources(copy)])
    assert len(held) == 3  # bounded: the least recently used texts were dropped
    assert wire in held  # the shared paragraph was used by the second call, so it stayed


def test_ner_runs_only_on_languages_with_a_model() -> None:
    """The default models read English and unknown-language records; German gets a warning."""
    german = _article(
        ["Bundeskanzler Olaf Scholz traf am Dienstag in Berlin den Präsidenten Frankreichs."],
        title="Scholz empfängt Macron in Berlin",
    )
    german.language = "de"
    english = _article(["Olaf Scholz met Emmanuel Macron in Berlin on Tuesday."], title="Talks")
    english.language = "en"
    unknown = _article(["Olaf Scholz met Emmanuel Macron in Berlin on Tuesday."], title="Talks")
    found = ner.find_mentions([german, english, unknown])
    german, english, unknown = (
        with_entities(a, m) for a, m in zip((german, english, unknown), found, strict=True)
    )
    assert not any(german.entities.values()) and german.entity_mentions == []
    assert german.warnings == ["no NER model for language de: entity facets skipped"]
    for article in (english, unknown):
        names = {name for names in article.entities.values() for name in names}
        assert {"Olaf Scholz", "Berlin"} <= names
        assert article.warnings == []


def test_the_model_of_a_language_comes_from_the_mapping() -> None:
    german = _article(["Olaf Scholz sprach am Dienstag in Berlin."], title="Scholz in Berlin")
    german.language = "de"
    mentions = ner.find_mentions([german], models={"de": ner.DEFAULT_MODEL}, cache=None)[0]
    assert any(m.text == "Berlin" for found in mentions for m in found)
    assert german.warnings == []
    assert ner.ner_model(_article(["x"]), {"de": "de_core_news_sm"}) == ner.DEFAULT_MODEL


def test_an_article_that_breaks_ner_fails_alone_and_the_batch_keeps_its_order() -> None:
    first = _article(["Olaf Scholz met Emmanuel Macron in Berlin on Tuesday."], title="Talks")
    broken = _article(["A paragraph the model cannot read."], title="Broken")
    broken.paragraphs[0].text = b"not text"  # type: ignore[assignment]  # spaCy raises on bytes
    last = _article(["Angela Merkel spoke in Paris on Friday."], title="Speech")
    results = ner.enrich_each([first, broken, last], ner.DEFAULT_MODELS)
    assert isinstance(results[1], Exception)
    done = [r for r in results if isinstance(r, Article)]
    assert [a.title for a in done] == ["Talks", "Speech"]
    assert "Berlin" in done[0].entities["place"] and "Paris" in done[1].entities["place"]

    kept = enrich_articles([first, broken, last], ner.DEFAULT_MODELS)
    assert [a.title for a in kept] == ["Talks", "Broken", "Speech"]
    assert [w.code for w in kept[1].warnings] == [WarningCode.NER_FAILED]
