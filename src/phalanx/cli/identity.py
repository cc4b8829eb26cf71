"""`phalanx users ...` and `phalanx tokens ...`."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

import typer
from rich.table import Table

from phalanx.cli.common import database, emit_json, fail, operator, out
from phalanx.config import get_settings
from phalanx.domain.access.policy import STATE_ROLES
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.domain.languages import LANGUAGES
from phalanx.services import identity, passwords, representation, state_users
from phalanx.services import tokens as api_tokens

LANGUAGE_HELP = (f"The user's language ({', '.join(LANGUAGES)}): their pages after login and "
                 "the notifications emailed to them; default: PHALANX_DEFAULT_LANGUAGE.")
LANGUAGE_CODE = f'{", ".join(LANGUAGES)}, or "default" for PHALANX_DEFAULT_LANGUAGE.'
TERM_HELP = 'The last day (YYYY-MM-DD) it acts for its state, or "none" for no term.'

# the roles an account may have: the installation's (system) and a visitor's (anonymous)
# are no user's, and --help offers only these
UserRole = StrEnum("UserRole", {r.name: r.value for r in Role
                                if r not in (Role.SYSTEM, Role.ANONYMOUS)})

users = typer.Typer(no_args_is_help=True, help="User accounts.")
tokens = typer.Typer(no_args_is_help=True, help="API tokens for machine clients.")


@users.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The user name (login).")],
    role: Annotated[UserRole, typer.Option(help="The user's role.")],
    state: Annotated[str | None, typer.Option(help="The state the user acts for.")] = None,
    agency: Annotated[Agency | None, typer.Option(help="A reporter's agency.")] = None,
    observer_of: Annotated[str | None, typer.Option(help="An observer's state or organization.")
                           ] = None,
    display_name: Annotated[str, typer.Option(help="Full name.")] = "",
    email: Annotated[str | None, typer.Option(help="Where notifications are sent.")] = None,
    language: Annotated[str | None, typer.Option(help=LANGUAGE_HELP)] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read the password from stdin.")] = False,
) -> None:
    """Add a user. The password is read from standard input, never from the command line."""
    if not password_stdin:
        raise fail("give --password-stdin and the password on standard input", 2)
    password = sys.stdin.readline().rstrip("\r\n")
    try:
        user_id = identity.add_user(database(), identity.NewUser(
            name, password, Role(role.value), state.upper() if state else None, agency,
            observer_of, display_name, email, language), actor=operator())
    except identity.IdentityError as exc:
        raise fail(str(exc)) from exc
    out.print(f"user {name} added (id {user_id}, {role.value}"
              + (f", for {state.upper()}" if state else "") + ")")


@users.command("list")
def list_users(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the users: whether each may log in, its term, its language (a language of
    "default": PHALANX_DEFAULT_LANGUAGE's)."""
    with database().read() as conn:
        rows = identity.accounts(conn)
    if as_json:
        emit_json([{"username": a.principal.username, "role": a.principal.role.value,
                    "state": a.principal.state,
                    "agency": a.principal.agency.value if a.principal.agency else None,
                    "language": a.language, "active": a.active,
                    "acts_until": _day(a.principal.acts_until),
                    "appointed": a.principal.appointed,
                    "lapsed_on": _day(a.principal.lapsed_on)} for a in rows])
        return
    default = get_settings().default_language
    table = Table(title="users")
    for col in ("user", "role", "state", "agency", "language", "acts until", "appointed",
                "active"):
        table.add_column(col)
    for a in rows:
        p = a.principal
        table.add_row(p.username, p.role.value, p.state or "", p.agency.value if p.agency else "",
                      a.language or f"default ({default})",
                      p.acts_until.isoformat() if p.acts_until else "",
                      _standing(p), "yes" if a.active else "no")
    out.print(table)


def _day(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _standing(p: Principal) -> str:
    if p.role not in STATE_ROLES:
        return ""
    if p.lapsed_on is not None:
        return f"lapsed {p.lapsed_on.isoformat()}, not confirmed"
    return "yes" if p.appointed else "no"


@users.command("language")
def language(
    name: Annotated[str, typer.Argument(help="The user name (login).")],
    code: Annotated[str, typer.Argument(help=LANGUAGE_CODE)],
) -> None:
    """Set a user's language: their pages after login and the notifications emailed to
    them (audited)."""
    try:
        changed = identity.set_language(database(), name, None if code == "default" else code,
                                        actor=operator())
    except identity.IdentityError as exc:
        raise fail(str(exc)) from exc
    out.print(f"user {name}: language {code}" + ("" if changed else " (unchanged)"))


@users.command("term")
def term(
    name: Annotated[str, typer.Argument(help="The user name (login).")],
    until: Annotated[str, typer.Argument(help=TERM_HELP)],
) -> None:
    """Set the last day a state's user (representative, reporter) acts for its state: its
    appointment's term (audited). From the day after it acts for no one and reads what
    the public reads."""
    try:
        day = None if until == "none" else date.fromisoformat(until)
    except ValueError:
        raise fail(f"until: {until!r} is not a date (YYYY-MM-DD) nor \"none\"", 2) from None
    try:
        changed = state_users.set_term(database(), name, day, actor=operator())
    except identity.IdentityError as exc:
        raise fail(str(exc)) from exc
    out.print(f"user {name}: acts until {until}" + ("" if changed else " (unchanged)"))


@users.command("confirm")
def confirm(name: Annotated[str, typer.Argument(help="The user name (login).")]) -> None:
    """Record that the authorities in power in a state's user's state confirm its
    appointment, after an unconstitutional change of those authorities ended it
    (`phalanx membership authorities`); audited."""
    try:
        changed = representation.confirm(database(), name, actor=operator())
    except identity.IdentityError as exc:
        raise fail(str(exc)) from exc
    out.print(f"user {name}: appointment confirmed" + ("" if changed else " (unchanged)"))


@users.command("deactivate")
def deactivate(name: Annotated[str, typer.Argument(help="The user name (login).")]) -> None:
    """Stop a user from logging in, its sessions and API tokens with it (what the user did
    stays in the audit trail; `users activate` lets it in again)."""
    _set_active(name, False)


@users.command("activate")
def activate(name: Annotated[str, typer.Argument(help="The user name (login).")]) -> None:
    """Let a deactivated user log in again (audited); its tokens not revoked work again."""
    _set_active(name, True)


def _set_active(name: str, active: bool) -> None:
    try:
        changed = identity.set_active(database(), name, active, actor=operator())
    except identity.IdentityError as exc:
        raise fail(str(exc)) from exc
    state = "active" if active else "deactivated"
    out.print(f"user {name} {'activated' if active else 'deactivated'}" if changed
              else f"user {name} was {state} already: nothing recorded")


@users.command("password")
def password(
    name: Annotated[str, typer.Argument(help="The user name (login).")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                 help="Read the password from stdin.")] = False,
) -> None:
    """Give a user a new password (one forgotten, or that others may know): read from
    standard input, checked as a new user's is; the user's browser sessions end. Audited,
    never the password. Users change their own on the Password page."""
    if not password_stdin:
        raise fail("give --password-stdin and the password on standard input", 2)
    secret = sys.stdin.readline().rstrip("\r\n")
    try:
        ended = passwords.set_password(database(), name, secret, actor=operator())
    except identity.IdentityError as exc:
        raise fail(str(exc)) from exc
    out.print(f"user {name}: password set; {ended} browser session(s) ended")


@tokens.command("issue")
def issue(
    name: Annotated[str, typer.Argument(help="The user the token acts as.")],
    expires: Annotated[int, typer.Option(help="Days until it expires.")] = 90,
    scope: Annotated[list[str] | None, typer.Option(help="A permission (repeatable); "
                                                        "default: all the user's role has.")
                     ] = None,
    label: Annotated[str, typer.Option(help="What the token is for.")] = "",
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Issue an API token. It is shown once; only its hash is stored."""
    try:
        t = api_tokens.issue_token(database(), name, name=label, days=expires, scopes=scope,
                                 actor=operator())
    except identity.IdentityError as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json({"token": t.token, "id": t.id, "expires_at": t.expires_at.isoformat(),
                   "scopes": t.scopes})
        return
    out.print(f"token {t.id} for {name}, expires {t.expires_at:%Y-%m-%d %H:%M} UTC, scopes "
              f"{', '.join(t.scopes)}:\n{t.token}", highlight=False)


@tokens.command("list")
def list_tokens(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List issued tokens (never the tokens themselves)."""
    with database().read() as conn:
        rows = api_tokens.list_tokens(conn)
    if as_json:
        emit_json(rows)
        return
    table = Table(title="API tokens")
    # a token expires at a moment: shown in UTC and said so, not as a bare day (UTC's day of
    # it is not the organization's from 21:00 UTC in Moscow)
    for col in ("id", "user", "name", "prefix", "expires (UTC)", "revoked"):
        table.add_column(col)
    for r in rows:
        expires = datetime.fromisoformat(r["expires_at"]).astimezone(UTC)
        table.add_row(str(r["id"]), r["user"], r["name"], r["prefix"],
                      f"{expires:%Y-%m-%d %H:%M}", "yes" if r["revoked"] else "")
    out.print(table)


@tokens.command("revoke")
def revoke(token_id: Annotated[int, typer.Argument(help="The token's id (tokens list).")]
           ) -> None:
    """Revoke a token: it stops working at once."""
    try:
        api_tokens.revoke_token(database(), token_id, actor=operator())
    except identity.IdentityError as exc:
        raise fail(str(exc)) from exc
    out.print(f"token {token_id} revoked")
