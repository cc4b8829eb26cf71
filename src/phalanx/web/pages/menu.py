"""The main menu: the pages a person can use, by role.

Everybody sees the public pages. A logged-in user also sees its inbox (but an observer,
who is asked for nothing) and the working pages of its
role: an observer (a non-member state or an international organization) only the pages
that hold what may be released to observers (the operations' figures, the forces
registry's public part, the registers, documents); a national agency's reporter the
crises it reports, the watch list, the operations it reports figures to and documents;
the auditor every page and the audit trail; the others every working page (the
administrator also the audit trail). A page left out of a menu still answers (with what
the role may see): the menu only leaves out what would be empty or of no use.

To add a page to the menu: add an `Item` to `ITEMS` with the roles that use it (`None`
for every logged-in role)."""

from __future__ import annotations

from dataclasses import dataclass

from phalanx.domain.access.principal import Principal, Role


@dataclass(frozen=True)
class Item:
    href: str
    key: str  # the catalog key of its label
    roles: frozenset[Role] | None = None  # None: every logged-in role
    public: bool = False


_STAFF = frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT, Role.PLANNER, Role.REPRESENTATIVE,
                    Role.AUDITOR})
_WITH_REPORTER = _STAFF | {Role.REPORTER}
_WITH_OBSERVER = _STAFF | {Role.OBSERVER}

ITEMS: tuple[Item, ...] = (
    Item("/inbox", "nav_inbox", _WITH_REPORTER),
    Item("/", "nav_home", public=True),
    Item("/members", "nav_members", public=True),
    Item("/bodies", "nav_bodies", public=True),
    Item("/agreements", "nav_agreements", public=True),
    Item("/crises", "nav_crises", _WITH_REPORTER),
    Item("/watch", "watch", _WITH_REPORTER),
    Item("/alerts", "cap_alerts", frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT,
                                             Role.PLANNER, Role.AUDITOR})),
    Item("/feeds", "cap_feeds", frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT,
                                           Role.PLANNER})),
    Item("/operations", "nav_operations"),
    Item("/forces", "nav_forces", _WITH_OBSERVER),
    Item("/joint-exercises", "nav_joint_exercises", _WITH_OBSERVER),
    Item("/parliament", "nav_parliament", _WITH_OBSERVER),
    Item("/mtc", "nav_mtc", _WITH_OBSERVER),
    Item("/training", "nav_training", _STAFF),
    Item("/external", "nav_external", _WITH_OBSERVER),
    Item("/secretariat", "nav_secretariat", _STAFF),
    Item("/sessions", "nav_sessions", _STAFF),
    Item("/decisions", "nav_decisions", _STAFF),
    Item("/tasks", "nav_tasks", _STAFF),
    Item("/documents", "nav_documents"),
    Item("/audit", "nav_audit", frozenset({Role.AUDITOR, Role.ADMINISTRATOR})),
)


def menu(principal: Principal | None) -> list[Item]:
    """The menu of `principal` (None: a visitor who is not logged in)."""
    if principal is None:
        return [i for i in ITEMS if i.public]
    # (an observer is asked for nothing: no inbox)
    return [i for i in ITEMS if i.public or i.roles is None or principal.role in i.roles]
