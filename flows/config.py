"""Runtime configuration in one place: NEWSINDEX_* environment variables, `.env`, secret files."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Elasticsearch index names: lowercase, no leading -_+, none of \/*?"<>| space , #
_INDEX_PREFIX = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
# Names of things newsindex looks up (a spaCy package, a Prefect work pool): no paths, no spaces.
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# A Dask scheduler: [tcp|tls|ucx://]host:port, where host is a name, an IPv4 or an [IPv6].
_SCHEDULER_ADDRESS = re.compile(
    r"^(?:(?:tcp|tls|ucx)://)?(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$"
)


class Settings(BaseSettings):
    """newsindex settings. Every field maps to NEWSINDEX_<FIELD> (see the README table)."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSINDEX_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        secrets_dir=None,
    )

    # Elasticsearch connection
    es_url: str = Field("http://localhost:9200", description="Elasticsearch base URL")
    es_api_key: SecretStr | None = Field(None, description="API key (base64 id:key)")
    es_username: str | None = Field(None, description="Basic-auth user")
    es_password: SecretStr | None = Field(None, description="Basic-auth password")
    es_ca_certs: Path | None = Field(None, description="CA certificate bundle (PEM)")
    es_verify_certs: bool = Field(True, description="Verify TLS certificates")
    es_request_timeout: float = Field(30.0, gt=0, description="Per-request timeout, seconds")

    # Index layout
    index_prefix: str = Field("newsindex", description="Prefix of every index, alias and template")
    index_shards: int = Field(1, ge=1, le=1024, description="Primary shards of each new index")
    index_replicas: str = Field(
        "0-1",
        pattern=r"^\d{1,3}(-(\d{1,3}|all))?$",
        description="Replicas per shard: a number, or a range that follows the node count",
    )

    # One writer per index set (flows/es/lease.py)
    lease_ttl: float = Field(60.0, ge=1, description="Writer lease lifetime unless renewed, s")
    lease_wait: float = Field(300.0, ge=0, description="How long a run waits for the lease, s")

    # Batching
    batch_size: int = Field(200, ge=1, le=10_000, description="Files per Prefect task batch")
    bulk_chunk_docs: int = Field(500, ge=1, description="Max documents per bulk request")
    bulk_chunk_bytes: int = Field(5 * 1024 * 1024, ge=1024, description="Max bytes per bulk")
    bulk_max_retries: int = Field(5, ge=0, description="Retries on 429 and 5xx per bulk chunk")

    # Files
    source_root: Path | None = Field(None, description="Paths may not escape this folder")
    dead_letter_path: Path = Field(Path("dead-letter.jsonl"), description="Failed documents")
    max_file_bytes: int = Field(20 * 1024 * 1024, ge=1024, description="Larger files are cut")

    # Enrichment
    spacy_models: Annotated[dict[str, str], NoDecode] = Field(
        {"en": "en_core_web_sm"},
        description="spaCy NER pipeline per language (lang=model, comma-separated, or JSON)",
    )

    # Prefect
    inbox: str = Field("inbox", description="Folder or URL the scheduled ingest reads")
    ingest_cron: str = Field("*/15 * * * *", description="Schedule of the inbox ingest (cron)")
    work_pool: str = Field("newsindex", description="Prefect work pool for `newsindex deploy`")
    task_runner: Literal["processes", "threads", "dask"] = Field(
        "processes", description="Prefect task runner: processes, threads or dask"
    )
    task_workers: int = Field(2, ge=1, description="Worker processes (threads, Dask workers)")
    dask_address: str | None = Field(None, description="Existing Dask scheduler address")

    # Kibana
    kibana_url: str = Field("http://localhost:5601", description="Kibana base URL")
    kibana_username: str | None = Field(None, description="Kibana basic-auth user")
    kibana_password: SecretStr | None = Field(None, description="Kibana basic-auth password")
    kibana_ca_certs: Path | None = Field(None, description="CA certificate bundle of Kibana (PEM)")
    kibana_verify_certs: bool = Field(True, description="Verify Kibana's TLS certificate")

    # Local development Elasticsearch (`newsindex local-es`, the tests)
    local_es_version: str = Field(
        "9.2.8", pattern=r"^\d+\.\d+\.\d+$", description="Version of the local Elasticsearch"
    )
    cache_dir: Path | None = Field(
        None, description="Folder of the local Elasticsearch distribution and instances"
    )

    @field_validator("spacy_models", mode="before")
    @classmethod
    def _models_by_language(cls, value: Any) -> Any:
        """``en=en_core_web_sm,fr=fr_core_news_sm`` or a JSON object; language codes lowercased."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("{"):
                value = json.loads(text)
            else:
                pairs = [pair.partition("=") for pair in text.split(",") if pair.strip()]
                if any(not sep or not model.strip() for _, sep, model in pairs):
                    raise ValueError(f"expected lang=model pairs separated by commas: {value!r}")
                value = {lang: model for lang, _, model in pairs}
        if isinstance(value, dict):
            models = {str(k).strip().lower(): str(v).strip() for k, v in value.items()}
            for model in models.values():  # package names, never paths: spaCy loads folders
                if not _PLAIN_NAME.match(model) or ".." in model:
                    raise ValueError(f"must be a plain name, no path (got {model!r})")
            return models
        return value

    @field_validator("index_prefix")
    @classmethod
    def _valid_prefix(cls, value: str) -> str:
        if not _INDEX_PREFIX.match(value):
            raise ValueError(
                "must be lowercase letters, digits, '_', '-' or '.', start with a letter or digit, "
                f"and be at most 64 characters (got {value!r})"
            )
        return value

    @model_validator(mode="after")
    def _ca_needs_https(self) -> Settings:
        if self.es_ca_certs is not None and self.es_url.lower().startswith("http://"):
            raise ValueError(
                "NEWSINDEX_ES_CA_CERTS is set but NEWSINDEX_ES_URL is http://: use an https:// "
                "URL, or unset the CA bundle"
            )
        return self

    @model_validator(mode="after")
    def _kibana_ca_needs_https(self) -> Settings:
        if self.kibana_ca_certs is not None and self.kibana_url.lower().startswith("http://"):
            raise ValueError(
                "NEWSINDEX_KIBANA_CA_CERTS is set but NEWSINDEX_KIBANA_URL is http://: use an "
                "https:// URL, or unset the CA bundle"
            )
        return self

    @field_validator("work_pool")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        """A package or pool name, never a path (spaCy would load a model folder from disk)."""
        if not _PLAIN_NAME.match(value) or ".." in value:
            raise ValueError(
                f"must be a plain name: letters, digits, '_', '-' or '.', no path (got {value!r})"
            )
        return value

    @field_validator("dask_address")
    @classmethod
    def _scheduler_address(cls, value: str | None) -> str | None:
        if value is not None and not _SCHEDULER_ADDRESS.match(value):
            raise ValueError(
                f"must be a Dask scheduler address like tcp://host:8786 (got {value!r})"
            )
        return value


def load_settings() -> Settings:
    """Settings read now, by an entry point (the CLI, a deployment's flow run, a test). Secret
    files: one file per setting, named like the variable (e.g. NEWSINDEX_ES_PASSWORD), in the
    folder NEWSINDEX_SECRETS_DIR."""
    return Settings(_secrets_dir=os.environ.get("NEWSINDEX_SECRETS_DIR"))


_RUN_SETTINGS: ContextVar[Settings | None] = ContextVar("newsindex_run_settings", default=None)


@contextmanager
def running_with(settings: Settings) -> Iterator[Settings]:
    """Give the flow runs started inside this block the caller's settings (not Prefect
    parameters: those are shown and editable in the Prefect UI)."""
    token = _RUN_SETTINGS.set(settings)
    try:
        yield settings
    finally:
        _RUN_SETTINGS.reset(token)


def run_settings() -> Settings:
    """The settings of the flow run starting: the caller's (`running_with`), else read now from
    this process's environment (a deployment's run in a Prefect worker or `newsindex serve`)."""
    return _RUN_SETTINGS.get() or load_settings()
