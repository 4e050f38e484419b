"""Shared fixtures: a real Elasticsearch (started here unless one is configured) and Prefect.

- NEWSINDEX_TEST_ES_URL: use that server instead of starting the local minimal distribution.
- With CI=true a skipped Elasticsearch or Prefect test fails the run.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from flows.config import Settings, load_settings, running_with
from flows.ops.local_es import LocalElasticsearch, LocalEsError
from tests import secure_es

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_TO_API_BATCH_INTERVAL", "0.3")

log = logging.getLogger("tests")
ON_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
_REAL_SERVICE_MARKERS = ("elasticsearch", "prefect")
_ES_FIXTURES = {"es", "es_url", "settings", "secured_es"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that touches the real Elasticsearch, so CI can refuse to skip it."""
    for item in items:
        if _ES_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.elasticsearch)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """On CI a skipped Elasticsearch or Prefect test is a failure, not a skip."""
    outcome = yield
    report = outcome.get_result()
    if ON_CI and report.skipped and any(item.get_closest_marker(m) for m in _REAL_SERVICE_MARKERS):
        report.outcome = "failed"
        report.longrepr = f"skipped on CI, which needs real services: {report.longrepr}"


@pytest.fixture(scope="module")
def harness() -> Iterator[str]:
    """One temporary Prefect API for the module's flow runs; yields its URL."""
    from prefect.settings import PREFECT_API_URL  # imported here: most tests need no Prefect
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield str(PREFECT_API_URL.value())


@pytest.fixture(scope="session")
def es_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """URL of a real Elasticsearch 9: the configured one, or a local one started here."""
    configured = os.environ.get("NEWSINDEX_TEST_ES_URL")
    if configured:
        yield configured
        return
    local = load_settings()  # the local server's version and cache folder
    server = LocalElasticsearch(version=local.local_es_version, cache=local.cache_dir)
    try:
        version = server.start()
    except LocalEsError as exc:
        pytest.skip(f"no Elasticsearch available: {exc}")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    message = f"Elasticsearch {version} (local minimal distribution) at {server.url}"
    log.warning(message)
    if reporter is not None:
        reporter.write_line(f"\n{message}")
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def secured_es(request: pytest.FixtureRequest) -> Iterator[secure_es.SecuredServer]:
    """One secured local node for the session (TLS, file-realm users; see tests/secure_es.py)."""
    secured = secure_es.build()
    try:
        version = secured.server.start()
    except LocalEsError as exc:
        pytest.skip(f"no secured Elasticsearch available: {exc}")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"\nsecured Elasticsearch {version} at {secured.url}")
    yield secured
    secured.server.stop()


@pytest.fixture(scope="session")
def es(es_url: str) -> Iterator[Elasticsearch]:
    """A client for the test server."""
    client = Elasticsearch(es_url, request_timeout=60)
    yield client
    client.close()


@pytest.fixture
def index_prefix(request: pytest.FixtureRequest) -> Iterator[str]:
    """A unique index prefix per test; everything under it is deleted afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    yield prefix
    if "es" in request.fixturenames:  # already set up for this test: safe to use in teardown
        delete_prefixed(request.getfixturevalue("es"), prefix)


def delete_prefixed(client: Elasticsearch, prefix: str) -> None:
    """Delete the indices and templates under a prefix, by name (wildcard deletes are refused)."""
    lenient = client.options(ignore_status=404)
    indices = list(lenient.indices.get(index=f"{prefix}*", expand_wildcards="all").keys())
    if indices:
        client.indices.delete(index=indices)
    templates = lenient.indices.get_index_template(name=f"{prefix}*").get("index_templates", [])
    for template in templates:
        client.indices.delete_index_template(name=template["name"])
    components = lenient.cluster.get_component_template(name=f"{prefix}*")
    for component in components.get("component_templates", []):
        client.cluster.delete_component_template(name=component["name"])


@pytest.fixture
def settings(es: Elasticsearch, es_url: str, index_prefix: str, tmp_path: Path) -> Settings:
    """Settings pointing at the test server, with an isolated prefix and dead-letter file."""
    return Settings(
        _env_file=None,
        es_url=es_url,
        index_prefix=index_prefix,
        dead_letter_path=tmp_path / "dead-letter.jsonl",
    )


@pytest.fixture
def flow_settings(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, harness: str
) -> Iterator[Settings]:
    """`settings` for the flows run in the test (`running_with`), and in the environment for the
    CLI processes it starts; a temporary Prefect API for the module."""
    monkeypatch.setenv("NEWSINDEX_ES_URL", settings.es_url)
    monkeypatch.setenv("NEWSINDEX_INDEX_PREFIX", settings.index_prefix)
    monkeypatch.setenv("NEWSINDEX_DEAD_LETTER_PATH", str(settings.dead_letter_path))
    with running_with(settings):
        yield settings


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The five real seed files (read in place, never copied into the repo)."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed files not found at {SEEDS}")
    return SEEDS
