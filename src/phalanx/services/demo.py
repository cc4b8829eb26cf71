"""Demo accounts for a new installation: one per role, one representative per member
state. Their passwords are printed by `make run`; production refuses to create them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from phalanx.domain import membership
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import identity
from phalanx.services import organization as orgs
from phalanx.services.db import Database


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    state: str | None = None
    agency: Agency | None = None
    observer_of: str | None = None


def demo_accounts(db: Database, today: date | None = None) -> list[DemoAccount]:
    with db.read() as conn:
        org = orgs.organization(conn)
    members = [m.state for m in membership.members_on(org, today or date.today())]
    accounts = [
        DemoAccount("admin", "demo-admin-pass", Role.ADMINISTRATOR),
        DemoAccount("secretariat", "demo-secretariat", Role.SECRETARIAT),
        DemoAccount("planner", "demo-planner-pass", Role.PLANNER),
        DemoAccount("auditor", "demo-auditor-pass", Role.AUDITOR),
        DemoAccount("observer", "demo-observer-pass", Role.OBSERVER, observer_of="OSCE"),
    ]
    accounts += [DemoAccount(f"rep-{s.lower()}", f"demo-rep-{s.lower()}", Role.REPRESENTATIVE,
                             state=s) for s in members]
    if members:
        s = "KAZ" if "KAZ" in members else members[0]
        accounts.append(DemoAccount(f"reporter-{s.lower()}", f"demo-reporter-{s.lower()}",
                                    Role.REPORTER, state=s, agency=Agency.CUSTOMS))
    return accounts


def ensure_demo_accounts(db: Database, *, actor: Principal) -> list[DemoAccount]:
    """Create the demo accounts that do not exist yet; return them all."""
    accounts = demo_accounts(db)
    for a in accounts:
        with db.read() as conn:
            exists = identity.user_exists(conn, a.username)
        if not exists:
            identity.add_user(db, identity.NewUser(
                a.username, a.password, a.role, a.state, a.agency, a.observer_of,
                display_name=f"Demo {a.role.value}" + (f" ({a.state})" if a.state else "")),
                actor=actor)
    return accounts
