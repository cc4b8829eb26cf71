"""Which body consults on a crisis, and how it meets: the bodies its category names
(dataset, `convene`) that hold an emergency (else extraordinary) session, the first by
default or the one the Secretariat picks; by video conference where the body may meet
so that day (`domain/decisions/procedure.py`, `meets_by_video`)."""

from __future__ import annotations

from datetime import date

from phalanx.domain.crisis.workflow import Category
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.procedure import Mode, SessionKind
from phalanx.domain.organization import Organization
from phalanx.services.errors import Invalid


def _urgent_kind(org: Organization, body: str) -> SessionKind | None:
    """The session a body holds on a crisis: emergency, else extraordinary (None: it
    holds neither, or has no seats)."""
    if body not in org.bodies or org.bodies[body].seat is None:
        return None
    kinds = org.bodies[body].rules.get("session_kinds", [])
    return (SessionKind.EMERGENCY if "emergency" in kinds else
            SessionKind.EXTRAORDINARY if "extraordinary" in kinds else None)


def convening_bodies(org: Organization, category: str) -> list[str]:
    """The bodies that may consult on a crisis of `category`: those it names that hold
    an emergency or extraordinary session, in its order (the first is the default)."""
    cat = org.crisis_categories.get(category)
    return [b for b in cat.convene if _urgent_kind(org, b) is not None] if cat else []


def consultation_format(org: Organization, cat: Category, day: date | None = None,
                        chosen: str | None = None) -> tuple[str, SessionKind, Mode]:
    """The first body the category names (or the `chosen` one, which it must name) that
    holds emergency (else extraordinary) sessions, and how it meets on `day`: by video
    conference where it may that day."""
    if chosen is not None and chosen not in cat.convene:
        raise Invalid("body", f"{chosen} does not consult on a crisis of {cat.key} (the "
                              f"bodies that do: {', '.join(cat.convene)})")
    for body in [chosen] if chosen else cat.convene:
        kind = _urgent_kind(org, body)
        if kind is not None:
            rules = org.bodies[body].rules
            mode = (Mode.VIDEO if proc.meets_by_video(
                rules, day, org.applies_from(proc.video_from(rules))) else Mode.IN_PERSON)
            return body, kind, mode
    if chosen:
        raise Invalid("body", f"{chosen} holds no emergency or extraordinary session")
    raise Invalid("category", f"none of {list(cat.convene)} may hold an emergency or "
                              "extraordinary session")
