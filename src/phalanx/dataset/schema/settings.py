"""The organization's settings (`organization.settings`): every parameter the code reads,
typed, so that a misspelt key or a value of the wrong kind is reported at its line
instead of being left unread (the code would then use its default)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from phalanx.dataset.schema.base import Model
from phalanx.dataset.schema.operations import ConsentExemptIn, ObligationExemptIn

NonEmpty = Annotated[str, Field(min_length=1)]
Minutes = Annotated[int, Field(ge=0, le=525_600)]
DayName = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                  "sunday"]
MilitaryMeasure = Literal["military_crrf", "military_peacekeeping"]


class ArrearsIn(Model):
    """A member in arrears over a period has no say in decisions (Charter practice)."""

    state: str
    from_: date = Field(alias="from")
    until: date | None = None
    source: str = ""


class ResponseTargetsIn(Model):
    """The response card's targets, in minutes (`services/crisis_card.py`)."""

    consultations: Minutes | None = None
    decision: Minutes | None = None
    first_unit: Minutes | None = None
    full_deployment: Minutes | None = None
    un_notification: Minutes | None = None
    withdrawal_start: Minutes | None = None
    withdrawal_end: Minutes | None = None


class SettingsIn(Model):
    """Absent keys keep the code's defaults (documented in docs/dataset.md)."""

    withdrawal_notice_months: int | None = Field(default=None, ge=0, le=120)
    arrears_years_to_lose_vote: int | None = Field(default=None, ge=0, le=50)
    expulsion_allowed: bool | None = None
    # the states' names are written in these languages (`TextIn`)
    rotation_order_language: Literal["en", "ru"] | None = None
    written_procedure_in_arrears_sign: bool | None = None
    # whether a later decision extending a crisis's decision carries its mandate's period
    mandate_follows_extension: bool | None = None
    working_time_zone: str | None = None
    days_off: list[DayName] | None = None
    un_notification_target_minutes: float | None = Field(default=None, gt=0, le=525_600)
    collective_defence_articles: list[NonEmpty] | None = None
    # the article the members' consultations rest on, as the refusals cite it (the first)
    consultation_articles: list[NonEmpty] | None = None
    obligation_answer_target_hours: float | None = Field(default=None, gt=0, le=8760)
    obligation_exempt: ObligationExemptIn | None = None
    consent_exempt: ConsentExemptIn | None = None
    response_targets: ResponseTargetsIn | None = None
    withdrawal_hours: float | None = Field(default=None, gt=0, le=8760)
    # which bodies' decisions authorize a military measure, and the formations it uses
    measure_authority: dict[MilitaryMeasure, list[NonEmpty]] | None = None
    measure_formations: dict[MilitaryMeasure, list[NonEmpty]] | None = None
    in_arrears: list[ArrearsIn] | None = None
    # the body whose decisions may modify any body's (`domain/decisions/lifecycle`)
    supreme_body: NonEmpty | None = None

    @field_validator("working_time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{value!r} is not an IANA time zone (e.g. Europe/Vienna)"
                             ) from None
        return value
