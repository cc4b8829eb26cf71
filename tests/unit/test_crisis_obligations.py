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


def test_the_suspended_are_left_out_by_a_dataset_rule_not_by_the_code() -> None:
    """The CSTO file leaves suspended members out of the art. 4 lines by a rule marked
    `setting: true` (Uzbekistan, suspended from 2012, stays a party to the Treaty); a
    file without the rule obliges every member bound on the day, suspended or not."""
    from types import SimpleNamespace

    import pytest

    from phalanx.dataset import loader
    from phalanx.domain.organization import MembershipStatus
    from phalanx.services.crisis_obligations import _obliged_on, exempt_statuses

    text = loader.builtin_path().read_text(encoding="utf-8")
    org = loader.parse(text, "csto.yaml")[1]
    rule = org.settings["obligation_exempt"]
    assert rule["setting"] is True and "party to the Treaty" in rule["note"]
    assert exempt_statuses(org) == {MembershipStatus.SUSPENDED}
    row = SimpleNamespace(affected="KGZ", other_parties="", exercise=False, marking="ORGANIZATION")
    day = datetime(2016, 6, 1, tzinfo=UTC)
    assert "UZB" not in _obliged_on(org, row, day) and "KAZ" in _obliged_on(org, row, day)
    start = text.index("    obligation_exempt:\n")
    end = text.index("the exemption is a setting\n", start) + len("the exemption is a setting\n")
    without = loader.parse(text[:start] + text[end:], "other.yaml")[1]
    assert exempt_statuses(without) == frozenset()
    assert "UZB" in _obliged_on(without, row, day)
    uncited = text[:start] + "    obligation_exempt: {statuses: [suspended]}\n" + text[end:]
    with pytest.raises(loader.DatasetError, match=r"obligation_exempt.*setting: true"):
        loader.parse(uncited, "other.yaml")


def test_no_obligation_where_the_place_lies_outside_every_affected_members_territory() -> None:
    """Nagorno-Karabakh, autumn 2020: the hostilities were not on Armenia's territory, so
    art. 4 did not apply, whatever the category or the request cites; a place whose state
    is not known leaves the category and the requests to decide."""
    request = [("Treaty art. 4", REPORTED)]
    outside = ob.off_territory(False)
    assert outside and not ob.off_territory(None) and not ob.off_territory(True)
    assert not ob.binds(True, request, CD, outside)
    assert ob.arises(True, request, CD, outside) is None
    assert ob.binds(True, request, CD, ob.off_territory(None))
    assert ob.arises(False, request, CD, ob.off_territory(True)) == REPORTED
