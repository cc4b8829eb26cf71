"""Rules of procedure around the decision rule: which sessions a body may hold, who
may state a position, amendments against versions, and the written procedure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from phalanx.domain import calendar
from phalanx.domain.decisions.consensus import Method, Position, Rule, Standing, parse_quorum
from phalanx.domain.decisions.majority import Base, Qualified, parse_share


class SessionKind(StrEnum):
    REGULAR = "regular"
    EXTRAORDINARY = "extraordinary"
    EMERGENCY = "emergency"


class Mode(StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video_conference"


class Convener(StrEnum):
    CHAIR = "chair"
    SECRETARY_GENERAL = "secretary_general"


def video_from(body_rules: dict[str, Any]) -> str | None:
    """The key of the agreement from which the body meets by video conference, if any."""
    return body_rules.get("video_conference_from")


def meets_by_video(body_rules: dict[str, Any], day: date | None = None,
                   since: date | None = None) -> bool:
    """Whether the body meets by video conference on `day`: where its rules say so, and
    from `since`, the day the agreement that gave the legal basis applies (the dataset's
    `video_conference_from`; the CSTO: emergency consultations and decisions by video
    conference from the 2010 reform, seeds)."""
    return bool(body_rules.get("video_conference", False)) and (
        since is None or day is None or day >= since)


def session_problems(body_rules: dict[str, Any], kind: SessionKind, mode: Mode,
                     link: str | None, day: date | None = None,
                     since: date | None = None) -> list[str]:
    """Why a session of this kind and mode is outside the body's rules (empty if fine);
    a session by video conference on `day` before `since` (`meets_by_video`) is."""
    out = []
    kinds = body_rules.get("session_kinds", ["regular"])
    if kind.value not in kinds:
        out.append(f"this body does not hold {kind.value} sessions (it holds: {', '.join(kinds)})")
    if mode is Mode.VIDEO:
        if not body_rules.get("video_conference", False):
            out.append("this body does not meet by video conference")
        elif not meets_by_video(body_rules, day, since) and since and day:
            out.append(f"this body meets by video conference from {since.isoformat()} "
                       f"({video_from(body_rules)}); this session is of {day.isoformat()}")
        if not link:
            out.append("a video conference needs its link")
    return out


def papers_due(body_rules: dict[str, Any], kind: SessionKind, opens_at: datetime,
               zone: str | None = None) -> date | None:
    """The last day the members are to receive a session's papers (its drafts):
    `days_before` days before it opens, for the kinds of session the body's `papers`
    names (dataset; CSTO: 30 days before a regular session, a setting); None where no
    such rule applies. Days are the organization's (`zone`: `domain/calendar.py`)."""
    papers = body_rules.get("papers") or {}
    if not papers or kind.value not in papers.get("kinds", ["regular"]):
        return None
    return calendar.day_of(opens_at, zone) - timedelta(days=int(papers["days_before"]))


def papers_late(due: date | None, sent_at: datetime, zone: str | None = None) -> bool:
    """Whether a text sent to the members at `sent_at` reached them after the day its
    session's papers were due (the organization's day of `sent_at`)."""
    return due is not None and calendar.day_of(sent_at, zone) > due


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def day_off(day: date, days_off: list[str] | tuple[str, ...]) -> str | None:
    """The day's name where `day` is one of the organization's days off (setting
    `days_off`: lower-case English day names), else None."""
    name = WEEKDAYS[day.weekday()]
    return name if name in days_off else None


def deadline_on_day_off(deadline: datetime, zone: str | None,
                        days_off: list[str] | tuple[str, ...]) -> tuple[datetime, str] | None:
    """Where a procedure's deadline falls on a day off where the Secretariat sits
    (settings `working_time_zone`, `days_off`): the deadline there (local time) and the
    day's name; else None. Such a deadline is kept only once the Secretariat confirms it
    (setting), so that no member's ministry finds it passed over days nobody worked.
    The day is the one the deadline ends (`deadline_day`)."""
    local = calendar.local(deadline, zone)
    name = day_off(deadline_day(local), days_off)
    return (local, name) if name else None


def deadline_day(local: datetime) -> date:
    """The last day a deadline leaves to answer, on the clock it is read on: a deadline at
    00:00 sharp ends the day before (Monday 00:00 leaves Sunday as the last day)."""
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return local.date() - timedelta(days=1)
    return local.date()


def limited_format_since(body_rules: dict[str, Any]) -> str | None:
    """The key of the agreement that introduced the body's limited format, if any."""
    lf = body_rules.get("limited_format") or {}
    return lf.get("introduced_by")


def limited_format_problems(body_rules: dict[str, Any], question: str, day: date,
                            since: date | None) -> list[str]:
    """Why a member may not stay out of a decision on `question` taken on `day` (empty if
    it may): the format exists from the entry into force of the agreement that introduced
    it (`since`; for the CSTO the 2010 amendments, seeds; where the dataset does not record
    that day, the caller gives the signature's, a setting, and the decision says so), and
    only for the questions whose rule allows it (dataset)."""
    raw = _raw_rule(body_rules, question)
    if not raw.get("limited_format", False):
        return [f"this body does not decide {question!r} questions in a limited format"]
    if since is not None and day < since:
        return [f"the limited format exists from {since.isoformat()}; this draft is of "
                f"{day.isoformat()}"]
    return []


def limited_format_readers(body_rules: dict[str, Any]) -> str:
    """Who reads a limited-format decision: the whole `body` (the members sat at the table;
    only the participants are bound) or only its `participants` (dataset setting)."""
    return str((body_rules.get("limited_format") or {}).get("readers", "participants"))


def _raw_rule(body_rules: dict[str, Any], question: str) -> dict[str, Any]:
    rules = body_rules.get("decision_rules", {})
    return dict(rules.get(question) or rules.get("default") or {})


def concerned_votes(body_rules: dict[str, Any], question: str) -> bool:
    """Whether the state a decision on `question` concerns has a say on it (the rule's
    `concerned_votes`, dataset; default true)."""
    return bool(_raw_rule(body_rules, question).get("concerned_votes", True))


def casting_vote(body_rules: dict[str, Any], question: str) -> bool:
    """Whether a tie in a vote by majority on `question` is decided by the chair's vote
    (the rule's `casting_vote`, dataset; default false)."""
    return bool(_raw_rule(body_rules, question).get("casting_vote", False))


def rule_for(body_rules: dict[str, Any], question: str, day: date | None = None,
             since: date | None = None) -> Rule:
    """The body's decision rule for a kind of question, falling back to `default`; the
    limited format only where `limited_format_problems` finds nothing on `day`."""
    raw = _raw_rule(body_rules, question)
    limited = bool(raw.get("limited_format", False))
    if limited and day is not None:
        limited = not limited_format_problems(body_rules, question, day, since)
    lf = body_rules.get("limited_format") or {}
    terms = raw.get("qualified") or None
    method = Method(raw.get("consensus", "no_objection"))
    return Rule(
        quorum=parse_quorum(raw.get("quorum", "all")),
        method=method,
        limited_format=limited,
        min_participants=int(lf.get("min_participants", 1)),
        qualified=Qualified(parse_share(terms["share"]), Base(terms.get("of", "cast")),
                            bool(terms.get("above", False)), bool(terms.get("weighted", False)),
                            int(terms.get("min_states", 0))) if terms else None,
        weights=tuple(sorted((body_rules.get("vote_weights") or {}).items())),
        absent_bound=absent_bound(body_rules, question),
    )


def absent_bound(body_rules: dict[str, Any], question: str) -> bool:
    """Whether a member with a say absent without a declaration is bound by a decision on
    `question` (the rule's `absent_bound`, dataset): by default yes where the question is
    decided by majority or qualified majority (a body's decision by majority binds all its
    members: a setting, `consensus.py`), never under consensus (DOMAIN.md §7)."""
    raw = _raw_rule(body_rules, question)
    if Method(raw.get("consensus", "no_objection")) is Method.CONSENSUS:
        return False
    stated = raw.get("absent_bound")
    return True if stated is None else bool(stated)


def position_problems(position: Position, body_rules: dict[str, Any], question: str,
                      day: date, since: date | None) -> list[str]:
    """Why a member may not state `position` on a draft (empty if it may)."""
    if position is Position.NOT_TAKING_PART:
        return limited_format_problems(body_rules, question, day, since)
    return []


def diff(old: str, new: str, old_label: str, new_label: str) -> str:
    """A unified diff of two versions of a text, line by line (a last line without its
    line break is compared, and shown, as a line like the others)."""
    return "".join(difflib.unified_diff(
        [line + "\n" for line in old.splitlines()], [line + "\n" for line in new.splitlines()],
        old_label, new_label))


def written_problems(body_rules: dict[str, Any], question: str) -> list[str]:
    """Why a draft on `question` may not go under the written procedure (empty if it
    may): the body's `written.questions` in its organization's file; absent, every
    question may."""
    written = body_rules.get("written")
    if written is None:
        return []
    allowed = tuple(written.get("questions") or ())
    if not allowed:
        return ["this body does not decide by the written procedure"]
    if question not in allowed:
        return [f"this body decides by the written procedure only on {', '.join(allowed)} "
                f"questions, not {question!r}"]
    return []


class WrittenStatus(StrEnum):
    CIRCULATING = "circulating"
    ADOPTED = "adopted"
    RETURNED = "returned"  # a member objected: back for revision
    LAPSED = "lapsed"  # the deadline passed without every signature


class ConsultationAnswer(StrEnum):
    """A member's answer to a draft under the written procedure."""

    SIGN = "sign"
    RESERVATION = "reservation"  # signs, with a reservation stated in writing
    OBJECT = "object"  # objects: the draft is returned for revision


Answer = ConsultationAnswer  # the name the code uses; the API's schema names it ConsultationAnswer


@dataclass(frozen=True)
class Signature:
    state: str
    answer: Answer
    reservation: str = ""


def signatories(standings: dict[str, Standing], in_arrears_sign: bool) -> tuple[str, ...]:
    """Who signs a draft under the written procedure: every member of the body with a say
    on the date, in the dataset's order of the seats. Suspended members and members not
    taking part in the work are out; members in arrears sign only where the dataset says
    so (`written_procedure_in_arrears_sign`, setting). Nobody may shorten the list."""
    allowed = {Standing.FULL} | ({Standing.IN_ARREARS} if in_arrears_sign else set())
    return tuple(s for s, standing in standings.items() if standing in allowed)


def still_signing(order: tuple[str, ...], standings: dict[str, Standing | None],
                  in_arrears_sign: bool) -> tuple[str, ...]:
    """The signing list of a draft still circulating, on a later day: the list fixed when
    it circulated, less the members that have since lost their say (`standings`: each
    one's standing that day, None where it is no longer a member: its withdrawal took
    effect, it was expelled; suspended; not taking part; in arrears where those do not
    sign). A signature is the act of a member with a say (public: each head of state
    signing in turn; a suspended member takes no part in the activities of the bodies,
    CSC decision of 2004-06-18): one that lost its say is no longer awaited and may no
    longer sign, and a member not taking part keeps only its formal objection
    (`consensus.py`). Nobody is added to a list once circulated (setting)."""
    allowed = {Standing.FULL} | ({Standing.IN_ARREARS} if in_arrears_sign else set())
    return tuple(s for s in order if standings.get(s) in allowed)


@dataclass(frozen=True)
class WrittenProcedure:
    """A draft circulated to every member with a say, each head of state signing in turn,
    without a session (public: the appointment of a Secretary General). A member signs,
    signs with a reservation, or objects; an objection returns the draft at once (a
    member not taking part in the work signs nothing but may object too); the last
    signature adopts it; the deadline passing first lapses it."""

    order: tuple[str, ...]  # every member with a say, in the order they sign
    answers: tuple[Signature, ...]  # in the order given
    deadline: datetime
    # members not taking part in the work: they sign nothing and their silence lapses
    # nothing, but each keeps its formal objection (`consensus.py`)
    aside: tuple[str, ...] = ()

    @property
    def signed(self) -> tuple[str, ...]:
        return tuple(a.state for a in self.answers if a.answer is not Answer.OBJECT)

    @property
    def objectors(self) -> tuple[str, ...]:
        return tuple(a.state for a in self.answers if a.answer is Answer.OBJECT)

    @property
    def missing(self) -> tuple[str, ...]:
        answered = {a.state for a in self.answers}
        return tuple(s for s in self.order if s not in answered)

    def next_signatory(self) -> str | None:
        return self.missing[0] if self.missing else None

    def status(self, now: datetime) -> WrittenStatus:
        if self.objectors:
            return WrittenStatus.RETURNED
        if not self.missing:
            return WrittenStatus.ADOPTED
        return WrittenStatus.LAPSED if now > self.deadline else WrittenStatus.CIRCULATING

    def answer_problems(self, state: str, answer: Answer, now: datetime) -> list[str]:
        status = self.status(now)
        if status is not WrittenStatus.CIRCULATING:
            return [f"the procedure is {status.value}"]
        if state not in self.order and state not in self.aside:
            return [f"{state} is not among the signatories (members with a say)"]
        if state in {a.state for a in self.answers}:
            return [f"{state} has already answered"]
        if state not in self.order and answer is not Answer.OBJECT:
            return [f"{state} takes no part in the work: it signs nothing, but may formally "
                    "object"]
        nxt = self.next_signatory()
        if answer is not Answer.OBJECT and nxt != state:
            return [f"it is {nxt}'s turn to sign"]  # an objection need not wait its turn
        return []

    def reason(self, now: datetime) -> str:
        status = self.status(now)
        if status is WrittenStatus.RETURNED:
            return (f"returned for revision: {', '.join(self.objectors)} object"
                    f"{'s' if len(self.objectors) == 1 else ''} in the written procedure")
        if status is WrittenStatus.LAPSED:
            return (f"lapsed on {self.deadline:%Y-%m-%d %H:%M} UTC: not signed by "
                    f"{', '.join(self.missing)}")
        reserved = [f"{a.state} ({a.reservation})" for a in self.answers
                    if a.answer is Answer.RESERVATION]
        if status is WrittenStatus.ADOPTED:
            return ("adopted by written procedure: every member with a say signed"
                    + (f"; with reservations: {'; '.join(reserved)}" if reserved else ""))
        return f"circulating: {len(self.signed)} of {len(self.order)} signed"
