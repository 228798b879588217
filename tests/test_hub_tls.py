"""The client over real HTTPS to a hub with the province's own (self-signed) certificate:
pinned by its fingerprint it connects; with another fingerprint, or trusting only the
certificate authorities, it refuses before sending anything."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from urllib3.util.retry import Retry

from cdsxa.common.errors import UserError
from cdsxa.hub.app import create_app
from cdsxa.hub.database import sqlite_url
from cdsxa.sync.hub_client import HubClient, HubUnreachable, fingerprint
from tests.hub_server import migrated

NO_RETRY = Retry(total=0)


def _certificate(folder: Path) -> tuple[Path, Path, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cdsxa-hub thử nghiệm")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "hub.crt", folder / "hub.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()
    return cert_file, key_file, ":".join(digest[i:i + 2] for i in range(0, 64, 2)).upper()


@pytest.fixture
def tls_hub(tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    cert_file, key_file, pin = _certificate(tmp_path)
    database_url = migrated(sqlite_url(tmp_path / "hub"))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(database_url),
                            log_level="warning", ssl_certfile=str(cert_file),
                            ssl_keyfile=str(key_file))
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the hub did not start"
        time.sleep(0.02)
    yield f"https://127.0.0.1:{port}", pin, database_url
    server.should_exit = True
    thread.join(timeout=30)


def test_a_pinned_certificate_connects_over_https(tls_hub: tuple[str, str, str]) -> None:
    url, pin, _ = tls_hub
    with HubClient(url, pin=pin, retry=NO_RETRY) as client:
        assert client.health().database is True
    with HubClient(url, pin="sha256:" + pin.replace(":", "").lower(), retry=NO_RETRY) as client:
        assert client.health().status == "ok"


def test_another_certificate_or_the_authorities_alone_are_refused(
        tls_hub: tuple[str, str, str]) -> None:
    url, pin, _ = tls_hub
    wrong = ("00" if not pin.startswith("00") else "11") + pin[2:]
    for client in (HubClient(url, pin=wrong, retry=NO_RETRY), HubClient(url, retry=NO_RETRY)):
        with client, pytest.raises(HubUnreachable) as refused:
            client.health()
        assert "chứng chỉ bảo mật" in refused.value.message


@pytest.mark.parametrize("typed", ["", "AB:CD", "zz" * 32, "sha1:" + "ab" * 20])
def test_a_fingerprint_that_is_not_sha256_is_refused_in_vietnamese(typed: str) -> None:
    with pytest.raises(UserError) as refused:
        fingerprint(typed)
    assert "SHA-256" in refused.value.message


def test_enrolment_with_a_pin_keeps_it_for_every_later_call(
        tls_hub: tuple[str, str, str], db: Any, data_dir: Path) -> None:
    from cdsxa.hub import enrolment as hub_enrolment
    from cdsxa.hub.database import HubDatabase
    from cdsxa.security import device_token
    from cdsxa.sync import enrolment

    url, pin, database_url = tls_hub
    hub = HubDatabase(database_url)
    try:
        with hub.transaction() as session:
            code = hub_enrolment.issue_code(session, db.commune_code).code
    finally:
        hub.close()
    with pytest.raises(UserError):  # the certificate authorities do not know it
        enrolment.enrol(db, data_dir, url, code)
    enrolment.enrol(db, data_dir, url, code, pin=pin)
    known = device_token.enrolment(data_dir)
    assert known is not None and known.pin == fingerprint(pin)
    assert enrolment.whoami(db, data_dir).commune_code == db.commune_code
