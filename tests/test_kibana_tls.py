"""Kibana over HTTPS: NEWSINDEX_KIBANA_CA_CERTS / NEWSINDEX_KIBANA_VERIFY_CERTS.

Kibana cannot run here, so the HTTPS endpoint is the Kibana stub (tests/kibana_stub.py) behind
a TLS socket, with a CA and server certificate made for this test by `cryptography`.
"""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError

from flows.config import Settings
from flows.ops.kibana import KibanaError, import_saved_objects, wait_for_kibana
from tests.kibana_stub import KibanaStub


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[str, Any] | None, *, ca: bool
) -> x509.Certificate:
    now = datetime.now(UTC)
    signer_name, signer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(signer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        names = [x509.DNSName("localhost"), x509.IPAddress(IPv4Address("127.0.0.1"))]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA, a server certificate it signed (localhost, 127.0.0.1), and an unrelated CA."""
    folder = tmp_path_factory.mktemp("kibana-tls")
    ca_key, server_key, other_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("test CA", ca_key, None, ca=True)
    server = _certificate("kibana", server_key, ("test CA", ca_key), ca=False)
    files = {
        "ca": folder / "ca.crt",
        "other_ca": folder / "other-ca.crt",
        "cert": folder / "kibana.crt",
        "key": folder / "kibana.key",
    }
    files["ca"].write_bytes(_pem(ca))
    files["other_ca"].write_bytes(_pem(_certificate("other CA", other_key, None, ca=True)))
    files["cert"].write_bytes(_pem(server))
    files["key"].write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


class TlsKibanaStub(KibanaStub):
    """The Kibana stub answering HTTPS only."""

    def __init__(self, cert: Path, key: Path) -> None:
        super().__init__()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.url = self.url.replace("http://", "https://")


def _settings(url: str, **extra: Any) -> Settings:
    return Settings(_env_file=None, kibana_url=url, index_prefix="stubbed", **extra)


def test_kibana_is_verified_against_the_configured_ca(tls_files: dict[str, Path]) -> None:
    with TlsKibanaStub(tls_files["cert"], tls_files["key"]) as kibana:
        settings = _settings(kibana.url, kibana_ca_certs=tls_files["ca"])
        assert wait_for_kibana(settings, timeout=10, interval=0.05) == "9.2.0"
        assert import_saved_objects(settings).success_count > 0
    assert [r.path for r in kibana.requests][-1] == "/api/saved_objects/_import"


@pytest.mark.parametrize("ca", ["other_ca", None], ids=["wrong CA", "system CAs"])
def test_an_untrusted_certificate_is_one_line_naming_the_setting_at_once(
    tls_files: dict[str, Path], ca: str | None
) -> None:
    with TlsKibanaStub(tls_files["cert"], tls_files["key"]) as kibana:
        settings = _settings(kibana.url, kibana_ca_certs=tls_files[ca] if ca else None)
        with pytest.raises(KibanaError) as waited:
            wait_for_kibana(settings, timeout=60, interval=0.05)  # no waiting out the minute
        with pytest.raises(KibanaError) as imported:
            import_saved_objects(settings)
    for caught in (waited, imported):
        message = str(caught.value)
        assert "TLS verification of Kibana" in message and "NEWSINDEX_KIBANA_CA_CERTS" in message
        assert "\n" not in message
    assert not kibana.requests


def test_verification_can_be_turned_off(tls_files: dict[str, Path]) -> None:
    with TlsKibanaStub(tls_files["cert"], tls_files["key"]) as kibana:
        settings = _settings(kibana.url, kibana_verify_certs=False)
        assert wait_for_kibana(settings, timeout=10, interval=0.05) == "9.2.0"


def test_a_ca_file_that_is_not_there_is_named(tmp_path: Path) -> None:
    settings = _settings("https://127.0.0.1:1", kibana_ca_certs=tmp_path / "nope.crt")
    with pytest.raises(KibanaError, match="NEWSINDEX_KIBANA_CA_CERTS: cannot read"):
        import_saved_objects(settings)


def test_a_ca_bundle_needs_an_https_kibana_url(tls_files: dict[str, Path]) -> None:
    with pytest.raises(ValidationError, match="NEWSINDEX_KIBANA_URL is http://"):
        _settings("http://localhost:5601", kibana_ca_certs=tls_files["ca"])
