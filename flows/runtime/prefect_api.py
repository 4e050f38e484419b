"""The Prefect API of a CLI run: the configured one, else Prefect's temporary server, booted in
the background while the flow is imported and the NER model loads."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flows.runtime.console_logs import quiet_console


def start_prefect_api(verbose: bool) -> Callable[[], None]:
    """Start Prefect's temporary server in a thread when no API is configured.

    Returns the call that waits for it (and raises what went wrong). The server is the one
    Prefect itself would start at the flow's first API call, after the imports; started here
    it boots meanwhile. With PREFECT_API_URL set (a running `prefect server start`) there is
    nothing to start or wait for. Prefect is imported in the thread too; without `verbose`
    its note about the temporary server is not shown (flows.runtime.console_logs).
    """
    failure: list[BaseException] = []

    def boot() -> None:
        try:
            from prefect.settings import PREFECT_API_URL

            if PREFECT_API_URL.value():
                return
            from prefect.server.api.server import SubprocessASGIServer

            quiet_console(verbose)

            SubprocessASGIServer().start()  # the instance Prefect's get_client() reuses
        except BaseException as exc:  # raised again by the waiting thread
            failure.append(exc)

    thread = threading.Thread(target=boot, name="prefect-api", daemon=True)
    thread.start()

    def wait() -> None:
        thread.join()
        if failure:
            raise failure[0]

    return wait
