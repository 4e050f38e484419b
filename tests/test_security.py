"""Security: where credentials come from, that they never leak, TLS, API keys, path confinement
and index-name validation.

Compose (Elasticsearch with security on, passwords only from `.env`) is covered in
tests/test_compose.py (test_elasticsearch_runs_with_security_on,
test_secrets_are_required_variables_without_defaults, test_no_secret_literal_in_compose_file).
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import logging
import os
import socket
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from elasticsearch import Elasticsearch
from prefect.client.orchestration import get_client
from pydantic import ValidationError
from typer.testing import CliRunner

from flows.cli.main import app
from flows.config import Settings, load_settings
from flows.es.bulk import Operation, write_operations
from flows.es.client import EsUnavailableError, check_connection, make_client
from flows.es.dead_letter import DeadLetter
from flows.ingest import IngestOptions, ingest
from flows.ops.security import role_definitions
from flows.ops.setup import setup_elasticsearch
from flows.sources import SourceError, discover, validate_source
from tests.secure_es import SecuredServer

PASSWORD = "Pw-zq7VexKq3-tomato-9931"  # distinctive fake secrets, grepped for everywhere
API_KEY = "QXBpS2V5LXNlY3JldC14eWxvcGhvbmUtNDQ3Nw=="
SECRETS = (PASSWORD, API_KEY, base64.b64encode(f"newsindex:{PASSWORD}".encode()).decode())
VENV_BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[1]


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, (
                f"secret leaked: ...{text[max(text.find(secret) - 80, 0) :][:200]}"
            )


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No NEWSINDEX_* from the outer environment, no `.env` from the repo."""
    for name in list(os.environ):
        if name.startswith("NEWSINDEX_") and name != "NEWSINDEX_TEST_ES_URL":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    yield


# --- where credentials come from ------------------------------------------------------------


def test_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSINDEX_ES_USERNAME", "newsindex")
    monkeypatch.setenv("NEWSINDEX_ES_PASSWORD", PASSWORD)
    monkeypatch.setenv("NEWSINDEX_ES_API_KEY", API_KEY)
    settings = load_settings()
    assert settings.es_password is not None and settings.es_api_key is not None
    assert settings.es_password.get_secret_value() == PASSWORD
    assert settings.es_api_key.get_secret_value() == API_KEY
    assert_no_secret(repr(settings), str(settings), settings.model_dump_json())


def test_credentials_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"NEWSINDEX_ES_USERNAME=newsindex\nNEWSINDEX_ES_PASSWORD={PASSWORD}\n"
        f"NEWSINDEX_KIBANA_PASSWORD={PASSWORD}\n"
    )
    settings = load_settings()
    assert settings.es_username == "newsindex"
    assert settings.es_password is not None and settings.es_password.get_secret_value() == PASSWORD
    assert settings.kibana_password is not None
    assert_no_secret(repr(settings))


def test_credentials_from_secret_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secrets = tmp_path / "run-secrets"
    secrets.mkdir()
    (secrets / "NEWSINDEX_ES_API_KEY").write_text(API_KEY + "\n")
    (secrets / "NEWSINDEX_ES_PASSWORD").write_text(PASSWORD)
    monkeypatch.setenv("NEWSINDEX_SECRETS_DIR", str(secrets))
    settings = load_settings()
    assert settings.es_api_key is not None and settings.es_api_key.get_secret_value() == API_KEY
    assert settings.es_password is not None and settings.es_password.get_secret_value() == PASSWORD
    assert_no_secret(repr(settings))


def test_secret_fields_are_secret_types() -> None:
    fields = Settings.model_fields
    for name in ("es_api_key", "es_password", "kibana_password"):
        assert "SecretStr" in str(fields[name].annotation), name


# --- a tiny Elasticsearch-like HTTP(S) server --------------------------------------------------


class FakeEs:
    """Transport edge cases only (the real secured server is in tests/secure_es.py): answers
    like `GET /_nodes/_local` (or 401 to everything) and records the Authorization headers
    it receives, which a real server never shows."""

    def __init__(self, *, reject: bool = False, tls: ssl.SSLContext | None = None) -> None:
        self.reject = reject
        self.authorizations: list[str | None] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.authorizations.append(self.headers.get("Authorization"))
                if fake.reject:
                    body, status = (
                        {"error": {"type": "security_exception", "reason": "missing credentials"}},
                        401,
                    )
                else:
                    body, status = {"nodes": {"n1": {"version": "9.2.8"}}}, 200
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_PUT = do_POST = do_HEAD = do_GET  # noqa: N815

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeEs:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA, and a server certificate for 127.0.0.1 signed by it (PEM files)."""
    folder = tmp_path_factory.mktemp("tls")
    now = dt.datetime.now(dt.UTC)

    def name(common: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("newsindex test CA"))
        .issuer_name(name("newsindex test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = {"ca": folder / "ca.pem", "cert": folder / "server.pem", "key": folder / "server.key"}
    files["ca"].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files["cert"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files["key"].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


@pytest.fixture
def https_es(tls_files: dict[str, Path]) -> Iterator[FakeEs]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_files["cert"], tls_files["key"])
    with FakeEs(tls=context) as server:
        yield server


# --- TLS --------------------------------------------------------------------------------------


def test_tls_verification_is_on_by_default_and_passed_to_the_client() -> None:
    settings = Settings(_env_file=None)
    assert settings.es_verify_certs is True and settings.es_ca_certs is None
    client = make_client(settings.model_copy(update={"es_url": "https://127.0.0.1:1"}))
    [node] = client.transport.node_pool.all()
    assert node.config.verify_certs is True


# --- authentication headers --------------------------------------------------------------------


def test_api_key_is_sent_as_apikey_authorization(
    https_es: FakeEs, tls_files: dict[str, Path]
) -> None:
    """Transport edge case (fake server): the exact header, and the key winning over a password."""
    settings = Settings(
        _env_file=None,
        es_url=https_es.url,
        es_ca_certs=tls_files["ca"],
        es_api_key=API_KEY,
        es_username="newsindex",
        es_password=PASSWORD,  # the API key wins when both are set
    )
    check_connection(make_client(settings), settings)
    assert https_es.authorizations[-1] == f"ApiKey {API_KEY}"


def test_basic_auth_is_sent_when_no_api_key() -> None:
    """Transport edge case (fake server): the exact Basic header."""
    with FakeEs() as server:
        settings = Settings(
            _env_file=None, es_url=server.url, es_username="newsindex", es_password=PASSWORD
        )
        check_connection(make_client(settings), settings)
        assert server.authorizations[-1] == f"Basic {SECRETS[2]}"


# --- secrets never leak --------------------------------------------------------------------------


def _cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSINDEX_", "PREFECT_API"))}
    return subprocess.run(
        [str(VENV_BIN / "newsindex"), *args],
        env={**base, **env, "PREFECT_HOME": str(cwd / "prefect-home")},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("command", [["-v", "ping"], ["-v", "run"], ["run", "--dry-run"]])
def test_cli_never_prints_credentials(command: list[str], tmp_path: Path) -> None:
    """Transport edge cases (fake server): a server that rejects every credential while the
    header it got is checked, and an unreachable URL with user:pass@ in it."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Title\n\nSome words of a story.\n")
    args = [*command, str(tmp_path / "in")] if "run" in command else command
    with FakeEs(reject=True) as server:
        rejected = _cli(
            args,
            {
                "NEWSINDEX_ES_URL": server.url,
                "NEWSINDEX_ES_USERNAME": "newsindex",
                "NEWSINDEX_ES_PASSWORD": PASSWORD,
            },
            tmp_path,
        )
        assert server.authorizations == [f"Basic {SECRETS[2]}"] * len(server.authorizations)
    assert rejected.returncode == 2, rejected.stderr
    assert "HTTP 401" in rejected.stderr and "NEWSINDEX_ES_PASSWORD" in rejected.stderr
    with FakeEs(reject=True) as server:
        keyed = _cli(
            args, {"NEWSINDEX_ES_URL": server.url, "NEWSINDEX_ES_API_KEY": API_KEY}, tmp_path
        )
        assert server.authorizations and server.authorizations[-1] == f"ApiKey {API_KEY}"
    assert keyed.returncode == 2
    url = f"http://newsindex:{PASSWORD}@127.0.0.1:{_closed_port()}"
    unreachable = _cli(
        args, {"NEWSINDEX_ES_URL": url, "NEWSINDEX_ES_REQUEST_TIMEOUT": "2"}, tmp_path
    )
    assert unreachable.returncode == 2 and "Cannot reach Elasticsearch" in unreachable.stderr
    for done in (rejected, keyed, unreachable):
        assert_no_secret(done.stdout, done.stderr)
        if "-v" not in command:  # verbose logs transport retries with their tracebacks
            assert "Traceback" not in done.stderr


@pytest.mark.prefect
@pytest.mark.elasticsearch
def test_flow_runs_never_leak_credentials(
    secured_es: SecuredServer,
    harness: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """Against the real secured server: a run as the writer that indexes, dead-letters and
    reports, and a run refused with a real 401 (wrong password): logs, output, artifacts, the
    dead-letter, the report and the exception hold no secret."""
    caplog.set_level(logging.DEBUG)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "story.txt").write_text(
        "Harbour fees rise\n\nThe harbour council raised mooring fees on Monday.\n"
    )
    (folder / "photo.txt").write_bytes(bytes(range(256)) * 40)
    dead_letter_path = tmp_path / "dead-letter.jsonl"
    setup_elasticsearch(secured_es.settings("admin"))
    for name, value in secured_es.env("writer").items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NEWSINDEX_DEAD_LETTER_PATH", str(dead_letter_path))
    monkeypatch.setenv("NEWSINDEX_KIBANA_PASSWORD", PASSWORD)
    summary = ingest(IngestOptions(source=str(folder), full_refresh=True))
    assert summary["indexed"] == 1 and summary["failed"] == 1 and summary["balanced"]

    monkeypatch.setenv("NEWSINDEX_ES_PASSWORD", PASSWORD)  # wrong for this user: a real 401
    state = ingest(IngestOptions(source=str(folder)), return_state=True)
    assert state.is_failed()
    with pytest.raises(EsUnavailableError) as refused:
        state.result()
    assert "HTTP 401" in str(refused.value)

    writer = secured_es.settings("writer")
    offline = Elasticsearch(
        f"https://{writer.es_username}:{PASSWORD}@127.0.0.1:{_closed_port()}",
        max_retries=0,
        request_timeout=2,
    )
    with DeadLetter(dead_letter_path) as dead_letter:
        write_operations(
            offline,
            writer.model_copy(update={"bulk_max_retries": 0}),
            [Operation("index", "x-articles", "a1", '{"title":"t"}', "in/a.txt", "a1")],
            dead_letter,
        )

    with get_client(sync_client=True) as client:
        artifacts = [json.dumps(a.model_dump(mode="json")) for a in client.read_artifacts()]
        logs = [log.message for log in client.read_logs()]
    assert any("Ingest run report" in a for a in artifacts)
    out, err = capfd.readouterr()
    dead = dead_letter_path.read_text()
    assert "ConnectionError" in dead
    texts = [
        caplog.text,
        out,
        err,
        json.dumps(summary),
        str(refused.value),
        repr(refused.value),
        str(state.message),
        dead,
        *artifacts,
        *logs,
    ]
    assert_no_secret(*texts)
    for text in texts:
        for secret in secured_es.secrets():
            assert secret not in text


# --- paths stay under the source root ------------------------------------------------------------


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "news").mkdir(parents=True)
    outside.mkdir()
    (root / "news" / "ok.txt").write_text("Inside\n\nA story inside the root.\n")
    (outside / "secret.txt").write_text("Outside\n\nNot for indexing.\n")
    (root / "news" / "escape.txt").symlink_to(outside / "secret.txt")
    (root / "news" / "inside-link.txt").symlink_to(root / "news" / "ok.txt")
    (root / "news" / "dir-link").symlink_to(outside, target_is_directory=True)
    (root / "all-outside").symlink_to(outside, target_is_directory=True)
    return {"root": root, "outside": outside}


def test_dotdot_and_symlinked_sources_outside_the_root_are_refused(layout: dict[str, Path]) -> None:
    root = layout["root"]
    for source in (
        str(root / ".." / "outside"),
        f"file://{root}/../outside/secret.txt",
        str(root / "all-outside"),
        str(layout["outside"]),
    ):
        with pytest.raises(SourceError, match="outside the source root"):
            validate_source(source, root)
        with pytest.raises(SourceError, match="outside the source root"):
            list(discover(source, allowed_root=root))


def test_symlinks_inside_the_root_leading_out_are_skipped_with_a_reason(
    layout: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    root = layout["root"]
    with caplog.at_level(logging.WARNING, logger="flows.sources"):
        found = sorted(Path(f.uri).name for f in discover(str(root), allowed_root=root))
    assert found == ["inside-link.txt", "ok.txt"]  # not escape.txt, nothing via dir-link
    assert "escape.txt: symlink leads outside the source root" in caplog.text


@pytest.mark.parametrize(
    "url", ["local://{outside}", "simplecache::file://{outside}", "file://{outside}"]
)
def test_urls_reaching_the_local_disk_cannot_bypass_the_root(
    layout: dict[str, Path], url: str
) -> None:
    source = url.format(outside=layout["outside"])
    with pytest.raises(SourceError):
        validate_source(source, layout["root"])
    with pytest.raises(SourceError):
        list(discover(source, allowed_root=layout["root"]))


def test_cli_extract_refuses_a_path_outside_the_root(
    layout: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSINDEX_SOURCE_ROOT", str(layout["root"]))
    result = CliRunner().invoke(app, ["extract", str(layout["root"] / ".." / "outside")])
    assert result.exit_code == 2
    assert "outside the source root" in result.output and "Not for indexing" not in result.output


# --- index names ---------------------------------------------------------------------------------


BAD_PREFIXES = ["UPPER", "-x", "a/b", "a b", "_x", "x" * 70, "", "+x", "a*b", "a,b", "a#b", "a:b"]


@pytest.mark.parametrize("prefix", BAD_PREFIXES)
def test_bad_index_prefix_is_a_clear_validation_error(
    prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValidationError, match="index_prefix"):
        Settings(_env_file=None, index_prefix=prefix)
    monkeypatch.setenv("NEWSINDEX_INDEX_PREFIX", prefix)
    with pytest.raises(ValidationError, match="lowercase"):
        load_settings()
    result = CliRunner().invoke(app, ["ping"])
    assert result.exit_code == 2
    [line] = [line for line in result.output.splitlines() if line.strip()]
    assert "NEWSINDEX_INDEX_PREFIX" in line and "lowercase" in line


@pytest.mark.parametrize("prefix", ["newsindex", "news-2024", "a", "a.b_c-d", "x" * 64])
def test_good_index_prefixes_are_accepted(prefix: str) -> None:
    assert Settings(_env_file=None, index_prefix=prefix).index_prefix == prefix


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("spacy_models", "en=/tmp/evil-model"),
        ("spacy_models", "en=../models/x"),
        ("spacy_models", "en=en core"),
        ("work_pool", "pool/../other"),
        ("work_pool", ""),
    ],
)
def test_user_given_names_are_validated_before_any_request(
    field: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names that would become paths or odd identifiers stop the CLI with one line, exit 2."""
    with pytest.raises(ValidationError, match=field):
        Settings(_env_file=None, **{field: value})
    monkeypatch.setenv(f"NEWSINDEX_{field.upper()}", value)
    monkeypatch.setenv("NEWSINDEX_ES_URL", f"http://127.0.0.1:{_closed_port()}")
    result = CliRunner().invoke(app, ["ping"])
    assert result.exit_code == 2
    [line] = [line for line in result.output.splitlines() if line.strip()]
    assert f"NEWSINDEX_{field.upper()}" in line and "plain name" in line
    assert "Cannot reach" not in result.output  # refused before any request


@pytest.mark.parametrize("field", ["spacy_models", "work_pool"])
def test_default_names_are_plain(field: str) -> None:
    Settings(_env_file=None, **{field: Settings.model_fields[field].default})


def test_role_definitions_are_least_privilege_per_prefix() -> None:
    """Every index pattern is under the prefix; no role has cluster `manage` or `all`; only the
    admin may write templates; the reader sees the two aliases and the run log only."""
    roles = role_definitions("acme")
    assert set(roles) == {"acme_admin", "acme_writer", "acme_reader"}
    for body in roles.values():
        assert not {"manage", "all"} & set(body["cluster"])
        for grant in body["indices"]:
            assert all(name.startswith("acme-") for name in grant["names"])
            assert "all" not in grant["privileges"]
        assert "{prefix}" not in json.dumps(body)
    assert "manage_index_templates" in roles["acme_admin"]["cluster"]
    assert "manage_index_templates" not in roles["acme_writer"]["cluster"]
    [reader] = roles["acme_reader"]["indices"]
    assert reader["names"] == ["acme-articles", "acme-paragraphs", "acme-runs"]
    assert set(reader["privileges"]) == {"read", "view_index_metadata"}
