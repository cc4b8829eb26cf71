"""The audit trail's tail kept outside the database.

After each write commits, the hashes of its new audit entries (their first 32 hex
digits) are appended to a file of the installation (`PHALANX_AUDIT_CHECKPOINT_FILE`),
and, when a witness directory is set (`PHALANX_AUDIT_WITNESS_DIR`, e.g. another host's
share), to a file of the same lines there, one per application host; when a syslog witness is set
(`PHALANX_AUDIT_WITNESS_SYSLOG`, host:port over UDP, or a socket path such as /dev/log),
each line is also sent there as `phalanx-audit: LINE`, and the receiving host's log file
can be given to `audit verify --checkpoints` as it is. A signed checkpoint is made, in the database
and in these files, every N entries and every M minutes (settings
`PHALANX_AUDIT_CHECKPOINT_EVERY` and `PHALANX_AUDIT_CHECKPOINT_MINUTES`); the server makes
one every M minutes even when nothing is written, so that a fresh checkpoint proves the
trail had not been cut at that time. The files are only ever appended to (one `write`
of one line, O_APPEND), so several processes can share them.

One line is a JSON object: `{"from": ID, "marks": [...]}` for entries ID, ID+1, ...
and/or `{"checkpoint": {"entry_id", "entry_hash", "at", "key_id", "signature"}}`.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import audit_store
from phalanx.adapters.db import tables as t
from phalanx.adapters.db.engine import WRITE
from phalanx.domain.audit import MARK_LENGTH, Checkpoint, Entry, Outside

log = logging.getLogger(__name__)


class TailFileError(ValueError):
    """A file of outside copies that cannot be read."""


def append_line(path: Path, record: dict[str, Any], sync: bool = False) -> None:
    data = (json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n").encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(fd, data)
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def _checkpoint_record(c: Checkpoint) -> dict[str, Any]:
    return {"entry_id": c.entry_id, "entry_hash": c.entry_hash, "at": c.at,
            "key_id": c.key_id, "signature": c.signature}


SYSLOG_TAG = "phalanx-audit: "


class SyslogWitness:
    """Sends one line at a time to a syslog witness: `host:port` (UDP) or a socket path."""

    def __init__(self, address: str) -> None:
        import logging.handlers

        target: Any = address
        if ":" in address and not address.startswith("/"):
            host, _, port = address.rpartition(":")
            target = (host, int(port))
        self.handler = logging.handlers.SysLogHandler(
            address=target, facility=logging.handlers.SysLogHandler.LOG_AUTH)
        self.handler.setFormatter(logging.Formatter("%(message)s"))
        self.handler.append_nul = False

    def __call__(self, line: str) -> None:
        self.handler.emit(logging.LogRecord("phalanx.audit", logging.WARNING, __file__, 0,
                                            SYSLOG_TAG + line, None, None))

    def close(self) -> None:
        self.handler.close()


def witness_file(directory: Path, key_id: str, host: str) -> Path:
    """One application host's file in the witness's directory: several hosts appending to
    one file on a network share may overwrite each other's lines (O_APPEND holds on one
    host only), so each host has its own, and `verify` reads them all
    (`witness_files`)."""
    return directory / f"audit-{key_id}-{host}.jsonl"


def witness_files(directory: Path, key_id: str) -> list[Path]:
    """Every host's file of this key in the witness's directory (and the one file of a
    version that named no host); this host's expected file when there is none, so that
    its absence is said."""
    found = sorted({*directory.glob(f"audit-{key_id}-*.jsonl"),
                    *directory.glob(f"audit-{key_id}.jsonl")})
    return found or [witness_file(directory, key_id, socket.gethostname())]


@dataclass
class Tail:
    """Copies the tail out and signs checkpoints when due (one per installation)."""
    key: Any  # services.audit.SigningKey | None
    file: Path
    witness_dir: Path | None = None
    every: int = 100
    minutes: float = 10.0
    syslog: SyslogWitness | None = None
    host: str = field(default_factory=socket.gethostname)

    def files(self) -> list[Path]:
        out = [self.file]
        if self.witness_dir is not None and self.key is not None:
            out.append(witness_file(self.witness_dir, self.key.key_id, self.host))
        return out

    def _due(self, conn: Connection, last_id: int, now: datetime) -> bool:
        row = conn.execute(select(t.audit_checkpoint.c.entry_id, t.audit_checkpoint.c.at)
                           .order_by(t.audit_checkpoint.c.id.desc()).limit(1)).first()
        if row is None:
            return True
        if last_id - row.entry_id >= self.every:
            return True
        return datetime.fromisoformat(row.at) <= now - timedelta(minutes=self.minutes)

    def _sign(self, conn: Connection) -> Checkpoint | None:
        from phalanx.services.audit import write_checkpoint

        return write_checkpoint(conn, self.key) if self.key is not None else None

    def sealed(self, conn: Connection, entries: Sequence[Entry]) -> Callable[[], None] | None:
        """Inside a write's transaction, once its entries are chained: sign a checkpoint
        if one is due, and return what to append outside once the write has committed."""
        if not entries:
            return None
        cp = None
        if self.key is not None and self._due(conn, entries[-1].id, datetime.now(UTC)):
            cp = self._sign(conn)
        record: dict[str, Any] = {"from": entries[0].id,
                                  "marks": [e.hash[:MARK_LENGTH] for e in entries]}
        if cp is not None:
            record["checkpoint"] = _checkpoint_record(cp)
        return lambda: self._publish(record, sync=cp is not None)

    def _publish(self, record: dict[str, Any], sync: bool) -> None:
        for path in self.files():
            try:
                append_line(path, record, sync=sync)
            except OSError:  # the write is committed; verify will name the uncopied entry
                log.exception("could not copy audit entries to %s", path)
        if self.syslog is not None:
            try:
                self.syslog(json.dumps(record, separators=(",", ":"), sort_keys=True))
            except OSError:
                log.exception("could not send audit entries to the syslog witness")

    def checkpoint_now(self, engine: Any, force: bool = False) -> Checkpoint | None:
        """Sign the end of the trail when M minutes passed since the last checkpoint (or
        always with `force`), in the database and outside; used by the server's timer."""
        if self.key is None:
            return None
        with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            audit_store.lock(conn)
            last_id, _ = audit_store.last(conn)
            if last_id == 0 or not (force or self._due(conn, last_id, datetime.now(UTC))):
                return None
            cp = self._sign(conn)
        if cp is not None:
            self._publish({"checkpoint": _checkpoint_record(cp)}, sync=True)
        return cp


def read_outside(paths: Iterable[Path]) -> tuple[dict[int, str], list[Checkpoint], set[int]]:
    """Every mark (the first copy of each entry's) and checkpoint in these files, and the
    entries copied twice with different hashes (the trail cut before them and written
    on: `verify` names the first)."""
    marks: dict[int, str] = {}
    cps: list[Checkpoint] = []
    twice: set[int] = set()
    for path in paths:
        lines = path.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines, 1):
            if SYSLOG_TAG in line:  # a syslog witness's log: the record follows the tag
                line = line.split(SYSLOG_TAG, 1)[1].rstrip("\x00 \r")
            elif not line.lstrip().startswith("{"):
                continue  # another program's line in a shared log
            try:
                rec = json.loads(line)
                start = int(rec.get("from", 0))
                for i, mark in enumerate(rec.get("marks", [])):
                    eid = start + i
                    if marks.setdefault(eid, str(mark)) != str(mark):
                        twice.add(eid)
                if "checkpoint" in rec:
                    c = rec["checkpoint"]
                    cps.append(Checkpoint(0, int(c["entry_id"]), str(c["entry_hash"]),
                                          str(c["at"]), str(c["key_id"]),
                                          str(c["signature"])))
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                if n == len(lines):  # a line cut by a crash while it was written
                    continue
                raise TailFileError(f"{path}: line {n} is not a checkpoint record "
                                    f"({exc})") from exc
    return marks, cps, twice


def outside(paths: Sequence[Path], max_age: timedelta,
            grace: timedelta = timedelta(minutes=1)) -> Outside:
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"no checkpoint file at {', '.join(missing)}")
    marks, cps, twice = read_outside(paths)
    return Outside(marks, tuple(cps), datetime.now(UTC), max_age, grace, frozenset(twice))
