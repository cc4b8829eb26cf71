"""What the treaty obliges once aggression is answered, and the clocks on it.

- Every member's line (Treaty art. 4: aggression against one is aggression against all;
  all others give the necessary assistance): where the crisis's category obliges all
  members (`obliged: all_members`), each member other than the affected ones answers —
  forces or means offered, other assistance, or declined with its reason — and until it
  does its line reads "no answer yet", with the time since the obligation arose and
  whether the target (setting `obligation_answer_target_hours`) has passed. The
  obligation arises with the attacked (affected) state's first official request:
  assistance under art. 4 is given at its request (DOMAIN §7; the dataset's `aggression`
  obligation, "at the request of the attacked state"). Before any request no clock runs:
  the lines read "not yet arisen", never overdue; nor does one run once every request
  the state made is withdrawn (a request withdrawn asks for nothing more; the answers
  given stay). The same holds in any category once the
  affected state's official request invokes the collective-defence article
  (`collective_defence_articles`, e.g. "Treaty art. 4": the request of January 2022
  under a threat to a member's security); the obligation then arises with that request.
  Where neither holds, the category relies on volunteers and no line is owed. Nor is one
  owed where the crisis's reported place lies outside the territory of every affected
  member (`off_territory`): aggression there is not aggression against a member, and
  art. 4 does not apply whatever the category or the request cites (the Secretariat's
  statements of autumn 2020 on the fighting in Nagorno-Karabakh: the hostilities were not
  on Armenia's territory, so art. 4 did not apply; the members consult under art. 2, and
  shells falling on the member's own territory are a report of their own, whose place is
  the member's). Where no place is recorded, or whose territory it lies on is not known,
  the category and the requests decide as above. A decision
  on the crisis answers for the states it names among its contributing states
  (`by_decision`): they answered by sending their forces.
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
_MARKERS = frozenset({"art", "arts", "article", "articles", "ст", "статья", "статьи", "статье",
                      "статью", "статей", "статьям"})
_AND = frozenset({"and", "or", "и", "или"})
# Russian case endings a cited instrument may take ("статья 4 Договора")
_ENDINGS = ("", "а", "у", "ом", "е", "ы", "ов", "ам", "ах", "и", "ей", "ю")
# the organization's name holds the Treaty's ("Collective Security Treaty Organization",
# "Организация Договора ..."): a mention inside it is not a citation of the Treaty
_ORGANIZATION = frozenset({"organization", "organisation", "организация", "организации",
                           "организацией", "организацию"})


def _plain(text: str) -> list[str]:
    return _WORDS.sub(" ", text.lower()).split()


def _articles(words: list[str]) -> set[int]:
    """The numbers named right after an article marker: "art. 2 and 4" -> {2, 4}; "art. 2,
    para. 4" -> {2}; "Request No. 4 under Treaty art. 2" -> {2}."""
    out: set[int] = set()
    for i, w in enumerate(words):
        if w not in _MARKERS:
            continue
        for nxt in words[i + 1:]:
            if nxt.isdigit():
                out.add(int(nxt))
            elif nxt not in _AND:
                break
    return out


def _names(words: list[str], instrument: list[str]) -> bool:
    """Whether the citation names the instrument: its words in a row, whole (a Russian
    word in any case), and not as part of the organization's name."""
    n = len(instrument)
    for i in range(len(words) - n + 1):
        if all(w == want or (want[-1:].isalpha() and "а" <= want[-1:] <= "я"
                             and w[:len(want)] == want and w[len(want):] in _ENDINGS)
               for w, want in zip(words[i:i + n], instrument, strict=True)):
            if i + n < len(words) and words[i + n] in _ORGANIZATION:
                continue  # "... Treaty Organization"
            if i > 0 and words[i - 1] in _ORGANIZATION:
                continue  # "Организации Договора ..."
            return True
    return False


def _cited(text: str) -> tuple[list[str], set[int]]:
    """A citation as its instrument's words and its article numbers: "Treaty art. 2 and
    4" -> (["treaty"], {2, 4})."""
    words = _plain(text)
    head = next((i for i, w in enumerate(words) if w in _MARKERS), len(words))
    return words[:head], _articles(words)


def invokes(article: str, collective_defence: Iterable[str]) -> bool:
    """Does a request's citation name one of the collective-defence articles? The
    instrument must be named (whole words, a Russian word in any case, not inside the
    organization's name) and the article's number among those its article markers
    name: "Treaty art. 2 and 4", "Article 4 of the Collective Security Treaty", "treaty
    art 4" and "статья 4 Договора" invoke "Treaty art. 4"; "UN Charter art. 51", "Treaty
    art. 2, para. 4", "Request No. 4 under Treaty art. 2" and "Charter of the Collective
    Security Treaty Organization, art. 4" do not."""
    words = _plain(article)
    numbers = _articles(words)
    for cd in collective_defence:
        instrument, wanted = _cited(cd)
        if instrument and wanted & numbers and _names(words, instrument):
            return True
    return False


def off_territory(on_affected_territory: bool | None) -> bool:
    """Whether the crisis's reported place is known to lie outside the territory of every
    affected member (`on_affected_territory`: whether it lies on one's; None: no place
    recorded, or its state not known), so that art. 4 does not apply."""
    return on_affected_territory is False


def binds(category_obliges_all: bool, requests: Iterable[tuple[str, datetime]],
          collective_defence: Iterable[str], outside: bool = False) -> bool:
    """Is the crisis one of collective defence (every member owes assistance, the UN a
    notice): its category obliges all members, or an official request invokes a
    collective-defence article; never where its place lies outside the territory of every
    affected member (`outside`, `off_territory`)."""
    if outside:
        return False
    articles = tuple(collective_defence)
    return category_obliges_all or any(invokes(article, articles) for article, _ in requests)


def arises(category_obliges_all: bool, requests: Iterable[tuple[str, datetime]],
           collective_defence: Iterable[str], outside: bool = False) -> datetime | None:
    """When every member's obligation arose: with the affected state's first official
    request where the category obliges all members (assistance is given at the attacked
    state's request), else with the first official request invoking a collective-defence
    article; None while there is none (no clock runs), and where the place lies outside
    the territory of every affected member (`outside`: no obligation arises)."""
    if outside:
        return None
    articles = tuple(collective_defence)
    times = [at for article, at in requests
             if category_obliges_all or invokes(article, articles)]
    return min(times) if times else None


class ObligationAnswer(StrEnum):
    FORCES = "forces"  # forces or means offered
    OTHER = "other"  # other assistance (political, humanitarian, logistic ...)
    DECLINED = "declined"  # with its reason


Answer = ObligationAnswer  # the name the code uses; the API's schema names it ObligationAnswer


@dataclass(frozen=True)
class Given:
    state: str
    answer: Answer
    detail: str
    at: datetime
    decided: bool = False  # given by a decision on the crisis (`by_decision`)


@dataclass(frozen=True)
class Line:
    state: str
    answer: Answer | None  # None: no answer yet
    detail: str
    at: datetime | None
    waiting: timedelta | None  # since the obligation arose, while unanswered
    overdue: bool
    arisen: bool = True  # False: no request yet, no clock
    decided: bool = False  # answered by the decision on the crisis, not by its own answer


def by_decision(contributing: Iterable[str], adopted: datetime) -> list[Given]:
    """The answers a decision on the crisis gives: each state it names among its
    contributing states answered with it, at its adoption, by sending forces — its head
    of state agreed to the decision that sends them, and each contribution is voluntary
    (public statements, DOMAIN §7: peacekeeping forces are sent by a Council decision,
    each contribution voluntary; January 2022: the chair announced the decision once the
    heads of state of the five contributing states had agreed). A later answer of the
    member's own replaces it, as any later answer does."""
    return [Given(state, Answer.FORCES, "", adopted, decided=True) for state in contributing]


def answer_problems(answer: Answer, detail: str) -> list[str]:
    if answer is Answer.DECLINED and not detail.strip():
        return ["a member that declines states its reason"]
    if answer is Answer.FORCES and not detail.strip():
        return ["name the forces or means offered"]
    return []


def lines(obliged: list[str], given: list[Given], since: datetime | None, now: datetime,
          target: timedelta) -> list[Line]:
    """Every obliged member's line, in the order given; the latest answer counts (a
    member's own answer given at the same moment as a decision's counts over it). Before
    the obligation arose (`since` None) an unanswered line has no clock and is never
    overdue."""
    latest: dict[str, Given] = {}
    for g in sorted(given, key=lambda g: (g.at, not g.decided)):
        latest[g.state] = g
    out = []
    for state in obliged:
        g = latest.get(state)
        if g is not None:
            out.append(Line(state, g.answer, g.detail, g.at, None, False, since is not None,
                            g.decided))
        elif since is None:
            out.append(Line(state, None, "", None, None, False, False))
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
