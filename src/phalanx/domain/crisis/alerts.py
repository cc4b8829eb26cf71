"""What a CAP message does on arrival (source: OASIS CAP 1.2 §3.2.1, `status` and
`msgType`; the trust and routing choices are settings).

- `status` Draft, System and Test never open nor change anything real: the message is
  stored. Exercise opens or changes only what is in exercise mode.
- `msgType` Alert opens a crisis, or a watch entry when the routing rule of its feed says
  so (setting, per feed) or when its signature is not trusted enough (setting: whether
  an unsigned, and whether an invalidly signed, alert may open a crisis or only a watch
  entry).
- Update changes the crisis or watch entry its `references` point to; Cancel marks it
  cancelled and proposes closing it. A reference to nothing received here is a warning
  and the message is stored: it never opens a new crisis. An invalid signature never
  changes anything, nor does a message from a sender other than the referenced one's
  (setting: only the authority that issued an alert updates or cancels it). Nor does
  one whose audience (its `scope`: `audience`) is narrower than the crisis's or watch
  entry's, whose readers it would otherwise tell what not all of them may read: it is
  kept as a record of its own audience, and the crisis's history says only that such a
  message came (`WITHHELD`), naming nothing of it.
- Ack and Error are stored, attached to what they reference, and not acted on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from phalanx.domain.access.policy import Classification, Marking, OwnerKind, widens
from phalanx.domain.languages import N_

# the crisis's history, when a message for fewer readers than the crisis's came: it names
# nothing of it (who sent it, what it says, for whom)
WITHHELD = N_("a CAP message came for fewer readers than this crisis has: kept apart, "
              "not every reader of the crisis may read it; the crisis is not changed")
# the intake's warning on such a message
NARROWER = N_("its audience is narrower than the crisis's or watch entry's it references: "
              "kept as a record of its own audience; the crisis or watch entry is not "
              "changed")


class Action(StrEnum):
    OPEN_CRISIS = "opened-crisis"
    OPEN_WATCH = "opened-watch"
    UPDATE = "updated"
    CANCEL = "cancelled"
    STORE = "stored"


Signature = Literal["verified", "unsigned", "invalid"]
Opens = Literal["crisis", "watch"]


@dataclass(frozen=True)
class Trust:
    """Setting: what an alert whose signature is not verified may open."""

    unsigned: Opens = "crisis"
    invalid: Opens = "watch"

    def allows_crisis(self, signature: Signature) -> bool:
        return signature == "verified" or getattr(self, signature) == "crisis"


@dataclass(frozen=True)
class Decision:
    action: Action
    why: str
    exercise: bool = False
    withheld: bool = False  # kept apart: its audience is narrower than its target's


def decide(*, status: str, msg_type: str, signature: Signature, trust: Trust,
           target: Literal["crisis", "watch"] | None, target_exercise: bool,
           route_to_crisis: bool, same_sender: bool = True,
           narrower: bool = False) -> Decision:
    """The action for one message; `target` is what its references point to, if any,
    `same_sender` whether the message comes from the sender of the referenced one, and
    `narrower` whether its audience is narrower than the target's (`narrower`)."""
    if status in ("Draft", "System", "Test"):
        return Decision(Action.STORE, f"status {status}: stored, never acted on")
    exercise = status == "Exercise"
    if msg_type in ("Ack", "Error"):
        return Decision(Action.STORE, f"{msg_type}: stored, not acted on", exercise)
    if msg_type in ("Update", "Cancel"):
        if target is None:
            return Decision(Action.STORE, f"{msg_type} of nothing received here: stored "
                                          "(no new crisis)", exercise)
        if signature == "invalid":
            return Decision(Action.STORE, f"{msg_type} with an invalid signature: stored, "
                                          "nothing changed", exercise)
        if not same_sender:
            return Decision(Action.STORE, f"{msg_type} from a sender other than the "
                                          f"referenced message's: stored, nothing changed",
                            exercise)
        if exercise != target_exercise:
            mode = "an exercise" if exercise else "a real"
            return Decision(Action.STORE, f"{msg_type} from {mode} message cannot change "
                                          f"{'a real' if exercise else 'an exercise'} "
                                          f"{target}: stored", exercise)
        if narrower:
            return Decision(Action.STORE, f"{msg_type} for fewer readers than the {target}: "
                                          f"kept apart, the {target} not changed", exercise,
                            withheld=True)
        if msg_type == "Update":
            return Decision(Action.UPDATE, f"Update of the {target}", exercise)
        return Decision(Action.CANCEL, f"Cancel: the {target} is marked cancelled and "
                                       "closing is proposed", exercise)
    if not route_to_crisis:
        return Decision(Action.OPEN_WATCH, "the feed's rule makes it a watch entry",
                        exercise)
    if not trust.allows_crisis(signature):
        return Decision(Action.OPEN_WATCH, f"{signature} signature: the setting allows a "
                                           "watch entry only", exercise)
    return Decision(Action.OPEN_CRISIS, "a new alert", exercise)


SEVERITY_RANK = {"Unknown": 0, "Minor": 1, "Moderate": 2, "Severe": 3, "Extreme": 4}


@dataclass(frozen=True)
class FeedRule:
    """Setting, per feed: a new alert opens a crisis when its severity reaches
    `min_severity`, one of its CAP categories is listed (any, when none are), and — with
    `member_area` — its place lies inside a member's territory; otherwise it becomes a
    watch entry."""

    min_severity: str = "Severe"
    categories: tuple[str, ...] = ()
    member_area: bool = True

    def problems(self) -> list[str]:
        out = []
        if self.min_severity not in SEVERITY_RANK:
            out.append(f"min_severity {self.min_severity!r} is not one of "
                       f"{', '.join(SEVERITY_RANK)}")
        return out

    def opens_crisis(self, severity: str, categories: tuple[str, ...],
                     inside_member: bool | None) -> bool:
        if SEVERITY_RANK.get(severity, 0) < SEVERITY_RANK[self.min_severity]:
            return False
        if self.categories and not set(categories) & set(self.categories):
            return False
        return not (self.member_area and inside_member is False)


@dataclass(frozen=True)
class Audience:
    """Whom what a received message becomes (its record, the crisis or watch entry it
    opens) is for: PARTICIPANTS with `participants`, else ORGANIZATION; never the public
    nor the observers. `note` says so in the intake's warnings ("" for a Public
    message), in English; `key` is its message (marked for the pages' catalogue) and
    `args` the values that fill it."""

    private: bool
    participants: tuple[str, ...]
    note: str
    key: str = ""
    args: tuple[tuple[str, str], ...] = ()

    def classification(self) -> Classification:
        if not self.private:
            return Classification(OwnerKind.SECRETARIAT, "secretariat", Marking.ORGANIZATION)
        return Classification(OwnerKind.SECRETARIAT, "secretariat", Marking.PARTICIPANTS,
                              frozenset(self.participants))


def narrower(message: Classification, target: Classification,
             members: tuple[str, ...] | list[str]) -> bool:
    """Whether a message marked `message` is for fewer readers than the crisis or watch
    entry marked `target` (`members`: the member states today): someone reads the target
    who may not read the message."""
    return widens(message, target, members)


def _said(private: bool, participants: tuple[str, ...], key: str, **args: str) -> Audience:
    return Audience(private, participants, key % args, key, tuple(args.items()))


def audience(scope: str, states: tuple[str, ...], restriction: str = "",
             addresses: str = "") -> Audience:
    """The audience a message's own `scope` (OASIS CAP 1.2 §3.2.1) leaves it here.
    Public: the organization's record, as every message received (receiving publishes
    nothing). Restricted: the same, its `restriction` kept with it and written back in
    the crisis's export; the restriction is free text no rule can read, so the member
    states and the staff, who act on it, read it (setting). Private (or no scope that
    CAP defines): its `addresses` are the sender's, not this organization's, so only the
    states it was sent for and the staff read it (setting)."""
    if scope == "Public":
        return Audience(False, (), "")
    if scope == "Restricted":
        if restriction.strip():
            return _said(False, (), N_("scope Restricted (%(restriction)s): kept for the "
                                       "member states and the staff, never public nor "
                                       "released to observers"),
                         restriction=restriction.strip()[:200])
        return _said(False, (), N_("scope Restricted: kept for the member states and the "
                                   "staff, never public nor released to observers"))
    whom = tuple(sorted(set(states)))
    if addresses.strip():
        return _said(True, whom, N_("scope %(scope)s (addresses: %(addresses)s): kept for "
                                    "%(states)s and the staff only"),
                     scope=scope or "missing", addresses=addresses.strip()[:200],
                     states=", ".join(whom))
    return _said(True, whom, N_("scope %(scope)s: kept for %(states)s and the staff only"),
                 scope=scope or "missing", states=", ".join(whom))
