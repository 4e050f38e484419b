"""The checks before a run or rebuild: Elasticsearch answers and failures can be kept."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from flows.config import Settings
from flows.es.client import check_connection
from flows.es.dead_letter import DeadLetter


def preflight(es: Elasticsearch, settings: Settings, *, writes: bool = True) -> str:
    """The server version; raises EsUnavailableError, or OSError when a run that writes could
    not record its failures in the dead-letter file."""
    version = check_connection(es, settings)
    if writes:  # failures must have somewhere to go before anything is written
        DeadLetter(settings.dead_letter_path).close()
    return version
