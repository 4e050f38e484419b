"""Kibana as code: the saved objects in `mappings/kibana_objects.ndjson` and their import.

The file holds Kibana 9 saved objects (data views, saved searches, Lens visualizations and the
"News overview" dashboard) written for the default prefix `newsindex`. Every object id starts
with `newsindex-` and each data view's title is its alias name, so `load_saved_objects` can
move the whole set to another NEWSINDEX_INDEX_PREFIX by rewriting ids, references and titles.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import httpx

from flows.config import Settings
from flows.es.client import redact_url

log = logging.getLogger(__name__)

OBJECTS_FILE = "kibana_objects.ndjson"
DEFAULT_PREFIX = "newsindex"
IMPORT_PATH = "/api/saved_objects/_import"
STATUS_PATH = "/api/status"


class KibanaError(RuntimeError):
    """Kibana cannot be reached, refused a request or rejected saved objects."""


@dataclass(frozen=True)
class ImportResult:
    """What Kibana reported for one saved objects import."""

    success_count: int
    imported: list[str] = field(default_factory=list)  # "type id" of each imported object
    warnings: list[str] = field(default_factory=list)


def _rename(object_id: str, prefix: str) -> str:
    return prefix + object_id.removeprefix(DEFAULT_PREFIX)


def load_saved_objects(prefix: str = DEFAULT_PREFIX) -> list[dict[str, Any]]:
    """The saved objects for `prefix`: ids, references and data view titles rewritten.

    Display titles get a " [prefix]" suffix for a non-default prefix, so several prefixes can
    share one Kibana without identical names.
    """
    text = files("mappings").joinpath(OBJECTS_FILE).read_text(encoding="utf-8")
    objects = [json.loads(line) for line in text.splitlines() if line.strip()]
    if prefix == DEFAULT_PREFIX:
        return objects
    for obj in objects:
        obj["id"] = _rename(obj["id"], prefix)
        for ref in obj["references"]:
            ref["id"] = _rename(ref["id"], prefix)
        attributes = obj["attributes"]
        if obj["type"] == "index-pattern":
            attributes["title"] = _rename(attributes["title"], prefix)
            attributes["name"] = f"{attributes['name']} [{prefix}]"
        else:
            attributes["title"] = f"{attributes['title']} [{prefix}]"
    return objects


def to_ndjson(objects: list[dict[str, Any]]) -> bytes:
    """Saved objects in Kibana's export format: one compact JSON object per line."""
    lines = (json.dumps(obj, separators=(",", ":"), ensure_ascii=False) for obj in objects)
    return ("\n".join(lines) + "\n").encode("utf-8")


def tls_verification(settings: Settings) -> ssl.SSLContext | bool:
    """What httpx verifies Kibana's certificate with: the CA bundle, the system CAs, or nothing.

    Raises KibanaError when NEWSINDEX_KIBANA_CA_CERTS names no readable PEM file."""
    if not settings.kibana_verify_certs:
        return False
    if settings.kibana_ca_certs is None:
        return True
    try:
        return ssl.create_default_context(cafile=str(settings.kibana_ca_certs))
    except (OSError, ssl.SSLError) as exc:
        raise KibanaError(
            f"NEWSINDEX_KIBANA_CA_CERTS: cannot read a CA certificate from "
            f"{settings.kibana_ca_certs} ({getattr(exc, 'strerror', None) or exc})"
        ) from None


def _client(settings: Settings, timeout: float) -> httpx.Client:
    auth = None
    if settings.kibana_username and settings.kibana_password is not None:
        password = settings.kibana_password.get_secret_value()
        auth = httpx.BasicAuth(settings.kibana_username, password)
    return httpx.Client(
        base_url=settings.kibana_url.rstrip("/"),
        auth=auth,
        headers={"kbn-xsrf": "true"},
        timeout=timeout,
        verify=tls_verification(settings),
    )


def _tls_refused(exc: httpx.TransportError) -> bool:
    return "CERTIFICATE_VERIFY_FAILED" in str(exc)


def _unreachable(settings: Settings, exc: httpx.TransportError) -> KibanaError:
    if _tls_refused(exc):
        return KibanaError(
            f"TLS verification of Kibana at {redact_url(settings.kibana_url)} failed "
            "(certificate not trusted or not for this host): set NEWSINDEX_KIBANA_CA_CERTS to "
            "the CA bundle (PEM) that signed it"
        )
    return KibanaError(
        f"Cannot reach Kibana at {redact_url(settings.kibana_url)} ({type(exc).__name__}). "
        "Set NEWSINDEX_KIBANA_URL to a running Kibana, or skip it: `newsindex setup --skip-kibana`."
    )


def _kibana_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return json.dumps(body)[:300]


def _refused(settings: Settings, response: httpx.Response, what: str) -> KibanaError:
    message = f"Kibana at {redact_url(settings.kibana_url)} answered HTTP {response.status_code}"
    message += f" to {what}: {_kibana_message(response)}"
    if response.status_code in (401, 403):
        message += " (check NEWSINDEX_KIBANA_USERNAME and NEWSINDEX_KIBANA_PASSWORD)"
    return KibanaError(message)


def _describe_error(error: dict[str, Any]) -> str:
    detail = error.get("error", {})
    kind = detail.get("type", "unknown")
    text = f"{error.get('type')} {error.get('id')} ({error.get('title', '?')}): {kind}"
    missing = detail.get("references")
    if missing:
        text += " " + ", ".join(f"{ref.get('type')} {ref.get('id')}" for ref in missing)
    elif detail.get("message"):
        text += f" {detail['message']}"
    return text


def import_saved_objects(
    settings: Settings,
    objects: list[dict[str, Any]] | None = None,
    *,
    timeout: float = 60.0,
) -> ImportResult:
    """Import the saved objects (default: ours, for the settings' prefix), overwriting.

    `POST /api/saved_objects/_import?overwrite=true`, multipart field `file` (an .ndjson file),
    header `kbn-xsrf`, as Kibana documents it. Idempotent: the ids are stable.
    """
    if objects is None:
        objects = load_saved_objects(settings.index_prefix)
    filename = f"{settings.index_prefix}-kibana.ndjson"
    upload = {"file": (filename, to_ndjson(objects), "application/ndjson")}
    try:
        with _client(settings, timeout) as client:
            response = client.post(IMPORT_PATH, params={"overwrite": "true"}, files=upload)
    except httpx.TransportError as exc:
        raise _unreachable(settings, exc) from None
    if response.is_error:
        raise _refused(settings, response, "the saved objects import")
    body = response.json()
    if not body.get("success", False):
        errors = [_describe_error(error) for error in body.get("errors", [])]
        raise KibanaError(
            f"Kibana imported {body.get('successCount', 0)} of {len(objects)} saved objects; "
            f"{len(errors)} failed: " + "; ".join(errors or ["no details given"])
        )
    result = ImportResult(
        success_count=int(body.get("successCount", 0)),
        imported=[f"{item['type']} {item['id']}" for item in body.get("successResults", [])],
        warnings=[str(warning.get("message", warning)) for warning in body.get("warnings", [])],
    )
    log.info("Kibana imported %d saved objects", result.success_count)
    return result


def wait_for_kibana(settings: Settings, timeout: float = 120.0, interval: float = 2.0) -> str:
    """Poll `GET /api/status` until Kibana reports itself available; return its version.

    Raises KibanaError on bad credentials at once, or when `timeout` seconds pass.
    """
    deadline = time.monotonic() + timeout
    last = "no answer"
    with _client(settings, timeout=min(max(timeout, 1.0), 10.0)) as client:
        while True:
            try:
                response = client.get(STATUS_PATH)
            except httpx.TransportError as exc:
                if _tls_refused(exc):  # waiting will not help
                    raise _unreachable(settings, exc) from None
                last = type(exc).__name__
            else:
                if response.status_code in (401, 403):
                    raise _refused(settings, response, "the status request")
                level = _overall_level(response)
                if level == "available":
                    return str(response.json().get("version", {}).get("number", "unknown"))
                last = f"HTTP {response.status_code}, status {level}"
            if time.monotonic() >= deadline:
                raise KibanaError(
                    f"Kibana at {redact_url(settings.kibana_url)} was not available after "
                    f"{timeout:.0f}s (last: {last}). Check NEWSINDEX_KIBANA_URL."
                )
            time.sleep(interval)


def _overall_level(response: httpx.Response) -> str:
    try:
        return str(response.json()["status"]["overall"]["level"])
    except (ValueError, KeyError, TypeError):
        return "unknown"
