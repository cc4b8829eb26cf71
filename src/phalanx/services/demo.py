"""Demo accounts for a new installation: one per role, one representative per member
state. Their passwords are printed by `make run`; production refuses to create them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from phalanx.domain import membership
from phalanx.domain.access.principal import Agency, Principal, Role
from phalanx.services import clock, identity
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
    members = [m.state for m in membership.members_on(org, today or clock.today(org))]
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
                display_name=f"Demo {a.role.value}" + (f" ({a.state})" if a.state else ""),
                email=f"{a.username}@demo.phalanx.invalid", demo=True),
                actor=actor)
    return accounts


def ensure_demo_records(db: Database, *, actor: Principal) -> list[str]:
    """A session of the supreme body with three drafts: one adopted, one returned after
    an objection, one adopted in the limited format by four members; and documents of
    every marking. Created once; returns what was created."""
    from datetime import UTC, datetime, timedelta

    from phalanx.services import decisions as dec

    created = []
    with db.read() as conn:
        from phalanx.services import crises

        no_crisis = not crises.board(conn, actor=actor, include_closed=True, exercise=True)
    if no_crisis:
        from phalanx.services import exercise

        # the scenario is written for the built-in organization: another one's file
        # (other states, bodies, categories) does not run it
        scenario = exercise.load(exercise.scenarios_dir() / "frontier.yaml")
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=3)
        try:
            exercise.check(db, scenario, start)
        except exercise.ScenarioError:
            pass
        else:
            exercise.run(db, scenario, start=start, actor=actor)
            created.append("the Frontier exercise, run to its after-action review")
    from phalanx.services import operations as ops
    from phalanx.services import opsdemo

    with db.read() as conn:
        has_reports = any(r.reports for r in ops.statistics(conn, "channel", [],
                                                            actor=actor).rows) \
            if "channel" in orgs.organization(conn).operations else True
    if not has_reports:
        n = opsdemo.load_channel_demo(db, actor=actor)
        created.append(f"{n} synthetic Channel reports")
    with db.read() as conn:
        has_session = bool([m for m in dec.list_meetings(conn, actor=actor) if not m.exercise])
        org = orgs.organization(conn)
    if not has_session:
        created += _council_session(db, org, actor)
    from phalanx.services import forcesdemo

    if forcesdemo.fits(org) and forcesdemo.existing(db) is None:
        forcesdemo.run(db)
        created.append("a crisis answered by the CRRF, with its decided deployment plan")
    return created


def _council_session(db: Database, org: Any, actor: Principal) -> list[str]:
    """A session of the supreme body: one draft adopted, one returned, one adopted in the
    limited format; and documents of every marking."""
    from datetime import UTC, datetime, timedelta

    from phalanx.domain.access.policy import Marking, OwnerKind
    from phalanx.domain.decisions.consensus import Position
    from phalanx.services import decisions as dec
    from phalanx.services import documents as docs

    created: list[str] = []
    # the supreme body: a body with national seats deciding by default, the one whose
    # default rule allows the limited format first
    today = clock.today(org)
    deciding = [k for k, b in org.bodies.items() if b.seat and b.existence.contains(today)
                and "default" in b.rules.get("decision_rules", {})]
    limited = [k for k in deciding if org.bodies[k].rules["decision_rules"]["default"].get(
        "limited_format")]
    body = next(iter(limited or deciding), None)
    if body is None:
        return []
    opens = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(
        days=2)
    meeting = dec.convene(db, dec.MeetingIn(body=body, opens_at=opens, title=""), actor=actor)
    seated = [a.state for a in meeting.attendance]
    for s in seated:
        dec.record_attendance(db, meeting.id, s, True, actor=actor)
    first = dec.propose_draft(db, dec.DraftIn(
        body=body, meeting_id=meeting.id, title="On the plan of consultations",
        text_en="The Council decides:\n1. To approve the plan of consultations of the foreign "
                "ministers for the next year.\n",
        text_ru="Совет решил:\n1. Утвердить план консультаций министров иностранных дел на "
                "следующий год.\n"), actor=actor)
    voters = [s.state for s in first.stances if s.standing.value == "full"]

    def rep(state: str) -> Principal:
        return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)

    first_draft = first.id
    for s in voters:
        dec.state_position(db, first_draft, Position.SUPPORT, actor=rep(s))
    dec.close_draft(db, first_draft, [dec.TaskIn(
        assignee_kind="secretariat", assignee="secretariat",
        title="Circulate the plan to the members' foreign ministries",
        due_on=opens.date() - timedelta(days=1))], actor=actor)
    created.append("adopted draft")

    returned = dec.propose_draft(db, dec.DraftIn(
        body=body, meeting_id=meeting.id, title="On the joint information policy",
        text_en="The Council decides:\n1. To adopt the joint information policy.\n"),
        actor=actor)
    for i, s in enumerate(voters):
        objecting = i == 1
        dec.state_position(db, returned.id, Position.OBJECT if objecting else Position.SUPPORT,
                           "The text needs consultation with national agencies first."
                           if objecting else "", actor=rep(s))
    # returned under consensus; adopted where the body decides by majority
    outcome = dec.close_draft(db, returned.id, actor=actor).status
    created.append("returned draft" if outcome == "returned" else f"{outcome} draft "
                   "over an objection")

    if limited:  # where the rule allows it: four members take part
        in_limited = dec.propose_draft(db, dec.DraftIn(
            body=body, meeting_id=meeting.id,
            title="On a joint contingent for the border exercise",
            text_en="The participating members decide:\n1. To form a joint contingent.\n"),
            actor=actor)
        for i, s in enumerate(voters):
            dec.state_position(db, in_limited.id, Position.NOT_TAKING_PART if i >= 4
                               else Position.SUPPORT, actor=rep(s))
        dec.close_draft(db, in_limited.id, [dec.TaskIn(
            assignee_kind="body", assignee="joint-staff" if "joint-staff" in org.bodies else body,
            title="Propose the composition of the contingent",
            due_on=opens.date() + timedelta(days=30))], actor=actor)
        created.append("limited-format decision")

    for title, owner_kind, owner, marking, participants, observers in (
        ("Press release on the session", OwnerKind.SECRETARIAT, "secretariat",
         Marking.PUBLIC, [], False),
        ("Assessment of the situation in the area of responsibility", OwnerKind.SECRETARIAT,
         "secretariat", Marking.ORGANIZATION, [], True),
        ("Note on the joint contingent", OwnerKind.BODY, body, Marking.PARTICIPANTS,
         voters[:4], False),
        (f"National report of {voters[2]}", OwnerKind.STATE, voters[2], Marking.NATIONAL, [],
         False),
    ):
        docs.create(db, docs.DocumentIn(title=title, owner_kind=owner_kind, owner=owner,
                                        marking=marking, participants=participants,
                                        observers=observers), actor=actor)
    created.append("documents")
    return created
