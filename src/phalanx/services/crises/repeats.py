"""The same request, offer or situation report sent a second time (a form sent twice on
a dropping link, a call retried without its `Idempotency-Key`): each would be stored and
counted again (a need asked twice over, an offer covering it twice, the crisis's record
telling one report twice). The second is refused, naming the first, and nothing is
written; changed in anything that matters, it is another one and is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import tables as t
from phalanx.services.clock import aware
from phalanx.services.errors import Conflict

# a form asks for a need "in N hours" from the moment it is sent: the same form sent
# again a while later names a moment that much later, and is still the same need
SAME_NEED = timedelta(hours=1)


def refuse_repeated_request(conn: Connection, crisis_id: int, state: str, data: Any,
                            place: str, at: datetime) -> None:
    """An open request of the same state for the same quantity of the same resource, under
    the same measure, at the same place, needed by about the same moment."""
    r = t.assistance_request.c
    for row in conn.execute(select(r.id, r.needed_by, r.lapses_at).where(
            r.crisis_id == crisis_id, r.state_code == state, r.status == "open",
            r.resource == data.resource, r.measure == data.measure.value,
            r.quantity == data.quantity, r.unit == data.unit, r.place == place)
            .order_by(r.id)):
        if (aware(row.lapses_at) > at
                and abs(aware(row.needed_by) - aware(data.needed_by)) <= SAME_NEED):
            raise Conflict(f"{state} asks already for {data.quantity} {data.unit} of "
                           f"{data.resource} (request {row.id}, open)")


def refuse_repeated_offer(conn: Connection, request_id: int, state: str, data: Any,
                          quantity: int, units: list[str]) -> None:
    """An offer of the same state to the same request, of the same kind, description,
    quantity and units, still offered or accepted (one declined may be made again)."""
    o = t.assistance_offer.c
    for row in conn.execute(select(o.id, o.units, o.capability, o.strength).where(
            o.request_id == request_id, o.state_code == state, o.kind == data.kind,
            o.description == data.description, o.quantity == quantity,
            o.status.in_(("offered", "accepted"))).order_by(o.id)):
        if (sorted(row.units or []) == sorted(units) and row.capability == data.capability
                and row.strength == data.strength):
            raise Conflict(f"{state} offers this already to request {request_id} "
                           f"(offer {row.id})")


def refuse_repeated_sitrep(conn: Connection, crisis_id: int, author: str,
                           values: dict[str, Any]) -> None:
    """The author's last situation report on the crisis, word for word the same."""
    s = t.sitrep.c
    last = conn.execute(select(s.id, s.at, s.situation, s.casualties, s.measures, s.needs,
                               s.document_ids).where(
        s.crisis_id == crisis_id, s.author == author).order_by(s.id.desc()).limit(1)).first()
    if last is None:
        return
    same = all(getattr(last, k) == values[k]
               for k in ("situation", "casualties", "measures", "needs"))
    if same and sorted(last.document_ids or []) == sorted(values["document_ids"]):
        raise Conflict(f"this situation report is filed already (report {last.id}, "
                       f"{aware(last.at).astimezone(UTC):%Y-%m-%d %H:%M} UTC)")
