"""Amendments to a draft: a member with a seat (neither suspended nor out of the body's
work) proposes a new text against the current version; the Secretariat accepts it (a new
version of the draft) or rejects it."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import StateAct
from phalanx.domain.access.principal import Principal
from phalanx.domain.decisions.consensus import Standing
from phalanx.services.clock import now
from phalanx.services.db import Database
from phalanx.services.decisions.common import (
    _acting_state,
    _current_text,
    _draft_day,
    _draft_row,
    _new_version,
    _org,
    _require_staff,
    _require_text,
    _seated_states,
    _standing,
)
from phalanx.services.decisions.draft_reading import _draft
from phalanx.services.decisions.schemas import AmendmentOut, DraftOut
from phalanx.services.errors import Conflict, Forbidden, NotFound


def propose_amendment(db: Database, draft_id: int, against_version: int, text_en: str,
                      text_ru: str = "", note: str = "", state: str | None = None, *,
                      actor: Principal) -> AmendmentOut:
    """A member proposes a new text against the current version, in either working
    language or both (a language it leaves empty keeps the current text)."""
    _require_text(text_en, text_ru)
    at = now()
    with db.write(actor) as w:
        row = _draft_row(w.conn, draft_id, actor, lock=True)
        if row.status != "open":
            raise Conflict(f"draft {draft_id} is {row.status}; amendments are closed")
        if against_version != row.current_version:
            raise Conflict(f"the amendment is against version {against_version}, but the draft "
                           f"is at version {row.current_version}")
        proposer = _acting_state(actor, state, StateAct.AMEND)
        org, day = _org(w.conn), _draft_day(w.conn, row)
        if proposer not in _seated_states(org, row.body_key, day):
            raise Forbidden(f"{proposer} has no seat in {row.body_key}")
        # a suspended member, or one not taking part, takes no part in the body's work;
        # arrears cost the vote, not the floor
        standing = _standing(org, proposer, day)
        if standing in (Standing.SUSPENDED, Standing.NOT_PARTICIPATING):
            raise Conflict(f"{proposer} takes no part in {row.body_key} on {day} "
                           f"({standing.value.replace('_', ' ')}): it proposes no amendment")
        _refuse_proposed(w.conn, draft_id, against_version, proposer, text_en, text_ru)
        amendment_id = w.conn.execute(insert(t.amendment).values(
            draft_id=draft_id, against_version=against_version, state_code=proposer,
            text_en=text_en, text_ru=text_ru, note=note, status="proposed",
            created_by=actor.username, created_at=at).returning(t.amendment.c.id)).scalar_one()
        w.audit("amendment.propose", "draft", draft_id,
                {"amendment": amendment_id, "state": proposer, "against": against_version})
        w.emit(f"draft:{draft_id}", "amendment", classification=access.classification_of(row),
               id=amendment_id)
        return next(a for a in _draft(w.conn, draft_id, actor).amendments
                    if a.id == amendment_id)


def _refuse_proposed(conn: Connection, draft_id: int, against_version: int, state: str,
                     text_en: str, text_ru: str) -> None:
    """The same amendment proposed again (a form sent twice) would be put to the chair
    twice: while the first is still proposed, the second is refused, naming it."""
    a = t.amendment.c
    first = conn.execute(select(a.id).where(
        a.draft_id == draft_id, a.against_version == against_version, a.state_code == state,
        a.text_en == text_en, a.text_ru == text_ru, a.status == "proposed")
        .order_by(a.id)).first()
    if first is not None:
        raise Conflict(f"{state} proposes this amendment already (amendment {first.id})")


def decide_amendment(db: Database, amendment_id: int, accept: bool, *,
                     actor: Principal) -> DraftOut:
    _require_staff(actor, "accept or reject an amendment")
    with db.write(actor) as w:
        a = w.conn.execute(select(t.amendment).where(t.amendment.c.id == amendment_id)).first()
        if a is None:
            raise NotFound("amendment", amendment_id)
        row = _draft_row(w.conn, a.draft_id, actor, lock=True)
        # as it stands now that the draft is locked (another decision of it may have
        # committed while this one waited)
        a = w.conn.execute(select(t.amendment).where(t.amendment.c.id == amendment_id)
                           .with_for_update()).one()
        if a.status != "proposed":
            raise Conflict(f"amendment {amendment_id} is already {a.status}")
        if accept and a.against_version != row.current_version:
            raise Conflict(f"amendment {amendment_id} is against version {a.against_version}; "
                           f"the draft is at version {row.current_version}")
        w.conn.execute(update(t.amendment).where(t.amendment.c.id == amendment_id)
                       .values(status="accepted" if accept else "rejected"))
        if accept:  # a language the amendment leaves empty keeps the current text
            current_en, current_ru = _current_text(w.conn, row)
            _new_version(w, row, a.text_en or current_en, a.text_ru or current_ru,
                         amendment_id)
        w.audit("amendment.accept" if accept else "amendment.reject", "draft", row.id,
                {"amendment": amendment_id})
        w.emit(f"draft:{row.id}", "amendment", classification=access.classification_of(row),
               id=amendment_id)
        return _draft(w.conn, row.id, actor)
