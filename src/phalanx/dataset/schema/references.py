"""Cross-reference checks of the registers against the rest of the file."""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

from phalanx.dataset.schema.root import DatasetIn
from phalanx.domain import leaving
from phalanx.domain.access.policy import key_state
from phalanx.domain.languages import LANGUAGES
from phalanx.domain.registers import exercises as ex_rules

# the questions the system acts on when a decision on them is adopted (a membership event
# recorded, a post filled): a body's rule for one must carry its exact key; any other key
# names a question of the organization's own
ACTED_ON = ("default", "appointment", "withdrawal", *leaving.QUESTIONS.values())

REGISTER_SECTIONS = ("parliamentary_assembly", "military_technical", "training", "exercises",
                     "external_relations")


def register_problems(ds: DatasetIn, scenarios: set[str]) -> list[tuple[tuple[str | int, ...],
                                                                         str]]:
    """What the registers refer to exists: states, bodies, categories, institutions,
    partners, scenarios, and the forces registry's units when the file has one."""
    states = {s.code for s in ds.states}
    bodies = {b.key for b in ds.bodies}
    out: list[tuple[tuple[str | int, ...], str]] = []

    def state(path: tuple[str | int, ...], code: str) -> None:
        if code not in states:
            out.append((path, f"unknown state {code!r}"))

    def body(path: tuple[str | int, ...], key: str) -> None:
        if key not in bodies:
            out.append((path, f"unknown body {key!r}"))

    def unique(section: str, items: list[Any], attr: str, *where: str | int) -> None:
        first: dict[Any, int] = {}
        for i, item in enumerate(items):
            value = getattr(item, attr)
            if value in first:
                out.append(((section, *where, i, attr),
                            f"{value!r} already defined at item {first[value]}"))
            first.setdefault(value, i)

    def ours(section: str, items: list[Any], *where: str | int) -> None:
        """The file's records are the organization's: their keys lie in its namespace,
        beginning with no state's code (`policy.key_state`); a key beginning with a
        state's code is kept for the records that state's representative creates."""
        for i, item in enumerate(items):
            owner = key_state(item.key, states)
            if owner is not None:
                out.append(((section, *where, i, "key"),
                            f"{item.key!r} begins with {owner}'s code: keys beginning "
                            f"'{owner.lower()}-' are kept for the records {owner}'s "
                            f"representative creates; the file's keys begin with no "
                            f"state's code"))

    targets = ds.organization.settings.response_targets
    first_unit = targets.first_unit if targets else None
    for i, cat in enumerate(ds.crisis_categories):
        to_unit = sum(m for stage, m in cat.targets.items()
                      if stage in ("reported", "consultations", "assessment", "decision",
                                   "response"))
        if first_unit and "response" in cat.targets and to_unit > first_unit:
            out.append((("crisis_categories", i, "targets"),
                        f"the stage targets allow {to_unit} min from the report to the first "
                        f"unit, more than the response card's first_unit target "
                        f"({first_unit} min)"))
    agreements = {a.key for a in ds.agreements}
    for i, b in enumerate(ds.bodies):
        for part, given in (("consultation", b.consultation), ("silence", b.silence),
                            ("written", b.written)):
            unknown_q = sorted(set(given.questions if given else ())
                               - {"default", *b.decision_rules})
            if unknown_q:
                out.append((("bodies", i, part, "questions"),
                            f"no decision rule for {', '.join(unknown_q)}"))
        if not (b.chair_rotation or b.chairs):
            for q in sorted(q for q, r in b.decision_rules.items() if r.casting_vote):
                out.append((("bodies", i, "decision_rules", q, "casting_vote"),
                            "the body has no chair (no `chairs`, no `chair_rotation`) to give "
                            "the casting vote"))
        for q in sorted(b.decision_rules):
            near = get_close_matches(q, ACTED_ON, n=1, cutoff=0.8)
            if near and near[0] != q:
                out.append((("bodies", i, "decision_rules", q),
                            f"{q!r} is no question the system knows: did you mean "
                            f"{near[0]!r}? (a decision on it is acted on only under that key)"))
        for part, made_by in (("video_conference_from", b.video_conference_from),
                              ("consultation", b.consultation and b.consultation.introduced_by)):
            if made_by and made_by not in agreements:
                out.append((("bodies", i, part) if part != "consultation" else
                            ("bodies", i, part, "introduced_by"),
                            f"unknown agreement {made_by!r}"))
        if b.limited_format and b.limited_format.introduced_by not in (None, *agreements):
            out.append((("bodies", i, "limited_format", "introduced_by"),
                        f"unknown agreement {b.limited_format.introduced_by!r}"))
        out.extend(_weight_problems(ds, i, states))
    for i, c in enumerate(ds.crisis_categories):
        if c.introduced_by not in (None, *agreements):
            out.append((("crisis_categories", i, "introduced_by"),
                        f"unknown agreement {c.introduced_by!r}"))

    if pa := ds.parliamentary_assembly:
        body(("parliamentary_assembly", "body"), pa.body)
        for i, c in enumerate(pa.commissions):
            body(("parliamentary_assembly", "commissions", i), c)
        for i, o in enumerate(pa.observer_parliaments):
            state(("parliamentary_assembly", "observer_parliaments", i, "state"), o.state)
        unique("parliamentary_assembly", pa.model_laws, "key", "model_laws")
        ours("parliamentary_assembly", pa.model_laws, "model_laws")
        for i, law in enumerate(pa.model_laws):
            where = ("parliamentary_assembly", "model_laws", i)
            if law.commission not in pa.commissions:
                out.append(((*where, "commission"), f"{law.commission!r} is not one of the "
                                                    f"Assembly's commissions"))
            seen: set[str] = set()
            for j, tr in enumerate(law.transposition):
                state((*where, "transposition", j, "state"), tr.state)
                if tr.state in seen:
                    out.append(((*where, "transposition", j, "state"),
                                f"{tr.state} is listed twice"))
                seen.add(tr.state)
        for i, fs in enumerate(pa.field_sessions):
            where = ("parliamentary_assembly", "field_sessions", i)
            if fs.commission not in pa.commissions:
                out.append(((*where, "commission"), f"{fs.commission!r} is not one of the "
                                                    f"Assembly's commissions"))
            state((*where, "state"), fs.state)
    if mt := ds.military_technical:
        unique("military_technical", mt.supplies, "key", "supplies")
        ours("military_technical", mt.supplies, "supplies")
        for i, sp in enumerate(mt.supplies):
            where = ("military_technical", "supplies", i)
            state((*where, "supplier"), sp.supplier)
            state((*where, "recipient"), sp.recipient)
            if sp.category not in mt.categories:
                out.append(((*where, "category"), f"unknown category {sp.category!r} "
                                                  f"(categories: {', '.join(mt.categories)})"))
        unique("military_technical", mt.programmes, "key", "programmes")
        ours("military_technical", mt.programmes, "programmes")
        for i, pr in enumerate(mt.programmes):
            for j, code in enumerate(pr.states):
                state(("military_technical", "programmes", i, "states", j), code)
    if tr := ds.training:
        unique("training", tr.institutions, "key", "institutions")
        institutions = {x.key: x for x in tr.institutions}
        for i, inst in enumerate(tr.institutions):
            state(("training", "institutions", i, "state"), inst.state)
        limits = {(lim.state, lim.type): lim.places for lim in tr.limits}
        for i, lim in enumerate(tr.limits):
            state(("training", "limits", i, "state"), lim.state)
        offered: dict[tuple[int, str, str], int] = {}
        seen_quota: dict[tuple[int, str], int] = {}
        for i, q in enumerate(tr.quotas):
            where = ("training", "quotas", i)
            inst = institutions.get(q.institution)
            if inst is None:
                out.append(((*where, "institution"), f"unknown institution {q.institution!r}"))
                continue
            if (q.year, q.institution) in seen_quota:
                out.append(((*where, "institution"),
                            f"{q.institution} {q.year} already offered at item "
                            f"{seen_quota[q.year, q.institution]}"))
            seen_quota.setdefault((q.year, q.institution), i)
            for j, a in enumerate(q.allocations):
                state((*where, "allocations", j, "state"), a.state)
            k = (q.year, inst.state, inst.type.value)
            offered[k] = offered.get(k, 0) + q.offered
            limit = limits.get((inst.state, inst.type))
            if limit is not None and offered[k] > limit:
                out.append(((*where, "offered"), f"{inst.state} offers {offered[k]} "
                                                 f"{inst.type.value} places in {q.year}, over "
                                                 f"its limit of {limit}"))
    if ds.exercises:
        units = _forces_units(ds)
        unique("exercises", ds.exercises, "key")
        ours("exercises", ds.exercises)
        for i, ex in enumerate(ds.exercises):
            where = ("exercises", i)
            state((*where, "host"), ex.host)
            if ex.scenario is not None and ex.scenario not in scenarios:
                out.append(((*where, "scenario"), f"unknown scenario {ex.scenario!r} "
                                                  f"(scenarios: {', '.join(sorted(scenarios))})"))
            for j, p in enumerate(ex.participants):
                for f, m in ex_rules.participant_problems(
                        ex_rules.Participant(p.state, p.formation, p.strength, p.unit),
                        states, units):
                    out.append(((*where, "participants", j, f), m))
            for j, f in enumerate(ex.findings):
                if f.owner != "secretariat" and f.owner not in bodies and f.owner not in states:
                    out.append(((*where, "findings", j, "owner"),
                                f"{f.owner!r} is neither a body, a state nor 'secretariat'"))
    if er := ds.external_relations:
        unique("external_relations", er.partners, "key", "partners")
        partners = {p.key for p in er.partners}
        for section, items in (("instruments", er.instruments), ("events", er.events)):
            for i, item in enumerate(items):
                if item.partner is not None and item.partner not in partners:
                    out.append((("external_relations", section, i, "partner"),
                                f"unknown partner {item.partner!r}"))
        for i, ev in enumerate(er.events):
            if ev.by is not None:
                body(("external_relations", "events", i, "by"), ev.by)
    return out + settings_problems(ds)


def settings_problems(ds: DatasetIn) -> list[tuple[tuple[str | int, ...], str]]:
    """What the settings name exists: the bodies whose decisions authorize a military
    measure, the formations it uses; the crisis categories the forces give a symbol;
    the languages of the translations (one the pages have: a text translated into another
    would never be shown)."""
    s = ds.organization.settings
    bodies = {b.key for b in ds.bodies}
    formations = {f.key for f in ds.forces.formations} if ds.forces else set()
    out: list[tuple[tuple[str | int, ...], str]] = []
    for setting, known, what in (("measure_authority", bodies, "body"),
                                 ("measure_formations", formations, "formation")):
        for measure, keys in (getattr(s, setting) or {}).items():
            for j, key in enumerate(keys):
                if key not in known:
                    out.append((("organization", "settings", setting, measure, j),
                                f"unknown {what} {key!r}"))
    categories = {c.key for c in ds.crisis_categories}
    for key in (ds.forces.crisis_symbols if ds.forces else {}):
        if key not in categories:
            out.append((("forces", "crisis_symbols", key), f"unknown crisis category {key!r}"))
    for lang in ds.translations:
        if lang not in LANGUAGES or lang == "en":
            out.append((("translations", lang),
                        f"the pages are in {', '.join(LANGUAGES)} only: texts are written in "
                        f"English and translated into {', '.join(LANGUAGES[1:])}; a "
                        f"translation into {lang!r} would never be shown"))
    return out


def _forces_units(ds: DatasetIn) -> dict[str, str] | None:
    """The units of the forces registry (key: state), or None when the file keeps none."""
    forces = getattr(ds, "forces", None)
    if forces is None:
        return None
    units = forces.get("units", []) if isinstance(forces, dict) else getattr(forces, "units",
                                                                              [])
    return {(u["key"] if isinstance(u, dict) else u.key):
            (u["state"] if isinstance(u, dict) else u.state) for u in units or []}


def _weight_problems(ds: DatasetIn, i: int,
                     states: set[str]) -> list[tuple[tuple[str | int, ...], str]]:
    """A body deciding by weighted votes gives every state that ever joins a weight, and
    only known states; a rule's fewest states in favour is one the members can reach."""
    b = ds.bodies[i]
    out: list[tuple[tuple[str | int, ...], str]] = []
    joining = sorted({e.state for e in ds.membership if e.event == "join"})
    weighted = [q for q, r in sorted(b.decision_rules.items())
                if r.qualified is not None and r.qualified.weighted]
    for q in sorted(b.decision_rules):
        terms = b.decision_rules[q].qualified
        if terms is not None and terms.min_states > len(joining):
            out.append((("bodies", i, "decision_rules", q, "qualified", "min_states"),
                        f"{terms.min_states} states in favour needed, but only "
                        f"{len(joining)} states ever join"))
    if b.vote_weights is None:
        out.extend((("bodies", i, "decision_rules", q, "qualified", "weighted"),
                    "weighted votes need the body's `vote_weights`") for q in weighted)
        return out
    for code in sorted(set(b.vote_weights.weights) - states):
        out.append((("bodies", i, "vote_weights", "weights", code),
                    f"unknown state {code!r}"))
    missing = [s for s in joining if s not in b.vote_weights.weights]
    if weighted and missing:
        out.append((("bodies", i, "vote_weights", "weights"),
                    f"no weight for {', '.join(missing)} (every member votes with one)"))
    return out
