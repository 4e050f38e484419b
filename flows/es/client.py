"""Elasticsearch client construction and a connectivity check with a clear, secret-free error."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

from elastic_transport import TlsError
from elasticsearch import ApiError, Elasticsearch, TransportError

from flows.config import Settings

log = logging.getLogger(__name__)


class EsUnavailableError(RuntimeError):
    """Elasticsearch cannot be reached or answered with an error."""


def redact_url(url: str) -> str:
    """The URL without any user:password part, safe for logs and messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def make_client(settings: Settings) -> Elasticsearch:
    """A client configured from settings (auth, TLS, timeouts); does not contact the server."""
    kwargs: dict = {
        "request_timeout": settings.es_request_timeout,
        "verify_certs": settings.es_verify_certs,
        "retry_on_timeout": True,
        "max_retries": 3,
    }
    if settings.es_ca_certs is not None:
        kwargs["ca_certs"] = str(settings.es_ca_certs)
    if settings.es_api_key is not None:
        kwargs["api_key"] = settings.es_api_key.get_secret_value()
    elif settings.es_username and settings.es_password is not None:
        kwargs["basic_auth"] = (settings.es_username, settings.es_password.get_secret_value())
    return Elasticsearch(settings.es_url, **kwargs)


def server_version(es: Elasticsearch) -> str:
    """The version of the node answering (works on the minimal distribution, which has no GET /)."""
    nodes = es.nodes.info(node_id="_local", metric="_none", filter_path="nodes.*.version")
    return next(iter(nodes["nodes"].values()))["version"]


_CREDENTIALS = "NEWSINDEX_ES_API_KEY or NEWSINDEX_ES_USERNAME/NEWSINDEX_ES_PASSWORD"


def describe_error(exc: Exception, url: str) -> str:
    """One line for an Elasticsearch error: what failed, the status, and what to check."""
    where = redact_url(url)
    if isinstance(exc, ApiError):
        reason = ""
        if isinstance(exc.body, dict) and isinstance(exc.body.get("error"), dict):
            reason = str(exc.body["error"].get("reason") or "")
        reason = (
            (reason or exc.message or "").splitlines()[0][:400] if reason or exc.message else ""
        )
        line = f"Elasticsearch at {where} refused the request: HTTP {exc.meta.status} {reason}"
        if exc.meta.status == 401:
            line += f" (check {_CREDENTIALS})"
        elif exc.meta.status == 403:
            line += " (the user or API key lacks the privilege named; see README, Privileges)"
        return line.strip()
    if isinstance(exc, TlsError):
        return (
            f"TLS verification of Elasticsearch at {where} failed (certificate not trusted or "
            "not for this host): set NEWSINDEX_ES_CA_CERTS to the CA bundle (PEM) that signed it"
        )
    if isinstance(exc, TransportError):
        return (
            f"Cannot reach Elasticsearch at {where} ({type(exc).__name__}). Set NEWSINDEX_ES_URL "
            "to a running server, or start one: `newsindex local-es start` (no Docker) or "
            "`docker compose up -d elasticsearch`."
        )
    return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"


def check_connection(es: Elasticsearch, settings: Settings) -> str:
    """Return the server version, or raise EsUnavailableError with a one-line remedy.

    The version needs the cluster `monitor` privilege; without it (HTTP 403 from an
    authenticated user) the server is usable and the version is reported as unknown.
    """
    try:
        return server_version(es)
    except ApiError as exc:
        if exc.meta.status == 403:
            log.debug("no cluster monitor privilege: server version unknown")
            return "(version unknown: no cluster monitor privilege)"
        raise EsUnavailableError(describe_error(exc, settings.es_url)) from None
    except TransportError as exc:  # TlsError included
        raise EsUnavailableError(describe_error(exc, settings.es_url)) from None
