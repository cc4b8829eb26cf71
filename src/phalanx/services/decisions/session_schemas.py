"""What the session services take and give: a session convened, its attendance and its
agenda."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, field_validator

from phalanx.domain.access.policy import Marking
from phalanx.domain.decisions import procedure as proc
from phalanx.services.types import InMoment, UtcDateTime

# the link of a session's video conference (`MeetingIn.link`)
LINK_PROBLEM = "a session's link is a web address beginning with https:// or http://"


class MeetingIn(BaseModel):
    body: str = Field(min_length=1, max_length=64)
    kind: proc.SessionKind = proc.SessionKind.REGULAR
    mode: proc.Mode = proc.Mode.IN_PERSON
    link: str | None = Field(default=None, max_length=500)
    place: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=300)
    opens_at: InMoment
    convened_by: proc.Convener = proc.Convener.CHAIR
    marking: Marking = Marking.ORGANIZATION
    participants: list[str] = Field(default_factory=list, max_length=50)
    observers: bool = False
    exercise: bool = False

    @field_validator("link")
    @classmethod
    def _web_address(cls, v: str | None) -> str | None:
        """The link every member's page opens: a web address, never a script's
        (`javascript:`) or another scheme's."""
        if v is not None and not re.fullmatch(r"https?://[^\s/?#]+\S*", v, re.IGNORECASE):
            raise ValueError(LINK_PROBLEM)
        return v


class AttendanceOut(BaseModel):
    state: str
    present: bool
    note: str


class AgendaItemOut(BaseModel):
    id: int
    position: int
    title: str
    document_ids: list[int]


class MeetingOut(BaseModel):
    id: int
    body: str
    kind: str
    mode: str
    link: str | None
    place: str
    title: str
    opens_at: UtcDateTime
    convened_by: str
    status: str
    exercise: bool
    marking: Marking
    attendance: list[AttendanceOut] = []
    agenda: list[AgendaItemOut] = []
    drafts: list[int] = []
