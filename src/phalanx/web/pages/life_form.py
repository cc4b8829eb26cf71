"""The part of the form tabling a draft that states its life once adopted: how it enters
into force, its last day or term, and what it does to an earlier decision, named by its
number as the register gives it."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import Connection

from phalanx.domain.access.principal import Principal
from phalanx.services import decisions as dec
from phalanx.services.errors import Invalid


def _day(value: str, where: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(where, f"{value!r} is not a date (use YYYY-MM-DD)") from None


class LifeForm(BaseModel):
    """The fields as typed (empty: not stated)."""

    start: Literal["adoption", "date", "notifications"] = "adoption"
    in_force_on: str = Field(default="", max_length=10)
    ends_on: str = Field(default="", max_length=10)
    term_days: str = Field(default="", max_length=6)
    effect: Literal["", "amends", "extends", "suspends", "repeals"] = ""
    target: str = Field(default="", max_length=40)  # the decision's number
    extends_to: str = Field(default="", max_length=10)

    def lifecycle(self, conn: Connection, actor: Principal) -> dec.LifecycleIn:
        term = self.term_days.strip()
        if term and not term.isdigit():
            raise Invalid("lifecycle.term_days", f"{term!r} is not a number of days")
        target = None
        if self.target.strip():
            target = dec.decision_by_number(conn, self.target.strip(), actor=actor)
        return dec.LifecycleIn.model_validate({
            "start": self.start, "on": _day(self.in_force_on, "lifecycle.on"),
            "ends_on": _day(self.ends_on, "lifecycle.ends_on"),
            "term_days": int(term) if term else None, "effect": self.effect or None,
            "target": target, "extends_to": _day(self.extends_to, "lifecycle.extends_to")})
