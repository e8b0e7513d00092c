"""Email over STARTTLS and implicit TLS against aiosmtpd with a certificate made here."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from receptionist.config import Settings
from receptionist.notifications.email import EmailError, send_email
from tests.notifications.receivers import Mailbox, free_port


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def starttls_box(certificate: tuple[Path, Path]) -> Iterator[Mailbox]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    box = Mailbox()
    box.controller = Controller(box, hostname="127.0.0.1", port=box.port,
                                tls_context=context, require_starttls=True)
    box.controller.start()
    yield box
    box.stop()


def mail(settings: Settings) -> str:
    return send_email(settings, to="owner@example.test", subject="Call from +15551230001",
                      text="plain", html="<p>html</p>", idempotency_key="k-1")


def test_starttls_with_a_trusted_certificate(settings: Settings, starttls_box: Mailbox,
                                             certificate: tuple[Path, Path]) -> None:
    url = f"smtp://127.0.0.1:{starttls_box.port}?starttls=require&cafile={certificate[0]}"
    mail(settings.model_copy(update={"smtp_url": url}))
    [received] = starttls_box.messages
    assert received["X-Receptionist-Idempotency-Key"] == "k-1"


def test_an_untrusted_certificate_is_refused(settings: Settings,
                                             starttls_box: Mailbox) -> None:
    url = f"smtp://127.0.0.1:{starttls_box.port}"
    with pytest.raises(EmailError, match="CERTIFICATE_VERIFY_FAILED"):
        mail(settings.model_copy(update={"smtp_url": url}))
    assert starttls_box.messages == []


def test_a_server_without_tls_is_refused_when_required(settings: Settings) -> None:
    box = Mailbox().start()
    try:
        url = f"smtp://127.0.0.1:{box.port}?starttls=require"
        with pytest.raises(EmailError, match="does not offer STARTTLS"):
            mail(settings.model_copy(update={"smtp_url": url}))
    finally:
        box.stop()


def test_no_server(settings: Settings) -> None:
    url = f"smtp://127.0.0.1:{free_port()}"
    with pytest.raises(EmailError, match="SMTP") as caught:
        mail(settings.model_copy(update={"smtp_url": url}))
    assert not caught.value.permanent  # retried later
