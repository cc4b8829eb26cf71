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
from phalanx.web.i18n import N_


@dataclass(frozen=True)
class Item:
    href: str
    key: str  # the catalog key of its label
    roles: frozenset[Role] | None = None  # None: every logged-in role
    public: bool = False
    # the optional section of the organization's file the page shows: left out of the
    # menu of an organization whose file has none
    section: str | None = None


_STAFF = frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT, Role.PLANNER, Role.REPRESENTATIVE,
                    Role.AUDITOR})
_WITH_REPORTER = _STAFF | {Role.REPORTER}
_WITH_OBSERVER = _STAFF | {Role.OBSERVER}

ITEMS: tuple[Item, ...] = (
    Item("/inbox", N_("Inbox"), _WITH_REPORTER),
    Item("/", N_("Home"), public=True),
    Item("/members", N_("Members"), public=True),
    Item("/bodies", N_("Bodies"), public=True),
    Item("/agreements", N_("Agreements"), public=True),
    Item("/crises", N_("Crises"), _WITH_REPORTER),
    Item("/watch", N_("Watch list"), _WITH_REPORTER),
    Item("/alerts", N_("CAP alerts"), frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT,
                                             Role.PLANNER, Role.AUDITOR})),
    Item("/feeds", N_("CAP feeds"), frozenset({Role.ADMINISTRATOR, Role.SECRETARIAT,
                                           Role.PLANNER})),
    Item("/operations", N_("Operations"), section="operations"),
    Item("/forces", N_("Forces"), _WITH_OBSERVER),
    Item("/joint-exercises", N_("Joint exercises"), _WITH_OBSERVER),
    Item("/parliament", N_("Parliamentary Assembly"), _WITH_OBSERVER,
         section="parliamentary_assembly"),
    Item("/mtc", N_("Military-technical cooperation"), _WITH_OBSERVER,
         section="military_technical"),
    Item("/training", N_("Training quotas"), _STAFF, section="training"),
    Item("/external", N_("External relations"), _WITH_OBSERVER, section="external_relations"),
    Item("/secretariat", N_("Secretariat overview"), _STAFF),
    Item("/sessions", N_("Sessions"), _STAFF),
    Item("/decisions", N_("Decisions"), _STAFF),
    Item("/tasks", N_("Implementation"), _STAFF),
    Item("/documents", N_("Documents")),
    Item("/audit", N_("Audit trail"), frozenset({Role.AUDITOR, Role.ADMINISTRATOR})),
    Item("/users", N_("Users"), frozenset({Role.ADMINISTRATOR})),
)


def menu(principal: Principal | None, sections: list[str] | None = None) -> list[Item]:
    """The menu of `principal` (None: a visitor who is not logged in); with `sections`,
    the optional sections the organization's file has, without the pages of the others."""
    items = [i for i in ITEMS if sections is None or i.section is None
             or i.section in sections]
    if principal is None:
        return [i for i in items if i.public]
    # (an observer is asked for nothing: no inbox)
    return [i for i in items if i.public or i.roles is None or principal.role in i.roles]
