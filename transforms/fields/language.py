"""The language of a text: py3langid's naive-Bayes model, checked against the page's own claim.

py3langid ships its model inside the package (no download); of the detectors measured it was
as accurate as the best on titles and the fastest by far (``bench/language_detectors.py``). It
is restricted to the languages of ``transforms/data/languages.json``: dialects and minor
regional languages mostly won by mistake on titles. Cost: the model is loaded once per process
(about 1 s, 100 MB); a call then takes about 90 µs of CPU on a title and 1.2 ms on a body (only
the first ``SAMPLE_CHARS`` characters are read; reading 20,000 was 4x slower and no more
accurate).
"""

from __future__ import annotations

import re
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from transforms.data_files import load
from transforms.data_models import LanguagesFile

SAMPLE_CHARS = 1_500
MIN_WORDS = 5
# Below this probability the best language is not trusted (98% right above it on short texts).
MIN_CONFIDENCE = 0.5
# A claimed language this probable is taken to agree with the text (close languages share words).
HINT_AGREES = 0.1
_WORD = re.compile(r"[^\W\d_]+")
# Scripts written without spaces: two characters count as a word.
_UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"  # Thai, Lao, Myanmar, Khmer
    r"\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"  # kana, CJK ideographs
)
_ALIASES = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "ji": "yi"}


@cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(load(LanguagesFile).languages)
    return identifier


def language_code(tag: str | None) -> str | None:
    """ISO 639-1 code of a language tag (``en-US``, ``pt_BR``, ``nb``), or None if it has none."""
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    if len(primary) != 2 or not primary.isascii() or not primary.isalpha():
        return None
    return _ALIASES.get(primary, primary)


def _words(text: str) -> float:
    unspaced = len(_UNSPACED.findall(text))
    return len(_WORD.findall(_UNSPACED.sub(" ", text))) + unspaced / 2


def guess_language(text: str, *, hint: str | None = None) -> str | None:
    """ISO 639-1 code of the language of ``text``, or None when it is too short or unclear.

    ``hint`` is what the page claims (``<html lang>``, og:locale, front matter). It is the answer
    when the text is too short to tell or unclear, or when the text agrees with it; a text that
    is clearly in another language wins over it (CMS templates often claim their default).
    """
    claimed = language_code(hint)
    sample = text[:SAMPLE_CHARS]
    if _words(sample) < MIN_WORDS:
        return claimed
    if claimed is None:
        best, probability = _identifier().classify(sample)
        return best if probability >= MIN_CONFIDENCE else None
    ranked = _identifier().rank(sample)
    best, probability = ranked[0]
    if probability < MIN_CONFIDENCE or dict(ranked).get(claimed, 0.0) >= HINT_AGREES:
        return claimed
    return best
