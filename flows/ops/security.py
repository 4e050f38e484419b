"""Least privilege as code: the roles in `mappings/security_roles.json` and their API keys.

`{prefix}_admin` runs `setup`, `{prefix}_writer` runs `run` and `rebuild`, `{prefix}_reader`
searches (and is what Kibana users get). `apply_security` stores the roles through the native
role API and creates one API key each for the writer and the reader, limited to that role.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ApiError, Elasticsearch

from flows.es.templates import load_mapping

log = logging.getLogger(__name__)

KEYED_ROLES = ("writer", "reader")  # the roles `setup --security` makes API keys for


class SecuritySetupError(RuntimeError):
    """Roles or API keys could not be stored (one line, no secret)."""


@dataclass
class SecurityResult:
    """Roles stored and API keys made (encoded `id:key`, shown once, never logged)."""

    roles: list[str]
    api_keys: dict[str, str] = field(default_factory=dict, repr=False)


def _fill(node: Any, prefix: str) -> Any:
    if isinstance(node, dict):
        return {_fill(key, prefix): _fill(value, prefix) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, prefix) for value in node]
    return node.replace("{prefix}", prefix) if isinstance(node, str) else node


def role_definitions(prefix: str) -> dict[str, dict[str, Any]]:
    """Role name -> role body (native role API shape) for one index prefix."""
    return _fill(load_mapping("security_roles.json"), prefix)


def role_name(prefix: str, kind: str) -> str:
    """`{prefix}_{kind}`, e.g. newsindex_writer."""
    return f"{prefix}_{kind}"


def describe_api_error(exc: ApiError) -> str:
    """One line for an error answered by Elasticsearch: status and the server's reason."""
    reason = exc.message
    if isinstance(exc.body, dict) and isinstance(exc.body.get("error"), dict):
        reason = exc.body["error"].get("reason") or reason
    line = f"Elasticsearch refused the request: HTTP {exc.meta.status}: {reason}"
    if exc.meta.status == 403:
        line += " (grant that privilege: see the README's privileges per command)"
    return " ".join(line.split())


def apply_security(es: Elasticsearch, prefix: str) -> SecurityResult:
    """Put the roles of `prefix`, then make the writer and reader API keys (admin credential)."""
    roles = role_definitions(prefix)
    done: list[str] = []
    for name, body in roles.items():
        try:
            es.security.put_role(name=name, **body)
        except ApiError as exc:
            raise SecuritySetupError(_store_failure(f"store role {name}", exc)) from None
        done.append(name)
    keys: dict[str, str] = {}
    for kind in KEYED_ROLES:
        name = role_name(prefix, kind)
        try:
            made = es.security.create_api_key(
                name=f"{prefix}-{kind}",
                role_descriptors={name: roles[name]},
                metadata={"application": "newsindex", "prefix": prefix, "role": kind},
            )
        except ApiError as exc:
            raise SecuritySetupError(_store_failure(f"create the {kind} API key", exc)) from None
        keys[kind] = made["encoded"]
        log.info("created API key %s (id %s)", made["name"], made["id"])
    return SecurityResult(done, keys)


def _store_failure(what: str, exc: ApiError) -> str:
    line = f"could not {what}: {describe_api_error(exc)}"
    if "pattern_capture" in line:  # the minimal distribution cannot create its security index
        line += (
            "; this cluster cannot store native roles or API keys (no analysis-common module):"
            " use file-based roles built from mappings/security_roles.json instead"
        )
    elif exc.meta.status == 403:
        line += "; `setup --security` needs an admin credential (cluster manage_security)"
    return line
