"""What a decision states of its own life, as the services take and give it
(`domain/decisions/lifecycle`): its entry into force, its end, the earlier decision it
modifies, and its status on a day with the later decisions that modified it."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from phalanx.domain.decisions.lifecycle import Effect, Start, Status, Terms
from phalanx.services.types import RecordId


class LifecycleIn(BaseModel):
    """Adopted with the text: when the decision enters into force (`start`: on adoption,
    on the date `on`, or once every member it binds has notified), its last day in force
    (`ends_on`) or its term in days (`term_days`), and what it does (`effect`) to an earlier
    decision (`target`, its id; an extension's new last day: `extends_to`)."""

    start: Start = Start.ADOPTION
    on: date | None = None
    ends_on: date | None = None
    term_days: int | None = Field(default=None, ge=1, le=36_500)
    effect: Effect | None = None
    target: RecordId | None = None
    extends_to: date | None = None

    def terms(self) -> Terms:
        return Terms(start=self.start, on=self.on, ends_on=self.ends_on,
                     term_days=self.term_days, effect=self.effect, target=self.target,
                     extends_to=self.extends_to)

    def stored(self) -> dict[str, Any]:
        """As the draft and the decision keep it (only what is stated)."""
        return self.model_dump(mode="json", exclude_defaults=True)


def terms_of(stored: dict[str, Any] | None) -> Terms:
    return LifecycleIn.model_validate(stored or {}).terms()


class RelationOut(BaseModel):
    """Another decision in a decision's life: what it does, and which it is (`decision_id`
    and `number` None: a decision the reader may not read), in force from when."""

    effect: Effect
    decision_id: int | None = None
    number: str | None = None
    in_force_from: date | None = None


class LifecycleOut(BaseModel):
    """A decision's life as stated, and its status on the day `day`."""

    day: date
    status: Status
    in_force_from: date | None = None  # None: its condition is not met yet
    until: date | None = None  # its last day in force as it stands (None: open-ended)
    start: Start = Start.ADOPTION
    on: date | None = None
    ends_on: date | None = None
    term_days: int | None = None
    modifies: RelationOut | None = None
    extends_to: date | None = None
    notified: dict[str, date] = {}
    awaiting: list[str] = []  # members bound whose notification it waits for
    modified_by: list[RelationOut] = []
    # later decisions adopted by that day whose effect comes later (or waits)
    scheduled: list[RelationOut] = []
