"""One bad file never stops a run (issue 22), against the real Elasticsearch.

Each numbered item of the issue has a test here, except item 8 (Elasticsearch down for good
mid-run), which is tests/test_faults.py::test_es_killed_mid_run_fails_cleanly_then_rerun_
indexes_everything_once. Item 9 (privileges) is tested as far as an unsecured server allows:
that a run writes no template and that the analyzer choice needs no cluster `_analyze`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch
from typer.testing import CliRunner

from flows.cli.main import app
from flows.config import Settings
from flows.es import indices as indices_module
from flows.es.bulk import load_window
from flows.es.client import describe_error
from flows.es.indices import aliases, ensure_indices, indices_behind
from flows.ingest import IngestOptions, ingest
from flows.ner import find_mentions, split_text
from tests.test_faults import assert_balanced, dead_letters, use_flow_settings, write_articles
from transforms.record import Article, Paragraph

pytestmark = [pytest.mark.elasticsearch, pytest.mark.prefect]

LONG_CHARS = 1_100_000


@pytest.fixture
def flow_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch, harness: None) -> Settings:
    """The flow configured for the session server and this test's prefix."""
    return use_flow_settings(
        monkeypatch, settings.es_url, settings.index_prefix, settings.dead_letter_path
    )


def unlistable_folder(parent: Path) -> Path:
    """A sub-folder nested so deep that its path is too long to list (ENAMETOOLONG).

    Tests run as root, where permissions cannot make a folder unreadable; the path length
    limit makes `scandir` fail the same way for everyone. Built with directory descriptors.
    """
    name = "d" * 250
    fd = os.open(parent, os.O_RDONLY)
    depth = 0
    try:
        while len(str(parent)) + depth * (len(name) + 1) < 4200:
            os.mkdir(name, dir_fd=fd)
            deeper = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd, depth = deeper, depth + 1
        story = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(story, b"A story nobody can list\n\nIt sits too deep to be found.\n")
        os.close(story)
    finally:
        os.close(fd)
    return parent / name


def test_every_bad_file_fails_alone_with_its_reason_in_summary_and_dead_letter(
    es: Elasticsearch, flow_settings: Settings, tmp_path: Path
) -> None:
    """Items 1, 2, 3 and 6: a symlink loop, a name that is not UTF-8, 1.1 MB without a
    newline, empty, binary and an unlistable sub-folder beside good files."""
    folder = tmp_path / "in"
    good = write_articles(folder, 3)
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    odd_name = os.fsencode(folder) + b"/caf\xe9-story.txt"
    story = b"Ferry returns to Oakbridge\n\nThe ferry to Oakbridge runs again.\n"
    Path(os.fsdecode(odd_name)).write_bytes(story)
    words = " ".join(f"Mayor Anna Reyes spoke on day {n}." for n in range(40_000))
    (folder / "long.txt").write_text(words[:LONG_CHARS])
    (folder / "empty.md").write_bytes(b"")
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 50)
    deep = unlistable_folder(folder)

    summary = ingest(IngestOptions(source=str(folder), batch_size=4))

    assert_balanced(summary)
    assert (summary["files_seen"], summary["indexed"], summary["failed"]) == (10, 5, 5), summary
    failures = {Path(f["source"]).name: f for f in summary["failures"]}
    assert failures["a.txt"]["reason"] == failures["b.txt"]["reason"] == "unreadable: symlink loop"
    assert failures["empty.md"] == {
        "source": str(folder / "empty.md"),
        "stage": "clean",
        "reason": "empty input",
    }
    assert "binary" in failures["photo.txt"]["reason"]
    unlisted = [f for f in summary["failures"] if f["stage"] == "read" and "folder" in f["reason"]]
    assert len(unlisted) == 1 and "too long" in unlisted[0]["reason"], summary["failures"]
    assert unlisted[0]["source"].startswith(str(deep))

    letters = {letter["source"]: letter for letter in dead_letters(flow_settings.dead_letter_path)}
    assert set(letters) == {f["source"] for f in summary["failures"]}
    assert {letter["stage"] for letter in letters.values()} == {"read", "clean"}
    assert all(letter["reason"] for letter in letters.values())

    articles = f"{flow_settings.index_prefix}-articles"
    es.indices.refresh(index=articles)
    assert es.count(index=articles)["count"] == len(good) + 2
    odd = es.get(index=articles, id=hashlib.sha1(odd_name).hexdigest())["_source"]
    assert odd["source"] == str(folder / "caf\\xe9-story.txt")  # shown, id from the real bytes
    long = es.search(index=articles, query={"term": {"source": str(folder / "long.txt")}})
    (hit,) = long["hits"]["hits"]
    assert hit["_source"]["word_count"] > 100_000
    assert "Anna Reyes" in hit["_source"]["entities"]["person"]  # read in pieces, not refused


def test_long_text_mentions_keep_their_offsets() -> None:
    """Item 3: a text past the model's limit is read in pieces; offsets point into the whole."""
    text = "".join(f"Mayor Anna Reyes met Tomas Ek in Oslo on day {n}. " for n in range(6000))
    pieces = split_text(text, 50_000)
    assert "".join(piece for _, piece in pieces) == text and len(pieces) > 4
    assert all(piece.endswith(". ") for _, piece in pieces[:-1])  # cut at sentence ends
    article = Article(id="long", source="long.txt", format="text", content_hash="x")
    article.paragraphs = [Paragraph(text)]
    article_mentions = find_mentions([article], cache=None)[0][2]
    assert len(article_mentions) > 6000
    assert all(text[m.start : m.end] == m.text for m in article_mentions)
    assert max(m.start for m in article_mentions) > len(text) - 100


def test_paragraph_write_failures_count_the_file_as_failed(
    es: Elasticsearch, flow_settings: Settings, tmp_path: Path
) -> None:
    """Item 4: with the paragraphs index write-blocked, every file is failed, none indexed."""
    files = write_articles(tmp_path / "in", 3)
    state = ensure_indices(es, flow_settings)
    blocked = {"index.blocks.write": True}
    es.indices.put_settings(index=state.write_indices.paragraphs, settings=blocked)
    try:
        summary = ingest(IngestOptions(source=str(tmp_path / "in")))
    finally:
        es.indices.put_settings(
            index=state.write_indices.paragraphs, settings={"index.blocks.write": None}
        )
    assert_balanced(summary)
    assert (summary["indexed"], summary["failed"]) == (0, len(files)), summary
    assert all(f["stage"] == "index" and "paragraphs" in f["reason"] for f in summary["failures"])
    letters = dead_letters(flow_settings.dead_letter_path)
    assert {letter["source"] for letter in letters} == {str(f) for f in files}

    again = ingest(IngestOptions(source=str(tmp_path / "in")))
    assert_balanced(again)
    assert (again["indexed"], again["skipped"], again["failed"]) == (len(files), 0, 0)


def _alias_targets(es: Elasticsearch, settings: Settings) -> list[str]:
    return sorted(
        index for alias in aliases(settings).names() for index in indices_behind(es, alias)
    )


def test_rebuild_swaps_past_a_bad_file_names_it_and_strict_refuses(
    es: Elasticsearch, flow_settings: Settings, tmp_path: Path
) -> None:
    """Item 5: one empty file no longer throws a rebuild away; --strict keeps the old rule."""
    folder = tmp_path / "in"
    write_articles(folder, 3)
    (folder / "empty.txt").write_bytes(b"")
    ensure_indices(es, flow_settings)
    before = _alias_targets(es, flow_settings)

    strict = CliRunner().invoke(app, ["rebuild", str(folder), "--strict"])
    assert strict.exit_code == 2, strict.output
    assert "1 files failed (--strict): the aliases were not moved" in strict.output
    assert _alias_targets(es, flow_settings) == before
    prefix = flow_settings.index_prefix
    assert sorted(es.indices.get(index=f"{prefix}-*")) == before  # the new indices are gone

    swapped = CliRunner().invoke(app, ["rebuild", str(folder)])
    assert swapped.exit_code == 3, swapped.output
    last = swapped.output.strip().splitlines()[-1]
    assert "1 files failed (the aliases were moved" in last and "empty.txt (clean)" in last
    after = _alias_targets(es, flow_settings)
    assert after != before and len(after) == 2
    es.indices.refresh(index=f"{prefix}-articles")
    assert es.count(index=f"{prefix}-articles")["count"] == 3

    only_bad = tmp_path / "only-bad"
    only_bad.mkdir()
    (only_bad / "empty.txt").write_bytes(b"")
    refused = CliRunner().invoke(app, ["rebuild", str(only_bad)])
    assert refused.exit_code == 2 and "all 1 files failed" in refused.output, refused.output
    assert _alias_targets(es, flow_settings) == after


def test_first_setups_racing_on_a_fresh_prefix_share_one_layout(
    es: Elasticsearch, es_url: str, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 7: concurrent first setups end with one write index per alias, no error."""
    racers = 4
    barrier = threading.Barrier(racers)
    results: list[Any] = [None] * racers

    def race(slot: int) -> None:
        client = Elasticsearch(es_url, request_timeout=60)
        barrier.wait()
        try:
            results[slot] = ensure_indices(client, settings).write_indices
        except Exception as exc:  # reported below with the others
            results[slot] = exc
        finally:
            client.close()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(set(results)) == 1 and not isinstance(results[0], Exception), results
    assert sorted(es.indices.get(index=f"{settings.index_prefix}-*")) == sorted(results[0].names())

    # the losing side, made certain: the alias is read as absent, then found taken on create
    winner = ensure_indices(es, settings).write_indices
    real = indices_module.indices_behind
    stale = {"calls": 0}

    def stale_once(client: Elasticsearch, alias: str) -> dict[str, bool]:
        stale["calls"] += 1
        return {} if stale["calls"] == 1 else real(client, alias)

    monkeypatch.setattr(indices_module, "indices_behind", stale_once)
    assert ensure_indices(es, settings).write_indices == winner
    monkeypatch.undo()
    assert sorted(es.indices.get(index=f"{settings.index_prefix}-*")) == sorted(winner.names())


def test_an_elasticsearch_error_is_one_line_naming_status_and_what_to_check(
    es: Elasticsearch, settings: Settings
) -> None:
    """Item 8 (the message): a real refusal described in one line with its status."""
    with pytest.raises(BadRequestError) as refused:
        es.indices.create(index="Not A Valid Name")
    line = describe_error(refused.value, settings.es_url)
    assert "\n" not in line and "HTTP 400" in line and "Invalid index name" in line, line


def test_cli_run_on_a_broken_layout_exits_2_with_one_line_and_no_traceback(
    es: Elasticsearch, settings: Settings, tmp_path: Path
) -> None:
    """Item 8: an error inside the flow reaches the console as one line, exit 2, no traceback
    (Prefect's own log lines included); -v would show them."""
    es.indices.create(index=f"{settings.index_prefix}-articles")  # an index where an alias goes
    write_articles(tmp_path / "in", 1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env |= {
        "NEWSINDEX_ES_URL": settings.es_url,
        "NEWSINDEX_INDEX_PREFIX": settings.index_prefix,
        "NEWSINDEX_DEAD_LETTER_PATH": str(settings.dead_letter_path),
        "NEWSINDEX_TASK_RUNNER": "threads",
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "newsindex"), "run", str(tmp_path / "in")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 2, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        f"error: '{settings.index_prefix}-articles' is a concrete index, not an alias: "
        "rename or delete it first"
    ], done.stderr[-3000:]


def test_a_run_writes_no_template_once_the_layout_exists(
    es: Elasticsearch, flow_settings: Settings, tmp_path: Path
) -> None:
    """Item 9: after setup, `run` needs privileges on its own indices only: it neither reads
    nor writes templates (here they are deleted, and stay deleted)."""
    ensure_indices(es, flow_settings)
    prefix = flow_settings.index_prefix
    for kind in ("articles", "paragraphs"):
        es.indices.delete_index_template(name=f"{prefix}-{kind}")
    es.cluster.delete_component_template(name=f"{prefix}-settings")
    files = write_articles(tmp_path / "in", 2)
    summary = ingest(IngestOptions(source=str(tmp_path / "in")))
    assert (summary["indexed"], summary["failed"]) == (len(files), 0)
    lenient = es.options(ignore_status=404)
    assert not lenient.indices.get_index_template(name=f"{prefix}-*").get("index_templates")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"NEWSINDEX_ES_CA_CERTS": "/nonexistent/ca.pem", "NEWSINDEX_ES_URL": "https://es:9200"},
            "NEWSINDEX_ES_CA_CERTS: no such file: /nonexistent/ca.pem",
        ),
        (
            {"NEWSINDEX_ES_CA_CERTS": __file__, "NEWSINDEX_ES_URL": "http://localhost:9200"},
            "NEWSINDEX_ES_CA_CERTS is set but NEWSINDEX_ES_URL is http://",
        ),
    ],
)
def test_tls_setting_mistakes_are_one_line(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Item 10: a missing CA file and a CA with an http:// URL say so, in one line, exit 2."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(app, ["ping"])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and expected in lines[0], result.output


def test_refresh_already_off_is_not_called_an_interrupted_load(
    es: Elasticsearch, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Item 10: another process's load window is named as such (or a crash), then restored."""
    state = ensure_indices(es, settings)
    es.indices.put_settings(index=state.write_indices.articles, settings={"refresh_interval": "-1"})
    with (
        caplog.at_level(logging.WARNING, logger="flows.es.bulk"),
        load_window(es, state.aliases.names()),
    ):
        pass
    (message,) = [r.getMessage() for r in caplog.records if "refresh is off" in r.getMessage()]
    assert "another run is loading it, or one was interrupted" in message
    found = es.indices.get_settings(index=state.write_indices.articles, name="*refresh_interval")
    assert found == {}  # back to the default


def test_unreadable_source_folder_is_a_clear_error_exit_2(tmp_path: Path) -> None:
    """Item 6: a source folder the user cannot list is refused up front (run as `nobody`,
    since root reads everything), not reported as "0 files"."""
    if os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists():
        pytest.skip("needs root and setpriv to run the CLI as another user")
    as_nobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    # A checkout under a private folder (mktemp -d is 0700): let `nobody` pass through the
    # folders above it for the length of the test.
    private = {
        folder: folder.stat().st_mode
        for folder in Path(__file__).resolve().parents
        if not folder.stat().st_mode & 0o001
    }
    for folder, mode in private.items():
        folder.chmod(mode | 0o001)
    try:
        _run_as_nobody_on_a_locked_folder(as_nobody)
    finally:
        for folder, mode in private.items():
            folder.chmod(mode)


def _run_as_nobody_on_a_locked_folder(as_nobody: list[str]) -> None:
    public = Path(tempfile.mkdtemp(prefix="newsindex-locked-"))
    try:
        public.chmod(0o755)
        locked = public / "locked"
        locked.mkdir(mode=0o700)
        done = subprocess.run(
            [*as_nobody, str(Path(sys.executable).parent / "newsindex"), "run", str(locked)],
            cwd=public,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(public)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == f"error: source {locked} is not readable: Permission denied"
    assert done.stdout == ""
