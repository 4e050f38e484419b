"""A Dask cluster of separate local processes: `dask scheduler` and `dask worker`, on loopback.

The same command-line tools a real cluster runs, for the Dask tests and the benchmark. Each
worker is one process with one thread and no nanny, so killing it (`kill_worker`) loses it
for good, as a machine going away would.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from distributed import Client

from flows.ops.local_es import free_port, stop_process_group

DASK = Path(sys.executable).parent / "dask"


@dataclass
class LocalDaskCluster:
    """One scheduler and named workers; logs and worker scratch folders under `workdir`."""

    workdir: Path
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    port: int = 0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def log_path(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def _spawn(self, name: str, command: list[str]) -> None:
        log = self.log_path(name).open("ab")
        self._logs.append(log)
        self.processes[name] = subprocess.Popen(
            command,
            env=self.env,
            cwd=self.workdir,  # no .env of the checkout: the settings are in `env`
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped or killed as a whole
        )

    def start(self, workers: int, timeout: float = 120.0) -> LocalDaskCluster:
        """Start the scheduler and `workers` workers (named w1, w2, ...); wait for them all."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.port = self.port or free_port()
        self._spawn(
            "scheduler",
            [
                str(DASK),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-dashboard",
            ],
        )
        for number in range(1, workers + 1):
            self.add_worker(f"w{number}")
        self.wait_for_workers(workers, timeout)
        return self

    def add_worker(self, name: str) -> None:
        """Start one worker process (one thread, no nanny) named `name`."""
        options = {
            "--name": name,
            "--nthreads": "1",
            "--memory-limit": "0",
            "--death-timeout": "60",
        }
        flags = [part for pair in options.items() for part in pair]
        scratch = str(self.workdir / name)
        command = [str(DASK), "worker", self.address, *flags, "--local-directory", scratch]
        self._spawn(name, [*command, "--no-nanny", "--no-dashboard"])

    def wait_for_workers(self, count: int, timeout: float = 120.0) -> None:
        """Block until `count` workers are registered with the scheduler."""
        deadline = time.monotonic() + timeout
        with Client(self.address, timeout=timeout) as client:
            client.wait_for_workers(count, timeout=max(1.0, deadline - time.monotonic()))

    def kill_worker(self, name: str) -> None:
        """SIGKILL a worker: it leaves without telling the scheduler, like a lost machine."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        """Stop the workers, then the scheduler; close the logs."""
        for name in sorted(self.processes, key=lambda n: n == "scheduler"):
            process = self.processes.pop(name)
            stop_process_group(process.pid, grace=10)
            process.wait(timeout=30)
        for log in self._logs:
            log.close()
        self._logs.clear()
