"""A real `prefect server start` process for end-to-end tests, and a tiny REST client for it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flows.ops.local_es import free_port, stop_process_group

VENV_BIN = Path(sys.executable).parent


def prefect_env(home: Path) -> dict[str, str]:
    """Environment for Prefect processes that must not touch the user's Prefect home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS="2",
        PREFECT_RUNNER_POLL_FREQUENCY="2",
        PREFECT_LOGGING_LEVEL="INFO",
    )
    return env


def _send(request: urllib.request.Request) -> Any:
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


class PrefectApi:
    """JSON over HTTP against a Prefect server's /api."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def call(self, method: str, path: str, body: Any | None = None) -> Any:
        """One API call; a busy server (503, as SQLite-backed Prefect answers under load) is
        retried with backoff, as Prefect's own client does."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base}/api{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        for delay in (1, 2, 4, 8, 16):
            try:
                return _send(request)
            except urllib.error.HTTPError as exc:
                if exc.code not in (429, 503):
                    raise
            time.sleep(delay)
        return _send(request)

    def wait_until(self, check, timeout: float, what: str) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = check()
            except OSError:
                value = None
            if value:
                return value
            time.sleep(1)
        raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


@contextmanager
def prefect_server(home: Path) -> Iterator[PrefectApi]:
    """Start `prefect server start` on a free loopback port; stop it afterwards."""
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (home / "server.log").open("wb")
    env = prefect_env(home)
    env["PREFECT_UI_API_URL"] = f"http://127.0.0.1:{port}/api"  # else the UI calls :4200
    process = subprocess.Popen(
        [str(VENV_BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    api = PrefectApi(f"http://127.0.0.1:{port}")
    try:
        api.wait_until(lambda: api.call("GET", "/health"), 120, "prefect server health")
        yield api
    finally:
        stop_process_group(process.pid, grace=15)
        process.wait(timeout=30)
        log.close()
