"""What a CAP message does (domain/crisis/alerts.py), case by case, and a feed's rule."""

from __future__ import annotations

import pytest

from phalanx.domain.crisis.alerts import Action, FeedRule, Trust, decide


def act(status: str = "Actual", msg_type: str = "Alert", signature: str = "unsigned",
        target: str | None = None, target_exercise: bool = False, route: bool = True,
        trust: Trust | None = None) -> Action:
    return decide(status=status, msg_type=msg_type, signature=signature,  # type: ignore[arg-type]
                  trust=trust or Trust(), target=target,  # type: ignore[arg-type]
                  target_exercise=target_exercise, route_to_crisis=route).action


@pytest.mark.parametrize("status", ["Draft", "System", "Test"])
@pytest.mark.parametrize("msg_type", ["Alert", "Update", "Cancel"])
def test_draft_system_test_never_act(status: str, msg_type: str) -> None:
    assert act(status, msg_type, target="crisis") is Action.STORE


def test_messages() -> None:
    assert act() is Action.OPEN_CRISIS
    assert act(route=False) is Action.OPEN_WATCH
    assert act(msg_type="Update", target="crisis") is Action.UPDATE
    assert act(msg_type="Cancel", target="watch") is Action.CANCEL
    assert act(msg_type="Update") is Action.STORE  # unknown reference: no new crisis
    assert act(msg_type="Ack", target="crisis") is Action.STORE
    assert act(msg_type="Error", target="crisis") is Action.STORE
    assert act("Exercise", "Update", target="crisis") is Action.STORE  # real stays real
    assert act("Exercise", "Update", target="crisis", target_exercise=True) is Action.UPDATE
    assert decide(status="Exercise", msg_type="Alert", signature="verified", trust=Trust(),
                  target=None, target_exercise=False, route_to_crisis=True).exercise


def test_trust() -> None:
    strict = Trust(unsigned="watch", invalid="watch")
    assert act(signature="verified", trust=strict) is Action.OPEN_CRISIS
    assert act(signature="unsigned", trust=strict) is Action.OPEN_WATCH
    assert act(signature="invalid") is Action.OPEN_WATCH  # the default
    assert act(signature="invalid", trust=Trust(invalid="crisis")) is Action.OPEN_CRISIS
    assert act(msg_type="Cancel", signature="invalid", target="crisis",
               trust=Trust(invalid="crisis")) is Action.STORE


@pytest.mark.parametrize("msg_type", ["Update", "Cancel"])
def test_only_the_referenced_sender_changes_its_target(msg_type: str) -> None:
    for target in ("crisis", "watch"):
        d = decide(status="Actual", msg_type=msg_type, signature="verified", trust=Trust(),
                   target=target, target_exercise=False, route_to_crisis=True,  # type: ignore[arg-type]
                   same_sender=False)
        assert d.action is Action.STORE and "sender other than" in d.why


def test_feed_rule() -> None:
    rule = FeedRule("Severe", ("Geo", "Met"), member_area=True)
    assert rule.opens_crisis("Extreme", ("Geo",), True)
    assert not rule.opens_crisis("Moderate", ("Geo",), True)
    assert not rule.opens_crisis("Severe", ("Fire",), True)
    assert not rule.opens_crisis("Severe", ("Met",), False)
    assert rule.opens_crisis("Severe", ("Met",), None)  # no place: the severity decides
    assert FeedRule(member_area=False).opens_crisis("Severe", ("Fire",), False)
    assert FeedRule("Bogus").problems()
