"""The audit trail for people: verify it, sign checkpoints, search it.

Checkpoints are signed with an Ed25519 key kept outside the database (a file named
by PHALANX_AUDIT_KEY_FILE, created on first use by the server and the writing commands,
never by `verify`). Whoever can rewrite the database cannot forge a checkpoint without
that key; the entries' hashes and the checkpoints are also copied outside the database
(services/audit_tail.py), so that a cut or rewritten tail is caught as well.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, and_, func, insert, or_, select

from phalanx.adapters.db import access_audit, audit_store
from phalanx.adapters.db import tables as t
from phalanx.adapters.db.json_text import json_text
from phalanx.domain import calendar
from phalanx.domain.access.principal import Principal
from phalanx.domain.audit import (
    IN_A_STATES_NAME,
    Checkpoint,
    Entry,
    Outside,
    Verdict,
    canonical,
    verify,
)
from phalanx.services.audit_tail import Tail
from phalanx.services.db import Database


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        raw = self.public.public_bytes(serialization.Encoding.Raw,
                                       serialization.PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()[:16]

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(message)).decode("ascii")

    def check(self, c: Checkpoint) -> bool:
        if c.key_id != self.key_id:
            return False
        try:
            self.public.verify(base64.b64decode(c.signature), c.message())
        except (InvalidSignature, ValueError):
            return False
        return True


def signing_key(path: Path, create: bool = True) -> SigningKey | None:
    """The installation's checkpoint key; created (mode 0600) when missing. A file every
    account may read is refused: whoever reads it can sign checkpoints."""
    if path.exists():
        if (mode := path.stat().st_mode) & 0o007:
            raise KeyUnusable(f"PHALANX_AUDIT_KEY_FILE: {path} may be read by every account "
                              f"on this host (mode {mode & 0o777:04o}): `chmod o-rwx` it "
                              "(a key is made 0600)")
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise KeyUnusable(f"PHALANX_AUDIT_KEY_FILE: {path} holds no unencrypted "
                              f"private key in PEM ({said})") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyUnusable(f"PHALANX_AUDIT_KEY_FILE: {path}: not an Ed25519 private key")
        return SigningKey(key)
    if not create:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    # several app processes may start at once: each writes its key aside, and the first
    # to link it into place wins; the others use the winner's key
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{id(key)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return signing_key(path, create=False)


class KeyMissing(RuntimeError):
    """The key file the settings name is missing while the trail holds checkpoints."""


class KeyUnusable(KeyMissing, ValueError):
    """The key file the settings name holds no Ed25519 private key, or not the key that
    signed the trail's checkpoints."""


def installation_key(db: Database, path: Path) -> SigningKey:
    """The installation's key (`signing_key`), made anew only for a trail that no key has
    signed yet: where the database holds checkpoints and the file is missing, the setting
    points at the wrong place (a mistyped path, a volume not mounted) and a new key would
    sign entries that `audit verify` can only call forged. A file holding another key than
    the one that signed the newest checkpoint (another host's own, an old copy) is refused
    as well: what it signed would not verify against the installation's public key."""
    from sqlalchemy.exc import DBAPIError

    signed_by = None
    # (not migrated yet, or not reachable: no checkpoint known)
    with contextlib.suppress(DBAPIError), db.read() as conn:
        signed_by = conn.execute(select(t.audit_checkpoint.c.key_id).order_by(
            t.audit_checkpoint.c.id.desc()).limit(1)).scalar()
    if not path.exists() and signed_by is not None:
        raise KeyMissing(
            f"PHALANX_AUDIT_KEY_FILE: {path} does not exist, and the audit trail's "
            f"checkpoints are signed by key {signed_by}: point the setting at that "
            "key's file (a key is made anew only for a trail no key has signed)")
    key = signing_key(path)
    assert key is not None
    if signed_by is not None and key.key_id != signed_by:
        raise KeyUnusable(
            f"PHALANX_AUDIT_KEY_FILE: {path} holds key {key.key_id}, but the audit trail's "
            f"checkpoints are signed by key {signed_by}: point the setting at that key's "
            "file (checkpoints signed by another key do not verify)")
    return key


def write_checkpoint(conn: Connection, key: SigningKey) -> Checkpoint | None:
    """Sign the current last entry (inside the caller's transaction)."""
    last_id, last_hash = audit_store.last(conn)
    if last_id == 0:
        return None
    c = Checkpoint(0, last_id, last_hash, audit_store.now_iso(), key.key_id, "")
    c = Checkpoint(0, c.entry_id, c.entry_hash, c.at, c.key_id, key.sign(c.message()))
    cid = conn.execute(insert(t.audit_checkpoint).values(
        entry_id=c.entry_id, entry_hash=c.entry_hash, at=c.at, key_id=c.key_id,
        signature=c.signature).returning(t.audit_checkpoint.c.id)).scalar_one()
    return Checkpoint(int(cid), c.entry_id, c.entry_hash, c.at, c.key_id, c.signature)


def public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file (the public half, or the private key itself)."""
    data = path.read_bytes()
    try:
        key: Any = serialization.load_pem_public_key(data)
    except ValueError:
        key = serialization.load_pem_private_key(data, password=None).public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path}: not an Ed25519 key")
    return key


def key_id_of(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def checker(key: Ed25519PublicKey) -> Any:
    """The signature check of checkpoints made with this key."""
    key_id = key_id_of(key)

    def check(c: Checkpoint) -> bool:
        if c.key_id != key_id:
            return False
        try:
            key.verify(base64.b64decode(c.signature), c.message())
        except (InvalidSignature, ValueError):
            return False
        return True
    return check


def checkpoint(db: Database, tail: Tail, *, actor: Principal) -> Checkpoint | None:
    """Sign the end of the trail now (an audited action), in the database and outside."""
    with db.write(actor) as w:
        w.audit("audit.checkpoint", "audit", "chain",
                {"key_id": tail.key.key_id if tail.key else None})
    return tail.checkpoint_now(db.engine, force=True)


def verify_trail(db: Database, key: SigningKey | Ed25519PublicKey | None,
                 outside: Outside | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Verdict:
    """Verify the chain, its signed checkpoints and, when given, the copies kept outside
    the database. Reads only the entries' fields and hashes; writes nothing. `progress`
    is told the entries read and the trail's length, every `PROGRESS_EVERY` entries."""
    check = None
    if isinstance(key, SigningKey):
        check = key.check
    elif key is not None:
        check = checker(key)
    with db.read() as conn:
        cps = audit_store.checkpoints(conn)
        entries = audit_store.entries(conn)
        if progress is not None:
            entries = _counted(entries, audit_store.count(conn), progress)
        return verify(entries, cps, check, outside)


PROGRESS_EVERY = 5000


def _counted(entries: Iterator[Entry], total: int, progress: Callable[[int, int], None]
             ) -> Iterator[Entry]:
    n = 0
    for n, entry in enumerate(entries, start=1):
        if n % PROGRESS_EVERY == 0:
            progress(n, total)
        yield entry
    progress(n, total)


EXERCISE_MARK = canonical({"exercise": True})[1:-1]  # '"exercise":true'


@dataclass(frozen=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    acting_for: str | None = None
    target_kind: str | None = None
    since: date | None = None
    until: date | None = None
    limit: int = 100
    offset: int = 0
    # only an exercise's entries (True), only the real ones (False), or both (None)
    exercise: bool | None = None


def search(conn: Connection, f: AuditFilter, *, actor: Principal
           ) -> tuple[list[dict[str, Any]], int]:
    """Entries matching the filter that `actor` may read, newest first, and how many in
    all; each says whether it is an exercise's (`exercise`). An entry about a classified
    record is read only by those who may read the record (adapters/db/access.py:
    audit_visible), and a registry unit it may not see is
    named in no entry's change (`access_audit.audit_readable`, the entry marked `redacted`);
    verifying the chain needs no reader to see any entry's content (it runs on the server
    on the stored entries and answers only the verdict)."""
    c = t.audit_log.c
    where = [access_audit.audit_visible(actor)]
    if f.actor:
        where.append(c.actor == f.actor)
    if f.action:
        where.append(c.action.startswith(f.action, autoescape=True))
    if f.acting_for:  # done for the state by its users, or in its name by another's hand
        where.append(or_(c.acting_for == f.acting_for, *(
            and_(c.action == action, json_text(c.change, key) == f.acting_for)
            for action, key in IN_A_STATES_NAME.items())))
    if f.target_kind:
        where.append(c.target_kind == f.target_kind)
    if f.since or f.until:
        # the organization's days (a change of a state's authorities is dated so), as the
        # trail writes its moments (UTC)
        from phalanx.services import organization as orgs

        zone = calendar.zone(orgs.working_zone(conn))

        def start(day: date) -> str | None:
            """The day's first moment in UTC; None when it falls outside what a date
            holds (the first day east of UTC, the day after the last): no bound then."""
            try:
                return (datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
                        .isoformat(timespec="microseconds"))
            except OverflowError:
                return None

        if f.since and (first := start(f.since)) is not None:
            where.append(c.at >= first)
        if f.until and f.until < date.max and (end := start(f.until + timedelta(days=1))):
            where.append(c.at < end)
    if f.exercise is not None:
        # an exercise's entry says so in its change's canonical text (sorted keys, no
        # spaces); no other key of a change is named so, and a quote someone wrote in a
        # text is escaped there
        marked = c.change.contains(EXERCISE_MARK, autoescape=True)
        where.append(marked if f.exercise else ~marked)
    total = conn.execute(select(func.count()).select_from(t.audit_log).where(*where)).scalar_one()
    rows = conn.execute(select(t.audit_log).where(*where).order_by(c.id.desc())
                        .limit(f.limit).offset(f.offset))
    # a registry unit the reader may not see is named by no key in an entry's change
    items = access_audit.audit_readable(conn, actor, (r._mapping for r in rows))
    for e in items:  # what an exercise did (services/db.py: Write.exercise), said apart
        e["exercise"] = json.loads(e["change"]).get("exercise") is True
    return items, int(total)



def tail_from(settings: Any, key: SigningKey | None) -> Tail:
    """The installation's outside copy, as the settings describe it."""
    from phalanx.services.audit_tail import SyslogWitness

    witness = settings.audit_witness_syslog
    return Tail(key, settings.checkpoint_file, settings.audit_witness_dir,
                settings.audit_checkpoint_every, settings.audit_checkpoint_minutes,
                SyslogWitness(witness) if witness else None)


def outside_from(settings: Any, files: list[Path] | None = None,
                 max_age_minutes: float | None = None, key_id: str | None = None) -> Outside:
    """The copies kept outside the database: the given files, or the installation's
    file (and, when a witness directory is set, the witness's files of this key, one per
    application host)."""
    from phalanx.services.audit_tail import outside, witness_files

    if not files:
        files = [settings.checkpoint_file]
        witness = settings.audit_witness_dir
        if witness is not None and key_id is not None:
            files += witness_files(witness, key_id)
    age = settings.audit_checkpoint_max_age_minutes if max_age_minutes is None \
        else max_age_minutes
    return outside(files, timedelta(minutes=age),
                   timedelta(seconds=settings.audit_copy_grace_seconds))


def verify_installation(db: Database, settings: Any, key: Any,
                        files: list[Path] | None = None,
                        max_age_minutes: float | None = None,
                        progress: Callable[[int, int], None] | None = None) -> Verdict:
    """Verify the trail against this installation's outside copies (or the given files);
    a missing or unreadable file of copies is a failed verification, said as such."""
    from phalanx.services.audit_tail import TailFileError

    key_id = key.key_id if isinstance(key, SigningKey) else (
        key_id_of(key) if key is not None else None)
    try:
        out = outside_from(settings, files, max_age_minutes, key_id)
    except (OSError, TailFileError) as exc:
        return Verdict(False, 0, None, str(exc), "no-checkpoints")
    return verify_trail(db, key, out, progress)


def verify_restored(db: Database, settings: Any, key: Any,
                    progress: Callable[[int, int], None] | None = None
                    ) -> tuple[Verdict, bool]:
    """A restored database's trail, as `audit verify` judges it against this installation's
    copies kept outside the database: a backup lacking the trail's end (made before the
    last entries, or cut) fails as `truncated`, one rewritten as `altered`. The newest
    checkpoint being old is no fault of the backup (an installation is down before it is
    restored). Where no copies are kept here (a new host), the chain and its checkpoints
    alone. The second value: whether the copies outside were compared."""
    if not settings.checkpoint_file.is_file():
        return verify_trail(db, key, progress=progress), False
    verdict = verify_installation(db, settings, key, progress=progress)
    if verdict.problem == "stale":  # the last check: everything else held
        return Verdict(True, verdict.entries, None), True
    return verdict, True
