"""Run progress, console logs and the run summary: units, and `newsindex run` as a user sees it
(a pseudo-terminal, a pipe, a task failing inside a worker process) against the real
Elasticsearch and a real temporary Prefect server."""

from __future__ import annotations

import json
import logging
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from flows.config import Settings
from flows.report import RunReport, summary_text
from flows.runtime.console_logs import CONSOLE, NotPrefectChatter, OneLineFormatter
from flows.runtime.progress import LiveProgress, PlainProgress, RunProgress, for_console
from tests.test_faults import write_articles

NEWSINDEX = str(Path(sys.executable).parent / "newsindex")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _report(seen: int, failed: int = 0) -> RunReport:
    return RunReport(files_seen=seen, indexed=seen - failed, failed=failed)


def test_progress_counts_rate_and_eta_from_finished_batches() -> None:
    progress = RunProgress()
    progress.start(10)
    assert progress.eta == "?"
    progress.batch_done(_report(4, failed=1))
    progress.batch_done(_report(2))
    line = progress.line()
    assert line.startswith("batch 2: 6/10 files, ") and line.endswith(", 1 failed"), line
    assert re.search(r"[\d.]+ docs/s, ETA \d+m\d\ds", line), line


def test_console_kind_follows_the_terminal() -> None:
    assert isinstance(for_console(Console(force_terminal=True)), LiveProgress)
    assert isinstance(for_console(Console(force_terminal=False)), PlainProgress)


def _record(name: str, msg: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord(name, logging.INFO, __file__, 1, msg, (), None)
    record.__dict__.update(extra)
    return record


def test_console_shows_of_prefect_only_retries_and_marked_lines() -> None:
    keep = NotPrefectChatter().filter
    retry = "Task run failed with %s: %r - Retry %s/%s will start %s"
    assert keep(_record("prefect.task_runs", retry))
    assert not keep(_record("prefect.task_runs", "Finished in state %s"))
    assert not keep(_record("prefect", "Starting temporary server on http://127.0.0.1:8000"))
    assert keep(_record("prefect.flow_runs", "batch %d failed", **CONSOLE))
    assert keep(_record("flows.es.bulk", "bulk chunk retried"))


def test_one_line_formatter_drops_the_traceback() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = OneLineFormatter(logging.Formatter("%(levelname)s %(message)s")).format(record)
    assert line == "ERROR failed"
    assert record.exc_info is not None  # other handlers (Prefect's API) still get it


def test_summary_text_lists_counts_outlets_languages_removals_and_failures() -> None:
    report = RunReport(files_seen=3, indexed=1, skipped=1, failed=1)
    report.per_outlet["Daily Lantern"] = 1
    report.per_language["en"] = 1
    report.removals_by_kind["caption"] = 2
    report.failures.append({"source": "a/empty.txt", "stage": "clean", "reason": "empty input"})
    text = summary_text(report.summary())
    assert text.splitlines()[0].startswith("3 files seen: 1 indexed, 1 skipped (unchanged), 1 fail")
    for expected in (
        "per outlet: Daily Lantern 1",
        "per language: en 1",
        "removed: caption 2",
        "a/empty.txt (clean): empty input",
    ):
        assert expected in text, text


@pytest.fixture(scope="module")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Prefect home (its database) for the module's command runs."""
    return tmp_path_factory.mktemp("prefect-home")


def _env(settings: Settings, prefect_home: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "NEWSINDEX"))}
    return env | {
        "NEWSINDEX_ES_URL": settings.es_url,
        "NEWSINDEX_INDEX_PREFIX": settings.index_prefix,
        "NEWSINDEX_DEAD_LETTER_PATH": str(settings.dead_letter_path),
        "PREFECT_HOME": str(prefect_home),
        "COLUMNS": "160",
        **more,
    }


def _in_pty(command: list[str], env: dict[str, str], timeout: float = 600) -> tuple[int, str]:
    """Run `command` with stdin, stdout and stderr on a pseudo-terminal; all it printed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        command, stdin=follower, stdout=follower, stderr=follower, env=env, close_fds=True
    )
    os.close(follower)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the follower side closed: the process is done
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(leader)
    code = process.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.slow
@pytest.mark.prefect
def test_live_progress_in_a_terminal_appears_advances_and_one_summary_follows(
    settings: Settings, prefect_home: Path, tmp_path: Path
) -> None:
    write_articles(tmp_path / "in", 5)
    env = _env(settings, prefect_home, NEWSINDEX_TASK_RUNNER="threads")
    code, shown = _in_pty([NEWSINDEX, "run", str(tmp_path / "in"), "--batch-size", "2"], env)
    plain = ANSI.sub("", shown)
    assert code == 0, plain[-3000:]
    assert "\x1b[" in shown  # drawn as a live display, not plain lines
    counts = [int(done) for done in re.findall(r"indexing\s.*?(\d)/5", plain)]
    assert counts and counts[-1] == 5, plain[-3000:]
    assert any(done < 5 for done in counts), plain[-3000:]  # seen before the end: it advanced
    assert counts == sorted(counts)
    assert "docs/s" in plain and "ETA" in plain and "failed" in plain
    assert plain.count("files seen:") == 1 and "run summary" not in plain, plain[-3000:]
    assert "Starting temporary server" not in plain and "Finished in state" not in plain


@pytest.mark.slow
@pytest.mark.prefect
def test_without_a_terminal_plain_lines_per_batch_and_json_summary(
    settings: Settings, prefect_home: Path, tmp_path: Path
) -> None:
    write_articles(tmp_path / "in", 5)
    done = subprocess.run(
        [NEWSINDEX, "run", str(tmp_path / "in"), "--batch-size", "2", "--json"],
        env=_env(settings, prefect_home, NEWSINDEX_TASK_RUNNER="threads"),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads(done.stdout)
    assert (summary["files_seen"], summary["indexed"], summary["per_language"]) == (5, 5, {"en": 5})
    lines = done.stderr.splitlines()
    assert "\x1b[" not in done.stderr
    batches = [line for line in lines if line.startswith("batch ")]
    assert [line.split(" files,")[0] for line in batches] == [
        "batch 1: 2/5",
        "batch 2: 4/5",
        "batch 3: 5/5",
    ], done.stderr
    assert all(re.search(r"docs/s, ETA \S+, 0 failed$", line) for line in batches), batches
    assert "run summary" not in done.stderr and "Prefect" not in done.stderr, done.stderr


@pytest.mark.slow
@pytest.mark.prefect
def test_a_task_failing_in_a_worker_process_is_one_line_counted_and_dead_lettered(
    settings: Settings, prefect_home: Path, tmp_path: Path
) -> None:
    """A model that cannot load fails each prepare task inside its worker process."""
    files = write_articles(tmp_path / "in", 3)
    env = _env(settings, prefect_home, NEWSINDEX_SPACY_MODELS="en=no_such_model")
    done = subprocess.run(
        [NEWSINDEX, "run", str(tmp_path / "in"), "--batch-size", "2"],  # 2 batches: processes
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 3, done.stderr[-3000:]
    assert "Traceback" not in done.stderr and "Finished in state" not in done.stderr, done.stderr
    failed = [line for line in done.stderr.splitlines() if " failed, its " in line]
    assert len(failed) == 2 and all("no_such_model" in line for line in failed), done.stderr
    assert "3 files seen: 0 indexed, 0 skipped (unchanged), 3 failed" in done.stdout
    letters = [json.loads(line) for line in settings.dead_letter_path.read_text().splitlines()]
    assert sorted(letter["source"] for letter in letters) == sorted(map(str, files))
    assert {letter["stage"] for letter in letters} == {"prepare"}
