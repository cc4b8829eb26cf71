"""Over time: who held one of the organization's posts on a day (its term, the next one),
and each state's membership stints (the timeline chart and API)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from phalanx.domain import membership as rules
from phalanx.domain.organization import MembershipStatus, Organization
from phalanx.domain.rotation import post_term
from phalanx.services.errors import NotFound


class StintOut(BaseModel):
    status: MembershipStatus
    start: date
    end: date | None


class TimelineRowOut(BaseModel):
    code: str
    name: str
    name_ru: str
    stints: list[StintOut]


class PostTermOut(BaseModel):
    post: str
    on: date
    holder: str | None
    holder_state: str | None
    acting: bool
    term_start: date | None
    term_end: date | None
    term_state: str | None
    next_term_start: date | None
    next_state: str | None


def post_on(org: Organization, post_key: str, on: date) -> PostTermOut:
    if post_key not in org.posts:
        raise NotFound("post", post_key)
    p = post_term(org, post_key, on)
    return PostTermOut(
        post=post_key, on=on, holder=p.holder.person if p.holder else None,
        holder_state=p.holder.state if p.holder else None,
        acting=bool(p.holder and p.holder.acting),
        term_start=p.term.start if p.term else None, term_end=p.term.end if p.term else None,
        term_state=p.term_state, next_term_start=p.next_start, next_state=p.next_state)


def timeline(org: Organization) -> list[TimelineRowOut]:
    stints, _ = rules.timeline(org)
    return [
        TimelineRowOut(
            code=code, name=org.states[code].name.en, name_ru=org.states[code].name.ru,
            stints=[StintOut(status=s.status, start=s.period.start, end=s.period.end)
                    for s in stints[code] if s.period.start is not None],
        )
        for code in sorted(stints)
    ]
