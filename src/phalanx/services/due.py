"""What falls due with time alone, done by the server itself: every `due_seconds`
(setting; 0: never, left to a timer running the commands below) one app instance at a
time (`Database.one_at_a_time`; each step also re-checks its record under its lock, so a
command run beside it does each thing once):

- a crisis's stage, notice to the UN or mandate past its target is escalated
  (`crises.escalate_overdue`, also `phalanx crises escalate`);
- a written procedure past its deadline lapses (`phalanx decisions settle`);
- a draft whose silence procedure reached its deadline in silence is adopted (the same).

The server acts as the installation (role `system`), named `system:server` in the audit
trail, as a command names the account that runs it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from phalanx.domain.access.principal import Principal, Role
from phalanx.services.db import Database
from phalanx.services.errors import unavailable

log = logging.getLogger(__name__)
SERVER = Principal("system:server", Role.SYSTEM)
LOCK = "phalanx:due"


@dataclass
class Done:
    escalated: list[int] = field(default_factory=list)  # crises
    lapsed: list[int] = field(default_factory=list)  # drafts under the written procedure
    adopted: list[int] = field(default_factory=list)  # drafts adopted in silence
    ran: bool = True  # False: another instance was doing it
    failed: list[str] = field(default_factory=list)  # the steps that failed, in a line each


def run_due(db: Database, *, actor: Principal = SERVER) -> Done:
    """Do what has fallen due, unless another instance is doing it now."""
    from phalanx.services import crises
    from phalanx.services.decisions.silence import settle_silence
    from phalanx.services.decisions.written import settle_lapsed

    with db.one_at_a_time(LOCK) as mine:
        if not mine:
            return Done(ran=False)
        done = Done()
        # each step on its own: one that fails (the database away, a draft refused) leaves
        # the others to do their work, and is tried again next time
        for step, into in ((lambda: crises.escalate_overdue(db, actor=actor), done.escalated),
                           (lambda: settle_lapsed(db, actor=actor), done.lapsed),
                           (lambda: settle_silence(db, actor=actor), done.adopted)):
            try:
                into.extend(step())
            except Exception as exc:
                done.failed.append(failed(exc))
        return done


def failed(exc: Exception) -> str:
    """Log a round's failure: the database away (it is tried again next round), one line
    naming the error, as a request's 503 has; anything else with its traceback. Returns
    the failure in a line."""
    said = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]
    kind = type(getattr(exc, "orig", None) or exc).__name__
    if unavailable(exc):
        log.warning("due work: database unavailable",
                    extra={"fields": {"error": f"{kind}: {said}"}})
        return f"database unavailable: {kind}"
    log.error("due work: a step failed", exc_info=exc)
    return f"{kind}: {said}"[:200]


def round_state(done: Done | None, error: str = "") -> str:
    """How the server's last round went, for `/readyz`: ok, done by another instance, or
    what failed."""
    if done is None:
        return f"failed: {error}"
    if not done.ran:
        return "done by another instance"
    return f"failed: {'; '.join(done.failed)}" if done.failed else "ok"
