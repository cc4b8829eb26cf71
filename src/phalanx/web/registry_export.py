"""The registry of forces as a CSV file in the reader's language: the units the reader
may read (a unit another state keeps NATIONAL is not there: `forces.units` reads through
the access layer), by formation and state, each with its marking; headers, formations,
capabilities, garrisons and the dataset's names in the reader's language, and a Russian
reader's spreadsheet's separators (`table_csv`); today's, or as it stood on a past day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from phalanx.adapters.exports import table_csv
from phalanx.domain.access.principal import Principal
from phalanx.services import forces
from phalanx.services import organization as orgs
from phalanx.web.i18n import labeller, localized, translator


def registry_csv(conn: Connection, *, actor: Principal, lang: str,
                 formation: str | None = None, state: str | None = None,
                 on: date | None = None) -> bytes:
    """`on`: the registry as it stood at the end of that past day (`forces.units_on`)."""
    _, label, name = translator(lang), labeller(lang), localized(lang)
    text = orgs.organization(conn).text_in(lang)
    formations = forces.formations(conn, actor=actor)
    order = {f.key: i for i, f in enumerate(formations)}
    titles = {f.key: name(f) for f in formations}
    bases = {b.key: name(b) for b in forces.bases(conn)}
    listed = (forces.units_on(conn, on, actor=actor, formation=formation, state=state) if on
              else forces.units(conn, actor=actor, formation=formation, state=state))
    units = sorted(listed, key=lambda u: (order.get(u.formation, len(order)), u.state, u.key))
    header = [_("Formation"), _("State"), _("Key"), _("Name"), _("Capability"),
              _("Strength"), _("Garrison"), _("Readiness, h"), _("Weight, t"),
              _("Certified until"), _("Withdrawn"), _("Marking")]
    rows = ([titles.get(u.formation, u.formation), u.state, u.key, text(u.name),
             label("cap", u.capability), u.strength,
             text(bases.get(u.garrison, u.garrison)) if u.garrison else "",
             u.readiness_h, u.weight_t,
             u.certified_until.isoformat() if u.certified_until else "",
             _("yes") if u.withdrawn else "", label("marking", u.marking)] for u in units)
    return table_csv.write(header, rows, semicolons=lang == "ru")
