"""Language detectors side by side: accuracy and µs/doc on short and long real texts.

Texts, each with its language:

- ``readability``: the pages of ``shared/eval/readability-dev`` that have a gold ``lang``
  (``readability_text``; short = the gold title);
- ``benchmark``: ``shared/eval/html-benchmark-dev`` pages labelled by their ``<html lang>``
  (``articleBody``; short = its first sentence);
- ``spacy``: the example sentences spaCy ships for each language with an ISO 639-1 code
  (short = one sentence, long = all of a language's sentences joined).

A cell is right answers of all, and how many answers named a wrong language (the rest were
None: too short or unclear). µs/doc is CPU time of the process, so the number holds on a busy
machine. Every candidate runs in a subprocess of its own, so load time and peak RSS are its
own. The candidates are installed with pip into ``bench/.langvenv`` (``--target``, gitignored)
on the first run; ``transforms.fields.language`` (the project's function, without a hint) is
measured from the project venv. fasttext-langdetect is not a candidate: it
downloads its model (lid.176) on first use, which fails where only package registries are
reachable.

    .venv/bin/python bench/language_detectors.py
"""

from __future__ import annotations

import gzip
import importlib
import json
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EVAL = REPO.parent / "shared" / "eval"
DEPS = REPO / "bench" / ".langvenv"
PINS = ["py3langid==0.4.0", "lingua-language-detector==2.1.1", "langdetect==1.0.9", "six"]
LONG_CHARS = 20_000
_SENTENCE = re.compile(r".+?(?:[.!?。！？](?=\s|$)|[。！？])", re.S)
# ISO codes of one language that detectors spell differently
_SAME = {"nb": "no", "nn": "no", "iw": "he", "in": "id", "jw": "jv"}
# spaCy example sets whose code is not a language of ISO 639-1 or that are not prose
_SKIP_SPACY = {"xx", "la", "sa"}


class _HtmlLang(HTMLParser):
    """The ``lang`` attribute of the first ``<html>`` tag."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html" and self.lang is None:
            self.lang = dict(attrs).get("lang") or ""


def _code(tag: str | None) -> str | None:
    if not tag:
        return None
    code = re.split(r"[-_]", tag.strip().lower())[0]
    return _SAME.get(code, code)


def _html_lang(path: Path) -> str | None:
    parser = _HtmlLang()
    parser.feed(gzip.decompress(path.read_bytes())[:50_000].decode("utf-8", "replace"))
    return _code(parser.lang)


def _first_sentence(text: str) -> str:
    line = next((ln for ln in text.splitlines() if len(ln.split()) >= 5 or len(ln) >= 20), text)
    match = _SENTENCE.match(line.strip())
    return (match.group(0) if match else line)[:300]


def samples() -> dict[str, list[tuple[str, str, str]]]:
    """(set, language, text) per length class: ``short`` and ``long``."""
    short, long = [], []
    gold = json.loads((EVAL / "readability-dev" / "gold.json").read_text())
    for page in gold.values():
        if (lang := _code(page.get("lang"))) and page["readability_text"].strip():
            long.append(("readability", lang, page["readability_text"][:LONG_CHARS]))
            if page.get("title"):
                short.append(("readability", lang, page["title"]))
    bench = EVAL / "html-benchmark-dev"
    truth = json.loads((bench / "ground-truth.json").read_text())
    for key, page in truth.items():
        lang = _html_lang(bench / "html" / f"{key}.html.gz")
        if lang and page["articleBody"].strip():
            long.append(("benchmark", lang, page["articleBody"][:LONG_CHARS]))
            short.append(("benchmark", lang, _first_sentence(page["articleBody"])))
    import spacy.lang

    for lang_dir in sorted(Path(spacy.lang.__path__[0]).iterdir()):
        code = lang_dir.name
        if len(code) != 2 or code in _SKIP_SPACY or not (lang_dir / "examples.py").exists():
            continue
        sentences = importlib.import_module(f"spacy.lang.{code}.examples").sentences
        long.append(("spacy", _code(code), " ".join(sentences)))
        short += [("spacy", _code(code), s) for s in sentences]
    return {"short": short, "long": long}


def _py3langid(languages: list[str] | None) -> Callable[[str], str | None]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    if languages:
        identifier.set_languages(languages)
    return lambda text: identifier.classify(text)[0]


def _lingua(high_accuracy: bool) -> Callable[[str], str | None]:
    from lingua import LanguageDetectorBuilder

    builder = LanguageDetectorBuilder.from_all_languages().with_preloaded_language_models()
    detector = (builder if high_accuracy else builder.with_low_accuracy_mode()).build()

    def detect(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return found.iso_code_639_1.name.lower() if found else None

    return detect


def _langdetect() -> Callable[[str], str | None]:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def run(text: str) -> str | None:
        try:
            return detect(text)
        except LangDetectException:
            return None

    return run


def _project() -> Callable[[str], str | None]:
    from transforms.fields.language import guess_language

    return guess_language


def _news_languages() -> list[str]:
    from transforms.data_files import load
    from transforms.data_models import LanguagesFile

    return load(LanguagesFile).languages


CANDIDATES: dict[str, Callable[[], Callable[[str], str | None]]] = {
    "py3langid (all 140)": lambda: _py3langid(None),
    "py3langid (news set, 82)": lambda: _py3langid(_news_languages()),
    "lingua low accuracy (75)": lambda: _lingua(False),
    "lingua high accuracy (75)": lambda: _lingua(True),
    "langdetect (55)": _langdetect,
    "transforms.fields.language": _project,
}


def measure(name: str) -> dict[str, object]:
    """Load time, peak RSS, and accuracy and µs/doc per set and length of one candidate."""
    sys.path.append(str(DEPS))
    texts = samples()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    detect = CANDIDATES[name]()
    detect("warm up the model on a first sentence")
    result: dict[str, object] = {"load_s": time.perf_counter() - started}
    for length, rows in texts.items():
        started = time.process_time()
        guesses = [_code(detect(text)) for _, _, text in rows]
        result[f"{length}_us"] = (time.process_time() - started) / len(rows) * 1e6
        for dataset in ("readability", "benchmark", "spacy"):
            labelled = zip(rows, guesses, strict=True)
            pairs = [(lang, g) for (s, lang, _), g in labelled if s == dataset]
            right = sum(g == lang for lang, g in pairs)
            wrong = sum(g is not None and g != lang for lang, g in pairs)
            result[f"{length}_{dataset}"] = (right, wrong, len(pairs))
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result["rss_mb"] = (rss_after - rss_before) / 1024
    return result


def _cell(right: int, wrong: int, total: int) -> str:
    """Right answers of all, and how many of the others were a wrong language (not None)."""
    return f"{right}/{total} ({wrong} wrong)"


def _ensure_candidates() -> None:
    if not DEPS.exists():
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(DEPS)]
        subprocess.run([*cmd, *PINS], check=True)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure(sys.argv[2])))
        return
    _ensure_candidates()
    sets = ("readability", "benchmark", "spacy")
    head = ["detector", *(f"{n} {s}" for n in ("short", "long") for s in sets)]
    print(" | ".join([*head, "CPU µs short", "CPU µs long", "load s", "RSS MB"]))
    for name in CANDIDATES:
        run = [sys.executable, __file__, "--one", name]
        out = subprocess.run(run, capture_output=True, text=True, cwd=REPO)
        if out.returncode:
            print(f"{name} | failed: {out.stderr.strip().splitlines()[-1]}")
            continue
        r = json.loads(out.stdout)
        cells = [_cell(*r[f"{n}_{s}"]) for n in ("short", "long") for s in sets]
        times = [f"{r['short_us']:.0f}", f"{r['long_us']:.0f}", f"{r['load_s']:.2f}"]
        print(" | ".join([name, *cells, *times, f"{r['rss_mb']:.0f}"]))


if __name__ == "__main__":
    main()
