"""End to end through a real `prefect server` process, as a user of the Prefect UI would.

The served deployments are triggered the way the UI's Run → Custom run button does it
(POST /api/deployments/{id}/create_flow_run with custom parameters); the run must complete,
its documents must be in the real Elasticsearch, and its report artifact must be published.
Headless Chromium renders the custom run form of the ingest deployment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.ops.local_es import stop_process_group
from tests.prefect_server import VENV_BIN, prefect_env, prefect_server

pytestmark = [pytest.mark.prefect, pytest.mark.slow]
SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, es_url: str):
    """A prefect server plus `newsindex serve` pointed at it and at the test Elasticsearch."""
    home = tmp_path_factory.mktemp("prefect")
    inbox = tmp_path_factory.mktemp("inbox")
    prefix = f"e2e{os.getpid()}"
    with prefect_server(home) as api:
        env = prefect_env(home) | {
            "PREFECT_API_URL": f"{api.base}/api",
            "NEWSINDEX_ES_URL": es_url,
            "NEWSINDEX_INDEX_PREFIX": prefix,
            "NEWSINDEX_INBOX": str(inbox),
            # A UI-triggered run may read only under the source root (else only the inbox).
            "NEWSINDEX_SOURCE_ROOT": str(tmp_path_factory.getbasetemp()),
            "NEWSINDEX_INGEST_CRON": "0 6 * * *",
            "NEWSINDEX_DEAD_LETTER_PATH": str(home / "dead-letter.jsonl"),
        }
        log = (home / "serve.log").open("wb")
        process = subprocess.Popen(
            [str(VENV_BIN / "newsindex"), "serve"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deployments = api.wait_until(
                lambda: len(found := api.call("POST", "/deployments/filter", {})) >= 2 and found,
                120,
                "the served deployments",
            )
            yield api, {d["name"]: d for d in deployments}, prefix, home
        finally:
            stop_process_group(process.pid, grace=15)
            log.close()


def test_ui_triggered_run_indexes_documents_and_publishes_report(
    served: tuple, es: Elasticsearch, tmp_path: Path
) -> None:
    api, deployments, prefix, home = served
    source = tmp_path / "drop"
    shutil.copytree(SAMPLES, source)
    files = sorted(p.name for p in source.iterdir())

    run = api.call(
        "POST",
        f"/deployments/{deployments['inbox']['id']}/create_flow_run",
        {"parameters": {"options": {"source": str(source), "batch_size": 2}}},
    )
    final = api.wait_until(
        lambda: (
            (r := api.call("GET", f"/flow_runs/{run['id']}"))["state"]["type"]
            in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
            and r
        ),
        300,
        "the flow run to finish",
    )
    assert final["state"]["type"] == "COMPLETED", (home / "serve.log").read_text()[-3000:]
    assert final["parameters"]["options"]["batch_size"] == 2

    es.indices.refresh(index=f"{prefix}-*")
    hits = es.search(index=f"{prefix}-articles", size=50, source=["source"])["hits"]["hits"]
    assert sorted(Path(h["_source"]["source"]).name for h in hits) == files
    assert es.count(index=f"{prefix}-paragraphs")["count"] > len(files)

    artifacts = api.call(
        "POST", "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [run["id"]]}}}
    )
    report = next(a for a in artifacts if a["key"] == "ingest-report")
    assert f"| {len(files)} | {len(files)} | 0 | 0 | yes |" in report["data"]


def test_scheduled_deployment_lists_upcoming_runs(served: tuple) -> None:
    api, deployments, _, _ = served
    inbox = deployments["inbox"]
    assert inbox["schedules"][0]["schedule"]["cron"] == "0 6 * * *"
    upcoming = api.wait_until(
        lambda: api.call(
            "POST",
            "/flow_runs/filter",
            {
                "flow_runs": {
                    "deployment_id": {"any_": [inbox["id"]]},
                    "state": {"type": {"any_": ["SCHEDULED"]}},
                }
            },
        ),
        60,
        "scheduled runs of the inbox deployment",
    )
    times = sorted(r["expected_start_time"] for r in upcoming)
    assert len(times) >= 2
    assert all("T06:00:00" in t for t in times)


def _png_colours(png: bytes) -> int:
    """Distinct byte values in the image data: a blank page compresses to a handful."""
    data, pos = b"", 8
    while pos < len(png):
        length = int.from_bytes(png[pos : pos + 4], "big")
        if png[pos + 4 : pos + 8] == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(data)))


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_custom_run_form_renders_in_chromium(served: tuple, tmp_path: Path) -> None:
    api, deployments, _, _ = served
    url = f"{api.base}/deployments/deployment/{deployments['inbox']['id']}/run"
    common = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    common += ["--window-size=1280,1600", "--virtual-time-budget=20000"]
    dom = subprocess.run(
        ["chromium", *common, "--dump-dom", url], capture_output=True, text=True, timeout=120
    ).stdout
    for label in ("Source", "Include", "Batch Size", "Full Refresh", "Dry Run", "Submit"):
        assert label in dom, f"{label!r} not in the rendered custom run form"
    assert "Something went wrong" not in dom
    shot = tmp_path / "custom-run.png"
    subprocess.run(
        ["chromium", *common, f"--screenshot={shot}", url], capture_output=True, timeout=120
    )
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG")
    assert _png_colours(png) > 50, "the screenshot looks blank"
    artifacts = Path(os.environ.get("NEWSINDEX_TEST_ARTIFACTS", tmp_path))
    artifacts.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, artifacts / "custom-run-form.png")
