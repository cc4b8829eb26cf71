"""Users, API tokens and the caller's own identity under /api/v1."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.domain.languages import Language
from phalanx.services import identity, representation, state_users
from phalanx.services import tokens as api_tokens
from phalanx.web.auth import Admin, Public, Reader
from phalanx.web.deps import DB, Conn, Id

router = APIRouter(tags=["identity"])

ACTS_UNTIL = ("A state's user (representative, reporter): the last day it acts for its "
              "state, its appointment's term; null: no term. From the day after, it acts for "
              "no one and reads what the public reads.")
APPOINTED = "Whether the user's appointment to act for its state stands today."
LAPSED_ON = ("The day an unconstitutional change of the state's authorities ended the "
             "appointment (null: none did): it stands again once the administrator records "
             "that the authorities in power confirm it (POST /users/{username}/confirm).")

LANGUAGE = ("The user's language: their pages after login and the notifications emailed to "
            "them; null: the installation's default (PHALANX_DEFAULT_LANGUAGE).")


class PrincipalOut(BaseModel):
    username: str
    role: Role
    state: str | None
    agency: Agency | None
    observer_of: str | None
    authenticated: bool
    language: Language | None = Field(default=None, description=LANGUAGE)
    acts_until: date | None = Field(default=None, description=ACTS_UNTIL)
    appointed: bool = Field(default=True, description=APPOINTED)
    lapsed_on: date | None = Field(default=None, description=LAPSED_ON)


def _out(p: Principal, authenticated: bool = True, language: str | None = None
         ) -> PrincipalOut:
    return PrincipalOut(username=p.username, role=p.role, state=p.state, agency=p.agency,
                        observer_of=p.observer_of, authenticated=authenticated,
                        language=language, acts_until=p.acts_until, appointed=p.appointed,
                        lapsed_on=p.lapsed_on)


def _account_out(a: identity.Account) -> PrincipalOut:
    return _out(a.principal, language=a.language)


class LanguageIn(BaseModel):
    language: Language | None = Field(description=LANGUAGE)


@router.get("/me", response_model=PrincipalOut)
def me(actor: Public, conn: Conn) -> PrincipalOut:
    """Who the API thinks you are (anonymous without a token or session), and your
    language."""
    if actor.user_id is None:
        return _out(actor, False)
    return _account_out(identity.account(conn, actor.username))


@router.patch("/me", response_model=PrincipalOut)
def set_my_language(data: LanguageIn, actor: Reader, db: DB) -> PrincipalOut:
    """Choose your language (audited): your pages after login and the notifications
    emailed to you."""
    identity.set_language(db, actor.username, data.language, actor=actor)
    with db.read() as conn:
        return _account_out(identity.account(conn, actor.username))


class UserIn(BaseModel):
    username: str = Field(min_length=2, max_length=64)
    password: str = Field(min_length=identity.MIN_PASSWORD, max_length=1024)
    role: Role
    state: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    agency: Agency | None = None
    observer_of: str | None = Field(default=None, max_length=200)
    display_name: str = Field(default="", max_length=200)
    language: Language | None = Field(default=None, description=LANGUAGE)
    acts_until: date | None = Field(default=None, description=ACTS_UNTIL)


class UserPatchIn(BaseModel):
    """What changes of a user: the fields given (a field left out is kept)."""

    language: Language | None = Field(default=None, description=LANGUAGE)
    acts_until: date | None = Field(default=None, description=ACTS_UNTIL)


@router.get("/users", response_model=list[PrincipalOut])
def list_users(actor: Admin, conn: Conn) -> list[PrincipalOut]:
    return [_account_out(a) for a in identity.accounts(conn)]


@router.post("/users", response_model=PrincipalOut, status_code=201)
def add_user(data: UserIn, actor: Admin, db: DB) -> PrincipalOut:
    identity.add_user(db, identity.NewUser(
        data.username, data.password, data.role, data.state, data.agency, data.observer_of,
        data.display_name, language=data.language, acts_until=data.acts_until), actor=actor)
    with db.read() as conn:
        return _account_out(identity.account(conn, data.username))


@router.patch("/users/{username}", response_model=PrincipalOut)
def change_user(username: str, data: UserPatchIn, actor: Admin, db: DB) -> PrincipalOut:
    """Change a user's language, or a state's user's term (the last day it acts for its
    state); each change audited."""
    given = data.model_fields_set
    if not given & {"language", "acts_until"}:
        raise identity.IdentityError("body: nothing to change (language, acts_until)")
    with db.read() as conn:
        identity.user_row(conn, username)  # an unknown user: 404 before any change
    if "acts_until" in given:
        state_users.set_term(db, username, data.acts_until, actor=actor)
    if "language" in given:
        identity.set_language(db, username, data.language, actor=actor)
    with db.read() as conn:
        return _account_out(identity.account(conn, username))


@router.post("/users/{username}/confirm", response_model=PrincipalOut)
def confirm_user(username: str, actor: Admin, db: DB) -> PrincipalOut:
    """Record that the authorities in power in the user's state confirm its appointment
    (after an unconstitutional change of those authorities), audited; 404 when no change
    of that state's authorities is recorded (422)."""
    representation.confirm(db, username, actor=actor)
    with db.read() as conn:
        return _account_out(identity.account(conn, username))


class TokenIn(BaseModel):
    name: str = Field(default="", max_length=200)
    days: int = Field(default=90, ge=1, le=730)
    scopes: list[str] | None = None


class TokenOut(BaseModel):
    id: int
    token: str
    expires_at: str
    scopes: list[str]


@router.post("/users/{username}/tokens", response_model=TokenOut, status_code=201)
def issue_token(username: str, actor: Admin, db: DB,
                data: Annotated[TokenIn | None, Body()] = None) -> TokenOut:
    data = data or TokenIn()
    t = api_tokens.issue_token(db, username, name=data.name, days=data.days, scopes=data.scopes,
                             actor=actor)
    return TokenOut(id=t.id, token=t.token, expires_at=t.expires_at.isoformat(),
                    scopes=t.scopes)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: Id, actor: Admin, db: DB) -> None:
    api_tokens.revoke_token(db, token_id, actor=actor)
