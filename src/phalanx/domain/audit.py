"""The audit trail as a hash chain, and how to tell whether it was tampered with.

Each entry's hash covers its own fields and the previous entry's hash, so altering,
removing, inserting or reordering an entry breaks the chain at that place. Signed
checkpoints pin the hash of an entry at a moment, so that a truncated tail or a
whole rewritten chain is caught as well. Signing itself is done outside the domain;
`verify` takes the signature check as a function.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(obj: Any) -> str:
    """The one JSON text of a value that is hashed: sorted keys, no spaces."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    actor: str
    role: str
    acting_for: str | None
    action: str
    target_kind: str
    target_id: str
    change: str  # canonical JSON
    prev_hash: str
    hash: str = ""

    def compute_hash(self) -> str:
        fields = [
            self.id, self.at, self.actor, self.role, self.acting_for, self.action,
            self.target_kind, self.target_id, self.change, self.prev_hash,
        ]
        return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()

    def sealed(self) -> Entry:
        return Entry(**{**self.__dict__, "hash": self.compute_hash()})


@dataclass(frozen=True)
class Checkpoint:
    id: int
    entry_id: int
    entry_hash: str
    at: str
    key_id: str
    signature: str

    def message(self) -> bytes:
        return canonical([self.entry_id, self.entry_hash, self.at, self.key_id]).encode("utf-8")


@dataclass(frozen=True)
class Verdict:
    ok: bool
    entries: int
    first_bad: int | None
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "first_bad": self.first_bad,
                "reason": self.reason}


def verify(
    entries: Iterable[Entry],
    checkpoints: Iterable[Checkpoint] = (),
    signature_ok: Callable[[Checkpoint], bool] = lambda _c: True,
) -> Verdict:
    """Walk the chain in id order; name the first entry that does not fit."""
    prev_hash, expected_id, count = GENESIS, 1, 0
    hashes: dict[int, str] = {}
    for e in entries:
        count += 1
        if e.id != expected_id:
            if e.id > expected_id:
                return Verdict(False, count, expected_id, f"entry {expected_id} is missing")
            return Verdict(False, count, e.id, f"entry {e.id} is out of order")
        if e.compute_hash() != e.hash:
            return Verdict(False, count, e.id, "entry altered: its hash does not match its content")
        if e.prev_hash != prev_hash:
            return Verdict(False, count, e.id,
                           "chain broken: entry does not follow the one before it")
        hashes[e.id] = e.hash
        prev_hash, expected_id = e.hash, e.id + 1
    for c in sorted(checkpoints, key=lambda c: c.entry_id):
        if not signature_ok(c):
            return Verdict(False, count, c.entry_id,
                           f"checkpoint {c.id}: signature does not verify")
        if c.entry_id not in hashes:
            first_missing = expected_id if c.entry_id >= expected_id else c.entry_id
            return Verdict(False, count, first_missing,
                           f"checkpoint {c.id} signed entry {c.entry_id}; entries from "
                           f"{first_missing} on are gone")
        if hashes[c.entry_id] != c.entry_hash:
            return Verdict(False, count, c.entry_id, f"checkpoint {c.id}: entry {c.entry_id} "
                           "was rewritten since it was signed")
    return Verdict(True, count, None)
