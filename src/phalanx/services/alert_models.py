"""What the API and the pages give of a CAP message kept as a record (`alerts.py`), and
what one message did when it was received."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from phalanx.services import crises
from phalanx.services import watch as watchlist
from phalanx.services.types import UtcDateTime


class AlertOut(BaseModel):
    id: int
    sender: str
    identifier: str
    sent: UtcDateTime | None
    sent_text: str
    received_at: UtcDateTime
    version: str
    status: str
    msg_type: str
    scope: str
    restriction: str = ""
    addresses: str = ""
    references: list[list[str]]
    note: str
    infos: list[dict[str, Any]]
    lat: float | None
    lon: float | None
    extent: list[float] | None
    warnings: list[dict[str, Any]]
    signature: str
    signature_detail: str
    action: str
    action_detail: str
    crisis_id: int | None
    watch_id: int | None
    feed_id: int | None


class IntakeOut(BaseModel):
    """What one message did."""

    alert: AlertOut
    duplicate: bool
    crisis: crises.CrisisOut | None = None
    watch: watchlist.WatchOut | None = None
