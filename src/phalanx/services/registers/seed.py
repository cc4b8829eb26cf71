"""Fill the registers from the dataset when it is loaded (same transaction as the
load). Items are matched by key (a stable key is derived for items without one): a new
item is inserted, one already stored is left as it is, so a reload never overwrites
what was recorded since."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, insert

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.domain.access.policy import Marking, OwnerKind
from phalanx.domain.access.principal import SYSTEM
from phalanx.domain.organization import Organization
from phalanx.services.registers.common import classified, key_taken, pack, stable_key


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _new(conn: Connection, table: Table, key: str) -> bool:
    return not key_taken(conn, table, key)


def seed(conn: Connection, org: Organization) -> dict[str, int]:
    """Insert the dataset's register items that are not stored yet; counts per table."""
    counts: dict[str, int] = {}

    def add(table: Table, values: dict[str, Any]) -> int:
        counts[table.name] = counts.get(table.name, 0) + 1
        return int(conn.execute(insert(table).values(**values).returning(table.c.id))
                   .scalar_one())

    reg = org.registers
    if pa := reg.get("parliamentary_assembly"):
        owner = pa["body"]
        for law in pa.get("model_laws", []):
            if not _new(conn, t.model_law, law["key"]):
                continue
            law_id = add(t.model_law, dict(
                key=law["key"], kind=law["kind"], title_en=law["title"]["en"],
                title_ru=law["title"]["ru"], commission=law["commission"],
                drafted_on=_d(law["drafted"]), adopted_on=_d(law["adopted"]),
                status="adopted" if law["adopted"] else "drafted", text=law["text"],
                illustrative=law["illustrative"], source=law["source"], revision=1,
                **classified(OwnerKind.BODY, owner, Marking.PUBLIC)))
            for tr in sorted(law.get("transposition", []), key=lambda x: x["on"]):
                values = dict(status=tr["status"], reference=tr["reference"])
                add(t.transposition, dict(model_law_id=law_id, state_code=tr["state"],
                                          changed_on=_d(tr["on"]), note=tr["note"], **values))
                add(t.transposition_event, dict(model_law_id=law_id, state_code=tr["state"],
                                                on_date=_d(tr["on"]), actor="dataset",
                                                **values))
        for fs in pa.get("field_sessions", []):
            key = stable_key("fs", fs["commission"], fs["start"], fs["state"])
            if _new(conn, t.pa_field_session, key):
                add(t.pa_field_session, dict(
                    key=key, commission=fs["commission"], state_code=fs["state"],
                    place=fs["place"], start_on=_d(fs["start"]), end_on=_d(fs["end"]),
                    topic=fs["topic"], report=fs["report"], illustrative=fs["illustrative"],
                    source=fs["source"],
                    **classified(OwnerKind.BODY, fs["commission"], Marking.PUBLIC)))
    if mt := reg.get("military_technical"):
        for sp in mt.get("supplies", []):
            if not _new(conn, t.supply_agreement, sp["key"]):
                continue
            sid = add(t.supply_agreement, dict(
                key=sp["key"], supplier=sp["supplier"], recipient=sp["recipient"],
                category=sp["category"], item=sp["item"], quantity=sp["quantity"],
                value=sp["value"], currency=sp["currency"], agreed_on=_d(sp["agreed"]),
                due_on=_d(sp["due"]), illustrative=sp["illustrative"], source=sp["source"],
                created_by="dataset",
                **classified(OwnerKind.SECRETARIAT, "secretariat", Marking.PARTICIPANTS,
                             frozenset({sp["supplier"], sp["recipient"]}))))
            for dl in sp.get("deliveries", []):
                add(t.supply_delivery, dict(agreement_id=sid, quantity=dl["quantity"],
                                            value=dl["value"], delivered_on=_d(dl["on"]),
                                            note=dl["note"], created_by="dataset"))
        for pr in mt.get("programmes", []):
            if _new(conn, t.mtc_programme, pr["key"]):
                add(t.mtc_programme, dict(
                    key=pr["key"], title_en=pr["title"]["en"], title_ru=pr["title"]["ru"],
                    kind=pr["kind"], states=pack(pr["states"]), start_on=_d(pr["start"]),
                    end_on=_d(pr["end"]), status=pr["status"],
                    illustrative=pr["illustrative"], source=pr["source"],
                    **classified(OwnerKind.SECRETARIAT, "secretariat", Marking.ORGANIZATION)))
    if tr := reg.get("training"):
        insts = {i["key"]: i for i in tr["institutions"]}
        c = t.training_quota.c
        for q in tr.get("quotas", []):
            if conn.execute(access.select_visible(t.training_quota, SYSTEM, c.id).where(
                    c.year == q["year"], c.institution == q["institution"])).first():
                continue
            inst = insts[q["institution"]]
            qid = add(t.training_quota, dict(
                year=q["year"], institution=q["institution"], host_state=inst["state"],
                institution_type=inst["type"], offered=q["offered"],
                illustrative=q["illustrative"], source=q["source"], revision=1,
                **classified(OwnerKind.STATE, inst["state"], Marking.ORGANIZATION)))
            for a in q.get("allocations", []):
                add(t.training_allocation, dict(quota_id=qid, state_code=a["state"],
                                                allocated=a["allocated"],
                                                enrolled=a["enrolled"],
                                                graduated=a["graduated"]))
    for ex in reg.get("exercises", []):
        if not _new(conn, t.joint_exercise, ex["key"]):
            continue
        eid = add(t.joint_exercise, dict(
            key=ex["key"], name_en=ex["name"]["en"], name_ru=ex["name"]["ru"],
            series=ex["series"], start_on=_d(ex["start"]), end_on=_d(ex["end"]),
            host_state=ex["host"], place=ex["place"], scenario=ex["scenario"],
            description=ex["description"], illustrative=ex["illustrative"],
            source=ex["source"],
            **classified(OwnerKind.SECRETARIAT, "secretariat", Marking(ex["marking"]))))
        for p in ex.get("participants", []):
            add(t.exercise_participant, dict(exercise_id=eid, state_code=p["state"],
                                             formation=p["formation"], unit_key=p["unit"],
                                             strength=p["strength"]))
        for f in ex.get("findings", []):
            owner_kind, owner = ((OwnerKind.STATE, f["owner"]) if f["owner"] in org.states
                                 else (OwnerKind.SECRETARIAT, "secretariat"))
            done = f["status"] == "done"
            add(t.exercise_finding, dict(
                exercise_id=eid, title=f["title"], assignee=f["owner"], due_on=_d(f["due"]),
                status=f["status"], completed_on=_d(f["due"]) if done else None, note="",
                revision=1, **classified(owner_kind, owner, Marking.ORGANIZATION)))
    if er := reg.get("external_relations"):
        for ins in er.get("instruments", []):
            key = stable_key("ins", ins["partner"], ins["kind"], ins["title"])
            if _new(conn, t.ext_instrument, key):
                add(t.ext_instrument, dict(
                    key=key, partner=ins["partner"], kind=ins["kind"], title=ins["title"],
                    signed_on=_d(ins["signed"]), until_on=_d(ins["until"]),
                    scope=ins["scope"], illustrative=ins["illustrative"],
                    source=ins["source"],
                    **classified(OwnerKind.SECRETARIAT, "secretariat", Marking.PUBLIC)))
        for ev in er.get("events", []):
            key = stable_key("ev", ev["partner"], ev["kind"], ev["on"], ev["title"])
            if _new(conn, t.ext_event, key):
                add(t.ext_event, dict(
                    key=key, partner=ev["partner"], kind=ev["kind"], on_date=_d(ev["on"]),
                    title=ev["title"], by_body=ev["by"], text=ev["text"],
                    illustrative=ev["illustrative"], source=ev["source"],
                    **classified(OwnerKind.SECRETARIAT, "secretariat",
                                 Marking(ev["marking"]))))
    return counts
