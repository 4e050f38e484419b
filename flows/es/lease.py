"""One writer per index set: a lease held in Elasticsearch, next to the indices it guards.

The lease is one document (`_id` "writer") in the small hidden index `{prefix}-locks`
(hidden, so `{prefix}-*` wildcards and Kibana patterns do not see it; the writer role's
`{prefix}-*` privileges cover it). A run takes it with `op_type=create` (only one create can
succeed), renews it from a background thread every third of NEWSINDEX_LEASE_TTL, and deletes
it when it ends. A holder that dies stops renewing: once `expires_at` has passed, the next run
takes the lease over with a compare-and-set (`if_seq_no`/`if_primary_term`), so two waiting
runs cannot both win. A holder on this machine (same host name and process namespace) whose
process is gone, or an earlier run of this very process whose release failed (Elasticsearch was
down), is known dead at once: its lease is taken over without waiting for the expiry.
A run that finds the lease held waits up to NEWSINDEX_LEASE_WAIT seconds, then stops with
`LeaseHeldError` naming the holder (the CLI exits 4).

Expiry compares the holder's wall clock with the waiter's: machines sharing a cluster are
assumed to agree within a small fraction of the TTL (NTP).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from elasticsearch import BadRequestError, ConflictError, Elasticsearch, NotFoundError

from flows.config import Settings

log = logging.getLogger(__name__)

LOCK_ID = "writer"


class LeaseError(RuntimeError):
    """The writer lease could not be kept (lost while the run wrote)."""


class LeaseHeldError(LeaseError):
    """Another run holds the writer lease and did not release it in time."""


def locks_index(prefix: str) -> str:
    """The index holding the lease documents of one index prefix."""
    return f"{prefix}-locks"


def current_run() -> str:
    """This run's name: the Prefect flow run when inside one, else a CLI run id."""
    from prefect.runtime import flow_run

    if flow_run.get_id():
        return f"{flow_run.get_flow_name()}/{flow_run.get_name()} ({flow_run.get_id()})"
    return f"cli-{uuid.uuid4().hex[:8]}"


def _pid_namespace() -> str:
    """This process's PID namespace ("" where /proc does not say): pids compare within one."""
    try:
        return str(Path("/proc/self/ns/pid").readlink())
    except OSError:
        return ""


@dataclass(frozen=True)
class Holder:
    """Who holds a lease: enough to find the process."""

    host: str
    pid: int
    run: str

    def __str__(self) -> str:
        return f"{self.run}, pid {self.pid} on {self.host}"


_live_tokens: set[str] = set()  # the leases this process holds right now


def _known_dead(held: dict[str, Any]) -> bool:
    """The holder's process is on this machine and no longer holds the lease."""
    namespace = _pid_namespace()
    if not namespace or (held.get("host"), held.get("pidns")) != (socket.gethostname(), namespace):
        return False
    pid = held.get("pid")
    if pid == os.getpid():
        return held.get("token") not in _live_tokens
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (OSError, TypeError, ValueError):  # alive under another user, or no usable pid
        return False
    return False


def _now_ms() -> int:
    return int(time.time() * 1000)


class WriterLease:
    """The writer lease of one index prefix, held from `acquire()` to `release()`."""

    def __init__(self, es: Elasticsearch, settings: Settings, holder: Holder) -> None:
        self.es = es
        self.index = locks_index(settings.index_prefix)
        self.ttl = settings.lease_ttl
        self.wait = settings.lease_wait
        self.holder = holder
        self.lost = False
        self.token = uuid.uuid4().hex
        self._version: dict[str, int] = {}  # if_seq_no / if_primary_term of our document
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    def _document(self) -> dict[str, Any]:
        return {
            "holder": str(self.holder),
            "host": self.holder.host,
            "pid": self.holder.pid,
            "run": self.holder.run,
            "pidns": _pid_namespace(),
            "token": self.token,
            "renewed_at": datetime.now(UTC).isoformat(),
            "expires_at": _now_ms() + int(self.ttl * 1000),
        }

    def _ensure_index(self) -> None:
        if self.es.indices.exists(index=self.index):
            return
        try:
            self.es.indices.create(
                index=self.index,
                settings={"hidden": True, "number_of_shards": 1, "auto_expand_replicas": "0-1"},
                mappings={"dynamic": False},
            )
        except BadRequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise

    def _keep(self, response: Any) -> None:
        self._version = {
            "if_seq_no": response["_seq_no"],
            "if_primary_term": response["_primary_term"],
        }

    def _try_take(self) -> dict[str, Any] | None:
        """Take the lease if free or expired; else return the live holder's document."""
        try:
            self._keep(self.es.create(index=self.index, id=LOCK_ID, document=self._document()))
            return None
        except ConflictError:
            pass
        current = self.es.options(ignore_status=404).get(index=self.index, id=LOCK_ID)
        if not current.get("found"):
            return {}  # released meanwhile: try again at once
        held = current["_source"]
        dead = _known_dead(held)
        if held.get("expires_at", 0) > _now_ms() and not dead:
            return held
        try:
            self._keep(
                self.es.index(
                    index=self.index,
                    id=LOCK_ID,
                    document=self._document(),
                    if_seq_no=current["_seq_no"],
                    if_primary_term=current["_primary_term"],
                )
            )
        except ConflictError:
            return {}  # another waiter took it over first: look again
        why = "its holder is gone" if dead else "it had expired"
        log.warning("writer lease %s taken over from %s: %s", self.index, held["holder"], why)
        return None

    def acquire(self) -> None:
        """Take the lease, waiting up to `wait` seconds; raise LeaseHeldError naming the holder."""
        self._ensure_index()
        deadline = time.monotonic() + self.wait
        announced = False
        while (held := self._try_take()) is not None:
            if not held:
                continue
            left = deadline - time.monotonic()
            expires = max(0.0, (held["expires_at"] - _now_ms()) / 1000)
            if left <= 0:
                raise LeaseHeldError(
                    f"another run is writing to {self.index.removesuffix('-locks')}: "
                    f"{held['holder']} holds the writer lease (expires in {expires:.0f}s unless "
                    f"renewed); waited {self.wait:.0f}s (NEWSINDEX_LEASE_WAIT)"
                )
            if not announced:
                log.warning("waiting up to %.0fs for the writer lease of %s", left, held["holder"])
                announced = True
            time.sleep(min(left, max(0.2, self.ttl / 6)))
        log.info("writer lease %s taken by %s", self.index, self.holder)
        _live_tokens.add(self.token)
        self._renewer = threading.Thread(target=self._renew_loop, name="lease-renewer", daemon=True)
        self._renewer.start()

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                self._keep(
                    self.es.index(
                        index=self.index, id=LOCK_ID, document=self._document(), **self._version
                    )
                )
            except (ConflictError, NotFoundError):
                self.lost = True
                log.error("writer lease %s lost: another run took it over", self.index)
                return
            except Exception as exc:  # the cluster may answer again before the lease expires
                log.warning("could not renew the writer lease %s: %s", self.index, exc)

    def release(self) -> None:
        """Stop renewing and delete the lease document if it is still ours (best effort: when
        the cluster does not answer, the lease expires, or this process's next run takes it)."""
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
        _live_tokens.discard(self.token)
        if self.lost or not self._version:
            return
        try:
            self.es.delete(index=self.index, id=LOCK_ID, **self._version)
        except (ConflictError, NotFoundError):
            log.warning("writer lease %s was no longer ours at release", self.index)
        except Exception as exc:  # the run's own outcome matters more than the lease's
            log.warning("could not release the writer lease %s: %s", self.index, exc)


@contextmanager
def writer_lease(es: Elasticsearch, settings: Settings) -> Iterator[WriterLease]:
    """Hold the writer lease of `settings.index_prefix` for the duration of the block.

    Raises LeaseHeldError when it stays taken for NEWSINDEX_LEASE_WAIT seconds, and LeaseError
    after a block that ran while the lease was lost (another run may have written meanwhile).
    """
    lease = WriterLease(es, settings, Holder(socket.gethostname(), os.getpid(), current_run()))
    lease.acquire()
    try:
        yield lease
    finally:
        lease.release()
    if lease.lost:
        raise LeaseError(
            f"the writer lease {lease.index} was lost during the run (not renewed within "
            f"NEWSINDEX_LEASE_TTL={lease.ttl:.0f}s): another run may have written meanwhile; "
            "re-run to be sure every file is indexed"
        )
