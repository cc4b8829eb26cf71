"""The audit trail as a hash chain, and how to tell whether it was tampered with.

Each entry's hash covers its own fields and the previous entry's hash, so altering,
removing, inserting or reordering an entry breaks the chain at that place. Signed
checkpoints pin the hash of an entry at a moment, so that a truncated tail or a
whole rewritten chain is caught as well. Signing itself is done outside the domain;
`verify` takes the signature check as a function.

The database alone cannot protect its own end: whoever can delete the last entries can
also delete the checkpoints that named them. So each committed entry's hash is also
copied outside the database (an append-only file, optionally a witness on another
host), with the signed checkpoints. `verify` then compares every entry with its outside
copy and names the first that differs, reports entries that were never copied out
while later ones were or at the end (a forged entry, even one the application chained
its own entries onto), copies whose entry is gone (a cut tail) and numbers copied twice
with different hashes (a cut tail written on), and fails when the newest
checkpoint is older than allowed (setting) or when no key is there to check signatures.
It never needs an entry's content beyond its hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

GENESIS = "0" * 64
# an entry's hash copied outside the database: its first 32 hex digits (128 bits)
MARK_LENGTH = 32


# entries recording what a state said in its own name by another's hand (the chair of a
# consultation records each head of state's answer), with the key of the change naming
# that state: what was done in a state's name is what its users did for it and these
IN_A_STATES_NAME: dict[str, str] = {"consultation.answer": "state"}


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
    problem: str = ""  # altered | missing | forged | truncated | signature | stale | no-key | ...

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "entries": self.entries, "first_bad": self.first_bad,
                "problem": self.problem or None, "reason": self.reason}


@dataclass(frozen=True)
class Outside:
    """What was copied outside the database: each entry's hash mark (by id) and the
    signed checkpoints, and how verification must judge the tail (settings)."""
    marks: Mapping[int, str]
    checkpoints: tuple[Checkpoint, ...]
    now: datetime
    max_age: timedelta  # the newest checkpoint may not be older
    grace: timedelta = timedelta(minutes=1)  # an entry this recent may still be uncopied
    # entries copied out twice with different hashes (the first copy is in `marks`): the
    # trail was cut before each and written on, the same numbers given to new entries
    twice: frozenset[int] = frozenset()


def _cut_and_written_on(count: int, eid: int) -> Verdict:
    return Verdict(False, count, eid, f"entry {eid} was copied outside the database twice, "
                   "with different hashes: the trail was cut before it and written on",
                   "truncated")


def _chain(entries: Iterable[Entry], marks: Mapping[int, str],
           hashes: dict[int, tuple[str, str]], twice: frozenset[int] = frozenset()
           ) -> Verdict | None:
    prev_hash, expected_id = GENESIS, 1
    for count, e in enumerate(entries, 1):
        if e.id != expected_id:
            if e.id > expected_id:
                return Verdict(False, count, expected_id, f"entry {expected_id} is missing",
                               "missing")
            return Verdict(False, count, e.id, f"entry {e.id} is out of order", "order")
        mark = marks.get(e.id)
        if e.id in twice:
            return _cut_and_written_on(count, e.id)
        if mark is not None and e.hash[:MARK_LENGTH] != mark:
            return Verdict(False, count, e.id, "entry differs from the copy of its hash "
                           "kept outside the database", "altered")
        if e.compute_hash() != e.hash:
            return Verdict(False, count, e.id, "entry altered: its hash does not match its "
                           "content", "altered")
        if e.prev_hash != prev_hash:
            return Verdict(False, count, e.id,
                           "chain broken: entry does not follow the one before it", "chain")
        hashes[e.id] = (e.hash, e.at)
        prev_hash, expected_id = e.hash, e.id + 1
    return None


def verify(
    entries: Iterable[Entry],
    checkpoints: Iterable[Checkpoint] = (),
    signature_ok: Callable[[Checkpoint], bool] | None = lambda _c: True,
    outside: Outside | None = None,
) -> Verdict:
    """Walk the chain in id order; name the first entry that does not fit. With
    `outside`, also check the tail against the copies kept outside the database.
    `signature_ok=None` means no key is at hand: that alone fails the verification."""
    marks = outside.marks if outside else {}
    hashes: dict[int, tuple[str, str]] = {}
    bad = _chain(entries, marks, hashes, outside.twice if outside else frozenset())
    if bad is not None:
        return bad
    count = len(hashes)
    last = max(hashes, default=0)
    if outside is not None:
        if outside.twice and min(outside.twice) <= last:
            return _cut_and_written_on(count, min(outside.twice))
        copied = [i for i in marks if i > last]
        if copied:
            return Verdict(False, count, last + 1, f"entries from {last + 1} to {max(copied)} "
                           "were copied outside the database and are gone", "truncated")
        # every entry since the first copied out must have its copy (the entries before
        # it are older than the copies); one that has none, where later ones do, was put
        # in behind the application's back, which chained its own entries onto it
        recorded = max(marks, default=0)
        for i in range(min(marks, default=1), last + 1):
            if i not in marks and not _fresh(hashes[i][1], outside):
                later = " though later entries were" if i < recorded else ""
                return Verdict(False, count, i, f"entry {i} was never copied outside the "
                               f"database{later}: it was added behind the application's "
                               "back", "forged")
    all_cps = list(checkpoints) + list(outside.checkpoints if outside else ())
    if signature_ok is None:
        return Verdict(False, count, None, "no public key: checkpoint signatures cannot be "
                       "checked (give --key)", "no-key")
    for c in sorted(all_cps, key=lambda c: c.entry_id):
        if not signature_ok(c):
            return Verdict(False, count, c.entry_id,
                           f"checkpoint at entry {c.entry_id}: signature does not verify",
                           "signature")
        if c.entry_id not in hashes:
            first_missing = last + 1 if c.entry_id > last else c.entry_id
            return Verdict(False, count, first_missing,
                           f"a checkpoint signed entry {c.entry_id}; entries from "
                           f"{first_missing} on are gone", "truncated")
        if hashes[c.entry_id][0] != c.entry_hash:
            return Verdict(False, count, c.entry_id, f"checkpoint at entry {c.entry_id}: the "
                           "entry was rewritten since it was signed", "altered")
    if outside is not None:
        newest = max((c.at for c in outside.checkpoints), default=None)
        if newest is None:
            return Verdict(False, count, None, "no checkpoint outside the database", "stale")
        if _older(newest, outside.now - outside.max_age):
            return Verdict(False, count, None, f"the newest checkpoint ({newest}) is older "
                           f"than allowed ({outside.max_age})", "stale")
    return Verdict(True, count, None)


def _moment(at: str) -> datetime | None:
    """The time an entry or a checkpoint states, if it is one: ISO 8601 with an offset
    (as the application writes them); anything else is no moment."""
    try:
        moment = datetime.fromisoformat(at)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def _fresh(at: str, outside: Outside) -> bool:
    """May an entry not yet copied outside the database still be waiting for its copy? Only
    while its time lies within the grace of now, on either side: an entry dated after that
    (in the future), or whose time is no moment, would otherwise wait for ever."""
    moment = _moment(at)
    return moment is not None and abs(moment - outside.now) <= outside.grace


def _older(at: str, than: datetime) -> bool:
    moment = _moment(at)
    return moment is None or moment < than
