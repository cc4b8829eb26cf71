"""Who is asking, and may they call this route at all.

The web layer only works out the principal (an API token, or a browser session
cookie) and checks the route's declared permission; what records the principal may
see is decided by the policy and applied in the data layer, never here.

Every route declares its permission with `Depends(requires(Permission.X))`; a test
walks the application and fails on any route without one.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from phalanx.domain.access.policy import Permission, has_permission
from phalanx.domain.access.principal import ANONYMOUS, Principal
from phalanx.services import identity
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database

SESSION_COOKIE = "phalanx_session"
LOGIN_CSRF_COOKIE = "phalanx_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PERMISSION_ATTR = "__phalanx_permission__"


class NotAuthenticated(HTTPException):
    def __init__(self, detail: str = "log in or send a valid API token") -> None:
        super().__init__(401, detail, headers={"WWW-Authenticate": 'Bearer realm="phalanx"'})


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def identify(request: Request) -> Principal | None:
    """The principal behind this request, or None for an anonymous one; cached."""
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    principal: Principal | None = None
    request.state.csrf = None
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise NotAuthenticated("the Authorization header must be 'Bearer TOKEN'")
        with _db(request).read() as conn:
            principal = api_tokens.token_principal(conn, token.strip())
        if principal is None:
            raise NotAuthenticated("the API token is unknown, expired or revoked")
    elif cookie := request.cookies.get(SESSION_COOKIE):
        with _db(request).read() as conn:
            session = identity.session(conn, cookie)
        if session is not None:
            principal = session.principal
            request.state.csrf = session.csrf
            request.state.session_token = cookie
    request.state.principal = principal
    return principal


def signed_in_now(request: Request) -> Principal | None:
    """The principal the request's credentials name now, read again (not the request's
    cached one): None once its session has ended (logged out, its time over) or its
    token is revoked or expired, or its account deactivated. A long answer (the live
    events) asks it again while it runs."""
    header = request.headers.get("authorization", "")
    cookie = request.cookies.get(SESSION_COOKIE)
    with _db(request).read() as conn:
        if header:
            scheme, _, token = header.partition(" ")
            if scheme.lower() != "bearer" or not token:
                return None
            return api_tokens.token_principal(conn, token.strip())
        session = identity.session(conn, cookie) if cookie else None
    return session.principal if session is not None else None


async def check_csrf(request: Request) -> None:
    """Unsafe requests authenticated by the session cookie must echo its CSRF token."""
    expected: str | None = request.state.csrf
    if expected is None or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "missing or wrong CSRF token")


def requires(permission: Permission) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that authenticates the request and checks `permission`."""

    async def dependency(request: Request) -> Principal:
        if hasattr(request.state, "principal") or not (
                request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE)):
            principal = identify(request)  # cached, or anonymous: no database
        else:  # the lookup waits on the database: not on the event loop
            principal = await run_in_threadpool(identify, request)
        if principal is None:
            if permission is Permission.PUBLIC:
                return ANONYMOUS
            raise NotAuthenticated()
        if permission is not Permission.PUBLIC:  # public forms (login) carry their own token
            await check_csrf(request)
        if not has_permission(principal, permission):
            if has_permission(replace(principal, scopes=None), permission):
                raise HTTPException(403, f"this API token's scopes ("
                                         f"{', '.join(sorted(principal.scopes or ()))}) do "
                                         f"not include {permission.value}")
            raise HTTPException(403, f"your role ({principal.role.value}) does not allow "
                                     f"{permission.value}")
        return principal

    setattr(dependency, PERMISSION_ATTR, permission)
    dependency.__name__ = f"requires_{permission.name.lower()}"
    return dependency


def declared_permission(call: object) -> Permission | None:
    value = getattr(call, PERMISSION_ATTR, None)
    return value if isinstance(value, Permission) else None


Public = Annotated[Principal, Depends(requires(Permission.PUBLIC))]
Reader = Annotated[Principal, Depends(requires(Permission.READ))]
Writer = Annotated[Principal, Depends(requires(Permission.RECORDS_WRITE))]
Releaser = Annotated[Principal, Depends(requires(Permission.RECORDS_RELEASE))]
Auditor = Annotated[Principal, Depends(requires(Permission.AUDIT_READ))]
Admin = Annotated[Principal, Depends(requires(Permission.USERS_MANAGE))]


def login_csrf(request: Request) -> str:
    """The double-submit token for the login form (there is no session yet)."""
    existing = request.cookies.get(LOGIN_CSRF_COOKIE)
    return existing or secrets.token_urlsafe(32)


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
