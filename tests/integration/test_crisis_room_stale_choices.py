"""A refused form of the crisis room comes back with a select's choice only while the
room still offers it: a move the crisis can no longer make (another officer moved it on
meanwhile), a decision or a state not among the options, come back as no choice (a
placeholder the browser does not send), never as the first option offered; the refusal
of a stale move says where the crisis now is and whether the move is still possible."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from phalanx.domain.crisis.workflow import Measure, Stage
from phalanx.services import clock, crises
from phalanx.services import decisions as dec
from phalanx.services.db import Database
from tests.integration.test_crisis_room_refusals import _form, _refusal, _token, client  # noqa: F401
from tests.integration.test_response_chain import PK, SEC, T0, adopt, crisis


def _revision(html: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', html).group(1)  # type: ignore[union-attr]


def _chosen(form: str, name: str) -> list[str]:
    """The values of the options of select `name` marked selected."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', form, re.S)
    assert select is not None, name
    return re.findall(r'<option value="([^"]*)"[^>]* selected', select.group(1))


def test_a_move_no_longer_possible_comes_back_unchosen(accounts_db: Database,
                                                       client: TestClient) -> None:  # noqa: F811
    c = crisis(accounts_db)  # in consultations: next, assessment or no action
    room = client.get(f"/crises/{c.id}").text
    assert _chosen(_form(room, "transition-form"), "to") == ["assessment"]
    # another officer moves the crisis on: from assessment, rejecting it is allowed
    crises.transition(accounts_db, c.id, Stage.ASSESSMENT, actor=SEC)
    typed = {"csrf_token": _token(room), "revision": _revision(room), "to": "assessment",
             "reason": "after the call to Bishkek"}
    r = client.post(f"/crises/{c.id}/transition", data=typed)
    assert r.status_code == 409
    form = _form(r.text, "transition-form")
    # nothing chosen: not the first move offered ("no action", "rejected")
    assert _chosen(form, "to") == [""]
    assert re.search(r'<select name="to" required', form)
    assert re.search(r'<select name="to"[^>]*><option value="" selected>— choose —</option>',
                     form)
    assert re.search(r'<option value="rejected"(?![^>]*disabled)', form)  # offered, unchosen
    assert 'value="after the call to Bishkek"' in form  # what was typed stays
    assert _refusal(r.text, "transition-error") == (
        "The crisis has changed since you saw it: it is now at the stage “assessment”, "
        "from which the move to “assessment” is no longer possible. Choose the move again.")

    client.cookies.set("lang", "ru")
    r = client.post(f"/crises/{c.id}/transition", data=typed)
    form = _form(r.text, "transition-form")
    assert _chosen(form, "to") == [""] and "— выберите —" in form
    message = _refusal(r.text, "transition-error")
    assert "кризис изменился" in message and "«оценка»" in message, message
    assert "уже невозможен" in message and "assessment" not in message, message


def test_a_stale_move_still_possible_stays_chosen(accounts_db: Database,
                                                  client: TestClient) -> None:  # noqa: F811
    c = crisis(accounts_db)
    room = client.get(f"/crises/{c.id}").text
    crises.transition(accounts_db, c.id, Stage.ASSESSMENT, actor=SEC)
    r = client.post(f"/crises/{c.id}/transition", data={
        "csrf_token": _token(room), "revision": _revision(room), "to": "no_action",
        "reason": "handled by the national service"})
    assert r.status_code == 409
    assert _chosen(_form(r.text, "transition-form"), "to") == ["no_action"]
    assert _refusal(r.text, "transition-error") == (
        "The crisis has changed since you saw it: it is now at the stage “assessment”. The "
        "move to “no action” is still possible: check the room as it now is and submit it "
        "again.")
    with accounts_db.read() as conn:
        assert crises.get(conn, c.id, actor=SEC).stage is Stage.ASSESSMENT  # nothing moved
    # a move refused by the rules on a page that is not stale: their reasons, as before
    r = client.post(f"/crises/{c.id}/transition", data={
        "csrf_token": _token(room), "revision": _revision(r.text), "to": "decision"})
    assert r.status_code == 409
    assert _refusal(r.text, "transition-error") == \
        "The decision stage needs a decision adopted by the body&#39;s rule"
    assert _chosen(_form(r.text, "transition-form"), "to") == [""]  # blocked: not chosen
    # no move chosen at all (a form sent without the browser's check)
    r = client.post(f"/crises/{c.id}/transition", data={
        "csrf_token": _token(room), "revision": _revision(r.text), "to": ""})
    assert r.status_code == 422
    assert _refusal(r.text, "transition-error") == "Choose the stage to move the crisis to."


def test_a_decision_or_a_state_not_offered_comes_back_unchosen(
        accounts_db: Database, client: TestClient) -> None:  # noqa: F811
    c = crisis(accounts_db)
    exercise = dec.convene(accounts_db, dec.MeetingIn(
        body="csc", opens_at=T0, exercise=True, title="Exercise session"), actor=SEC)
    with clock.use(T0 + timedelta(hours=2)):
        drill = adopt(accounts_db, exercise.id, measures=[PK], formations=["peacekeeping"])
    crises.transition(accounts_db, c.id, Stage.ASSESSMENT, actor=SEC)
    room = client.get(f"/crises/{c.id}").text
    assert f'<option value="{drill}"' not in _form(room, "decision-form")  # a real crisis
    # no decision linked yet: none is chosen for the officer (linking is not one click away)
    assert _chosen(_form(room, "decision-form"), "decision_id") == [""]
    r = client.post(f"/crises/{c.id}/decision", data={
        "csrf_token": _token(room), "decision_id": str(drill)})
    assert r.status_code == 409
    assert "exercise decision" in _refusal(r.text, "decision-error")
    form = _form(r.text, "decision-form")
    assert _chosen(form, "decision_id") == [""]
    assert re.search(r'<select name="decision_id" required>', form)

    r = client.post(f"/crises/{c.id}/official-requests", data={
        "csrf_token": _token(room), "state": "KAZ", "person": "Kassym-Jomart Tokayev",
        "office": "head_of_state", "at": "2023-06-11T02:30", "article": "Treaty art. 4",
        "measures": [Measure.MILITARY_CRRF.value]})
    assert r.status_code in (409, 422)
    assert "not KAZ" in _refusal(r.text, "official-request-error")
    form = _form(r.text, "official-request-form")
    assert _chosen(form, "state") == [""]
    assert 'value="Kassym-Jomart Tokayev"' in form
    # a state still offered stays chosen
    r = client.post(f"/crises/{c.id}/official-requests", data={
        "csrf_token": _token(room), "state": "KGZ", "person": "Sadyr Japarov",
        "office": "head_of_state", "at": "2023-06-11T02:30", "article": "Treaty art. 4"})
    assert _chosen(_form(r.text, "official-request-form"), "state") == ["KGZ"]
