"""Security against the real, secured Elasticsearch of the session (tests/secure_es.py).

What runs where:
- TLS with the certutil CA, wrong CA, wrong password, invalid API key, the admin/writer/reader
  roles and the other-prefix user: against the real secured node, through file-realm users
  whose file-based roles are built from mappings/security_roles.json.
- `setup --security` (native roles and API keys): run against the same node; the minimal
  distribution cannot store them, so the test asserts the one-line error there, and asserts the
  keys work where the cluster can store them (a full distribution via NEWSINDEX_TEST_ES_URL is
  not secured here, so that branch only runs against such a cluster).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import certifi
import pytest
from elasticsearch import AuthorizationException, Elasticsearch
from prefect.client.orchestration import get_client
from typer.testing import CliRunner

from flows.cli.main import app
from flows.es.client import check_connection, make_client
from flows.es.search import search
from flows.ingest import IngestOptions, ingest
from flows.ops.security import describe_api_error
from flows.ops.setup import setup_elasticsearch
from flows.rebuild import rebuild_indices
from tests.secure_es import PREFIX, SecuredServer

pytestmark = pytest.mark.elasticsearch


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("NEWSINDEX_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


def _cli(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], args: list[str]) -> tuple[int, str]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


def _assert_one_clean_line(output: str, secured: SecuredServer) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert "Traceback" not in output
    for secret in secured.secrets():
        assert secret not in output
    return lines[0]


def _story_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir(parents=True)
    (folder / "story.txt").write_text(
        "Harbour fees rise\n\nThe harbour council raised mooring fees on Monday.\n"
    )
    return folder


# --- TLS and authentication --------------------------------------------------------------------


def test_tls_with_the_generated_ca_connects(secured_es: SecuredServer) -> None:
    settings = secured_es.settings("reader")
    assert settings.es_url.startswith("https://") and settings.es_verify_certs
    assert check_connection(make_client(settings), settings).startswith("9.")


@pytest.mark.parametrize("ca", ["none", "other"])
def test_a_wrong_ca_fails_cleanly(
    secured_es: SecuredServer, monkeypatch: pytest.MonkeyPatch, ca: str
) -> None:
    """No CA (system trust store) or another CA bundle: one line naming the setting."""
    env = secured_es.env("reader")
    del env["NEWSINDEX_ES_CA_CERTS"]
    if ca == "other":
        env["NEWSINDEX_ES_CA_CERTS"] = certifi.where()
    code, output = _cli(monkeypatch, env, ["ping"])
    assert code == 2
    line = _assert_one_clean_line(output, secured_es)
    assert "TLS verification" in line and "NEWSINDEX_ES_CA_CERTS" in line


def test_a_wrong_password_fails_cleanly(
    secured_es: SecuredServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = secured_es.env("writer")
    real = env["NEWSINDEX_ES_PASSWORD"]
    env["NEWSINDEX_ES_PASSWORD"] = f"{real}-wrong"
    code, output = _cli(monkeypatch, env, ["ping"])
    assert code == 2
    line = _assert_one_clean_line(output, secured_es)
    assert "HTTP 401" in line and "NEWSINDEX_ES_PASSWORD" in line
    assert env["NEWSINDEX_ES_PASSWORD"] not in output


def test_an_invalid_api_key_is_refused_by_the_server(
    secured_es: SecuredServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The API-key path against the real server: a key it does not know is a clean 401."""
    env = {**secured_es.env("writer"), "NEWSINDEX_ES_API_KEY": "bm90LWFuLWlkOm5vdC1hLWtleQ=="}
    code, output = _cli(monkeypatch, env, ["ping"])
    assert code == 2
    line = _assert_one_clean_line(output, secured_es)
    assert "HTTP 401" in line and "NEWSINDEX_ES_API_KEY" in line
    assert "bm90LWFuLWlkOm5vdC1hLWtleQ==" not in output


# --- least privilege -----------------------------------------------------------------------------


@pytest.mark.prefect
def test_admin_sets_up_writer_runs_and_rebuilds_reader_searches(
    secured_es: SecuredServer,
    harness: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The whole life cycle with the least-privilege users; no password in any log, output,
    artifact, report or dead-letter (the run also dead-letters a binary file)."""
    caplog.set_level(logging.DEBUG)
    folder = _story_folder(tmp_path)
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 40)
    dead_letter = tmp_path / "dead-letter.jsonl"

    version, state = setup_elasticsearch(secured_es.settings("admin"))
    assert version.startswith("9.") and state.aliases.articles == f"{PREFIX}-articles"

    for name, value in secured_es.env("writer").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NEWSINDEX_DEAD_LETTER_PATH", str(dead_letter))
    summary = ingest(IngestOptions(source=str(folder), full_refresh=True))
    assert summary["indexed"] == 1 and summary["failed"] == 1 and summary["balanced"]
    clean = _story_folder(tmp_path / "clean")  # rebuild refuses to swap when a file fails
    rebuilt = rebuild_indices(IngestOptions(source=str(clean)))
    assert rebuilt["indexed"] == 1

    reader = secured_es.settings("reader")
    with make_client(reader) as es:
        hits = search(es, reader, "harbour").hits
    assert [hit.title for hit in hits] == ["Harbour fees rise"]

    with get_client(sync_client=True) as client:
        artifacts = [json.dumps(a.model_dump(mode="json")) for a in client.read_artifacts()]
        logs = [log.message for log in client.read_logs()]
    out, err = capfd.readouterr()
    texts = [caplog.text, out, err, json.dumps(summary), json.dumps(rebuilt), *artifacts, *logs]
    texts.append(dead_letter.read_text())
    assert any("Ingest run report" in a for a in artifacts)
    for text in texts:
        for secret in secured_es.secrets():
            assert secret not in text


def test_the_reader_cannot_write(
    secured_es: SecuredServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write with the reader is refused with one clear line (CLI setup writes templates)."""
    setup_elasticsearch(secured_es.settings("admin"))
    reader = secured_es.settings("reader")
    with make_client(reader) as es, pytest.raises(AuthorizationException) as refused:
        es.index(index=f"{PREFIX}-articles", id="x", document={"title": "t"})
    line = describe_api_error(refused.value)
    assert "HTTP 403" in line and "indices:data/write" in line and "\n" not in line
    code, output = _cli(monkeypatch, secured_es.env("reader"), ["setup", "--skip-kibana"])
    assert code == 2
    line = _assert_one_clean_line(output, secured_es)
    assert line.startswith("error: Elasticsearch") and "refused the request: HTTP 403" in line
    assert "is unauthorized for user [secured-reader]" in line and "privileges [" in line
    code, output = _cli(monkeypatch, secured_es.env("reader"), ["search", ""])
    assert code == 0 and "matching articles" in output, output


def test_the_writer_cannot_change_templates(secured_es: SecuredServer) -> None:
    """Templates (cluster-wide) are the admin's: the writer cannot overwrite another prefix's."""
    with make_client(secured_es.settings("writer")) as es, pytest.raises(AuthorizationException):
        es.cluster.put_component_template(name="elsewhere-settings", template={})


def test_another_prefix_cannot_touch_these_indices(
    secured_es: SecuredServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, state = setup_elasticsearch(secured_es.settings("admin"))
    other = secured_es.settings("other-writer")
    with make_client(other) as es:
        for attempt in (
            lambda: es.search(index=f"{PREFIX}-articles"),
            lambda: es.index(index=f"{PREFIX}-articles", id="x", document={"title": "t"}),
            lambda: es.indices.delete(index=state.write_indices.articles),
            lambda: es.indices.create(index=f"{PREFIX}-articles-v9-intruder"),
        ):
            with pytest.raises(AuthorizationException):
                attempt()
    env = {**secured_es.env("other-writer"), "NEWSINDEX_INDEX_PREFIX": PREFIX}
    code, output = _cli(monkeypatch, env, ["search", "harbour"])
    assert code == 2 and "HTTP 403" in _assert_one_clean_line(output, secured_es)


# --- setup --security: native roles and API keys -------------------------------------------------


def test_setup_security_stores_roles_and_prints_keys_or_says_why_not(
    secured_es: SecuredServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Against the secured node with the fixture's superuser. The minimal distribution cannot
    store native roles or API keys: one line saying so. Elsewhere the printed keys must work."""
    env = {**secured_es.env("writer")}
    env["NEWSINDEX_ES_USERNAME"] = secured_es.admin.name
    env["NEWSINDEX_ES_PASSWORD"] = secured_es.admin.password
    code, output = _cli(monkeypatch, env, ["setup", "--skip-kibana", "--security"])
    for secret in secured_es.secrets():
        assert secret not in output
    if code == 2:
        error = [line for line in output.splitlines() if line.startswith("error:")]
        assert len(error) == 1 and "Traceback" not in output
        assert "could not store role secured_admin" in error[0]
        assert "file-based roles" in error[0]
        keys_dir = tmp_path / "keys"
        args = ["setup", "--skip-kibana", "--security", "--keys-dir", str(keys_dir)]
        code, output = _cli(monkeypatch, env, args)
        assert code == 2 and not keys_dir.exists()  # nothing half-written
        return
    assert code == 0, output
    keys = {
        line.split()[0]: line.rsplit(" ", 1)[1] for line in output.splitlines() if "API key" in line
    }
    assert set(keys) == {"writer", "reader"}
    ca = str(secured_es.ca_cert)
    with Elasticsearch(secured_es.url, ca_certs=ca, api_key=keys["reader"]) as es:
        es.search(index=f"{PREFIX}-articles")
        with pytest.raises(AuthorizationException):
            es.index(index=f"{PREFIX}-articles", id="x", document={"title": "t"})
