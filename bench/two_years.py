"""Two years of use, through the services: ~300 crises with their timelines (official
requests, consultations, decisions, requests and offers of assistance, situation
reports; forces plans for a few), ~60,000 results of the standing operations from the
seven states' agencies (a batch a month per agency in each stage), ~100 sessions with
their drafts and decisions, and the audit trail all this writes (copied outside the
database, with signed checkpoints, as the command line does). Then the list pages and
the API lists, timed per page as the people who read them would ask them.

    .venv/bin/python bench/two_years.py --db /tmp/two-years.db [--seed 7] [--crises 300]
        [--results 60000] [--sessions 100] [--measure-only]

The environment's PHALANX_AUDIT_KEY_FILE (default var/audit-signing.key) says where the
trail's key and its copies go: give a directory of the run's own.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from rich.console import Console  # noqa: E402
from rich.progress import (  # noqa: E402
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table  # noqa: E402

from phalanx.domain.access.principal import SYSTEM, Agency, Principal, Role  # noqa: E402
from phalanx.domain.crisis.workflow import Measure, Stage  # noqa: E402
from phalanx.domain.decisions.consensus import Position  # noqa: E402
from phalanx.domain.decisions.procedure import Mode  # noqa: E402
from phalanx.services import (  # noqa: E402
    crises,
    crisis_obligations,
    crisis_requests,
    identity,
    outbox,
)
from phalanx.services import decisions as dec  # noqa: E402
from phalanx.services import operations as ops  # noqa: E402
from phalanx.services import organization as orgs  # noqa: E402
from phalanx.services.clock import use  # noqa: E402
from phalanx.services.db import Database  # noqa: E402
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound  # noqa: E402

console = Console(width=140)
STATES = ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK"]
SECRETARIAT = Principal("secretariat", Role.SECRETARIAT)
PLANNER = Principal("planner", Role.PLANNER)
PLACES = {"ARM": ("Syunik province", 39.5, 46.3), "BLR": ("Brest region", 52.1, 23.7),
          "KAZ": ("Almaty region", 43.2, 76.9), "KGZ": ("Batken region", 40.06, 70.82),
          "RUS": ("Orenburg region", 51.77, 55.1), "TJK": ("Gorno-Badakhshan", 37.49, 71.55)}
KINDS = [  # category, severity, measures asked, weight
    ("natural_disaster", "severe", [Measure.HUMANITARIAN, Measure.LOGISTIC], 30),
    ("man_made_emergency", "moderate", [Measure.HUMANITARIAN, Measure.LOGISTIC], 20),
    ("drug_trafficking", "moderate", [Measure.POLITICAL, Measure.LOGISTIC], 15),
    ("illegal_migration", "minor", [Measure.POLITICAL, Measure.HUMANITARIAN], 10),
    ("information_attack", "minor", [Measure.POLITICAL, Measure.INFORMATIONAL], 10),
    ("terrorist_act", "severe", [Measure.POLITICAL, Measure.HUMANITARIAN], 10),
    ("armed_attack", "extreme", [Measure.POLITICAL, Measure.HUMANITARIAN, Measure.LOGISTIC],
     5),
]
EVENTS = {"natural_disaster": ["Earthquake", "Floods", "Mudflow", "Wildfires", "Avalanche"],
          "man_made_emergency": ["Dam failure", "Chemical plant fire", "Pipeline explosion",
                                 "Rail accident with hazardous cargo"],
          "drug_trafficking": ["Large heroin consignment", "Clandestine laboratory network"],
          "illegal_migration": ["Mass crossing attempt", "Migrant smuggling ring"],
          "information_attack": ["Attack on government networks", "Disinformation campaign"],
          "terrorist_act": ["Bombing", "Hostage taking"],
          "armed_attack": ["Armed incursion", "Shelling across the border"]}
MOODS = ["stable", "improving", "under control"]
SUBJECTS = ["the budget", "the plan of consultations", "the joint exercises",
            "the information policy", "the training of personnel", "cooperation with the UN"]


def rep(state: str) -> Principal:
    return Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)


def database(url: str) -> Database:
    from phalanx.adapters.db.engine import make_engine
    from phalanx.config import get_settings
    from phalanx.services import audit

    settings = get_settings()
    db = Database(make_engine(url))
    db.before_commit = audit.tail_from(settings, audit.signing_key(settings.audit_key_file)
                                       ).sealed
    return db


# --- the crises ------------------------------------------------------------------------


def one_crisis(db: Database, rng: random.Random, n: int, at: datetime, now: datetime
               ) -> str:
    """A crisis from its report to where it stands `now`: most are closed after their
    response, some are rejected or end without action, the recent ones are still open."""
    category, severity, measures, _ = rng.choices(KINDS, weights=[k[3] for k in KINDS])[0]
    state = rng.choice(STATES)
    place, lat, lon = PLACES[state]
    title = f"{rng.choice(EVENTS[category])} in the {place} ({at:%B %Y})"
    t = at

    def step(minutes: float) -> datetime | None:
        nonlocal t
        t = t + timedelta(minutes=minutes * rng.uniform(0.6, 1.6))
        return t if t < now else None

    with use(t):
        c = crises.open_crisis(db, crises.CrisisIn(
            title=title, category=category, affected=[state], severity=severity,
            place=place, lat=lat + rng.uniform(-0.5, 0.5), lon=lon + rng.uniform(-0.5, 0.5),
            description=f"Report no. {n} of {state}: {title}."), actor=rep(state), at=t)
    cid = c.id
    fate = rng.random()
    if (when := step(50)) is None:
        return "reported"
    with use(when):
        c = crises.convene_consultations(db, cid, actor=SECRETARIAT, at=when)
    if (when := step(120)) is None:
        return "consultations"
    with use(when):
        crises.transition(db, cid, Stage.ASSESSMENT, actor=SECRETARIAT, at=when)
    if fate < 0.25:
        if (when := step(600)) is None:
            return "assessment"
        end = Stage.REJECTED if fate < 0.1 else Stage.NO_ACTION
        with use(when):
            crises.transition(db, cid, end, actor=SECRETARIAT, at=when,
                              reason="Not within the organization's competence." if fate < 0.1
                              else "The affected member handles it with its own means.")
        return end.value
    if (when := step(60)) is None:
        return "assessment"
    with use(when):
        crisis_requests.record_request(db, cid, crisis_requests.OfficialRequestIn(
            state=state, person=f"the President of {state}", office="head_of_state", at=when,
            article="Treaty art. 4" if category == "armed_attack" else "Treaty art. 2",
            measures=measures), actor=rep(state), at=when)
    if (when := step(60)) is None:
        return "assessment"
    with use(when):
        decided = decide(db, cid, f"On assistance to {state} ({title})", measures, rng, when)
    if not decided:
        with use(when):
            crises.transition(db, cid, Stage.NO_ACTION, actor=SECRETARIAT, at=when,
                              reason="No consensus on the assistance.")
        return "no_action"
    if category == "armed_attack":
        with use(when):
            crisis_obligations.mark_sent(db, cid, f"S/{at.year}/{n}", actor=SECRETARIAT,
                                         at=when)
    with use(when):
        crises.transition(db, cid, Stage.DECISION, actor=SECRETARIAT, at=when)
        crises.set_response(db, cid, crises.ResponseIn(measures=measures),
                            actor=SECRETARIAT, at=when)
    if (when := step(20)) is None:
        return "decision"
    with use(when):
        crises.transition(db, cid, Stage.RESPONSE, actor=SECRETARIAT, at=when)
        m = Measure.HUMANITARIAN if Measure.HUMANITARIAN in measures else measures[-1]
        c = crises.request_assistance(db, cid, crises.RequestIn(
            resource=rng.choice(["tents", "field hospitals", "rescue teams", "fuel",
                                 "water purification units"]), measure=m,
            quantity=rng.randint(2, 40), unit="units", needed_by=when + timedelta(days=2)),
            actor=rep(state), at=when)
    req = c.requests[-1]
    offers = []
    for other in rng.sample([s for s in STATES if s != state], rng.randint(1, 3)):
        if (when := step(90)) is None:
            return "response"
        with use(when):
            c = crises.offer_assistance(db, req.id, crises.OfferIn(
                kind="supplies", description=f"supplies from {other}",
                quantity=max(1, req.quantity // 2)), actor=rep(other), at=when)
        offers.append(max(o.id for r in c.requests for o in r.offers))
    for oid in offers:
        if (when := step(30)) is None:
            return "response"
        with use(when):
            crises.decide_offer(db, oid, rng.random() < 0.85, actor=rep(state), at=when)
    for k in range(rng.randint(1, 4)):
        if (when := step(720)) is None:
            return "response"
        with use(when):
            crises.add_sitrep(db, cid, crises.SitrepIn(
                situation=f"Day {k + 1}: the situation is {rng.choice(MOODS)}.",
                casualties=rng.choice(["", "none", "2 injured"]),
                needs=rng.choice(["", "none", "more fuel"])), actor=rep(state), at=when)
    if (when := step(1440)) is None:
        return "response"
    with use(when):
        crises.transition(db, cid, Stage.MONITORING, actor=SECRETARIAT, at=when)
    if (when := step(1440 * 10)) is None:
        return "monitoring"
    with use(when):
        crises.transition(db, cid, Stage.CLOSED, actor=SECRETARIAT, at=when,
                          review="Assistance arrived within the targets.")
    return "closed"


def decide(db: Database, cid: int, title: str, measures: list[Measure], rng: random.Random,
           at: datetime) -> bool:
    """The Council decides in an extraordinary session by video (or an objection returns
    the draft); the decision answers the crisis."""
    with db.read() as conn:
        c = crises.get(conn, cid, actor=SYSTEM, at=at)
        meeting = dec.get_meeting(conn, c.session_id, actor=SYSTEM) if c.session_id else None
    assert meeting is not None
    session = meeting.id
    if meeting.opens_at.astimezone(UTC).date() < at.date():
        try:
            c = crises.convene_session(db, cid, actor=SECRETARIAT, opens_at=at,
                                       body=meeting.body, at=at)
        except Invalid:  # a body that does not meet by video
            c = crises.convene_session(db, cid, actor=SECRETARIAT, opens_at=at,
                                       body=meeting.body, mode=Mode.IN_PERSON, at=at)
        session = c.sessions[-1]
    d = dec.propose_draft(db, dec.DraftIn(
        body=meeting.body, meeting_id=session, title=title,
        text_en="The Council decides to give the affected member the assistance it "
                "requested.", marking=c.marking, measures=measures), actor=SECRETARIAT)
    objects = rng.random() < 0.08
    for i, s in enumerate(d.stances):
        if s.standing.value != "full":
            continue
        dec.record_attendance(db, session, s.state, True, actor=SECRETARIAT)
        dec.state_position(db, d.id, Position.OBJECT if objects and i == 0 else
                           Position.SUPPORT, actor=rep(s.state))
    closed = dec.close_draft(db, d.id, actor=SECRETARIAT)
    if closed.decision_id is None:
        return False
    crises.link_decision(db, cid, closed.decision_id, actor=SECRETARIAT, at=at)
    return True


# --- the sessions ----------------------------------------------------------------------


def one_session(db: Database, rng: random.Random, body: str, at: datetime, n: int) -> int:
    """A regular session with two to four drafts: most adopted (with a task), some
    returned after an objection. Returns the drafts proposed."""
    with use(at):
        meeting = dec.convene(db, dec.MeetingIn(body=body, opens_at=at, place="Moscow",
                                                title=f"Session {n}"), actor=SECRETARIAT)
        seated = [a.state for a in meeting.attendance]
        for s in seated:
            dec.record_attendance(db, meeting.id, s, rng.random() < 0.97, actor=SECRETARIAT)
        drafts = rng.randint(2, 4)
        for k in range(drafts):
            d = dec.propose_draft(db, dec.DraftIn(
                body=body, meeting_id=meeting.id,
                title=f"On item {k + 1} of session {n}: {rng.choice(SUBJECTS)}",
                text_en=f"The Council decides:\n1. To approve the document on item {k + 1}.\n"),
                actor=SECRETARIAT)
            objecting = rng.random() < 0.1
            for i, s in enumerate(d.stances):
                if s.standing.value != "full":
                    continue
                with contextlib.suppress(Invalid, Conflict, Forbidden):  # absent
                    dec.state_position(db, d.id, Position.OBJECT if objecting and i == 1
                                       else Position.SUPPORT, actor=rep(s.state))
            tasks = [dec.TaskIn(assignee_kind="secretariat", assignee="secretariat",
                                title=f"Carry out item {k + 1} of session {n}",
                                due_on=at.date() + timedelta(days=rng.randint(10, 120)))]
            dec.close_draft(db, d.id, [] if objecting else tasks, actor=SECRETARIAT)
    return drafts


# --- the operations' results ----------------------------------------------------------


def months(start: date, end: date) -> Iterator[tuple[date, date]]:
    first = start.replace(day=1)
    while first <= end:
        nxt = (first + timedelta(days=32)).replace(day=1)
        yield max(first, start), min(nxt - timedelta(days=1), end)
        first = nxt


def result_rows(rng: random.Random, kind: str, state: str, agency: str, stage: str,
                span: tuple[date, date], n: int) -> Iterator[tuple[int, dict[str, Any]]]:
    from phalanx.services.opsdemo import PLACES as OPS_PLACES
    from phalanx.services.opsdemo import ROUTES, SUBSTANCES

    place = OPS_PLACES.get(state, ("capital", None, None))[0]
    days = (span[1] - span[0]).days
    routes = [r for r in ROUTES if r[1] == state] or ROUTES[:1]
    for i in range(n):
        row: dict[str, Any] = {
            "reference": f"{state}-{agency}-{span[0]:%Y%m}-{i:04d}",
            "date": (span[0] + timedelta(days=rng.randint(0, days))).isoformat(),
            "stage": stage, "area": place}
        r = rng.random()
        if kind == "anti_drug":
            if r < 0.7:
                a, b = rng.choice(routes)[:2]
                row.update(metric="seizure", unit="kg", route_from=a, route_to=b,
                           substance=rng.choices([s for s, _ in SUBSTANCES],
                                                 [w for _, w in SUBSTANCES])[0],
                           quantity=round(rng.lognormvariate(2.5, 1.1), 2))
            else:
                row.update(metric=rng.choice(["firearms", "ammunition", "detained",
                                              "criminal_cases"]), quantity=rng.randint(1, 50))
        elif kind == "migration":
            row.update(metric=rng.choice(["irregular_migrants", "facilitation_groups",
                                          "detained"]), quantity=rng.randint(1, 40))
        else:
            row.update(metric=rng.choice(["resources_blocked", "criminal_cases"]),
                       quantity=rng.randint(1, 200))
        yield i + 1, row


def result_batches(db: Database, today: date) -> list[tuple[str, str, str, str, str,
                                                            tuple[date, date]]]:
    with db.read() as conn:
        org = orgs.organization(conn)
    out = []
    for key in org.operations:
        with db.read() as conn:
            op = ops.operation(conn, key)
        for stage in op["stages"]:
            s, e = date.fromisoformat(str(stage["start"])), date.fromisoformat(str(stage["end"]))
            for span in months(s, min(e, today)):
                for state, agencies in sorted(op["agencies"].items()):
                    if state not in STATES:
                        continue
                    for agency in agencies:
                        out.append((key, op["kind"], state, agency, stage["key"], span))
    return out


# --- the run -----------------------------------------------------------------------------


def generate(db: Database, args: argparse.Namespace) -> dict[str, int]:
    rng = random.Random(args.seed)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=730)
    with db.read() as conn:
        org = orgs.organization(conn)
    council = next(k for k, b in org.bodies.items() if b.seat and b.rules.get(
        "decision_rules", {}).get("default", {}).get("limited_format"))
    others = [k for k, b in org.bodies.items() if b.seat and k != council][:3] or [council]
    batches = result_batches(db, now.date())
    per_batch = max(1, args.results // max(1, len(batches)))
    counts = {"crises": 0, "sessions": 0, "drafts": 0, "results": 0}
    fates: dict[str, int] = {}
    with Progress(TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("crises", total=args.crises)
        days = sorted(start + timedelta(minutes=rng.randint(0, 730 * 1440))
                      for _ in range(args.crises))
        for n, at in enumerate(days, 1):
            try:
                fate = one_crisis(db, rng, n, at, now)
            except (Invalid, Conflict, Forbidden, NotFound) as exc:
                fate = "refused"
                console.print(f"crisis {n}: refused: {exc}")
            fates[fate] = fates.get(fate, 0) + 1
            counts["crises"] += 1
            bar.advance(task)
        task = bar.add_task("sessions", total=args.sessions)
        for n in range(1, args.sessions + 1):
            at = (start + timedelta(days=730 * n / (args.sessions + 1))).replace(
                hour=10, minute=0, second=0)
            body = council if n % 3 == 0 else others[n % len(others)]
            try:
                counts["drafts"] += one_session(db, rng, body, at, n)
                counts["sessions"] += 1
            except (Invalid, Conflict, Forbidden, NotFound) as exc:
                console.print(f"session {n} of {body}: {exc}")
            bar.advance(task)
        with db.read() as conn:
            tasks = dec.list_tasks(conn, actor=SECRETARIAT)
        task = bar.add_task("tasks carried out", total=len(tasks))
        for x in tasks:  # most are done in time; some are late, some forgotten
            if x.due_on < now.date() and rng.random() < 0.85:
                day = x.due_on - timedelta(days=rng.randint(-10, 20))
                with use(datetime.combine(min(day, now.date()), datetime.min.time(), UTC)):
                    dec.update_task(db, x.id, "done", "carried out", x.revision,
                                    actor=SECRETARIAT)
                counts["tasks done"] = counts.get("tasks done", 0) + 1
            bar.advance(task)
        task = bar.add_task("result batches", total=len(batches))
        for key, kind, state, agency, stage, span in batches:
            reporter = Principal(f"reporter-{state.lower()}-{agency}", Role.REPORTER,
                                 state=state, agency=Agency(agency))
            n = max(1, int(per_batch * rng.uniform(0.6, 1.4)))
            r = ops.ingest(db, key, state, agency,
                           result_rows(rng, kind, state, agency, stage, span, n),
                           actor=reporter, source=f"{state} {agency} {span[0]:%Y-%m}.csv")
            counts["results"] += r.stored
            bar.advance(task)
        readers = users(db)
        task = bar.add_task("notifications read", total=len(readers))
        for reader in readers:  # each reads some of its notices on the way, one by one
            with db.read() as conn:
                unread = outbox.mine(conn, actor=reader, limit=100_000, unread=True)
            for n in unread:
                if rng.random() < 0.4:
                    outbox.acknowledge(db, n.id, actor=reader)
                    counts["notifications read"] = counts.get("notifications read", 0) + 1
            bar.advance(task)
        for key in org.operations:
            for state in STATES:
                with contextlib.suppress(Invalid, Conflict, Forbidden, NotFound):
                    ops.release(db, key, actor=rep(state), to_observers=state in ("KAZ",))
    console.print("crises by where they stand: " + ", ".join(
        f"{k} {v}" for k, v in sorted(fates.items())))
    return counts


def users(db: Database) -> list[Any]:
    with db.read() as conn:
        return [u for u in identity.list_users(conn) if u.role is not Role.SYSTEM]


def setup(db: Database) -> None:
    from phalanx.adapters.db.migrate import upgrade
    from phalanx.dataset import loader
    from phalanx.services import demo

    upgrade(db.engine)
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    demo.ensure_demo_accounts(db, actor=SYSTEM)
    for state in STATES:
        for agency in ("customs", "police"):
            name = f"reporter-{state.lower()}-{agency}"
            with db.read() as conn:
                if identity.user_exists(conn, name):
                    continue
            identity.add_user(db, identity.NewUser(
                name, f"demo-{name}", Role.REPORTER, state, Agency(agency), None,
                display_name=name, email=f"{name}@demo.phalanx.invalid", demo=True),
                actor=SYSTEM)


# --- the measurement ------------------------------------------------------------------------

PAGES = {  # who reads, what
    "secretariat": ["/inbox", "/crises", "/crises?closed=true", "/decisions", "/sessions",
                    "/tasks", "/documents", "/alerts", "/operations/channel",
                    "/crises?closed=true&state=KAZ&year=2025", "/api/v1/crises",
                    "/api/v1/crises?closed=true", "/api/v1/crises?closed=true&limit=500",
                    "/api/v1/crises?closed=true&state=KAZ&stage=closed", "/api/v1/decisions",
                    "/api/v1/sessions", "/api/v1/tasks", "/api/v1/notifications",
                    "/api/v1/timeline", "/api/v1/operations/channel/statistics"],
    "rep-kaz": ["/inbox", "/crises", "/crises?closed=true", "/decisions", "/sessions",
                "/tasks", "/operations/channel", "/api/v1/crises?closed=true",
                "/api/v1/decisions", "/api/v1/sessions", "/api/v1/notifications"],
    "planner": ["/inbox", "/crises", "/forces"],
    "auditor": ["/inbox", "/audit", "/audit?actor=rep-kaz&page=3", "/api/v1/audit",
                "/api/v1/audit?action=crisis.transition&offset=2000"],
    "observer": ["/inbox", "/crises", "/operations/channel"],
}
PASSWORDS = {"secretariat": "demo-secretariat", "rep-kaz": "demo-rep-kaz",
             "planner": "demo-planner-pass", "auditor": "demo-auditor-pass",
             "observer": "demo-observer-pass"}


def measure(url: str, extra: list[str]) -> list[tuple[str, str, int, float, float, str]]:
    """Every list page as its readers ask for it: the server's time (median of three) and
    the size of what comes back; the API with a token of the same user."""
    from fastapi.testclient import TestClient

    from phalanx.adapters.db.engine import make_engine
    from phalanx.config import Settings
    from phalanx.services import tokens
    from phalanx.web.app import create_app

    db = Database(make_engine(url))
    app = create_app(Settings(database_url=url), db=db)
    table = Table("who", "page", "status", "ms (median of 3)", "KiB", "rows")
    table.columns[1].no_wrap = True
    found = []
    for who, pages in PAGES.items():
        bearer = {"Authorization": f"Bearer {tokens.issue_token(db, who, actor=SYSTEM).token}"}
        with TestClient(app, base_url="https://testserver") as client:
            client.get("/login")
            client.post("/login", data={"username": who, "password": PASSWORDS[who],
                                        "csrf_token": client.cookies.get("phalanx_login_csrf")},
                        follow_redirects=False)
            for page in pages + [p for p in extra if p]:
                headers = bearer if page.startswith("/api/") else {}
                times, size, status, rows = [], 0, 0, ""
                for _ in range(3):
                    t0 = time.perf_counter()
                    resp = client.get(page, headers=headers)
                    times.append((time.perf_counter() - t0) * 1000)
                    size, status = len(resp.content), resp.status_code
                if resp.headers.get("content-type", "").startswith("application/json"):
                    body = resp.json()
                    rows = str(len(body)) if isinstance(body, list) else str(
                        len(body.get("items", body.get("rows", []))))
                else:
                    rows = str(max(0, resp.text.count("<tr") - 1))
                ms = statistics.median(times)
                found.append((who, page, status, ms, size / 1024, rows))
                table.add_row(who, page, str(status), f"{ms:.0f}", f"{size / 1024:.0f}", rows)
    console.print(table)
    return found


def audit_commands(url: str, workdir: Path) -> None:
    """`phalanx audit verify` and `audit export` on the trail: time and peak memory."""
    import subprocess
    import tempfile

    env = {**os.environ, "PHALANX_DATABASE_URL": url,
           "PYTHONPATH": str(ROOT / "src")}
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        for name, args in (("audit verify", ["audit", "verify"]),
                           ("audit export", ["audit", "export", f"{tmp}/trail.jsonl"])):
            t0 = time.perf_counter()
            done = subprocess.run(["/usr/bin/time", "-f", "peak %M KiB",
                                   str(Path(sys.executable).parent / "phalanx"), *args],
                                  env=env, capture_output=True, text=True)
            took = time.perf_counter() - t0
            peak = done.stderr.strip().rsplit("\n", 1)[-1]
            console.print(f"{name}: {took:.1f} s, {peak}, exit {done.returncode}: "
                          f"{done.stdout.strip()[:100]}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--db", default="/tmp/two-years.db", help="an SQLite file, or --url")
    p.add_argument("--url", default="")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--crises", type=int, default=300)
    p.add_argument("--results", type=int, default=60_000)
    p.add_argument("--sessions", type=int, default=100)
    p.add_argument("--measure-only", action="store_true")
    p.add_argument("--page", action="append", default=[], help="another page to time")
    p.add_argument("--pg", action="store_true",
                   help="on a throwaway PostgreSQL cluster (as the tests start one)")
    args = p.parse_args()
    if args.pg and not args.url:
        sys.path.insert(0, str(ROOT))
        from tests.support.postgres import throwaway_cluster

        with throwaway_cluster() as url:
            run(url, args)
        return
    run(args.url or f"sqlite:///{args.db}", args)


def run(url: str, args: argparse.Namespace) -> None:
    if not args.measure_only:
        db = database(url)
        setup(db)
        t0 = time.perf_counter()
        counts = generate(db, args)
        from sqlalchemy import func, select

        from phalanx.adapters.db import tables as t
        with db.read() as conn:
            entries = conn.execute(select(func.count()).select_from(t.audit_log)).scalar_one()
        console.print(f"generated in {time.perf_counter() - t0:.0f} s: " + ", ".join(
            f"{v:,} {k}" for k, v in counts.items()) + f", {entries:,} audit entries; "
            f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    measure(url, args.page)
    audit_commands(url, Path(args.db).parent)


if __name__ == "__main__":
    main()
