"""Users, passwords, browser sessions and login throttling (API tokens: `tokens.py`).

Passwords are hashed with argon2id. Session tokens are random; only their SHA-256 is
stored, so a stolen database does not yield a usable token. A wrong
password and an unknown user get the same error after the same work.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import STATE_ROLES
from phalanx.domain.access.principal import ANONYMOUS, Agency, Principal, Role
from phalanx.domain.languages import LANGUAGES
from phalanx.services import login_throttle as throttle
from phalanx.services import outbox, state_users
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.login_throttle import (  # noqa: F401 - where callers find them
    MAX_FAILURES_PER_ACCOUNT,
    MAX_FAILURES_PER_ADDRESS,
    MAX_FAILURES_PER_USER,
    Throttled,
)

_hasher = PasswordHasher()  # argon2id with the library's current parameters


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a password nobody has, verified for unknown users (so that an unknown
    name costs a login the time a known one does), by `hasher`'s parameters; made once a
    process, by a server as it starts (`prepare_logins`) and otherwise by the first login,
    not at every import."""
    return hasher.hash("a password nobody has, verified for unknown users")


def prepare_logins() -> None:
    """Make what a login checks against before any login comes, so that the first login
    of an unknown user takes the time any other does."""
    _dummy_hash(_hasher)


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
# zxcvbn's score (0-4) a password must reach: 3 means about 10^8 guesses or more, "safely
# unguessable" by an online attack (setting, after the checker's own guidance)
MIN_PASSWORD_SCORE = 3
SESSION_TTL = timedelta(hours=12)


class IdentityError(ValueError):
    """Bad input for an identity action; the message says which field and why."""


class UnknownUser(IdentityError):
    """No account has this username (the API answers 404)."""


class AuthFailed(Exception):
    """Login refused. The message is the same whatever the reason."""

    def __init__(self) -> None:
        super().__init__("unknown user or wrong password")






def password_weakness(password: str, context: list[str]) -> str | None:
    """Why a password is too easy to guess (common, repetitive, a keyboard pattern, the
    user's own name...), as the maintained zxcvbn checker judges it; None if it is not."""
    from zxcvbn import zxcvbn

    result = zxcvbn(password, user_inputs=[c for c in context if c] + ["phalanx"])
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    feedback = result.get("feedback") or {}
    reason = feedback.get("warning") or "too easy to guess"
    hints = " ".join(feedback.get("suggestions") or [])
    return f"{reason.rstrip('.')}. {hints}".strip()


def password_problems(password: str, context: list[str], *, strength: bool = True
                      ) -> list[str]:
    """What is wrong with a password chosen for an account: its length, and (with
    `strength`) how easily it is guessed, `context` (the user's own names) included."""
    if len(password) < MIN_PASSWORD:
        return [f"password: at least {MIN_PASSWORD} characters"]
    if len(password) > MAX_PASSWORD:
        return [f"password: at most {MAX_PASSWORD} characters"]
    if strength and (weak := password_weakness(password, context)):
        return [f"password: {weak}"]
    return []


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(stored_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def principal_of(row: Any, scopes: frozenset[str] | None = None) -> Principal:
    return Principal(
        username=row.username, role=Role(row.role), state=row.state_code,
        agency=Agency(row.agency) if row.agency else None, observer_of=row.observer_of,
        user_id=row.id, scopes=scopes, acts_until=row.acts_until,
        confirmed_under=row.confirmed_under,
    )


# --- users -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewUser:
    username: str
    password: str
    role: Role
    state: str | None = None
    agency: Agency | None = None
    observer_of: str | None = None
    display_name: str = ""
    email: str | None = None
    # the user's language (their pages after login, the notices emailed to them); None:
    # the setting default_language
    language: str | None = None
    # a state's user: the last day it acts for its state (its appointment's term)
    acts_until: date | None = None
    # the development demo accounts (refused in production) keep their documented
    # passwords; every other account's password must pass the strength check
    demo: bool = False

    def problems(self) -> list[str]:
        out = []
        if not USERNAME.match(self.username):
            out.append(f"username {self.username!r}: 2-64 characters a-z 0-9 . _ -, "
                       "starting with a letter or digit")
        out += password_problems(self.password, [
            self.username, self.display_name, self.email or ""], strength=not self.demo)
        if self.role in (Role.REPRESENTATIVE, Role.REPORTER) and not self.state:
            out.append(f"state: a {self.role.value} acts for a state (--state CODE)")
        if self.role not in (Role.REPRESENTATIVE, Role.REPORTER) and self.state:
            out.append(f"state: a {self.role.value} does not act for a state")
        if self.role is Role.REPORTER and self.agency is None:
            out.append("agency: a reporter is bound to one agency (--agency KIND)")
        if self.role is not Role.REPORTER and self.agency is not None:
            out.append("agency: only reporters are bound to an agency")
        if self.role in (Role.SYSTEM, Role.ANONYMOUS):
            out.append(f"role: {self.role.value!r} is not a user role")
        if self.acts_until is not None and self.role not in STATE_ROLES:
            out.append(f"acts_until: a {self.role.value} does not act for a state")
        if self.email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", self.email):
            out.append(f"email: {self.email!r} is not an address")
        out += language_problems(self.language)
        return out


def language_problems(language: str | None) -> list[str]:
    """What is wrong with a user's language: one of the working languages, or None (the
    installation's default)."""
    if language is None or language in LANGUAGES:
        return []
    return [f"language: {language!r} is not one of {', '.join(LANGUAGES)}"]


def add_user(db: Database, new: NewUser, *, actor: Principal) -> int:
    problems = new.problems()
    if problems:
        raise IdentityError("; ".join(problems))
    with db.write(actor) as w:
        if new.state is not None and w.conn.execute(
                select(t.state.c.code).where(t.state.c.code == new.state)).first() is None:
            raise IdentityError(f"state: unknown state code {new.state!r}")
        if (not_member := state_users.why_not_account(w.conn, new.role, new.state)):
            raise IdentityError(not_member)
        if w.conn.execute(select(t.app_user.c.id).where(
                t.app_user.c.username == new.username)).first() is not None:
            raise IdentityError(f"username: {new.username!r} is taken")
        user_id = w.conn.execute(insert(t.app_user).values(
            username=new.username, display_name=new.display_name or new.username,
            password_hash=_hasher.hash(new.password), role=new.role.value, state_code=new.state,
            agency=new.agency.value if new.agency else None, observer_of=new.observer_of,
            email=new.email, language=new.language, active=True, created_at=now(),
            acts_until=new.acts_until,
            confirmed_under=state_users.made_under(w.conn, new.state, new.role),
        ).returning(t.app_user.c.id)).scalar_one()
        w.audit("user.add", "user", user_id, {
            "username": new.username, "role": new.role.value, "state": new.state,
            "agency": new.agency.value if new.agency else None, "observer_of": new.observer_of,
            "language": new.language,
            "acts_until": new.acts_until.isoformat() if new.acts_until else None})
    return int(user_id)


def set_language(db: Database, username: str, language: str | None, *,
                 actor: Principal) -> bool:
    """Store a user's language (None: the installation's default), audited; False when it
    was already so (nothing is written)."""
    problems = language_problems(language)
    if problems:
        raise IdentityError("; ".join(problems))
    with db.read() as conn:  # (a write transaction always writes its audit entry)
        if user_row(conn, username).language == language:
            return False
    with db.write(actor) as w:
        row = user_row(w.conn, username)
        w.conn.execute(update(t.app_user).where(t.app_user.c.id == row.id)
                       .values(language=language))
        w.audit("user.language", "user", row.id, {"username": username,
                                                  "from": row.language, "to": language})
    return True


def set_active(db: Database, username: str, active: bool, *, actor: Principal) -> bool:
    """Let `username` log in or not (audited); a user does not stop its own account (an
    administrator would shut itself out mid-work: another one, or the command line).
    False when it stood so already: nothing is written."""
    if not active and actor.username == username:
        raise IdentityError(f"username: {username} may not stop its own account")
    with db.read() as conn:  # (a write transaction always writes its audit entry)
        if bool(user_row(conn, username).active) is active:
            return False
    with db.write(actor) as w:
        row = user_row(w.conn, username)
        w.conn.execute(update(t.app_user).where(t.app_user.c.id == row.id).values(active=active))
        w.audit("user.activate" if active else "user.deactivate", "user", row.id,
                {"username": username})
    return True


def user_row(conn: Connection, username: str) -> Any:
    """The account row of `username`; UnknownUser when there is none."""
    row = conn.execute(select(t.app_user).where(t.app_user.c.username == username)).first()
    if row is None:
        raise UnknownUser(f"no user {username!r}")
    return row


def principal(conn: Connection, username: str) -> Principal:
    """The principal of an active user, for a command that acts or reads as them."""
    row = user_row(conn, username)
    if not row.active:
        raise IdentityError(f"user {username!r} is deactivated")
    return state_users.acting(conn, principal_of(row))


def list_users(conn: Connection) -> list[Principal]:
    """The active users as they read and act today (`state_users.acting`): those a notice
    may reach, each only where it reads what the notice tells."""
    now = state_users.today(conn)
    rows = conn.execute(select(t.app_user).where(t.app_user.c.active.is_(True))
                        .order_by(t.app_user.c.username))
    return [state_users.acting(conn, principal_of(r), now) for r in rows]


@dataclass(frozen=True)
class Account:
    """A user as the accounts are listed: who they are (as they read and act today:
    `state_users.acting`), whether they may log in, and their language (None: the
    installation's default_language)."""

    principal: Principal
    language: str | None
    active: bool


def _account(conn: Connection, row: Any) -> Account:
    return Account(state_users.acting(conn, principal_of(row)), row.language,
                   bool(row.active))


def accounts(conn: Connection) -> list[Account]:
    return [_account(conn, r) for r in conn.execute(
        select(t.app_user).order_by(t.app_user.c.username))]


def account(conn: Connection, username: str) -> Account:
    return _account(conn, user_row(conn, username))


def user_exists(conn: Connection, username: str) -> bool:
    return conn.execute(select(t.app_user.c.id).where(
        t.app_user.c.username == username)).first() is not None


# --- passwords and throttling ------------------------------------------------------------


def authenticate(db: Database, username: str, password: str, address: str) -> Principal:
    """The user's principal, or AuthFailed / Throttled. Every attempt is counted before the
    password is checked, so concurrent guesses cannot pass the limit (`login_throttle`);
    a success forgets the count of the account from this address, gives the address and
    the account their attempt back, and makes the address one the account is known at.
    Failures are audited."""
    at = now()
    with db.read() as conn:
        row = conn.execute(select(t.app_user).where(t.app_user.c.username == username)).first()
        known = row is not None and throttle.known(conn, row.id, address, at)
    keys = throttle.claim_attempt(db, username, address, at, known=known)
    ok = False
    try:
        ok = _hasher.verify(row.password_hash if row else _dummy_hash(_hasher), password)
    except (VerificationError, InvalidHashError):
        ok = False
    if row is None or not row.active:
        ok = False
    if not ok:
        with db.write(ANONYMOUS) as w:
            # the account tried, when it is one; of a name no account has, nothing: the
            # trail is kept for ever, and a password typed as a user name must not be
            if row is not None:
                w.audit("auth.login_failed", "user", row.id,
                        {"username": row.username, "address": address})
            else:
                w.audit("auth.login_failed", "user", "unknown", {"address": address})
        raise AuthFailed()
    principal = principal_of(row)
    with db.write(principal) as w:
        throttle.succeeded(w.conn, keys, row.id, address, at)
        if _hasher.check_needs_rehash(row.password_hash):
            w.conn.execute(update(t.app_user).where(t.app_user.c.id == row.id)
                           .values(password_hash=_hasher.hash(password)))
        w.audit("auth.login", "user", row.id, {"address": address})
    return principal


# --- browser sessions --------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    token: str
    csrf: str
    principal: Principal


def start_session(db: Database, principal: Principal) -> Session:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    at = now()
    with db.write(principal) as w:
        # the user's sessions whose time is over go: the table holds the living ones only
        w.conn.execute(t.web_session.delete().where(
            t.web_session.c.user_id == principal.user_id, t.web_session.c.expires_at <= at))
        # and its notices read long ago (`outbox.READ_NOTICES_KEPT`)
        pruned = outbox.prune_read(w.conn, principal.username, at)
        sid = w.conn.execute(insert(t.web_session).values(
            token_hash=sha256(token), user_id=principal.user_id, csrf_token=csrf, created_at=at,
            expires_at=at + SESSION_TTL).returning(t.web_session.c.id)).scalar_one()
        w.audit("auth.session_start", "session", sid,
                {"read_notices_removed": pruned} if pruned else {})
    return Session(token, csrf, principal)


def session(conn: Connection, token: str) -> Session | None:
    row = conn.execute(
        select(t.web_session.c.csrf_token, t.web_session.c.expires_at, t.app_user)
        .join(t.app_user, t.app_user.c.id == t.web_session.c.user_id)
        .where(t.web_session.c.token_hash == sha256(token))
    ).first()
    if row is None or aware(row.expires_at) <= now() or not row.active:
        return None
    return Session(token, row.csrf_token, state_users.acting(conn, principal_of(row)))


def end_session(db: Database, token: str, principal: Principal) -> None:
    with db.write(principal) as w:
        w.conn.execute(t.web_session.delete().where(t.web_session.c.token_hash == sha256(token)))
        w.audit("auth.logout", "user", principal.user_id or principal.username, {})
