"""The CAP export's editions and audience (`domain/crisis/capout.py`) and the writer's
refusals of what CAP 1.2 does not allow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from phalanx.adapters.cap import write
from phalanx.domain.access.policy import Classification, Marking, OwnerKind
from phalanx.domain.crisis import capout
from phalanx.domain.crisis.workflow import Stage

T0 = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
SENDER = "secretariat@csto.phalanx"


def test_an_unchanged_crisis_is_its_alert() -> None:
    assert capout.edition("csto-crisis-7", SENDER, T0, [], is_withdrawn=False) == \
        capout.Edition("csto-crisis-7", T0, "Alert", ())


def test_each_change_is_an_edition_naming_every_earlier_one_in_order() -> None:
    later, sooner = T0 + timedelta(hours=2), T0 + timedelta(hours=1)
    # entries arrive out of order (an update applied late); two at the same moment differ
    e = capout.edition("csto-crisis-7", SENDER, T0, [
        capout.Change(12, later), capout.Change(9, sooner), capout.Change(11, later)],
        is_withdrawn=False)
    assert (e.identifier, e.sent, e.msg_type) == ("csto-crisis-7-20261120T080000Z-2", later,
                                                  "Update")
    assert e.references == ((SENDER, "csto-crisis-7", T0),
                            (SENDER, "csto-crisis-7-20261120T070000Z", sooner),
                            (SENDER, "csto-crisis-7-20261120T080000Z", later))
    assert capout.edition("csto-crisis-7", SENDER, T0, [capout.Change(9, sooner)],
                          is_withdrawn=True).msg_type == "Cancel"


def test_an_edition_is_named_by_its_time_not_by_its_entry() -> None:
    """The entries' ids (a sequence over every crisis) are never written: their gaps
    would count the entries in between, which the reader may not read. The same changes
    under other ids are the same editions; a time in another zone is its UTC time."""
    from datetime import timezone

    bishkek = timezone(timedelta(hours=6))
    one = capout.edition("csto-crisis-7", SENDER, T0, [
        capout.Change(9, T0 + timedelta(hours=1)), capout.Change(10, T0 + timedelta(hours=2))],
        is_withdrawn=False)
    other = capout.edition("csto-crisis-7", SENDER, T0, [
        capout.Change(4711, (T0 + timedelta(hours=1)).astimezone(bishkek)),
        capout.Change(90210, T0 + timedelta(hours=2))], is_withdrawn=False)
    assert one.identifier == other.identifier == "csto-crisis-7-20261120T080000Z"
    assert [r[1] for r in one.references] == [r[1] for r in other.references]


@pytest.mark.parametrize(("kind", "stage", "changes"), [
    ("cap", None, True), ("stage", "closed", True), ("stage", "rejected", True),
    ("stage", "consultations", False), ("note", None, False), ("offer", None, False)])
def test_what_changes_the_export(kind: str, stage: str | None, changes: bool) -> None:
    assert capout.changes_export(kind, stage) is changes


def test_withdrawn() -> None:
    assert capout.withdrawn(Stage.REJECTED, False) and capout.withdrawn(Stage.NO_ACTION, False)
    assert capout.withdrawn(Stage.RESPONSE, True)
    assert not capout.withdrawn(Stage.CLOSED, False)


def test_a_national_record_is_restricted_to_its_owner() -> None:
    c = Classification(OwnerKind.STATE, "KAZ", Marking.NATIONAL)
    scope, restriction = capout.audience(c, "Organization", ["ARM", "KAZ"])
    assert scope == "Restricted" and "KAZ" in restriction and "ARM" not in restriction


def _out(**kw: object) -> write.CapOut:
    return write.CapOut(**{"identifier": "x", "sender": "s", "sent": T0, "exercise": False,  # type: ignore[arg-type]
                           "infos": (), "restriction": "members", **kw})


@pytest.mark.parametrize(("kw", "message"), [
    ({"restriction": " "}, "restriction"), ({"scope": "Private"}, "scope"),
    ({"msg_type": "Update"}, "references"), ({"msg_type": "Ack"}, "msgType")])
def test_the_writer_refuses_what_cap_does_not_allow(kw: dict[str, object],
                                                    message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write.to_cap12(_out(**kw))
