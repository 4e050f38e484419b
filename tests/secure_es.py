"""The secured Elasticsearch of the test session: the local minimal distribution with security on,
HTTP TLS from a CA made by `elasticsearch-certutil`, and file-realm users whose file-based roles
are built from `mappings/security_roles.json` (the minimal distribution cannot store native roles
or API keys: its security index needs analysis-common's `pattern_capture` filter).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from flows.config import Settings
from flows.ops.local_es import FileUser, LocalElasticsearch, Security
from flows.ops.security import role_definitions, role_name

PREFIX = "secured"  # the indices the role users are for
OTHER_PREFIX = "elsewhere"  # a second tenant, whose users must not reach PREFIX
ROLE_KINDS = ("admin", "writer", "reader")


def _password() -> str:
    return f"pw-{secrets.token_urlsafe(18)}"


@dataclass
class SecuredServer:
    """A running secured node and the credentials of its file-realm users."""

    server: LocalElasticsearch
    admin: FileUser  # superuser, used only by the fixture itself
    users: dict[str, FileUser] = field(default_factory=dict)  # "writer", "other-writer", ...

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def ca_cert(self) -> Path:
        return self.server.ca_cert

    def secrets(self) -> list[str]:
        """Every password of the session, to grep outputs for."""
        return [self.admin.password, *(user.password for user in self.users.values())]

    def settings(self, user: str, **overrides: object) -> Settings:
        """Settings logging in as one of the role users, over TLS with the CA."""
        login = self.users[user]
        values: dict[str, object] = {
            "es_url": self.url,
            "es_ca_certs": self.ca_cert,
            "es_username": login.name,
            "es_password": login.password,
            "index_prefix": OTHER_PREFIX if user.startswith("other-") else PREFIX,
        }
        return Settings(_env_file=None, **{**values, **overrides})

    def env(self, user: str) -> dict[str, str]:
        """The same as NEWSINDEX_* variables, for the CLI in a subprocess."""
        settings = self.settings(user)
        return {
            "NEWSINDEX_ES_URL": settings.es_url,
            "NEWSINDEX_ES_CA_CERTS": str(settings.es_ca_certs),
            "NEWSINDEX_ES_USERNAME": str(settings.es_username),
            "NEWSINDEX_ES_PASSWORD": settings.es_password.get_secret_value(),  # type: ignore[union-attr]
            "NEWSINDEX_INDEX_PREFIX": settings.index_prefix,
        }


def build() -> SecuredServer:
    """A not yet started secured node with users for PREFIX's roles and OTHER_PREFIX's writer."""
    roles = {**role_definitions(PREFIX), **role_definitions(OTHER_PREFIX)}
    users = {
        kind: FileUser(f"{PREFIX}-{kind}", _password(), (role_name(PREFIX, kind),))
        for kind in ROLE_KINDS
    }
    users["other-writer"] = FileUser(
        f"{OTHER_PREFIX}-writer", _password(), (role_name(OTHER_PREFIX, "writer"),)
    )
    admin = FileUser("fixture-admin", _password(), ("superuser",))
    security = Security(admin=admin, users=tuple(users.values()), roles=roles)
    return SecuredServer(LocalElasticsearch(security=security), admin, users)
