"""XML signatures of CAP alerts: verified against the trust anchor configured for the
sender, unsigned, or invalid (bad digest, wrong certificate, no anchor); the setting
decides whether an unverified alert may open a crisis or only a watch entry."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import XMLSigner

from phalanx.adapters.cap import signature as sig
from phalanx.domain.access.principal import Principal, Role
from phalanx.domain.crisis.alerts import Trust
from phalanx.services import alerts
from phalanx.services.db import Database
from tests.conftest import shared_file
from tests.support.capfiles import alert

SEC = Principal("secretariat", Role.SECRETARIAT)
SENDER = "mchs@gov.kg"


def keypair(name: str) -> tuple[bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(datetime(2026, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime(2027, 1, 1, tzinfo=UTC))
            .sign(key, hashes.SHA256()))
    pem_key = key.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return pem_key, cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture(scope="module")
def mchs() -> tuple[bytes, str]:
    return keypair("MChS Kyrgyzstan alerting")


@pytest.fixture(scope="module")
def stranger() -> tuple[bytes, str]:
    return keypair("somebody else")


def signed(data: bytes, pair: tuple[bytes, str]) -> bytes:
    root = etree.fromstring(data)
    out = XMLSigner(signature_algorithm="rsa-sha256").sign(root, key=pair[0], cert=pair[1])
    return etree.tostring(out, xml_declaration=True, encoding="UTF-8")


def anchors(tmp_path: Path, sender: str, pem: str) -> sig.Anchors:
    (tmp_path / "anchor.pem").write_text(pem)
    trust = tmp_path / "trust.yaml"
    trust.write_text(f'"{sender}": [anchor.pem]\n')
    return sig.load_anchors(trust)


def status(data: bytes, a: sig.Anchors) -> str:
    return sig.verify(data, SENDER, datetime(2026, 11, 20, tzinfo=UTC), a)[0]


def test_verified_unsigned_and_invalid(tmp_path: Path, mchs: tuple[bytes, str],
                                       stranger: tuple[bytes, str]) -> None:
    good = signed(alert(sender=SENDER), mchs)
    trust = anchors(tmp_path, SENDER, mchs[1])
    assert status(good, trust) == "verified"
    assert status(alert(sender=SENDER), trust) == "unsigned"
    tampered = good.replace(b"Earthquake near Bishkek", b"Earthquake near Osh")
    assert tampered != good and status(tampered, trust) == "invalid"
    assert status(signed(alert(sender=SENDER), stranger), trust) == "invalid"  # wrong cert
    assert status(good, sig.Anchors()) == "invalid"  # no anchor for the sender
    assert "no trust anchor" in sig.verify(good, SENDER, None, sig.Anchors())[1]


def test_a_real_national_alert_verifies_against_its_anchor(tmp_path: Path) -> None:
    data = shared_file("fixtures", "cap", "oasiscap",
                       "ipaws-5e6dd964023f1930ef638846.xml").read_bytes()
    cert = re.search(rb"<(?:\w+:)?X509Certificate>(.*?)</", data, re.S)
    assert cert is not None
    pem = ("-----BEGIN CERTIFICATE-----\n" + cert.group(1).decode().strip()
           + "\n-----END CERTIFICATE-----\n")
    from phalanx.adapters.cap import parse as cap

    a = cap.parse(data)
    trust = anchors(tmp_path, a.sender, pem)
    assert sig.verify(data, a.sender, a.sent, trust)[0] == "verified"  # as of when it was sent
    bad = re.sub(rb"(<headline>)", rb"\1Altered: ", data, count=1)
    assert bad != data and sig.verify(bad, a.sender, a.sent, trust)[0] == "invalid"


@pytest.fixture
def org_db(loaded_db: Database) -> Database:
    return loaded_db


def test_the_setting_decides_what_unverified_alerts_open(
        org_db: Database, tmp_path: Path, mchs: tuple[bytes, str],
        stranger: tuple[bytes, str]) -> None:
    trust = anchors(tmp_path, SENDER, mchs[1])
    route = alerts.Route(("KGZ",))
    ok = alerts.receive(org_db, signed(alert(identifier="S1"), mchs), route, actor=SEC,
                        anchors=trust, trust=Trust(unsigned="watch", invalid="watch"))
    assert ok.alert.signature == "verified" and ok.crisis is not None
    plain = alerts.receive(org_db, alert(identifier="S2"), route, actor=SEC, anchors=trust,
                           trust=Trust(unsigned="watch", invalid="watch"))
    assert plain.alert.signature == "unsigned" and plain.crisis is None
    assert plain.watch is not None
    forged = alerts.receive(org_db, signed(alert(identifier="S3"), stranger), route,
                            actor=SEC, anchors=trust)  # default: invalid → watch only
    assert forged.alert.signature == "invalid" and forged.crisis is None
    assert forged.watch is not None and forged.alert.signature_detail
    allowed = alerts.receive(org_db, alert(identifier="S4"), route, actor=SEC,
                             anchors=trust)  # default: unsigned may open a crisis
    assert allowed.crisis is not None
    # an invalidly signed update changes nothing
    update = alert(identifier="S5", msg_type="Update",
                   references=f"{SENDER},S1,2026-11-20T06:00:00+06:00")
    upd = alerts.receive(org_db, signed(update, stranger), route, actor=SEC, anchors=trust)
    assert upd.alert.action == "stored" and "invalid signature" in upd.alert.action_detail


@pytest.mark.parametrize(("folder", "name"), [
    ("google-cap-library", "canada_signed.cap"),  # NAAD: Signature Id="NAADS Signature"
    ("oasiscap", "google-PAAQ-4-mg5a94.xml"),  # text inside its <Signature>
])
def test_a_signature_outside_the_xmldsig_schema_is_invalid_not_an_error(
        org_db: Database, tmp_path: Path, folder: str, name: str) -> None:
    data = shared_file("fixtures", "cap", folder, name).read_bytes()
    pem = shared_file("fixtures", "cap", "google-cap-library",
                      "naads_x509_cert.pem").read_text()
    trust = anchors(tmp_path, "*", pem)
    from phalanx.adapters.cap import parse as cap

    a = cap.parse(data)
    state, why = sig.verify(data, a.sender, a.sent, trust)
    assert state == "invalid" and "Signature" in why
    r = alerts.receive(org_db, data, alerts.Route(("KAZ",)), actor=SEC, anchors=trust)
    assert r.alert.signature == "invalid" and r.alert.signature_detail == why
