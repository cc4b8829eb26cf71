"""The notification outbox: what `open_crisis`, decisions and escalations queue, one
record per recipient, delivered by email (SMTP) and acknowledged by the recipient.

A notice is stored in English, in the forms the services write it in. It is emailed in
its recipient's language (their account's, else the setting `default_language`), written
by the function the caller passes as `render`: the web edge's, which writes the notices
of the inbox (`phalanx.web.i18n.timeline.notice_renderer`), so that an email and the
inbox say the same. What people wrote (a crisis's title, a reason) stays as written.
With the installation's public address (setting `public_url`), the email ends with a
paragraph linking to the record the notice is about (`record_url`).

A notice is its recipient's while the recipient reads the crisis, draft or decision it
tells of (its topic), as the recipient reads today (`state_users.acting`): not once its
account is deactivated, its appointment's term is over, its state has left, or the record
is marked for fewer; such a notice is no longer listed to it, and one not yet emailed is
withheld."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    and_,
    cast,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.domain.languages import LANGUAGES
from phalanx.services import state_users
from phalanx.services.db import Database
from phalanx.services.errors import NotFound
from phalanx.services.links import crisis_url
from phalanx.services.types import UtcDateTime

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# setting: a notice its recipient acknowledged more than a year ago goes at its next login,
# so that the table keeps what people still read, not every notice of every year
READ_NOTICES_KEPT = timedelta(days=365)

# (subject, body, language) -> (subject, body) in that language
# (subject, body, language, the titles it names in that language: `titles`)
Render = Callable[..., tuple[str, str]]
# a message in UTF-8 whose body is 7-bit clean on the wire (quoted-printable or base64):
# no server needs 8BITMIME; a header with other than ASCII is RFC 2047-encoded
MAIL = policy.SMTP.clone(cte_type="7bit")


class NotificationOut(BaseModel):
    id: int
    created_at: UtcDateTime
    subject: str
    body: str
    topic: str
    delivered: bool
    acknowledged: bool


# the last paragraph of an emailed notice, in English (the renderer writes it again)
LINK = "Open in Phalanx: {url}"

# what opens and closes every notice of an exercise, as an exercise's message does (the
# practice of exercise traffic: nobody takes it for a real one, from either end); an
# emailed one's link comes before its closing line
EXERCISE_LINE = "EXERCISE EXERCISE EXERCISE"


def exercise_notice(subject: str, body: str) -> tuple[str, str]:
    """A notice of an exercise: its subject between `[EXERCISE]` marks, its body between
    paragraphs saying EXERCISE."""
    return (f"[EXERCISE] {subject} [EXERCISE]",
            f"{EXERCISE_LINE}\n\n{body}\n\n{EXERCISE_LINE}")


def enqueue(conn: Connection, topic: str, at: datetime,
            notice: Callable[[Any], tuple[str, str] | None], *, exercise: bool = False) -> int:
    """One notice per active user for whom `notice(user)` gives a subject and a body (None:
    not that user), written in one statement; emailed in each one's language by the
    delivery. An exercise's says so at its start and its end (`exercise_notice`)."""
    from phalanx.services import identity

    rows = []
    for user in identity.list_users(conn):
        if user.role is Role.SYSTEM or (given := notice(user)) is None:
            continue
        subject, body = exercise_notice(*given) if exercise else given
        rows.append(dict(created_at=at, recipient=user.username, channel="email",
                         subject=subject, body=body, topic=topic, attempts=0))
    if rows:
        conn.execute(insert(t.notification), rows)
    return len(rows)


def russian_titles(conn: Connection, topics: Iterable[str], *, actor: Principal
                   ) -> dict[str, dict[str, str]]:
    """The Russian titles of the decisions and drafts notices tell of (their `title_ru`),
    by topic ("decision:7", "draft:5"), of the records `actor` reads: each
    `{"title:<the title as stored>": <its Russian title>}`, the names a notice's line is
    written with in Russian (`web/i18n/forms.py`); none for a record without one."""
    wanted: dict[str, set[int]] = {"decision": set(), "draft": set()}
    for topic in topics:
        kind, _, key = topic.partition(":")
        if kind in wanted and key.isdigit():
            wanted[kind].add(int(key))
    out: dict[str, dict[str, str]] = {}
    for kind, ids in wanted.items():
        if not ids:
            continue
        table = t.metadata.tables[kind]
        for r in conn.execute(access.select_visible(
                table, actor, table.c.id, table.c.title, table.c.title_ru).where(
                table.c.id.in_(sorted(ids)))):
            if r.title_ru:
                out[f"{kind}:{r.id}"] = {f"title:{r.title}": r.title_ru}
    return out


def record_url(public_url: str, topic: str) -> str | None:
    """The page of the record a notice is about, at the installation's public address:
    topic "crisis:3" -> "<public_url>/crises/3", "decision:7" -> "<public_url>/decisions/7",
    "draft:5" -> "<public_url>/drafts/5"; None without an address or such a record."""
    kind, _, key = topic.partition(":")
    if not key.isdigit() or not public_url:
        return None
    if kind == "crisis":
        return crisis_url(public_url, int(key))
    pages = {"decision": "decisions", "draft": "drafts"}
    return f"{public_url.rstrip('/')}/{pages[kind]}/{int(key)}" if kind in pages else None


NO_ADDRESS = "the user has no email address"


@dataclass(frozen=True)
class Delivery:
    sent: int
    failed: int
    no_address: int
    withheld: int = 0  # its recipient no longer reads what it tells of: never sent
    errors: tuple[str, ...] = ()  # why those that failed did, each reason once


# the records a notice's topic names ("crisis:3", "draft:5", "decision:7"): a notice is
# read by its recipient while the recipient reads the record
_TOPICS = (("crisis:", "crisis"), ("draft:", "draft"), ("decision:", "decision"))


def _readable(actor: Principal) -> ColumnElement[bool]:
    """The notices `actor` reads today: of the crises, drafts and decisions it reads (a
    notice's topic)."""
    return or_(*(t.notification.c.topic.in_(access.select_visible(
        t.metadata.tables[table], actor,
        literal(prefix).concat(cast(t.metadata.tables[table].c.id, String))))
        for prefix, table in _TOPICS))


def _withheld(conn: Connection, rows: list[Any]) -> dict[int, str]:
    """The notices of `rows` whose recipients no longer read them, with why."""
    from phalanx.services import identity

    now = state_users.today(conn)
    users = {u.username: u for u in conn.execute(select(t.app_user).where(
        t.app_user.c.username.in_({r.recipient for r in rows})))}
    out: dict[int, str] = {}
    for name in {r.recipient for r in rows}:
        mine = [r for r in rows if r.recipient == name]
        user = users.get(name)
        if user is None or not user.active:
            out.update((r.id, "withheld: no active account") for r in mine)
            continue
        reader = state_users.acting(conn, identity.principal_of(user), now)
        seen = set(conn.execute(select(t.notification.c.id).where(
            t.notification.c.id.in_([r.id for r in mine]), _readable(reader))).scalars())
        out.update((r.id, "withheld: the recipient no longer reads what it tells of")
                   for r in mine if r.id not in seen)
    return out


def message(sender: str, to: str, subject: str, body: str, language: str, topic: str,
            at: datetime) -> EmailMessage:
    """A notice as an email: UTF-8, its language said (`Content-Language`), dated, with
    an id of its own, marked as sent by a program (no vacation replies, RFC 3834)."""
    msg = EmailMessage(policy=MAIL)
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = make_msgid("phalanx", domain=sender.rpartition("@")[2] or "localhost")
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Phalanx-Topic"] = topic
    msg.set_content(body, charset="utf-8")  # (it replaces the Content-* headers)
    msg["Content-Language"] = language
    return msg


def deliver(db: Database, host: str, port: int, sender: str, batch: int = 200, *,
            render: Render | None = None, default_language: str = "en",
            public_url: str = "", actor: Principal = SYSTEM) -> Delivery:
    """Send what is pending, each notice in its recipient's language (their own, else
    `default_language`) as `render` writes it; without `render`, as stored (English);
    with `public_url`, linking to its record. A failure is counted and retried later, up
    to 5 times."""
    with db.read() as conn:
        rows = list(conn.execute(
            select(t.notification, t.app_user.c.email, t.app_user.c.language)
            .join(t.app_user, t.app_user.c.username == t.notification.c.recipient)
            .where(t.notification.c.delivered_at.is_(None),
                   t.notification.c.attempts < MAX_ATTEMPTS)
            .order_by(t.notification.c.id).limit(batch)))
    if not rows:
        return Delivery(0, 0, 0)
    with db.read() as conn:
        outcome: dict[int, str | None] = dict(_withheld(conn, rows))
        # (a notice withheld from a reader of the record is not sent: read as the system)
        titles = russian_titles(conn, {r.topic for r in rows}, actor=SYSTEM)
    withheld = set(outcome)
    no_address = 0
    try:
        with smtplib.SMTP(host, port, timeout=10) as smtp:
            for r in rows:
                if r.id in withheld:
                    continue
                if not r.email:
                    outcome[r.id] = NO_ADDRESS
                    no_address += 1
                    continue
                lang, subject, body = _written(r, render, default_language, public_url,
                                               titles)
                msg = message(sender, r.email, subject, body, lang, r.topic,
                              datetime.now(UTC))
                try:
                    smtp.send_message(msg)
                    outcome[r.id] = None
                except smtplib.SMTPException as exc:
                    outcome[r.id] = str(exc)
    except (OSError, smtplib.SMTPException) as exc:
        # the connection failed or was lost: what was sent before stays sent
        for r in rows:
            outcome.setdefault(r.id, f"SMTP {host}:{port}: {exc}")
    at = datetime.now(UTC)
    with db.write(actor) as w:  # who sends (the command's operator), as the trail says
        for r in rows:
            error = outcome[r.id]
            w.conn.execute(update(t.notification).where(t.notification.c.id == r.id).values(
                attempts=MAX_ATTEMPTS if r.id in withheld else r.attempts + 1,
                delivered_at=at if error is None else None, last_error=error))
        sent = sum(1 for e in outcome.values() if e is None)
        w.audit("outbox.deliver", "notification", f"{rows[0].id}-{rows[-1].id}",
                {"sent": sent, "failed": len(rows) - sent - len(withheld),
                 "withheld": len(withheld)})
    failed = len(rows) - sent - no_address - len(withheld)
    reasons = dict.fromkeys(e for rid, e in outcome.items()
                            if e is not None and e != NO_ADDRESS and rid not in withheld)
    return Delivery(sent, failed, no_address, len(withheld), tuple(reasons) if failed else ())


def _written(row: Any, render: Render | None, default_language: str, public_url: str = "",
             titles: dict[str, dict[str, str]] | None = None) -> tuple[str, str, str]:
    """(language, subject, body) of a notice's email: in its recipient's language as
    `render` writes it (the body paragraph by paragraph, its link the last; in Russian the
    decision's or draft's title as `titles`, by topic, gives it); as stored
    (English) without `render` or when `render` fails on it, so that one notice it cannot
    write never holds up the others."""
    url = record_url(public_url, row.topic)
    body = row.body
    if url is not None:
        head, closing = body, ""
        if body.endswith(f"\n\n{EXERCISE_LINE}"):  # an exercise's still ends saying so
            head, closing = body.removesuffix(f"\n\n{EXERCISE_LINE}"), f"\n\n{EXERCISE_LINE}"
        body = f"{head}\n\n{LINK.format(url=url)}{closing}"
    if render is None:
        return "en", row.subject, body
    lang = row.language if row.language in LANGUAGES else default_language
    names = (titles or {}).get(row.topic, {}) if lang == "ru" else {}
    try:
        subject, written = render(row.subject, body, lang, titles=names)
    except Exception:  # the notice still goes, as stored
        log.exception("notification %s: not written in %s; sent as stored", row.id, lang)
        return "en", row.subject, body
    return lang, subject, written


def _unread(actor: Principal) -> ColumnElement[bool]:
    return and_(t.notification.c.recipient == actor.username, _readable(actor),
                t.notification.c.acknowledged_at.is_(None))


def mine(conn: Connection, *, actor: Principal, limit: int = 100, unread: bool = False
         ) -> list[NotificationOut]:
    """The user's latest notices (`unread`: those not yet acknowledged), newest first."""
    mine_ = _unread(actor) if unread else and_(
        t.notification.c.recipient == actor.username, _readable(actor))
    return [NotificationOut(id=r.id, created_at=r.created_at, subject=r.subject, body=r.body,
                            topic=r.topic, delivered=r.delivered_at is not None,
                            acknowledged=r.acknowledged_at is not None)
            for r in conn.execute(select(t.notification).where(mine_)
                                  .order_by(t.notification.c.id.desc()).limit(limit))]


def unread_count(conn: Connection, *, actor: Principal) -> int:
    """How many of the user's notices wait to be acknowledged, all of them."""
    return conn.execute(select(func.count()).select_from(t.notification)
                        .where(_unread(actor))).scalar_one()


def prune_read(conn: Connection, username: str, at: datetime) -> int:
    """Remove `username`'s notices acknowledged more than `READ_NOTICES_KEPT` before `at`;
    how many. What they told of stays on its records and in the audit trail."""
    return conn.execute(t.notification.delete().where(
        t.notification.c.recipient == username,
        t.notification.c.acknowledged_at <= at - READ_NOTICES_KEPT)).rowcount


def acknowledge_all(db: Database, *, actor: Principal, up_to: int) -> int:
    """Acknowledge every notice of the user not yet acknowledged, up to the one numbered
    `up_to` (the newest the reader was shown: one arriving since stays unread); how many.
    One entry in the trail says how many and up to which."""
    with db.write(actor) as w:
        done = w.conn.execute(update(t.notification).where(
            _unread(actor), t.notification.c.id <= up_to).values(
            acknowledged_at=datetime.now(UTC))).rowcount
        w.audit("notification.acknowledge_all", "notification", up_to, {"count": done})
    return done


def acknowledge(db: Database, notification_id: int, *, actor: Principal) -> None:
    with db.write(actor) as w:
        done = w.conn.execute(update(t.notification).where(
            t.notification.c.id == notification_id,
            t.notification.c.recipient == actor.username, _readable(actor),
            t.notification.c.acknowledged_at.is_(None)).values(acknowledged_at=datetime.now(UTC)))
        if done.rowcount != 1:
            mine_ = w.conn.execute(select(t.notification.c.id).where(
                t.notification.c.id == notification_id,
                t.notification.c.recipient == actor.username, _readable(actor))).first()
            if mine_ is None:
                raise NotFound("notification", notification_id)
        w.audit("notification.acknowledge", "notification", notification_id, {})
