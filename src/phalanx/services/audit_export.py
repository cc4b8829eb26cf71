"""The audit trail exported to a file, and verified from that file alone.

An auditor takes the trail away (`phalanx audit export FILE`: every entry with its hash
and every signed checkpoint, as JSON lines, the whole file signed with the checkpoint key
kept outside the database) and verifies it later, elsewhere, without the database
(`phalanx audit verify --export FILE --key PUBLIC.pem`): the file's signature first (an
export edited, cut or extended after it was made fails), then the chain and its
checkpoints as the installation's trail is verified (`domain/audit.verify`), and, given
`--checkpoints`, against the copies kept outside the database up to the export's last
entry and the checkpoints signed before it (a trail rewritten or cut in the database
before it was exported fails). The file holds
every entry as stored, the content of those about records a reader of the trail may not
read included: it is the installation's, like a backup.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from phalanx.adapters.db import audit_store
from phalanx.domain.audit import Checkpoint, Entry, Outside, Verdict, canonical, verify
from phalanx.services.audit import SigningKey, checker, key_id_of
from phalanx.services.db import Database

FORMAT = "phalanx-audit-export/1"


class ExportError(ValueError):
    """A file that is not an export of the trail, with the place that says so."""


def _signed(digest: str, key_id: str) -> bytes:
    return canonical([FORMAT, digest, key_id]).encode("utf-8")


def export(db: Database, out: TextIO, key: SigningKey,
           progress: Callable[[int, int], None] | None = None) -> int:
    """Write the trail (its entries in id order, then its checkpoints) to `out`, then the
    signature of all of it; the number of entries written. Reads only, one moment of the
    trail (what the server writes meanwhile is left out). `progress(done, total)` is told
    every 1,000 entries and at the end."""
    digest = hashlib.sha256()

    def line(record: dict[str, Any]) -> None:
        text = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        digest.update(text.encode("utf-8"))
        out.write(text)

    n = 0
    with db.snapshot() as conn:  # one moment: no checkpoint naming an entry left out
        line({"format": FORMAT, "at": audit_store.now_iso(), "key_id": key.key_id})
        total = audit_store.count(conn) if progress else 0
        for entry in audit_store.entries(conn):
            line({"entry": asdict(entry)})
            n += 1
            if progress and n % 1000 == 0:
                progress(n, total)
        if progress:
            progress(n, total)
        for c in audit_store.checkpoints(conn):
            line({"checkpoint": asdict(c)})
    done = digest.hexdigest()
    out.write(json.dumps({"signature": {"sha256": done, "key_id": key.key_id,
                                        "value": key.sign(_signed(done, key.key_id))}}) + "\n")
    return n


def read(path: Path) -> tuple[dict[str, Any], list[Entry], list[Checkpoint],
                              dict[str, Any], str]:
    """The export's head, entries, checkpoints, signature and the digest of what the
    signature covers; ExportError naming the file and line of what is not one."""
    entries: list[Entry] = []
    checkpoints: list[Checkpoint] = []
    head: dict[str, Any] = {}
    signature: dict[str, Any] = {}
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            where = f"{path}:{number}"
            if signature:
                raise ExportError(f"{where}: a line after the export's signature")
            try:
                item: Any = json.loads(raw)
                if number == 1:
                    if not isinstance(item, dict) or item.get("format") != FORMAT:
                        raise ExportError(f"{where}: not an export of the audit trail "
                                          f"(its first line names no format {FORMAT!r})")
                    head = item
                elif "signature" in item:
                    signature = dict(item["signature"])
                    continue
                elif "entry" in item:
                    entries.append(Entry(**item["entry"]))
                elif "checkpoint" in item:
                    checkpoints.append(Checkpoint(**item["checkpoint"]))
                else:
                    raise ExportError(f"{where}: neither an entry nor a checkpoint")
            except (json.JSONDecodeError, UnicodeDecodeError, TypeError, KeyError,
                    AttributeError, ValueError) as exc:
                if isinstance(exc, ExportError):
                    raise
                raise ExportError(f"{where}: not a line of the export ({exc})") from exc
            digest.update(raw)
    if not head:
        raise ExportError(f"{path}: empty, not an export of the audit trail")
    return head, entries, checkpoints, signature, digest.hexdigest()


def verify_export(path: Path, key: SigningKey | Ed25519PublicKey | None,
                  outside: Outside | None = None) -> Verdict:
    """Verify an export without the database: its signature, its chain and checkpoints,
    and, when given, the copies kept outside the database up to its last entry."""
    head, entries, checkpoints, signature, digest = read(path)
    if key is None:
        return Verdict(False, len(entries), None, "no public key: the export's signature "
                       "cannot be checked (give --key)", "no-key")
    public = key.public if isinstance(key, SigningKey) else key
    if outside is not None:  # what was copied out up to the export's end, as of then:
        # a checkpoint signed before the export (its time is signed, and so is the
        # export's) names an entry the export must hold; one signed after it, up to its end
        last = entries[-1].id if entries else 0
        at = _moment(str(head.get("at", "")))
        outside = Outside({i: m for i, m in outside.marks.items() if i <= last},
                          tuple(c for c in outside.checkpoints
                                if c.entry_id <= last or _moment(c.at) <= at),
                          at, at - datetime(1, 1, 2, tzinfo=UTC), outside.grace)
    if not signature:
        return _located(entries, checkpoints, public, outside, Verdict(
            False, len(entries), None, "the export has no signature: it was cut at its end "
            "or not made by `phalanx audit export`", "signature"))
    try:
        if signature.get("sha256") != digest or signature.get("key_id") != key_id_of(public):
            raise InvalidSignature
        public.verify(base64.b64decode(str(signature.get("value", ""))),
                      _signed(digest, key_id_of(public)))
    except (InvalidSignature, ValueError):
        return _located(entries, checkpoints, public, outside, Verdict(
            False, len(entries), None, "the export's signature does not verify: the file "
            "was changed after it was exported, or another key made it", "signature"))
    return verify(entries, checkpoints, checker(public), outside)


def _located(entries: list[Entry], checkpoints: list[Checkpoint], public: Ed25519PublicKey,
             outside: Outside | None, failed: Verdict) -> Verdict:
    """A failed signature, with where the file stops fitting when its chain, its own
    checkpoints or the copies kept outside the database tell (an edited entry, one
    removed, a cut end a checkpoint named); without the copies, an edit whose hashes were
    recomputed is told by the signature alone."""
    where = verify(entries, checkpoints, checker(public), outside)
    if where.ok or where.first_bad is None:
        return failed
    return Verdict(False, failed.entries, where.first_bad,
                   f"{failed.reason}; entry {where.first_bad} is where it stops fitting: "
                   f"{where.reason}", failed.problem)


def _moment(at: str) -> datetime:
    try:
        moment = datetime.fromisoformat(at)
    except ValueError:
        moment = datetime.now(UTC)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
