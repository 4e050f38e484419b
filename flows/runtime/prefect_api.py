"""The Prefect API of a CLI run: the configured one, else a temporary server of our own, booted
in its own process while the flow is imported and the NER model loads."""

from __future__ import annotations

import atexit
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib.util import find_spec
from pathlib import Path

from flows.ops.local_es import free_port, http_get_json

log = logging.getLogger(__name__)

HEALTH_POLL_SECONDS = 0.1
STOP_WAIT_SECONDS = 5
PR_SET_PDEATHSIG = 1  # prctl(2)
REACH_SECONDS = 10
START_ATTEMPTS = 3  # another process may take the free port first: uvicorn exits, try again
_temporary_url: str | None = None  # this process's temporary API, once it answers


class PrefectApiError(RuntimeError):
    """The configured Prefect API does not answer, or the temporary server did not start."""


def temporary_api_url() -> str | None:
    """The API URL of the temporary server this process started, or None."""
    return _temporary_url


def start_prefect_api() -> Callable[[], None]:
    """Start a temporary Prefect server unless an API is configured; returns the call that
    waits until it answers (and raises what went wrong).

    It is the server Prefect itself would start at the flow's first API call, after the
    imports (`SubprocessASGIServer`'s uvicorn command, with its environment): started here,
    in a process of its own, it boots on the other core while this process imports the flow
    and loads the NER model, and this process never imports Prefect's server code (some 6 s of
    CPU). With PREFECT_API_URL in the environment nothing starts: the wait checks that the API
    answers (PrefectApiError, one line, instead of Prefect's traceback). Otherwise the server
    starts at once and a thread imports Prefect to read whether a profile or settings file
    names an API; if one does, the server is stopped unused (a second of the other core's).
    """
    if configured := os.environ.get("PREFECT_API_URL"):
        return lambda: _reachable(configured)
    failure: list[BaseException] = []
    port = free_port()
    process = _spawn(port, tied=True)

    def boot() -> None:
        global _temporary_url
        try:
            from prefect.settings import (
                PREFECT_API_URL,
                PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
            )

            if configured := PREFECT_API_URL.value():
                _stop(process)
                _reachable(configured)
                return
            timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
            _temporary_url = _serve(process, port, timeout)
        except BaseException as exc:  # raised again by the waiting thread
            failure.append(exc)

    thread = threading.Thread(target=boot, name="prefect-api", daemon=True)
    thread.start()

    def wait() -> None:
        thread.join()
        if failure:
            raise failure[0]

    return wait


@contextmanager
def using_prefect_api() -> Iterator[None]:
    """Inside: every Prefect client of this process, whatever its thread (the process pool's
    message forwarding runs on one of its own), and the worker processes started here use the
    temporary API, when one was started.

    Prefect reads its settings from one process-global context when a thread has none of its
    own; it is replaced for the duration, as Prefect's own test harness does
    (`_temporary_global_settings_context`, prefect pinned in requirements.lock; the tests run
    a pool of worker processes through it).
    """
    url = temporary_api_url()
    if url is None:
        yield
        return
    from prefect.context import (
        SettingsContext,
        _temporary_global_settings_context,
        get_settings_context,
    )
    from prefect.settings import PREFECT_API_URL

    current = get_settings_context()
    settings = current.settings.copy_with_update(updates={PREFECT_API_URL: url})
    os.environ["PREFECT_API_URL"] = url  # worker processes inherit it
    try:
        with _temporary_global_settings_context(
            SettingsContext(profile=current.profile, settings=settings)
        ):
            yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def _spawn(port: int, *, tied: bool = False) -> subprocess.Popen[bytes]:
    """The server process; stopped when this process exits, and with `tied` also when it is
    killed outright (Linux: the kernel sends the server SIGTERM when the thread that started
    it dies, so it is started from the thread that lives as long as the run). Only a process
    with no other thread is tied: code run between fork and exec must take no lock."""
    log.info("Starting temporary server on http://127.0.0.1:%d", port)
    alone = threading.active_count() == 1
    tie = _tie_to_parent() if tied and alone and sys.platform == "linux" else None
    process = subprocess.Popen(_uvicorn_command(port), env=_server_env(), preexec_fn=tie)
    atexit.register(_stop, process)
    return process


def _tie_to_parent() -> Callable[[], None]:
    """The call, for the child between fork and exec, that has it sent SIGTERM when its parent
    dies (prctl resolved here, in the parent)."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    return lambda: prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _reachable(url: str) -> None:
    """Raise PrefectApiError unless something answers at the configured API (any HTTP status:
    Prefect Cloud answers 401 without a key, which Prefect's client sends)."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/health", timeout=REACH_SECONDS):
            pass
    except urllib.error.HTTPError:
        pass
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PrefectApiError(
            f"the Prefect API at {url} does not answer ({reason}): start it "
            "(prefect server start) or unset PREFECT_API_URL to use a temporary server"
        ) from None


def _serve(process: subprocess.Popen[bytes], port: int, timeout: float) -> str:
    """Wait until the temporary server answers, on another port if its own was taken first
    (uvicorn exits); returns its API URL."""
    for attempt in range(START_ATTEMPTS):
        if attempt:
            port = free_port()
            process = _spawn(port)
        url = f"http://127.0.0.1:{port}/api"
        if _answers(process, f"{url}/health", timeout):
            return url
        _stop(process)
    raise PrefectApiError(f"the temporary Prefect server did not start ({START_ATTEMPTS} attempts)")


def _uvicorn_command(port: int) -> list[str]:
    spec = find_spec("prefect")
    assert spec is not None and spec.submodule_search_locations
    app_dir = Path(next(iter(spec.submodule_search_locations))).parent
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(app_dir),
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]


def _server_env() -> dict[str, str]:
    """This process's environment, with the settings Prefect gives its own temporary server:
    no UI, the ephemeral server's reduced services."""
    return os.environ | {
        "PREFECT_UI_ENABLED": "0",
        "PREFECT__SERVER_EPHEMERAL": "1",
        "PREFECT__SERVER_FINAL": "1",
    }


def _answers(process: subprocess.Popen[bytes], health: str, timeout: float) -> bool:
    """True once the server's health endpoint answers; False when the process exits first
    (its port was taken); raises on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            http_get_json(health, timeout=1)
            return True
        except (urllib.error.URLError, OSError, ValueError):  # not up yet, or not Prefect yet
            pass
        time.sleep(HEALTH_POLL_SECONDS)
    _stop(process)
    raise PrefectApiError(f"the temporary Prefect server did not answer within {timeout:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
