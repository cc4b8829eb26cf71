"""The written procedure: a draft circulated for signature without a session."""

from __future__ import annotations

from sqlalchemy import insert, update

from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import Principal
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import (
    Outcome,
    Result,
)
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.services.decisions.common import (
    _acting_state,
    _draft_row,
    _org,
    _written,
)
from phalanx.services.decisions.drafts import _draft
from phalanx.services.decisions.register import _register
from phalanx.services.decisions.schemas import (
    DraftOut,
)
from phalanx.services.errors import Conflict


def sign(db: Database, draft_id: int, state: str | None = None, *,
         actor: Principal) -> DraftOut:
    """Sign a draft under the written procedure, in turn; the last signature adopts it."""
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.procedure != "written":
            raise Conflict(f"draft {draft_id} is decided in session, not by signatures")
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is {row.status}")
        who = _acting_state(actor, state)
        wp = _written(w.conn, row)
        problems = wp.sign_problems(who, now())
        if problems:
            raise Conflict("; ".join(problems))
        w.conn.execute(insert(t.signature).values(draft_id=draft_id, state_code=who,
                                                  signed_by=actor.username, signed_at=now()))
        w.audit("draft.sign", "draft", draft_id, {"state": who})
        wp = _written(w.conn, row)
        if wp.status(now()) is proc.WrittenStatus.ADOPTED:
            org = _org(w.conn)
            result = Result(Outcome.ADOPTED, "adopted by written procedure: every signature "
                            "is in", binding=frozenset(wp.signed))
            w.conn.execute(update(t.draft).where(t.draft.c.id == draft_id).values(
                status="adopted", outcome="adopted", outcome_reason=result.reason,
                revision=row.revision + 1))
            number = _register(w, org, row, result, now().date(), [])
            w.audit("draft.close", "draft", draft_id, {"outcome": "adopted",
                                                       "decision": number})
        w.emit(f"draft:{draft_id}", "signature", state=who)
        return _draft(w.conn, draft_id, actor)


