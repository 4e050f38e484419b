"""The CLI's temporary Prefect server: started in a process of its own, used by the client inside
`using_prefect_api`, never importing Prefect's server code into the CLI process."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows.ops.local_es import free_port
from flows.runtime.prefect_api import PrefectApiError, start_prefect_api
from tests.prefect_server import prefect_env

PROBE = """
import json, os, sys
from flows.runtime.prefect_api import start_prefect_api, temporary_api_url, using_prefect_api
start_prefect_api()()
url = temporary_api_url()
with using_prefect_api():
    from prefect import get_client
    with get_client(sync_client=True) as client:
        healthy = client.api_healthcheck() is None
        used = str(client.api_url)
    exported = os.environ.get("PREFECT_API_URL")
print(json.dumps({
    "url": url, "used": used, "healthy": healthy, "exported": exported,
    "after": os.environ.get("PREFECT_API_URL"),
    "server_imported": "prefect.server.api.server" in sys.modules,
}))
"""


def _env(home: Path) -> dict[str, str]:
    # as the CLI sets it (flows.cli.main): a loaded machine may take over Prefect's 20 s
    return prefect_env(home) | {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}


def _probe(env: dict[str, str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.prefect
@pytest.mark.slow
def test_without_an_api_a_temporary_server_answers_and_is_used(tmp_path: Path) -> None:
    found = _probe(_env(tmp_path / "home"))
    assert found["url"] and found["url"].startswith("http://127.0.0.1:")
    assert found["used"].rstrip("/") == found["url"] and found["healthy"]
    assert found["exported"] == found["url"]  # worker processes inherit it
    assert found["after"] is None
    assert found["server_imported"] is False


@pytest.mark.prefect
@pytest.mark.slow
def test_a_configured_api_starts_nothing(tmp_path: Path) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/api"  # answers (501): an API is there
    env = _env(tmp_path / "home") | {"PREFECT_API_URL": url}
    probe = PROBE.replace("healthy = client.api_healthcheck() is None", "healthy = None")
    try:
        done = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120
        )
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["url"] is None and found["used"].rstrip("/") == url


def test_a_configured_api_that_does_not_answer_is_one_clear_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"http://127.0.0.1:{free_port()}/api"  # nothing listens there
    monkeypatch.setenv("PREFECT_API_URL", url)
    with pytest.raises(PrefectApiError, match=f"the Prefect API at {url} does not answer"):
        start_prefect_api()()


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.prefect
@pytest.mark.skipif(sys.platform != "linux", reason="the tie is prctl(PR_SET_PDEATHSIG)")
def test_the_temporary_server_dies_with_a_killed_cli(tmp_path: Path) -> None:
    probe = "from flows.runtime.prefect_api import start_prefect_api\n"
    probe += "import time; start_prefect_api(); print('started', flush=True); time.sleep(120)"
    cli = subprocess.Popen(
        [sys.executable, "-c", probe], env=_env(tmp_path / "home"), stdout=subprocess.PIPE
    )
    assert cli.stdout is not None and cli.stdout.readline().strip() == b"started"
    servers = _children(cli.pid)
    assert servers, "no server process was started"
    cli.kill()
    cli.wait()
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in servers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(Path(f"/proc/{pid}").exists() for pid in servers)
