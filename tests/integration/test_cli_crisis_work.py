"""The Secretariat's work on a crisis from the command line, as the API does it: a crisis
opened, its official request recorded (its moment given with its offset), the members'
answers to the obligation of assistance, a draft under the written procedure signed by
telephone and adopted, the draft tied to the crisis's file and untied, the timeline, the
decision exported. The same refusals as the API's, each a line naming what is wrong and a
non-zero exit with nothing written; a command run twice does its work once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from phalanx.services.db import Database
from tests.support.cli import cli_database, ok, refused
from tests.support.days import working_deadline


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    yield from cli_database(tmp_path, monkeypatch)




def entries(db: Database, action: str) -> list[dict[str, object]]:
    with db.read() as conn:
        return [{"actor": r.actor, **json.loads(r.change)} for r in conn.exec_driver_sql(
            "SELECT actor, change FROM audit_log WHERE action = ? ORDER BY id", (action,))]


def open_crisis() -> int:
    c = json.loads(ok("crises", "open", "--title", "Shelling at the border", "--category",
                      "armed_attack", "--affected", "kgz", "--json"))
    assert c["affected"] == ["KGZ"] and c["stage"] == "reported"
    return int(c["id"])


def request(crisis: int, at: str) -> list[str]:
    return ["crises", "request", str(crisis), "KGZ", "--person", "Sadyr Japarov",
            "--office", "head_of_state", "--at", at, "--article", "Treaty art. 4",
            "--measure", "military_crrf", "--period-days", "30", "--json"]


def test_an_official_request_is_stored_at_its_moment_and_recorded_once(cli: Database
                                                                       ) -> None:
    crisis = open_crisis()
    made = (datetime.now(UTC) - timedelta(hours=2)).replace(second=0, microsecond=0)
    local = made.astimezone(timezone(timedelta(hours=6)))
    r = json.loads(ok(*request(crisis, local.isoformat())))
    assert datetime.fromisoformat(r["at"]) == made
    assert r["at"].endswith("Z")
    # the same request again (written in UTC this time): refused, nothing written
    said = refused(*request(crisis, made.isoformat()))
    assert f"is recorded already (request {r['id']})" in said
    shown = json.loads(ok("crises", "show", str(crisis), "--json"))
    assert len(shown["official_requests"]) == 1
    assert len(entries(cli, "crisis.official_request")) == 1
    # a bad option is named as the officer typed it
    assert "--office:" in refused("crises", "request", str(crisis), "KGZ", "--person", "X",
                                  "--office", "king", "--at", made.isoformat(), "--article",
                                  "Treaty art. 4", "--measure", "military_crrf")
    assert "--at: 'yesterday' is not a date and time" in refused(
        *request(crisis, "yesterday"))
    assert "--category: unknown category 'flood'" in refused(
        "crises", "open", "--title", "T", "--category", "flood", "--affected", "KGZ")


def test_a_members_answer_given_by_telephone_is_recorded_once(cli: Database) -> None:
    crisis = open_crisis()
    ok(*request(crisis, (datetime.now(UTC) - timedelta(hours=1)).isoformat()))
    lines = json.loads(ok("crises", "obligations", str(crisis), "--json"))["obligations"]
    assert {x["state"] for x in lines} >= {"KAZ", "RUS"}
    assert all(x["due_at"] and x["answer"] is None for x in lines)
    answered = json.loads(ok("crises", "answer", str(crisis), "kaz", "--answer", "forces",
                             "--detail", "a battalion", "--json"))
    kaz = next(x for x in answered if x["state"] == "KAZ")
    assert (kaz["answer"], kaz["detail"]) == ("forces", "a battalion")
    # run again: refused, the answer stands once; replaced only as read
    said = refused("crises", "answer", str(crisis), "KAZ", "--answer", "forces",
                   "--detail", "a battalion")
    assert "was given meanwhile" in said and "--replaces" in said
    assert "changed since it was read" in refused(
        "crises", "answer", str(crisis), "KAZ", "--answer", "other", "--detail", "aid",
        "--replaces", "20000101T000000.000000Z")
    ok("crises", "answer", str(crisis), "KAZ", "--answer", "other", "--detail", "aid",
       "--replaces", kaz["version"])
    assert [e["answer"] for e in entries(cli, "crisis.obligation")] == ["forces", "other"]
    assert all(e["actor"].startswith("system:") for e in entries(cli, "crisis.obligation"))
    assert "detail: a member that declines states its reason" in refused(
        "crises", "answer", str(crisis), "RUS", "--answer", "declined")
    assert "KGZ owes no answer" in refused(
        "crises", "answer", str(crisis), "KGZ", "--answer", "other", "--detail", "aid")
    # no decision yet: no notice to the UN Security Council to record
    assert "has no notice to the UN Security Council open" in refused(
        "crises", "un-notice", str(crisis), "--reference", "S/2026/1")
    assert entries(cli, "crisis.un_notice") == []
    events = json.loads(ok("crises", "timeline", str(crisis), "--json"))
    assert [e["kind"] for e in events][:2] == ["stage", "request"]
    assert events[-1]["text"] == "KAZ: other — aid"


def test_a_draft_is_tied_to_the_crisis_signed_adopted_and_exported(
        cli: Database, tmp_path: Path) -> None:
    crisis = open_crisis()
    draft = json.loads(ok("decisions", "circulate", "--body", "csc", "--title",
                          "On assistance", "--text-en", "To assist.", "--deadline",
                          working_deadline(3).isoformat(), "--json"))
    did = str(draft["id"])
    tied = json.loads(ok("crises", "tie", str(crisis), did, "--reason", "its subject",
                         "--json"))
    assert [(x["id"], x["tie"], x["reason"]) for x in tied] == [
        (draft["id"], "tied", "its subject")]
    assert "is already in crisis" in refused("crises", "tie", str(crisis), did, "--reason",
                                             "again")
    assert "reason: say why" in refused("crises", "untie", str(crisis), did, "--reason", " ")
    assert json.loads(ok("crises", "untie", str(crisis), did, "--reason", "a mistake",
                         "--json")) == []
    assert "is not in crisis" in refused("crises", "untie", str(crisis), did, "--reason", "x")
    ties = entries(cli, "draft.crisis_tie") + entries(cli, "draft.crisis_untie")
    assert [(e["crisis"], e["reason"]) for e in ties] == [(crisis, "its subject"),
                                                          (crisis, "a mistake")]
    assert all(e["actor"].startswith("system:") for e in ties)
    assert "no draft 999" in refused("crises", "tie", str(crisis), "999", "--reason", "x")

    order = draft["signing_order"]
    assert f"it is {order[0]}'s turn to sign" in refused("decisions", "sign", did, order[1])
    ok("decisions", "sign", did, order[0].lower())
    assert f"{order[0]} has already answered" in refused("decisions", "sign", did, order[0])
    for state in order[1:]:
        ok("decisions", "sign", did, state)
    shown = json.loads(ok("decisions", "draft", did, "--json"))
    assert shown["written_status"] == "adopted"
    assert [a["state"] for a in shown["answers"]] == order
    assert f"draft {did} is already adopted" in refused("decisions", "close", did)
    decision = json.loads(ok("decisions", "list", "--json"))[0]
    assert decision["title"] == "On assistance"

    pdf = tmp_path / "decision.pdf"
    ok("decisions", "export", str(decision["id"]), str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "exists: give a new file" in refused("decisions", "export",
                                                str(decision["id"]), str(pdf))
    akn = tmp_path / "decision.xml"
    ok("decisions", "export", str(decision["id"]), str(akn), "--format", "akn")
    assert b"akomaNtoso" in akn.read_bytes()
    missing = tmp_path / "no-such-dir" / "d.pdf"
    assert "no directory" in refused("decisions", "export", str(decision["id"]),
                                     str(missing))
    assert "no decision 999" in refused("decisions", "export", "999",
                                        str(tmp_path / "x.pdf"))
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".pdf", ".xml")) == [
        "decision.pdf", "decision.xml"]


def test_obligations_say_why_no_member_owes_an_answer_off_the_members_territory(
        cli: Database) -> None:
    """Armenia's report of the fighting in Nagorno-Karabakh (a place on Azerbaijan's
    territory), with a request citing art. 4: nobody owes an answer, and the command says
    why instead of an empty table and a notice that would open under art. 4."""
    c = json.loads(ok("crises", "open", "--title", "Fighting in Nagorno-Karabakh",
                      "--category", "aggression", "--affected", "arm", "--other-party", "aze",
                      "--place", "Stepanakert", "--lat", "39.815", "--lon", "46.752",
                      "--json"))
    at = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat()
    ok("crises", "request", str(c["id"]), "ARM", "--person", "Nikol Pashinyan", "--office",
       "head_of_government", "--at", at, "--article", "Treaty art. 4", "--measure",
       "political")
    said = json.loads(ok("crises", "obligations", str(c["id"]), "--json"))
    assert said["obligations"] == [] and said["off_territory"] is True
    text = " ".join(ok("crises", "obligations", str(c["id"])).split())
    assert "The place reported lies outside the territory of ARM" in text
    assert "opens with a decision on a crisis under Treaty art. 4" not in text
