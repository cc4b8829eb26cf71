"""API tokens: issued to a user for a number of days with scopes no wider than the
user's role allows, revoked, listed, and resolved to their user's principal. A token is
random; only its SHA-256 is stored (`identity.sha256`), so a stolen database does not
yield a usable token. Issuing and revoking are audited."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import ROLE_PERMISSIONS, Permission
from phalanx.domain.access.principal import Principal, Role
from phalanx.services import state_users
from phalanx.services.clock import aware, now
from phalanx.services.db import Database
from phalanx.services.identity import IdentityError, principal_of, sha256, user_row

TOKEN_PREFIX = "phx_"  # noqa: S105 - a marker, not a secret


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str
    expires_at: datetime
    scopes: list[str]


def issue_token(db: Database, username: str, *, name: str = "", days: int = 90,
                scopes: list[str] | None = None, actor: Principal) -> IssuedToken:
    if not 1 <= days <= 730:
        raise IdentityError("expires: between 1 and 730 days")
    with db.write(actor) as w:
        row = user_row(w.conn, username)
        allowed = {p.value for p in ROLE_PERMISSIONS[Role(row.role)]} - {Permission.PUBLIC.value}
        wanted = sorted(set(scopes) if scopes else allowed)
        extra = set(wanted) - allowed
        if extra:
            raise IdentityError(f"scopes: {sorted(extra)} are beyond what a {row.role} may do "
                                f"(allowed: {sorted(allowed)})")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        at = now()
        expires = at + timedelta(days=days)
        token_id = w.conn.execute(insert(t.api_token).values(
            user_id=row.id, name=name or f"{username} token", token_hash=sha256(token),
            prefix=token[:12], scopes=wanted, created_at=at, expires_at=expires,
        ).returning(t.api_token.c.id)).scalar_one()
        w.audit("token.issue", "token", token_id,
                {"user": username, "scopes": wanted, "expires_at": expires.isoformat()})
    return IssuedToken(int(token_id), token, expires, wanted)


def revoke_token(db: Database, token_id: int, *, actor: Principal) -> None:
    with db.write(actor) as w:
        row = w.conn.execute(select(t.api_token).where(t.api_token.c.id == token_id)).first()
        if row is None:
            raise IdentityError(f"no token {token_id}")
        if row.revoked_at is None:
            w.conn.execute(update(t.api_token).where(t.api_token.c.id == token_id)
                           .values(revoked_at=now()))
        w.audit("token.revoke", "token", token_id, {"prefix": row.prefix})


def list_tokens(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(t.api_token, t.app_user.c.username)
        .join(t.app_user, t.app_user.c.id == t.api_token.c.user_id)
        .order_by(t.api_token.c.id))
    return [{"id": r.id, "user": r.username, "name": r.name, "prefix": r.prefix,
             "scopes": r.scopes, "expires_at": aware(r.expires_at).isoformat(),
             "revoked": r.revoked_at is not None} for r in rows]


def token_principal(conn: Connection, token: str) -> Principal | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = conn.execute(
        select(t.api_token.c.scopes, t.api_token.c.expires_at, t.api_token.c.revoked_at,
               t.app_user)
        .join(t.app_user, t.app_user.c.id == t.api_token.c.user_id)
        .where(t.api_token.c.token_hash == sha256(token))
    ).first()
    if row is None or row.revoked_at is not None or aware(row.expires_at) <= now():
        return None
    if not row.active:
        return None
    return state_users.acting(conn, principal_of(row, frozenset(row.scopes)))
