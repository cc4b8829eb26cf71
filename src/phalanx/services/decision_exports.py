"""Adopted decisions as Akoma Ntoso XML and as PDF."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import Connection

from phalanx.adapters.exports import akn, pdf
from phalanx.domain.access.policy import Marking
from phalanx.domain.access.principal import SYSTEM, Principal
from phalanx.domain.decisions import procedure as proc
from phalanx.domain.decisions.consensus import Method
from phalanx.domain.decisions.lifecycle import Effect
from phalanx.domain.languages import title_in
from phalanx.domain.organization import Organization
from phalanx.services import clock
from phalanx.services import decisions as dec
from phalanx.services import organization as orgs
from phalanx.services.errors import NotFound
from phalanx.services.texts import ENGLISH, Texts

LANGUAGES = {"en": "eng", "ru": "rus"}


def _positions(draft: dec.DraftOut) -> dict[str, tuple[str, str, str]]:
    """Each state's position on the draft, with what it said and who gave it: in session
    its stance; by consultation the answer the chair recorded for it (a later one replacing
    an earlier), not stated where none was."""
    out = {s.state: (s.position.value, s.statement, "") for s in draft.stances}
    if draft.procedure == "consultation":
        for a in draft.consultation:  # in order: the last answer of a state stands
            out[a.state] = (a.position.value, a.note, a.given_by)
    return out


def _shown(draft: dec.DraftOut) -> dict[str, tuple[str, str, str, str]]:
    """Each state's line in the decision's table of positions: the group of its label, its
    value, what it said and in whose name. Under the written procedure the answer each
    state gave (signs, signs with a reservation, objects) in whose name it was given, and
    a member that kept silence to the deadline raises no objection; elsewhere its
    position (`_positions`)."""
    out = {state: ("position", position, said, by)
           for state, (position, said, by) in _positions(draft).items()}
    if draft.procedure == "silence":
        for state in draft.signed:
            out[state] = ("position", "no_objection", "", "")
    if draft.procedure in ("written", "silence"):
        for a in draft.answers:  # in order: the last answer of a state stands
            group = "answer" if a.answer in ("sign", "reservation", "object") else "position"
            value = a.answer if group == "answer" else "object"
            out[a.state] = (group, value, a.reservation, a.given_by)
    return out


def _draft_of(conn: Connection, d: dec.DecisionOut, actor: Principal
              ) -> tuple[dec.DraftOut, bool]:
    """The draft a decision was adopted from, as the decision's reader may read it, and
    whether it reads the draft. A decision released further than its draft (published) is
    read by some who may not read the draft: how it was taken (the procedure, the body's
    rule) is the decision's record, but the members' positions, statements, signatures
    and count are the draft's, and stay with the draft's readers."""
    if d.draft_id is not None:  # named to its readers only (`register.py`)
        try:
            return dec.get_draft(conn, d.draft_id, actor=actor), True
        except NotFound:
            pass
    draft = dec.get_draft(conn, dec.adopted_from(conn, d.id), actor=SYSTEM)
    return draft.model_copy(update={
        "stances": [], "consultation": [], "signed": [], "answers": [], "preview": None,
        "versions": [], "amendments": []}), False


def _votes(draft: dec.DraftOut) -> tuple[akn.Vote, ...]:
    by: dict[str, list[str]] = defaultdict(list)
    for state, (position, _said, _by) in _positions(draft).items():
        by[position].append(state)
    if draft.procedure in ("written", "silence"):
        # the members that signed, or that kept silence to the deadline
        by = {"support": list(draft.signed)}  # type: ignore[assignment]
    return tuple(akn.Vote(k, tuple(sorted(v))) for k, v in sorted(by.items()))


def akoma_ntoso(conn: Connection, decision_id: int, lang: str, *, actor: Principal,
                texts_in: Callable[[str], Texts] = lambda lang: ENGLISH) -> bytes:
    """The decision as Akoma Ntoso, its expression in `lang` where the decision has a
    text in it: the text, the names and the conclusions all in the expression's language
    (`texts_in(language)` writes the latter)."""
    d = dec.get_decision(conn, decision_id, actor=actor)
    draft, _reads_draft = _draft_of(conn, d, actor)
    org = orgs.organization(conn)
    body = org.bodies[d.body]
    # the expression in the language asked for; a decision adopted in one language only
    # is given in that one, and the expression says which
    text_lang = lang if lang in LANGUAGES else "en"
    if not (d.text_ru if text_lang == "ru" else d.text_en).strip():
        text_lang = "en" if text_lang == "ru" else "ru"
    text = d.text_ru if text_lang == "ru" else d.text_en
    texts = texts_in(text_lang)
    votes = _votes(draft)
    # the rule of the body for the draft's question (the organization's file says which)
    method = proc.rule_for(body.rules, draft.question, d.adopted_on).method
    tally = draft.preview.tally if draft.preview and draft.preview.tally else None
    qualified = method is Method.QUALIFIED and tally is not None and tally.share != ""
    rule = {Method.MAJORITY: "majority", Method.QUALIFIED: "qualified_majority"}.get(
        method, "consensus")
    names = {"majority": texts.gettext("majority: more support than objection among those "
                                       "taking part"),
             "consensus": texts.gettext("consensus: no formal objection"),
             "qualified_majority": _terms(tally, texts) if qualified else ""}
    concepts = {rule: names[rule],
                "adopted": texts.label("outcome", "adopted"),
                **{v.position: texts.label("position", v.position) for v in votes},
                # the procedure it was taken by, outside a session (written, silence)
                **({f"{draft.procedure}_procedure": _procedure(draft, texts)}
                   if draft.procedure in ("written", "silence") else {})}
    binding = texts.gettext("Binding on: %(states)s", states=", ".join(
        org.states[c].name.get(text_lang) if c in org.states else c for c in d.binding) or "—")
    joined = _joined(d, lambda c: org.states[c].name.get(text_lang) if c in org.states
                     else c, texts)
    conclusion = f"{texts.message(d.reason)}. {binding}." + (f" {joined}." if joined else "")
    life = d.lifecycle
    concepts.update({"adoption": texts.gettext("adoption"),
                     "entryIntoForce": texts.gettext("entry into force"),
                     "endOfEnactment": texts.gettext("end of its force"),
                     **{e.value: texts.label("act_effect", e) for e in Effect}})
    return akn.to_akn(akn.AknDecision(
        organization=org.key, number=d.number, body_key=d.body, body_name=body.name.get(text_lang),
        kind=d.kind, adopted_on=d.adopted_on, title=title_in(d, text_lang),
        text=text, language=LANGUAGES[text_lang], outcome="adopted", conclusion=conclusion,
        concepts=concepts,
        # (a reader who may not read the draft reads no figure of its vote)
        quorum=draft.preview.quorum_needed if draft.preview else None,
        votes=votes, binding=tuple(d.binding), rule=rule,
        joined=tuple(sorted(d.bound_from.items())),
        procedure=f"{draft.procedure}_procedure"
        if draft.procedure in ("written", "silence") else "",
        state_names={code: s.name.get(text_lang) for code, s in org.states.items()},
        exercise=d.exercise, exercise_label=texts.gettext("EXERCISE"),
        tally={k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in
               tally.model_dump(include={"weight_for", "weight_against", "weight_abstaining",
                                         "base", "needed", "min_states", "share", "of",
                                         "above", "weighted"}).items()}
        if qualified and tally else None,
        given_by=_given_by(org, draft),
        roles={"seat_holder": org.offices[body.seat].name.get(text_lang)
               if body.seat in org.offices else texts.gettext("holder of the state's seat"),
               "named_by_authorities": texts.gettext(
                   "named by the state's authorities in power")},
        weights=dict(body.rules.get("vote_weights") or {})
        if qualified and tally and tally.weighted else None,
        in_force_from=life.in_force_from if life else None,
        until=life.until if life else None,
        modifies=_related(conn, org.key, life.modifies, actor)
        if life and life.modifies else None,
        modified_by=tuple(r for r in (_related(conn, org.key, m, actor)
                                      for m in ([*life.modified_by, *life.scheduled]
                                                if life else []))
                          if r is not None)))


def _given_by(org: Organization, draft: dec.DraftOut) -> tuple[tuple[str, str, str], ...]:
    """In whose name each member's answer stands (its last one, by signatures or by
    consultation; for a reader of the draft only): the person, as the holder of the
    state's seat the dataset names on the answer's day, or as one named by the state's
    authorities in power (`given_by` after a change outside the constitution)."""
    given: dict[str, tuple[str, str, str]] = {}
    answers = [(a.state, a.given_by, a.signed_at) for a in draft.answers] + [
        (a.state, a.given_by, a.given_at) for a in draft.consultation]
    for state, person, at in answers:  # in order: the last answer of a state stands
        if not person:
            given.pop(state, None)
            continue
        day = clock.day(org, at) if at else None
        holder = dec.seat_holder(org, draft.body, state, day) if day else ""
        given[state] = (state, person,
                        "seat_holder" if person == holder else "named_by_authorities")
    return tuple(given[s] for s in sorted(given))


def _related(conn: Connection, organization: str, r: dec.RelationOut,
             actor: Principal) -> akn.Related | None:
    """Another decision in the expression's life, where its reader may read it (one it
    may not is left out: the expression names it not)."""
    if r.decision_id is None:
        return None
    other = dec.get_decision(conn, r.decision_id, actor=actor)
    return akn.Related(effect=r.effect.value,
                       work=akn.work_uri(organization, other.kind, other.adopted_on,
                                         other.number),
                       number=other.number, in_force_from=r.in_force_from)


def _procedure(draft: dec.DraftOut, texts: Texts) -> str:
    """The procedure a decision was taken by outside a session, in the reader's language."""
    return (texts.gettext("silence procedure") if draft.procedure == "silence"
            else texts.gettext("written procedure"))


def _terms(t: dec.TallyOut | None, texts: Texts) -> str:
    """A qualified majority's terms in the reader's language."""
    if t is None:
        return ""
    base = texts.label("majority_base", t.of)
    terms = (texts.gettext("qualified majority: more than %(share)s of %(base)s",
                           share=t.share, base=base) if t.above
             else texts.gettext("qualified majority: %(share)s of %(base)s", share=t.share,
                                base=base))
    return terms + (", " + texts.gettext("weighted votes") if t.weighted else "")


def _count(draft: dec.DraftOut, texts: Texts, named: Callable[[list[str]], str]) -> list[str]:
    """The count of a vote by qualified majority, a line each: its terms, each side with
    its states and weight, the weight needed and the quorum (none under another rule)."""
    p = draft.preview
    t = p.tally if p else None
    if p is None or t is None or not t.share:
        return []
    _, label = texts.gettext, texts.label
    lines = [_terms(t, texts)]
    for key, states, weight in (("in_favour", t.in_favour, t.weight_for),
                                ("against", t.against, t.weight_against),
                                ("abstaining", t.abstaining, t.weight_abstaining),
                                ("silent", t.silent, len(t.silent)),
                                ("absent", t.absent, len(t.absent))):
        lines.append(f"{label('tally', key)}: {named(states)} ({weight})")
    needed = _("%(needed)s of %(base)s", needed=t.needed, base=t.base)
    if t.min_states:
        needed += " · " + _("at least %(n)s states in favour", n=t.min_states)
    needed_word, quorum_word = _("Needed"), _("Quorum")
    lines.append(f"{needed_word}: {needed}")
    lines.append(f"{quorum_word}: " + _("%(represented)s of %(voters)s present or declared, "
                                       "%(needed)s needed", represented=p.represented,
                                       voters=p.with_say, needed=p.quorum_needed))
    return lines


def _authorized(a: dec.Authorizes, org: Organization, texts: Texts) -> list[str]:
    """What a decision authorizes, a line each: its measures, formations, contributing
    states (by their names in the reader's language) and period."""
    _, lang = texts.gettext, texts.lang
    formations = {f["key"]: f.get("name") or {} for f in org.forces.get("formations", [])}
    lines = []
    if a.measures:
        lines.append(_("Measures: %(items)s",
                       items=", ".join(texts.label("measure", m) for m in a.measures)))
    if a.formations:
        lines.append(_("Formations: %(items)s", items=", ".join(
            texts.either(formations.get(f, {}).get("en") or f, formations.get(f, {}).get("ru", ""))
            for f in a.formations)))
    if a.contributing_states:
        lines.append(_("Contributing states: %(items)s", items=", ".join(
            org.states[s].name.get(lang) if s in org.states else s
            for s in a.contributing_states)))
    if a.period_days:
        lines.append(_("Period (days): %(days)s", days=a.period_days))
    if a.period_limited:
        lines.append(_("For a limited period"))
    return lines


def decision_pdf(conn: Connection, decision_id: int, *, actor: Principal,
                 texts: Texts = ENGLISH) -> bytes:
    """An adopted decision as PDF: its text in both working languages (the authentic
    texts), the rest in the reader's language (`texts`)."""
    _, label = texts.gettext, texts.label
    d = dec.get_decision(conn, decision_id, actor=actor)
    draft, reads_draft = _draft_of(conn, d, actor)
    org = orgs.organization(conn)
    body = org.bodies[d.body]

    def named(codes: list[str]) -> str:
        return ", ".join(org.states[c].name.get(texts.lang) if c in org.states else c
                         for c in codes) or "—"

    positions = [[_("State"), _("Position"), _("Statement")]] + [
        [named([state]), label(group, value),
         " · ".join(x for x in (given_by, said) if x)]
        for state, (group, value, said, given_by) in _shown(draft).items()]
    sections = []
    if d.text_en.strip():  # the texts adopted: in English, in Russian, or in both
        sections.append(pdf.Section("Text", [p for p in d.text_en.splitlines() if p.strip()]))
    if d.text_ru.strip():
        sections.append(pdf.Section("Текст", [p for p in d.text_ru.splitlines() if p.strip()]))
    if authorized := _authorized(d.authorizes, org, texts):
        sections.append(pdf.Section(_("The decision authorizes"), authorized))
    sections += [
        pdf.Section(_("Outcome"), [
            *([_("Procedure") + ": " + _procedure(draft, texts)]
              if draft.procedure in ("written", "silence") else []),
            texts.message(d.reason),
                                   _("Binding on: %(states)s", states=named(d.binding)),
                                   *filter(None, [_joined(d, lambda c: named([c]), texts)]),
                                   *_count(draft, texts, named)]),
        *([pdf.Section(_("Positions"), table=positions)] if reads_draft else []),
    ]
    return pdf.render(pdf.PdfDocument(
        title=f"{d.number} · {title_in(d, texts.lang)}",
        subtitle=_("%(body)s · adopted %(day)s", body=body.name.get(texts.lang),
                   day=texts.day(d.adopted_on)),
        # a limited-format decision read by the whole body is marked as any other; one
        # read only by its participants names them
        marking=_("PARTICIPANTS: %(states)s", states=", ".join(d.participants))
        if d.marking is Marking.PARTICIPANTS and d.participants
        else label("marking", d.marking),
        exercise=d.exercise, exercise_label=_("EXERCISE"), sections=sections))


def _joined(d: dec.DecisionOut, named: Callable[[str], str], texts: Texts) -> str:
    """The members' later declarations on the decision, in the export's language: who
    joined it, bound from which day, and who declared it does not join ("": none)."""
    parts = [texts.gettext("%(state)s joined it, bound from %(day)s", state=named(j.state),
                           day=texts.day(j.on)) if j.joins else
             texts.gettext("%(state)s declared on %(day)s that it does not join it",
                           state=named(j.state), day=texts.day(j.on))
             for j in d.declarations]
    return "; ".join(parts)
