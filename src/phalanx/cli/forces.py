"""`phalanx plan` and `phalanx cot serve`: the deployment planner and the
Cursor-on-Target feed from the command line."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from phalanx.cli.common import database, emit_json, err, fail, operator, out
from phalanx.domain.forces.planner import Plan
from phalanx.services import forces
from phalanx.services.errors import Conflict, Forbidden, Invalid, NotFound

cot_app = typer.Typer(no_args_is_help=True, help="The Cursor-on-Target feed for TAK clients.")


def plan(
    crisis: Annotated[int, typer.Option("--crisis", help="The crisis to plan for.", min=1)],
    time_limit: Annotated[float, typer.Option("--time-limit", min=0.5, max=3600,
                                              help="Seconds for the improvement.")] = 10.0,
    seed: Annotated[int, typer.Option(min=0, help="Same inputs and seed, same plan.")] = 0,
    decide: Annotated[bool, typer.Option("--decide", help="Decide the plan at once.")] = False,
    withdrawal: Annotated[bool, typer.Option(
        "--withdrawal", help="Plan the way home after the mission instead.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Plan the deployment for a crisis (and the crises competing with it): the plan,
    its lower bound and gap, stored as proposed on the crisis. With --withdrawal, after
    the mission: the return of the deployed units to their garrisons."""
    db = database()
    best: list[Plan] = []
    started = time.perf_counter()
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                      disable=as_json, console=err, transient=True) as progress:
            task = progress.add_task("planning", total=time_limit)

            def seen(p: Plan) -> None:
                best.append(p)
                progress.update(task, completed=min(time_limit,
                                                    time.perf_counter() - started),
                                description=f"{p.method}: "
                                            f"{p.objective.closure:.1f} weighted h, "
                                            f"{p.objective.uncovered} uncovered")

            # the command line may run longer than a web request may
            if withdrawal:
                result = forces.plan_withdrawal(db, crisis, forces.WithdrawalIn.model_construct(
                    time_limit=time_limit, seed=seed), actor=operator())
            else:
                result = forces.run_plan(db, crisis, forces.PlanIn.model_construct(
                    time_limit=time_limit, seed=seed), actor=operator(), on_plan=seen)
        if decide:
            result = forces.decide_plan(db, result.id, actor=operator())
    except (Invalid, Forbidden, NotFound, Conflict) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        emit_json(result)
        return
    mine = [m for m in result.movements if m.crisis_id == crisis]
    gap = "—" if result.gap is None else f"{result.gap:.1%}"
    better = "" if result.improvement is None else f" ({result.improvement:.1%} better)"
    out.print(f"{result.kind} plan {result.id} for crisis {crisis} ({result.status}); "
              "crises planned "
              f"together: {', '.join(map(str, result.crises))}", highlight=False)
    closes = max((m.arrive for m in mine), default=None)
    out.print(f"objective {result.objective['closure']:.1f} weighted h{better}"
              + (f" (this crisis closes {closes:%m-%d %H:%M} UTC)" if closes else "")
              + f"; greedy {result.greedy['closure']:.1f} weighted h; lower bound "
              f"{result.bound:.1f} weighted h; gap {gap}"
              + (" over the requirements covered" if result.uncovered and result.gap
                 is not None else "")
              + ("; optimal: the plan reaches its lower bound" if result.optimal else "")
              + f"; {result.solver_status} in {result.seconds:.1f} s", highlight=False)
    # moments in UTC, and said so (the organization's day of them is not UTC's)
    table = Table("req", "unit", "state", "mode", "departs (UTC)", "arrives (UTC)", "late")
    for m in mine:
        table.add_row(m.label or str(m.requirement), m.unit, m.state,
                      m.mode + (_lift(m.sorties) if m.sorties else ""),
                      m.depart.strftime("%m-%d %H:%M") if m.depart else "",
                      m.arrive.strftime("%m-%d %H:%M"),
                      f"{m.late_h:.1f} h" if m.late_h > 0 else "")
    out.print(table)
    for m in mine:
        if m.boards:  # from a garrison without an airfield: by ground to it first
            verb = "boards at" if result.kind == "deployment" else "lands at"
            out.print(f"{m.unit}: {verb} {m.boards} ({m.boards_h or 0:.1f} h by ground)",
                      highlight=False)
        if m.lands:  # to or from a place without an airfield: by ground from or to it
            said = (f"lands at {m.lands}, then {m.lands_h or 0:.1f} h by ground"
                    if result.kind == "deployment"
                    else f"boards at {m.lands} ({m.lands_h or 0:.1f} h by ground)")
            out.print(f"{m.unit or 'a restricted unit'}: {said}", highlight=False)
    for u in result.uncovered:
        if u["crisis_id"] == crisis:
            out.print(f"uncovered: requirement {u['requirement']} ({u['capability']} "
                      f"{u['strength']})" + _why_uncovered(u), highlight=False)
    for w in result.warnings:
        err.print(f"warning: {w}", highlight=False, markup=False)


def _why_uncovered(u: dict[str, Any]) -> str:
    if u.get("short"):
        return (" — every available unit of that capability is already assigned to the "
                "other sites or parts of the requirement")
    if u["proven"]:
        return " — no available unit can meet it"
    if not u.get("taken"):
        return ""
    named = "; ".join(f"{x['unit']} serves requirement {x['requirement']}"
                      + (f" (crisis {x['crisis_id']})" if x["crisis_id"] != u["crisis_id"]
                         else "") for x in u["taken_by"])
    return (" — every unit able to meet it serves another requirement of this plan"
            + (f": {named}" if named else ""))


@cot_app.command("serve")
def cot_serve(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8087,
    interval: Annotated[float, typer.Option(min=1)] = 30.0,
    tls_cert: Annotated[Path | None, typer.Option(help="The server's certificate (PEM).")
                        ] = None,
    tls_key: Annotated[Path | None, typer.Option(help="Its private key (PEM).")] = None,
    client_ca: Annotated[Path | None, typer.Option(
        help="Require client certificates signed by this CA (PEM); the certificate's "
             "common name is the username.")] = None,
) -> None:
    """Serve units, bases and open crises as CoT events over TCP or TLS, to each client
    what its user may see. A client sends an API token as its first line, or shows a
    client certificate; both are checked again before every send."""
    from phalanx.services import cot

    if (tls_cert is None) != (tls_key is None) or (client_ca and tls_cert is None):
        raise fail("--tls-cert and --tls-key go together; --client-ca needs them", code=2)
    if tls_cert is None and host not in ("127.0.0.1", "::1", "localhost"):
        raise fail(f"--host {host}: tokens would cross the network in clear; give "
                   "--tls-cert and --tls-key", code=2)
    tls = None
    if tls_cert is not None and tls_key is not None:
        try:
            tls = cot.tls_context(str(tls_cert), str(tls_key),
                                  str(client_ca) if client_ca else None)
        except (OSError, ValueError) as exc:
            raise fail(f"TLS: {exc}") from exc
    err.print(f"CoT feed on {'tls' if tls else 'tcp'}://{host}:{port}, every {interval:g} s"
              + (", client certificates required" if client_ca else ", API token first"),
              highlight=False)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(cot.serve(database(), host, port, interval=interval, tls=tls))


def _lift(sorties: list[dict[str, Any]]) -> str:
    """The sorties and the aircraft that fly them, e.g. " ×6 (kant-il76-2 +5)"."""
    planes = sorted({s["aircraft"] for s in sorties})
    more = f" +{len(planes) - 1}" if len(planes) > 1 else ""
    return f" ×{len(sorties)} ({planes[0]}{more})"
