"""When the art. 4 obligation arises (`domain/crisis/obligations.py`): with the attacked
state's first official request, not with the report. Before it the crisis is one of
collective defence, but no member's clock runs and no line is overdue."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from phalanx.domain.crisis import obligations as ob

REPORTED = datetime(2022, 1, 5, 6, 0, tzinfo=UTC)
CD = ("Treaty art. 4",)
DAY = timedelta(hours=24)


def test_the_obligation_arises_with_the_attacked_states_request_not_the_report() -> None:
    assert ob.binds(True, [], CD)  # aggression: collective defence from the report on
    assert ob.arises(True, [], CD) is None  # ... but nothing asked, nothing owed yet
    request = REPORTED + timedelta(hours=30)
    later = request + timedelta(hours=2)
    # any official request of the affected state starts it, whatever article it cites
    assert ob.arises(True, [("Treaty art. 2", later), ("Treaty art. 4", request)],
                     CD) == request
    assert ob.arises(True, [("Treaty art. 2", request)], CD) == request


def test_no_request_no_clock_then_the_clock_runs_from_the_request() -> None:
    now = REPORTED + timedelta(hours=30)
    before = ob.lines(["KAZ", "RUS"], [], None, now, DAY)
    assert [(x.state, x.arisen, x.waiting, x.overdue) for x in before] == [
        ("KAZ", False, None, False), ("RUS", False, None, False)]
    given = [ob.Given("RUS", ob.Answer.FORCES, "a battalion", now)]
    request = REPORTED + timedelta(hours=29)
    after = {x.state: x for x in ob.lines(["KAZ", "RUS"], given, request, now, DAY)}
    assert after["KAZ"].arisen and after["KAZ"].waiting == timedelta(hours=1)
    assert not after["KAZ"].overdue and after["RUS"].answer is ob.Answer.FORCES
    assert ob.lines(["KAZ"], [], request, request + DAY + timedelta(minutes=1),
                    DAY)[0].overdue
