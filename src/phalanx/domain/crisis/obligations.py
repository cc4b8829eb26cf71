"""What the treaty obliges once aggression is answered, and the clocks on it.

- Every member's line (Treaty art. 4: aggression against one is aggression against all;
  all others give the necessary assistance): where the crisis's category obliges all
  members (`obliged: all_members`), each member other than the affected ones answers —
  forces or means offered, other assistance, or declined with its reason — and until it
  does its line reads "no answer yet", with the time since the obligation arose and
  whether the target (setting `obligation_answer_target_hours`) has passed. The same
  holds in any category once the affected state's official request invokes the
  collective-defence article (`collective_defence_articles`, e.g. "Treaty art. 4": the
  request of January 2022 under a threat to a member's security); the obligation then
  arises with that request. Where neither holds, the category relies on volunteers and
  no line is owed.
- The UN Security Council is notified at once (UN Charter art. 51, as the Treaty's art. 4
  refers to it; DOMAIN §7 "the UN Security Council is notified at once"): the task opens
  when a decision authorizing assistance is linked to an art. 4 crisis; its target is the
  setting `un_notification_target_minutes`; it is sent, or open, or overdue.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

_WORDS = re.compile(r"[^0-9a-zа-яё]+")
_ARTICLE = re.compile(r"\b(?:art|arts|article|articles|ст|статья|статьи)\b")


def _plain(text: str) -> str:
    return " ".join(_WORDS.sub(" ", text.lower()).split())


def _cited(text: str) -> tuple[str, set[int]]:
    """A citation as its instrument's words and the article numbers named after them:
    "Treaty art. 2 and 4" -> ("treaty", {2, 4})."""
    head, *tail = _ARTICLE.split(_plain(text), maxsplit=1)
    return head.strip(), {int(n) for n in re.findall(r"\d+", " ".join(tail))}


def invokes(article: str, collective_defence: Iterable[str]) -> bool:
    """Does a request's citation name one of the collective-defence articles? The
    instrument's words must appear in it and the article's number among those it names,
    whatever the spelling: "Treaty art. 2 and 4", "Article 4 of the Collective Security
    Treaty" and "treaty art 4" all invoke "Treaty art. 4"; "UN Charter art. 51" does not."""
    low = _plain(article)
    numbers = {int(n) for n in re.findall(r"\d+", low)}
    for cd in collective_defence:
        instrument, wanted = _cited(cd)
        if instrument and instrument in low and wanted & numbers:
            return True
    return False


def arises(category_obliges_all: bool, reported: datetime,
           requests: Iterable[tuple[str, datetime]], collective_defence: Iterable[str]
           ) -> datetime | None:
    """When every member's obligation arose: at the report where the category obliges
    all members, else with the first official request invoking a collective-defence
    article; None if it never did."""
    if category_obliges_all:
        return reported
    times = [at for article, at in requests if invokes(article, collective_defence)]
    return min(times) if times else None


class Answer(StrEnum):
    FORCES = "forces"  # forces or means offered
    OTHER = "other"  # other assistance (political, humanitarian, logistic ...)
    DECLINED = "declined"  # with its reason


@dataclass(frozen=True)
class Given:
    state: str
    answer: Answer
    detail: str
    at: datetime


@dataclass(frozen=True)
class Line:
    state: str
    answer: Answer | None  # None: no answer yet
    detail: str
    at: datetime | None
    waiting: timedelta | None  # since the obligation arose, while unanswered
    overdue: bool


def answer_problems(answer: Answer, detail: str) -> list[str]:
    if answer is Answer.DECLINED and not detail.strip():
        return ["a member that declines states its reason"]
    if answer is Answer.FORCES and not detail.strip():
        return ["name the forces or means offered"]
    return []


def lines(obliged: list[str], given: list[Given], since: datetime, now: datetime,
          target: timedelta) -> list[Line]:
    """Every obliged member's line, in the order given; the latest answer counts."""
    latest: dict[str, Given] = {}
    for g in sorted(given, key=lambda g: g.at):
        latest[g.state] = g
    out = []
    for state in obliged:
        g = latest.get(state)
        if g is not None:
            out.append(Line(state, g.answer, g.detail, g.at, None, False))
        else:
            waiting = max(now - since, timedelta(0))
            out.append(Line(state, None, "", None, waiting, waiting > target))
    return out


class NoticeStatus(StrEnum):
    SENT = "sent"
    OPEN = "open"
    OVERDUE = "overdue"


def notice_status(opened: datetime, sent: datetime | None, now: datetime,
                  target: timedelta) -> NoticeStatus:
    if sent is not None:
        return NoticeStatus.SENT
    return NoticeStatus.OVERDUE if now - opened > target else NoticeStatus.OPEN
