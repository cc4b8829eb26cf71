"""XML-DSig signatures of CAP alerts, checked with `signxml` against trust anchors
configured per sender.

The result is `verified` (the enveloped signature holds and was made with an anchor
configured for the alert's sender), `unsigned` (no `<Signature>`) or `invalid` (a digest
or signature that does not hold, a certificate that is not the sender's anchor, or a
signed alert from a sender with no anchor configured, or a `<Signature>` that does not
follow the XML-DSig schema). Certificates are judged at the
time the alert says it was sent, so an archived alert stays verifiable after its
certificate expired.

The trust file is YAML: `sender: [path/to/cert.pem, ...]` (paths relative to the file;
`"*"` names anchors for every sender).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

import yaml
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidInput, SignXMLException

Status = Literal["verified", "unsigned", "invalid"]
DSIG = b"http://www.w3.org/2000/09/xmldsig#"


@dataclass(frozen=True)
class Anchors:
    by_sender: dict[str, tuple[str, ...]] = field(default_factory=dict)  # PEM texts

    def for_sender(self, sender: str) -> tuple[str, ...]:
        return self.by_sender.get(sender, ()) + self.by_sender.get("*", ())


def load_anchors(path: Path | None) -> Anchors:
    """The trust file; a missing or broken one is an error naming it."""
    if path is None:
        return Anchors()
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected 'sender: [certificate.pem, ...]' entries")
    out: dict[str, tuple[str, ...]] = {}
    for sender, certs in raw.items():
        files = [certs] if isinstance(certs, str) else list(certs or [])
        out[str(sender)] = tuple((path.parent / f).read_text(encoding="ascii") for f in files)
    return Anchors(out)


def verify(data: bytes, sender: str, sent: datetime | None,
           anchors: Anchors) -> tuple[Status, str]:
    """The signature status of an alert (already parsed safely) and why."""
    if DSIG not in data or b"Signature" not in data:
        return "unsigned", "no XML signature"
    certs = anchors.for_sender(sender)
    if not certs:
        return "invalid", f"signed, but no trust anchor is configured for sender {sender!r}"
    config = SignatureConfiguration(verification_time=sent) if sent else \
        SignatureConfiguration()
    reasons = []
    for pem in certs:
        try:
            XMLVerifier().verify(data, x509_cert=pem, expect_config=config)
        except (SignXMLException, InvalidInput, ValueError, etree.LxmlError) as exc:
            # LxmlError: a <Signature> that is not XML-DSig's own (NAAD's Id with a
            # space, text content) fails signxml's schema check
            reasons.append(f"{type(exc).__name__}: {str(exc)[:300]}")
            continue
        return "verified", f"signed with the anchor configured for {sender!r}"
    return "invalid", "; ".join(reasons)
