"""A password changed after its account was made: set anew by the administrator (one the
user forgot, or one that may be known to others) or changed by the user, who gives the
one it replaces. Either is checked as a new account's password is, audited (never the
password nor its hash), and ends the user's browser sessions (the user's own, where it
changes its password, is kept); the user's API tokens are revoked apart
(`phalanx tokens revoke`).

The current password given to change it is guessed at no faster than a login: whoever
holds a session left open (a desk left unlocked) may try it `MAX_FAILURES_PER_USER` times
in the login throttle's window, then waits (setting, as the login's)."""

from __future__ import annotations

from sqlalchemy import update

from phalanx.adapters.db import tables as t
from phalanx.adapters.db.engine import WRITE
from phalanx.domain.access.principal import Principal
from phalanx.services import login_throttle
from phalanx.services.clock import now
from phalanx.services.db import Database, Write
from phalanx.services.identity import (
    IdentityError,
    hash_password,
    password_matches,
    password_problems,
    sha256,
    user_row,
)


def set_password(db: Database, username: str, password: str, *, actor: Principal) -> int:
    """The administrator gives `username` a new password; returns how many of the
    user's browser sessions it ended."""
    with db.read() as conn:
        row = user_row(conn, username)
    problems = password_problems(password, [row.username, row.display_name, row.email or ""])
    if problems:
        raise IdentityError("; ".join(problems))
    with db.write(actor) as w:
        row = user_row(w.conn, username)
        ended = _store(w, row.id, password, keep=None)
        w.audit("user.password_set", "user", row.id,
                {"username": username, "sessions_ended": ended})
    return ended


def change_own_password(db: Database, actor: Principal, current: str, new: str, repeated: str,
                        *, session_token: str | None = None) -> int:
    """The signed-in user replaces its password, giving the current one; its other
    browser sessions end (the one `session_token` names is kept). Returns how many."""
    with db.read() as conn:
        row = user_row(conn, actor.username)
    key = f"password:{row.username}"[:200]
    with db.engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        wait = login_throttle.claim(conn, key, login_throttle.MAX_FAILURES_PER_USER, now())
    if wait:
        raise login_throttle.Throttled(wait)
    if not password_matches(row.password_hash, current):
        with db.write(actor) as w:  # a wrong guess is kept, as a failed login is
            w.audit("user.password_refused", "user", row.id, {"username": row.username})
        raise IdentityError("current password: it is not this account's password")
    problems = password_problems(new, [row.username, row.display_name, row.email or ""])
    if new != repeated:
        problems.append("password: the two entries differ")
    elif new == current:
        problems.append("password: it is the current one")
    if problems:
        raise IdentityError("; ".join(problems))
    keep = sha256(session_token) if session_token else None
    with db.write(actor) as w:
        w.conn.execute(t.login_throttle.delete().where(t.login_throttle.c.key == key))
        ended = _store(w, row.id, new, keep=keep)
        w.audit("user.password_changed", "user", row.id,
                {"username": row.username, "sessions_ended": ended})
    return ended


def _store(w: Write, user_id: int, password: str, *, keep: str | None) -> int:
    w.conn.execute(update(t.app_user).where(t.app_user.c.id == user_id)
                   .values(password_hash=hash_password(password)))
    gone = t.web_session.delete().where(t.web_session.c.user_id == user_id)
    if keep is not None:
        gone = gone.where(t.web_session.c.token_hash != keep)
    return int(w.conn.execute(gone).rowcount or 0)
