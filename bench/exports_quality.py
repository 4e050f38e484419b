"""How ``clean_document`` does on text and Markdown exports of real pages, beside the HTML itself.

Usage: .venv/bin/python bench/exports_quality.py [--exporters A,B] [--scopes article,page]
       [--half dev|check|all] [--limit N] [--worst K FIELD] [--dump KEY]

Pages: the 92 of ``html-benchmark-dev`` (keys ``hb-<key>``, gold ``articleBody``) and the 130 of
``readability-dev`` (keys ``rd-<name>``, gold title, byline, published, site_name, lang and
Readability's own text). Each page is in the ``dev`` or ``check`` half by the parity of the sha1
of its name; every table is printed for dev, check and all.

Exports. ``<script>``, ``<style>``, ``<noscript>`` and ``<svg>`` are stripped first. Scope
``page`` is the whole ``<body>``. Scope ``article`` is the largest ``<article>``, else the first
``[itemprop=articleBody]``, ``<main>``, ``[role=main]``, else ``<body>``; when the page's first
``<h1>`` lies outside it, the region grows to the smallest element holding both, unless that adds
more than half the region's text again (the headline block with byline and date usually sits just
above the article element). No gold is used. Exporters: html2text, markdownify, inscriptis
(pinned, in ``bench/.exporters-venv``), ``pandoc -t gfm``, ``w3m -dump``, ``lynx -dump`` (apt),
trafilatura's markdown and txt output (article-only by construction, given the raw page), and
two web-clipper notes: Obsidian Web Clipper's default properties (title, source, author as
wikilinks, published, created, description, tags) and MarkDownload's default front matter
(created, tags, source, author) with its ``# title`` and excerpt quote, both followed by the
markdownify body of the article region; their metadata is read from the page by
``trafilatura.extract_metadata`` as a clipper reads it, and ``created`` is a fixed clip time.
Exports are cached under ``bench/out/exports/<exporter>/<scope>/<key>.<md|txt>``, keyed by a
hash of the exporter input and the exporter version.

Rows: every exporter x scope (``clean_document(bytes, f"{key}.md|.txt")``), ``html``
(``clean_document`` on the page bytes) and ``trafilatura`` (``bare_extraction`` with metadata,
authors split on "; ").

Scoring, normalisation ``norm``: NFKC, case-fold, whitespace collapsed, punctuation, symbols
and quotes stripped at both ends.
- body F1: the shingle F1 of ``bench/html_quality.py``; ``F1 gold`` on html-benchmark-dev vs
  ``articleBody``, ``F1 vs Rd`` on readability-dev vs Readability's text (a peer, not truth).
- title: norm(ours) == norm(gold), or == norm(gold without its last segment after a " | ",
  " - ", " – ", " — ", " :: ", " · " or " / " separator) when that segment is the gold site name
  or at most 4 words.
- authors: the gold byline loses URLs in parentheses and a leading "By/Par/Von/Por/Door/Di/
  Written by..." word, is split on ",", ";", "&", " and ", " und ", " et ", " y " and newlines;
  ours is ``authors`` (``[byline_org]`` when empty); equal as sets of norm'd names. A null gold
  byline is right when we give no author (``authors``); ``auth byl`` is the pages with a byline.
- date: same UTC day as gold ``published`` (``fromisoformat`` after "+0100" -> "+01:00"; naive
  means UTC), over pages with a published date.
- outlet: norm(``outlet.name``) == norm(site_name), or site_name equals the outlet domain (with
  or without "www."), over pages with a site name.
- held: for each export row, the mean recall of the whole file against the gold body, and the
  share of pages whose file holds the gold title, every gold author name and the gold date at
  all (see ``held``). The HTML row reads ``<title>``, meta
  tags and JSON-LD that no export carries, so the gap to it that a cleaner can close is the gap
  to these shares, printed in a table of their own.
Language of a page (for the per-language rows): gold ``lang``, else ``<html lang>``, og:locale or
Content-Language, else ``?`` (no guess: the rows must not depend on the code they measure).
Speed: documents cleaned per CPU second (``time.process_time``) over a row's files.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import itertools
import json
import multiprocessing
import re
import shutil
import subprocess
import sys
import time
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.html_quality import corpus_scores, decode, load_pages, page_scores  # noqa: E402
from transforms.clean import clean_document  # noqa: E402
from transforms.fields.dates import find_date_in_line  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
HB_DIR, RD_DIR = SHARED / "html-benchmark-dev", SHARED / "readability-dev"
BENCH = ROOT / "bench"
OUT = BENCH / "out"
CACHE = OUT / "exports"
VENV = BENCH / ".exporters-venv"
VENV_PYTHON = VENV / "bin" / "python"
HELPER = BENCH / "exporters.py"
PINS = (
    "html2text==2025.4.15",
    "markdownify==1.2.3",
    "inscriptis==2.7.6",
    "beautifulsoup4==4.15.0",
    "lxml==6.1.3",
)
APT_TOOLS = ("pandoc", "w3m", "lynx")
INPUT_VERSION = "1"  # bump when the stripping or the article region rule changes
CLIP_TIME = "2026-11-30T12:00:00"
WORKERS = 2
SCOPES = ("article", "page")
FIELDS = ("f1", "title", "authors", "date", "outlet")


@dataclass(frozen=True)
class Exporter:
    name: str
    ext: str  # md | txt
    run: str  # venv | project | command | clipper
    scopes: tuple[str, ...] = SCOPES
    command: tuple[str, ...] = ()


EXPORTERS = {
    e.name: e
    for e in (
        Exporter("html2text", "md", "venv"),
        Exporter("markdownify", "md", "venv"),
        Exporter("inscriptis", "txt", "venv"),
        Exporter("pandoc", "md", "command", command=("pandoc", "-f", "html", "-t", "gfm")),
        Exporter(
            "w3m",
            "txt",
            "command",
            command=("w3m", "-dump", "-T", "text/html", "-I", "UTF-8", "-O", "UTF-8"),
        ),
        Exporter(
            "lynx",
            "txt",
            "command",
            command=(
                "lynx",
                "-dump",
                "-stdin",
                "-force_html",
                "-assume_charset=UTF-8",
                "-display_charset=UTF-8",
            ),
        ),
        Exporter("trafilatura-md", "md", "project", ("article",)),
        Exporter("trafilatura-txt", "txt", "project", ("article",)),
        Exporter("obsidian-clipper", "md", "clipper", ("article",)),
        Exporter("markdownload", "md", "clipper", ("article",)),
    )
}


@dataclass
class Page:
    key: str
    name: str
    raw: bytes
    html: str
    url: str
    gold: dict[str, Any]  # body (hb) or the readability fields (rd)
    half: str = ""
    lang: str = ""


@dataclass
class Result:
    """What one row said about one page, and how it scored."""

    key: str
    body: str
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    outlet: tuple[str | None, str | None] = (None, None)
    score: dict[str, float | None] = field(default_factory=dict)
    error: str | None = None  # the exception clean_document raised, if any


# --- setup -------------------------------------------------------------------------------


def ensure_tools(exporters: Iterable[Exporter]) -> None:
    """Install the pinned exporter venv and the apt tools the chosen exporters need."""
    names = {e.name for e in exporters}
    if names & {"html2text", "markdownify", "inscriptis", "obsidian-clipper", "markdownload"}:
        stamp = VENV / "pins.txt"
        if not stamp.exists() or stamp.read_text() != "\n".join(PINS):
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
            subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "-q", *PINS], check=True)
            stamp.write_text("\n".join(PINS))
    missing = [t for t in APT_TOOLS if t in names and shutil.which(t) is None]
    if missing:
        subprocess.run(["apt-get", "install", "-y", "-q", *missing], check=True)


@cache
def exporter_version(name: str) -> str:
    e = EXPORTERS[name]
    if e.run == "command":
        out = subprocess.run(
            [e.command[0], "--version" if name == "pandoc" else "-version"],
            capture_output=True,
            text=True,
        ).stdout
        return out.splitlines()[0].strip() if out else "?"
    python = sys.executable if e.run == "project" else str(VENV_PYTHON)
    helper_name = "markdownify" if e.run == "clipper" else name
    out = subprocess.run(
        [python, str(HELPER), "--version", helper_name], capture_output=True, text=True, check=True
    )
    return f"{out.stdout}+{trafilatura.__version__}" if e.run == "clipper" else out.stdout


# --- pages ---------------------------------------------------------------------------------


def half_of(name: str) -> str:
    return "dev" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 2 == 0 else "check"


def _parse(html: str) -> lxml.html.HtmlElement:
    try:
        return lxml.html.document_fromstring(html)
    except ValueError:  # a unicode string with an XML encoding declaration
        return lxml.html.document_fromstring(html.encode("utf-8"))


_PAGE_LANG = (
    re.compile(r"<html\b[^>]*?\blang=[\"']?([A-Za-z]{2,3})", re.IGNORECASE),
    re.compile(r"<meta[^>]+og:locale[\"'][^>]*content=[\"']?([A-Za-z]{2,3})", re.IGNORECASE),
    re.compile(r"<meta[^>]+content-language[\"'][^>]*content=[\"']?([A-Za-z]{2,3})", re.I),
)


def html_lang(html: str) -> str:
    """The page's declared language: ``<html lang>``, else og:locale, else Content-Language."""
    head = html[:20000]
    found = next((m for m in (p.search(head) for p in _PAGE_LANG) if m), None)
    return found.group(1).lower() if found else ""


def load_all(limit: int | None) -> list[Page]:
    pages = []
    for key, html, body, url in load_pages(HB_DIR, limit):
        raw = gzip.decompress((HB_DIR / "html" / f"{key}.html.gz").read_bytes())
        pages.append(Page(f"hb-{key}", key, raw, html, url, {"body": body}))
    gold = json.loads((RD_DIR / "gold.json").read_text("utf-8"))
    for name in sorted(gold)[:limit]:
        raw = gzip.decompress((RD_DIR / "html" / f"{name}.html.gz").read_bytes())
        pages.append(Page(f"rd-{name}", name, raw, decode(raw), "", gold[name]))
    for p in pages:
        p.half = half_of(p.name)
        p.lang = (p.gold.get("lang") or "").split("-")[0].lower() or html_lang(p.html) or "?"
    return pages


def _text_len(el: lxml.html.HtmlElement) -> int:
    return len(" ".join(el.text_content().split()))


def article_region(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """The article element by the rule of the module docstring, grown to hold the h1."""
    articles = body.xpath(".//article")
    region = max(articles, key=_text_len) if articles else None
    for path in (".//*[@itemprop='articleBody']", ".//main", ".//*[@role='main']"):
        if region is None:
            region = next(iter(body.xpath(path)), None)
    if region is None:
        return body
    h1 = next((h for h in body.iter("h1") if h.text_content().strip()), None)
    if h1 is None or region in h1.iterancestors() or h1 in region.iterdescendants():
        return region
    common = next(a for a in region.iterancestors() if h1 in a.iterdescendants())
    return common if _text_len(common) <= 1.5 * _text_len(region) else region


def export_inputs(html: str) -> dict[str, str]:
    """The HTML handed to exporters for each scope: stripped, in a minimal UTF-8 document."""
    tree = _parse(html)
    etree.strip_elements(tree, "script", "style", "noscript", "svg", etree.Comment, with_tail=False)
    body = tree.find("body")
    if body is None:
        body = tree
    head = '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
    region = article_region(body)
    return {
        "page": f"{head}{_outer_html(body)}</html>",
        "article": f"{head}<body>{_outer_html(region)}</body></html>"
        if region is not body
        else f"{head}{_outer_html(body)}</html>",
    }


def _outer_html(el: lxml.html.HtmlElement) -> str:
    return lxml.html.tostring(el, encoding="unicode", with_tail=False)


# --- exports -------------------------------------------------------------------------------


def _helper(python: str, name: str, htmls: list[str]) -> list[str]:
    proc = subprocess.run(
        [python, str(HELPER), name], input=json.dumps(htmls), capture_output=True, text=True
    )
    if proc.returncode:
        raise RuntimeError(f"{name} failed: {proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


def _run_python(python: str, name: str, htmls: list[str]) -> list[bytes]:
    """The helper on WORKERS interleaved chunks at once, outputs back in input order."""
    chunks = [htmls[i::WORKERS] for i in range(WORKERS)]
    with ThreadPoolExecutor(WORKERS) as pool:
        done = list(pool.map(lambda chunk: _helper(python, name, chunk), chunks))
    out: list[bytes] = [b""] * len(htmls)
    for i, texts in enumerate(done):
        out[i::WORKERS] = [t.encode("utf-8") for t in texts]
    return out


def _run_command(command: tuple[str, ...], html: str) -> bytes:
    proc = subprocess.run(command, input=html.encode("utf-8"), capture_output=True, timeout=120)
    return proc.stdout


def _yaml(value: str | None) -> str:
    return json.dumps(" ".join((value or "").split()), ensure_ascii=False)


def clip_note(style: str, page: Page, body: str) -> str:
    """A web-clipper note: the clipper's default front matter, then the Markdown body."""
    meta = trafilatura.extract_metadata(page.html, default_url=page.url or None)
    authors = [a for a in (meta.author or "").split("; ") if a]
    url = page.url or meta.url or ""
    if style == "obsidian-clipper":
        author = "".join(f'\n  - "[[{a}]]"' for a in authors)
        return (
            f"---\ntitle: {_yaml(meta.title)}\nsource: {_yaml(url)}\nauthor:{author}\n"
            f"published: {meta.date or ''}\ncreated: {CLIP_TIME[:10]}\n"
            f'description: {_yaml(meta.description)}\ntags:\n  - "clippings"\n---\n{body}'
        )
    tags = ", ".join(t for t in (meta.tags or []) if t)
    return (
        f"---\ncreated: {CLIP_TIME} (UTC +00:00)\ntags: [{tags}]\nsource: {url}\n"
        f"author: {', '.join(authors)}\n---\n\n# {meta.title or ''}\n\n"
        f"> ## Excerpt\n> {' '.join((meta.description or '').split())}\n\n---\n{body}"
    )


def build_exports(
    exporter: Exporter, scope: str, pages: list[Page], inputs: Callable[[Page], dict[str, str]]
) -> None:
    """Make (and cache) the export of every page that is not in the cache yet."""
    folder = CACHE / exporter.name / scope
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    version = exporter_version(exporter.name)

    def source(page: Page) -> str:
        return page.html if exporter.run == "project" else inputs(page)[scope]

    digests = {}
    for p in pages:
        extra = p.html if exporter.run == "clipper" else ""
        material = "\0".join((INPUT_VERSION, exporter.name, version, source(p), extra))
        digests[p.key] = hashlib.sha1(material.encode("utf-8", "surrogatepass")).hexdigest()
    todo = [
        p
        for p in pages
        if manifest.get(p.key) != digests[p.key]
        or not (folder / f"{p.key}.{exporter.ext}").exists()
    ]
    if todo:
        started = time.monotonic()
        htmls = [source(p) for p in todo]
        if exporter.run == "command":
            with ThreadPoolExecutor(WORKERS) as pool:
                made = list(pool.map(lambda h: _run_command(exporter.command, h), htmls))
        elif exporter.run == "clipper":
            bodies = _run_python(str(VENV_PYTHON), "markdownify", htmls)
            made = [
                clip_note(exporter.name, p, b.decode("utf-8")).encode("utf-8")
                for p, b in zip(todo, bodies, strict=True)
            ]
        else:
            python = sys.executable if exporter.run == "project" else str(VENV_PYTHON)
            made = _run_python(python, exporter.name, htmls)
        for p, data in zip(todo, made, strict=True):
            (folder / f"{p.key}.{exporter.ext}").write_bytes(data)
            manifest[p.key] = digests[p.key]
        manifest_path.write_text(json.dumps(manifest, indent=0, sort_keys=True))
        print(
            f"  exported {len(todo)} pages with {exporter.name}/{scope} "
            f"in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )


# --- scoring -------------------------------------------------------------------------------

_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_TITLE_SEP = re.compile(r"\s+(?:\||-|–|—|::|·|/)\s+")
_BY = re.compile(
    r"^(?:(?:written|posted|edited|words|text)\s+by|by|par|von|por|door|av|af)\b[\s:]*",
    re.IGNORECASE,
)
_AUTHOR_SPLIT = re.compile(r"\s*(?:[,;&\n]|\s(?:and|und|et|y)\s)\s*")
_URL_PAREN = re.compile(r"\([^)]*(?:https?://|www\.)[^)]*\)|https?://\S+")
_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def norm(text: str | None) -> str:
    """NFKC, case-folded, whitespace collapsed, punctuation and symbols stripped at the ends."""
    folded = " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())
    return _EDGE.sub("", folded)


def title_ok(ours: str | None, gold: str, site: str | None) -> bool:
    mine = norm(ours)
    if not mine:
        return False
    if mine == norm(gold):
        return True
    seps = list(_TITLE_SEP.finditer(gold))
    if not seps:
        return False
    head, last = gold[: seps[-1].start()], gold[seps[-1].end() :]
    droppable = norm(last) == norm(site) or len(last.split()) <= 4
    return droppable and mine == norm(head)


def gold_authors(byline: str) -> set[str]:
    names = (_BY.sub("", part.strip()) for part in _AUTHOR_SPLIT.split(_URL_PAREN.sub("", byline)))
    return {n for n in map(norm, names) if n}


def utc_day(value: str | None) -> str | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(_OFFSET.sub(r"\1:\2", value.strip()))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC).date().isoformat()


def outlet_ok(name: str | None, domain: str | None, site: str) -> bool:
    gold = norm(site)
    host = (domain or "").lower()
    return norm(name) == gold or (bool(host) and gold in {host, host.removeprefix("www.")})


_MARKUP = re.compile(r"\[([^\]]*)\]\([^)]*\)|[#*_>`|\[\]]")
HELD_LINE_WORDS = 30  # a longer line is running text, where no date or title is printed


def held(page: Page, text: str) -> dict[str, float | None]:
    """Whether the export holds each gold field at all: the best any cleaner of the file could
    score. Body (html-benchmark-dev pages): the shingle recall of the whole file against the
    gold body (an article-scope export cut by the region rule holds less). Title: a line, or
    two or three lines in a row (text browsers wrap), with Markdown marks and link targets
    stripped, that ``title_ok`` accepts (front matter ``title:`` too).
    Authors: every gold name somewhere in the normalised text. Date: a line of at most
    ``HELD_LINE_WORDS`` words whose date, read by ``find_date_in_line`` (the line reader of the
    code measured: a lower bound), is on the gold UTC day."""
    gold = page.gold
    if body := gold.get("body"):  # html-benchmark-dev: the share of the gold body in the file
        return {"body_held": page_scores(body, text)[1]}
    lines = [_MARKUP.sub(lambda m: m.group(1) or " ", line).strip() for line in text.splitlines()]
    lines = [" ".join(line.removeprefix("title:").split()) for line in lines if line]
    out: dict[str, float | None] = {"title_held": None, "authors_held": None, "date_held": None}
    if want := gold.get("title"):
        joined = [*lines, *map(" ".join, itertools.pairwise(lines))]
        joined += map(" ".join, zip(lines, lines[1:], lines[2:], strict=False))
        site = gold.get("site_name")
        out["title_held"] = float(any(title_ok(line, want, site) for line in joined))
    if byline := gold.get("byline"):
        flat = norm(" ".join(lines))
        out["authors_held"] = float(all(name in flat for name in gold_authors(byline)))
    if day := utc_day(gold.get("published")):
        short = (line for line in lines if len(line.split()) <= HELD_LINE_WORDS)
        found = (find_date_in_line(line) for line in short)
        out["date_held"] = float(any(f is not None and utc_day(f[0].iso) == day for f in found))
    return out


def score(page: Page, result: Result, export: str | None = None) -> None:
    """Fill ``result.score``: F1 of the body, 1/0 per metadata field, None without gold; with
    the ``export`` text, also what it holds (``held``)."""
    truth = page.gold.get("body") or page.gold.get("readability_text") or ""
    precision, recall = page_scores(truth, result.body)
    s: dict[str, float | None] = {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
    }
    if page.key.startswith("rd-"):
        gold = page.gold
        ours = {norm(a) for a in result.authors} - {""}
        byline = gold.get("byline")
        want = gold.get("title")
        s["title"] = float(title_ok(result.title, want, gold.get("site_name"))) if want else None
        s["authors"] = float(ours == (gold_authors(byline) if byline else set()))
        s["auth_byl"] = s["authors"] if byline else None
        day = utc_day(gold.get("published"))
        s["date"] = None if day is None else float(utc_day(result.published) == day)
        site = gold.get("site_name")
        s["outlet"] = float(outlet_ok(*result.outlet, site)) if site else None
    if export is not None:
        s |= held(page, export)
    result.score = s


def from_article(key: str, article: Any) -> Result:
    outlet = article.outlet
    return Result(
        key=key,
        body=article.body,
        title=article.title,
        authors=article.authors or ([article.byline_org] if article.byline_org else []),
        published=article.published_at,
        outlet=(outlet.name, outlet.domain) if outlet else (None, None),
    )


def from_trafilatura(key: str, html: str) -> Result:
    doc = trafilatura.bare_extraction(html, with_metadata=True)
    if doc is None:
        return Result(key=key, body="")
    return Result(
        key=key,
        body=doc.text or "",
        title=doc.title,
        authors=[a for a in (doc.author or "").split("; ") if a],
        published=doc.date,
        outlet=(doc.sitename, doc.hostname),
    )


@dataclass
class Row:
    name: str
    scope: str
    results: list[Result]
    cpu: float  # seconds of CPU for all pages


def run_row(
    name: str,
    scope: str,
    pages: list[Page],
    make: Callable[[Page, bytes | None], Result],
    export: Callable[[Page], bytes] | None = None,
) -> Row:
    """One row: ``make`` on every page (with its ``export`` file, for export rows, read once
    and outside the timing), timed and scored (with what that file holds); an exception counts
    as an empty result."""
    row = Row(name, scope, [], 0.0)
    for page in pages:
        data = export(page) if export else None
        start = time.process_time()
        try:
            result = make(page, data)
        except Exception as error:  # clean_document must not raise: report it, keep measuring
            where = traceback.extract_tb(error.__traceback__)[-1]
            result = Result(
                key=page.key,
                body="",
                error=f"{type(error).__name__}: {error} at {Path(where.filename).name}"
                f":{where.lineno}",
            )
        row.cpu += time.process_time() - start
        score(page, result, data.decode("utf-8", "replace") if data is not None else None)
        row.results.append(result)
    return row


_JOB_PAGES: list[Page] = []  # filled before the row pool forks; read by _row_job


def _warm() -> None:
    """Load rule data, models and caches in a worker before any row is timed."""
    page = _JOB_PAGES[0]
    truth = (page.gold.get("body") or page.gold.get("readability_text") or "").encode("utf-8")
    for data, source in ((page.raw, "warm.html"), (truth, "warm.md"), (truth, "warm.txt")):
        clean_document(data, source)
    trafilatura.bare_extraction(page.html, with_metadata=True)


def _row_job(spec: tuple[str, str, str]) -> Row:
    """One row in a worker process: (row name, scope, file extension)."""
    name, scope, ext = spec

    def make(page: Page, data: bytes | None) -> Result:
        if name == "html":
            return from_article(page.key, clean_document(page.raw, f"{page.key}.html"))
        if name == "trafilatura":
            return from_trafilatura(page.key, page.html)
        return from_article(page.key, clean_document(data or b"", f"{page.key}.{ext}"))

    def _export(page: Page) -> bytes:
        return (CACHE / name / scope / f"{page.key}.{ext}").read_bytes()

    exported = name not in ("html", "trafilatura")
    return run_row(name, scope, _JOB_PAGES, make, _export if exported else None)


METRICS = ("f1_gold", "f1_rd", "title", "authors", "auth_byl", "date", "outlet")
HELD = (
    ("f1_gold", "body_held"),
    ("title", "title_held"),
    ("auth_byl", "authors_held"),
    ("date", "date_held"),
)


def summarize(row: Row, pages: dict[str, Page], keep: Callable[[Page], bool]) -> dict[str, Any]:
    """Metrics of a row over the pages ``keep`` accepts: value and n of each."""
    chosen = [r for r in row.results if keep(pages[r.key])]
    out: dict[str, Any] = {"n": len(chosen), "errors": sum(1 for r in chosen if r.error)}
    for metric, prefix in (("f1_gold", "hb-"), ("f1_rd", "rd-")):
        pairs = [
            (pages[r.key].gold.get("body") or pages[r.key].gold.get("readability_text"), r.body)
            for r in chosen
            if r.key.startswith(prefix)
        ]
        out[metric] = {"value": corpus_scores(pairs)[0] if pairs else None, "n": len(pairs)}
    for metric in (*METRICS[2:], *(h for _, h in HELD)):
        values = [r.score[metric] for r in chosen if r.score.get(metric) is not None]
        out[metric] = {"value": sum(values) / len(values) if values else None, "n": len(values)}
    return out


# --- report --------------------------------------------------------------------------------

HEADS = ("F1 gold", "F1vsRd", "title", "authors", "auth byl", "date", "outlet")


def _cell(value: float | None, width: int = 8, signed: bool = False) -> str:
    if value is None:
        return " " * (width - 1) + "-"
    return f"{value:+{width}.3f}" if signed else f"{value:{width}.3f}"


def print_table(
    title: str, rows: list[tuple[str, dict[str, Any], dict[str, Any] | None, str]]
) -> None:
    """rows: (label, metrics, html metrics for the gap or None, speed)."""
    print(f"\n{title}")
    gaps = "".join(f"{h:>8}" for h in ("ΔF1g", "ΔF1r", "Δtitle", "Δauth", "Δdate", "Δoutlet"))
    heads = "".join(f"{h:>9}" for h in HEADS)
    print(f"{'row':28}{'n':>5}{'err':>4}" + heads + gaps + f"{'docs/s':>9}")
    for label, m, base, speed in rows:
        line = f"{label:28}{m['n']:5d}{m['errors']:4d}"
        line += "".join(_cell(m[k]["value"], 9) for k in METRICS)
        for k in ("f1_gold", "f1_rd", "title", "authors", "date", "outlet"):
            v, b = m[k]["value"], base[k]["value"] if base else None
            line += _cell(None if v is None or b is None else v - b, 8, signed=True)
        print(line + f"{speed:>9}")


def print_held(title: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Each export row's body F1, title, authors (pages with a byline) and date beside what
    its files hold (``held``: the mean recall of the whole file for the body, the share of
    files holding the field for the others): the part of the gap to HTML a cleaner can close."""
    print(f"\n{title}")
    heads = "".join(f"{h:>9}{'held':>7}" for h in ("F1 gold", "title", "auth byl", "date"))
    print(f"{'row':28}" + heads)
    for label, m in rows:
        cells = "".join(_cell(m[k]["value"], 9) + _cell(m[h]["value"], 7) for k, h in HELD)
        print(f"{label:28}" + cells)


def field_counts(m: dict[str, Any]) -> str:
    return ", ".join(f"{h} {m[k]['n']}" for h, k in zip(HEADS, METRICS, strict=True))


def show_worst(rows: list[Row], pages: dict[str, Page], k: int, metric: str, half: str) -> None:
    for row in rows:
        chosen = [
            r
            for r in row.results
            if (half == "all" or pages[r.key].half == half) and r.score.get(metric) is not None
        ]
        print(f"\nworst {k} for {metric}: {row.name}/{row.scope}")
        for r in sorted(chosen, key=lambda r: (r.score[metric], r.key))[:k]:
            gold = pages[r.key].gold
            print(f"  {r.score[metric]:.2f} {r.key}")
            if metric == "f1":
                truth = gold.get("body") or gold.get("readability_text") or ""
                print(
                    f"       p={r.score['precision']:.2f} r={r.score['recall']:.2f} "
                    f"ours {len(r.body.split())} words, gold {len(truth.split())}"
                )
                continue
            ours, want = {
                "title": (r.title, gold.get("title")),
                "authors": (r.authors, gold.get("byline")),
                "auth_byl": (r.authors, gold.get("byline")),
                "date": (r.published, gold.get("published")),
                "outlet": (r.outlet, gold.get("site_name")),
            }[metric]
            print(f"       ours {ours!r}\n       gold {want!r}")


def dump(key: str, pages: dict[str, Page], selected: list[tuple[Exporter, str]]) -> None:
    page = pages[key]
    for exporter, scope in selected:
        path = CACHE / exporter.name / scope / f"{key}.{exporter.ext}"
        if not path.exists():
            continue
        data = path.read_bytes()
        print(f"===== {path.relative_to(ROOT)}\n{data.decode('utf-8', 'replace')}")
        record = clean_document(data, f"{key}.{exporter.ext}").to_dict()
        _print_record(record)
    print(f"===== html {key}")
    _print_record(clean_document(page.raw, f"{key}.html").to_dict())
    print("===== gold", json.dumps({k: v for k, v in page.gold.items()}, ensure_ascii=False)[:3000])


def _print_record(record: dict[str, Any]) -> None:
    record.pop("paragraphs", None)
    record.pop("minhash", None)
    record["removed"] = Counter(r["kind"] for r in record["removed"])
    record["body"] = record["body"][:1500]
    print("----- record", json.dumps(record, ensure_ascii=False, indent=1, default=str))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exporters", default=",".join(EXPORTERS), help="comma-separated")
    parser.add_argument("--scopes", default=",".join(SCOPES), help="article,page")
    parser.add_argument("--half", choices=("dev", "check", "all"), default=None)
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument(
        "--worst", nargs=2, metavar=("K", "FIELD"), help=f"K worst pages, FIELD in {FIELDS}"
    )
    parser.add_argument("--dump", metavar="KEY", help="an export and our record, e.g. rd-001")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    unknown = set(args.exporters.split(",")) - set(EXPORTERS)
    if unknown:
        raise SystemExit(f"unknown exporters {sorted(unknown)}; known: {list(EXPORTERS)}")
    scopes = args.scopes.split(",")
    exporters = [EXPORTERS[n] for n in args.exporters.split(",")]
    selected = [(e, s) for e in exporters for s in e.scopes if s in scopes]
    ensure_tools(exporters)
    page_list = load_all(args.limit)
    pages = {p.key: p for p in page_list}
    made: dict[str, dict[str, str]] = {}

    def inputs(page: Page) -> dict[str, str]:
        if page.key not in made:
            made[page.key] = export_inputs(page.html)
        return made[page.key]

    if args.dump:
        dump(args.dump, pages, selected)
        return
    started = time.monotonic()
    specs = [("html", "page", "html"), ("trafilatura", "page", "html")]
    for exporter, scope in selected:
        build_exports(exporter, scope, page_list, inputs)
        specs.append((exporter.name, scope, exporter.ext))
    _JOB_PAGES[:] = page_list
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(WORKERS, mp_context=fork, initializer=_warm) as pool:
        rows = list(pool.map(_row_job, specs))
    if args.worst:
        show_worst(rows, pages, int(args.worst[0]), args.worst[1], args.half or "all")
        return

    halves = [args.half] if args.half else ["dev", "check", "all"]
    report: dict[str, Any] = {
        "versions": {e.name: exporter_version(e.name) for e in exporters},
        "rows": {},
        "pages": {},
    }
    for half in halves:
        keep = (lambda p: True) if half == "all" else (lambda p, h=half: p.half == h)
        base = summarize(rows[0], pages, keep)
        table = []
        for row in rows:
            m = summarize(row, pages, keep)
            label = f"{row.name}/{row.scope}"
            report["rows"].setdefault(label, {})[half] = m
            speed = f"{len(row.results) / row.cpu:.0f}" if row.cpu else "-"
            table.append((label, m, None if row is rows[0] else base, speed))
        print_table(f"== {half}: {len(list(filter(keep, page_list)))} pages", table)
        print(f"gold n ({half}): {field_counts(base)}")
        held_rows = [(label, m) for label, m, _, _ in table[2:]]
        print_held(
            f"== {half}: what the files hold (ours, then the body recall or the share of "
            "files holding the field)",
            held_rows,
        )
        langs = Counter(p.lang for p in page_list if keep(p))
        lang_rows = []
        for lang, count in sorted(langs.items(), key=lambda kv: (-kv[1], kv[0])):
            if count < 5:
                continue

            def in_lang(p: Page, lg: str = lang, k: Callable[[Page], bool] = keep) -> bool:
                return k(p) and p.lang == lg

            lang_base = summarize(rows[0], pages, in_lang)
            for row in rows:
                m = summarize(row, pages, in_lang)
                label = f"{row.name}/{row.scope}"
                report["rows"][label].setdefault("languages", {}).setdefault(half, {})[lang] = m
                if row.name in ("html", "trafilatura"):
                    base_m = None if row is rows[0] else lang_base
                    lang_rows.append((f"[{lang}] {label}", m, base_m, ""))
        print_table(f"== {half} by language (>= 5 pages)", lang_rows)
    for row in rows:
        report["pages"][f"{row.name}/{row.scope}"] = {
            r.key: {**r.score, "error": r.error} for r in row.results
        }
        errors = Counter(r.error for r in row.results if r.error)
        for error, count in errors.most_common(3):
            print(f"{row.name}/{row.scope}: {count} x {error}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "exports_quality.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(
        f"\n{len(rows)} rows x {len(page_list)} pages in {time.monotonic() - started:.0f} s; "
        f"JSON in {(OUT / 'exports_quality.json').relative_to(ROOT)}"
    )


if __name__ == "__main__":
    main()
