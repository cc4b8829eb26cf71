"""Adopted decisions as Akoma Ntoso 3.0 (OASIS LegalDocML): a `statement` document
whose metadata carries the `voting` analysis (the members' positions by kind), and its
life: the `lifecycle` of events (its adoption, the later decisions amending or repealing
it), its period in force (`temporalData`), what it does to an earlier decision
(`activeModifications`) and what later ones did to it (`passiveModifications`).

Text and names lose what XML 1.0 cannot carry (control characters a title or text may
hold), so that every adopted decision can be written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

from lxml import etree

from phalanx.adapters.xmltext import xml_text

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
PHX = "urn:phalanx:akn-extension"
NSMAP = {None: AKN, "phx": PHX}


@dataclass(frozen=True)
class Vote:
    position: str  # support, no_objection, abstain, object, not_taking_part, not_stated
    states: tuple[str, ...]


@dataclass(frozen=True)
class Related:
    """Another decision in this one's life: what the later one does (`effect`: amends,
    extends, suspends, repeals), its work's URI and number, and from when (None: not yet
    known, its entry into force waiting for a condition)."""

    effect: str
    work: str
    number: str
    in_force_from: date | None = None


@dataclass(frozen=True)
class AknDecision:
    organization: str  # e.g. "csto"
    number: str
    body_key: str
    body_name: str
    kind: str  # decision, statement, instruction
    adopted_on: date
    title: str
    text: str
    language: str  # ISO 639-2/B, e.g. "eng", "rus"
    outcome: str
    conclusion: str  # the outcome, its reasons and whom it binds, in the text's language
    concepts: dict[str, str]  # each concept referred to (the rule, the outcome, each
    # position) -> its name in the text's language
    quorum: int | None  # None: not stated (the reader may not read the draft)
    votes: tuple[Vote, ...]
    binding: tuple[str, ...]
    state_names: dict[str, str]
    # the concept of the rule the decision was taken by (`consensus`, `majority`); its
    # name is in `concepts`
    rule: str = "consensus"
    # the concept of the procedure it was taken by outside a session (`written_procedure`,
    # `silence_procedure`; its name in `concepts`), referred to by the voting beside the
    # rule; empty in session
    procedure: str = ""
    # an exercise's decision: said in its preface (`exercise_label`, in the text's
    # language) and to a machine (`phx:exercise` in the proprietary metadata)
    exercise: bool = False
    exercise_label: str = "EXERCISE"
    # a qualified majority's count (`phx:tally` in the proprietary metadata: its terms,
    # each side's weight, the weight needed) and each state's weight where votes are
    # weighted (`weight` on its `phx:voter`)
    tally: dict[str, str] | None = None
    # the members that joined it later, each with the day it is bound from
    # (`phx:joined` in the proprietary metadata; named in `conclusion` too)
    joined: tuple[tuple[str, date], ...] = ()
    weights: dict[str, int] | None = None
    # its period in force (None: not yet in force; `until` None: open-ended), the earlier
    # decision it modifies, the later ones that modified it (only those its reader reads)
    in_force_from: date | None = None
    until: date | None = None
    modifies: Related | None = None
    modified_by: tuple[Related, ...] = ()
    # in whose name each member's answer was given (by signatures, by consultation): the
    # state, the person and the role they gave it in (a key of `roles`, whose value is its
    # name in the text's language); each is a TLCPerson and a TLCRole its voter refers to
    given_by: tuple[tuple[str, str, str], ...] = ()
    roles: dict[str, str] | None = None


def work_uri(organization: str, kind: str, adopted_on: date, number: str) -> str:
    """The FRBR work URI of a decision."""
    return f"/akn/{organization}/statement/{kind}/{adopted_on.isoformat()}/{number}"


# a modification as the standard names it: the element and its type
MODS = {"amends": ("textualMod", "substitution"), "repeals": ("textualMod", "repeal"),
        "extends": ("forceMod", "prorogationOfForce"),
        "suspends": ("efficacyMod", "inapplication")}


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{AKN}}}{tag}", {k.rstrip("_"): xml_text(v)
                                                        for k, v in attrs.items()})


def _frbr(parent: etree._Element, level: str, uri: str, this: str, d: date, author: str,
          extra: dict[str, str] | None = None) -> None:
    node = _el(parent, level)
    _el(node, "FRBRthis", value=this)
    _el(node, "FRBRuri", value=uri)
    _el(node, "FRBRdate", date=d.isoformat(), name="adoption")
    _el(node, "FRBRauthor", href=f"#{author}")
    for tag, value in (extra or {}).items():
        if tag == "FRBRlanguage":
            _el(node, tag, language=value)
        else:
            _el(node, tag, value=value)


def to_akn(d: AknDecision) -> bytes:
    root = etree.Element(f"{{{AKN}}}akomaNtoso", nsmap=NSMAP)  # type: ignore[arg-type]
    doc = _el(root, "statement", name=d.kind)
    meta = _el(doc, "meta")
    ident = _el(meta, "identification", source="#phalanx")
    work = work_uri(d.organization, d.kind, d.adopted_on, d.number)
    expr = f"{work}/{d.language}@{d.adopted_on.isoformat()}"
    _frbr(ident, "FRBRWork", work, f"{work}/!main", d.adopted_on, d.body_key,
          {"FRBRcountry": d.organization})
    _frbr(ident, "FRBRExpression", expr, f"{expr}/!main", d.adopted_on, d.body_key,
          {"FRBRlanguage": d.language})
    _frbr(ident, "FRBRManifestation", f"{expr}.akn", f"{expr}/!main.xml", d.adopted_on,
          "phalanx")

    life = _lifecycle(meta, d)
    analysis = _el(meta, "analysis", source="#phalanx")
    _modifications(analysis, d)
    # the vote's figures, for a reader of the draft: the schema wants a quorum or a count
    # in a voting, so a reader who may read neither gets none (the conclusion says the
    # outcome)
    if d.quorum is not None or d.votes:
        parl = _el(analysis, "parliamentary")
        voting = _el(parl, "voting", eId="vote_1", outcome=f"#{d.outcome}",
                     refersTo=" ".join(f"#{c}" for c in (d.rule, d.procedure) if c))
        if d.quorum is not None:
            _el(voting, "quorum", eId="vote_1__quorum", value=str(d.quorum))
        persons = _persons(d)
        for vote in d.votes:
            count = _el(voting, "count", eId=f"vote_1__count_{vote.position}",
                        value=str(len(vote.states)), refersTo=f"#{vote.position}")
            for s in vote.states:
                voter = etree.SubElement(count, f"{{{PHX}}}voter", state=xml_text(s))
                if d.weights and s in d.weights:
                    voter.set("weight", str(d.weights[s]))
                if s in persons:  # in whose name, in what capacity (AKN: by, as)
                    voter.set("by", f"#{persons[s][0]}")
                    voter.set("as", f"#{persons[s][1]}")

    _temporal(meta, d, life)
    refs = _el(meta, "references", source="#phalanx")
    _el(refs, "original", eId="original", href=f"{expr}/!main", showAs=d.number)
    for i, r in enumerate(d.modified_by, 1):
        _el(refs, "passiveRef", eId=f"pass_{i}", href=r.work, showAs=r.number)
    if d.modifies is not None:
        _el(refs, "activeRef", eId="act_1", href=d.modifies.work, showAs=d.modifies.number)
    _el(refs, "TLCOrganization", eId="phalanx", href="/ontology/organization/phalanx",
        showAs="Phalanx")
    _el(refs, "TLCOrganization", eId=d.body_key, href=f"/ontology/organization/"
        f"{d.organization}/{d.body_key}", showAs=d.body_name)
    for s in sorted({s for v in d.votes for s in v.states} | set(d.binding)
                    | {s for s, _ in d.joined}):
        _el(refs, "TLCOrganization", eId=s, href=f"/ontology/organization/state/{s}",
            showAs=d.state_names.get(s, s))
    _named(refs, d)
    concepts = {d.rule: d.rule, d.outcome: d.outcome,
                **{c: c for c in life.values()},
                **{r.effect: r.effect for r in (*d.modified_by, *filter(None, [d.modifies]))}}
    concepts.update({v.position: v.position.replace("_", " ") for v in d.votes})
    concepts.update(d.concepts)
    for key, label in concepts.items():
        _el(refs, "TLCConcept", eId=key, href=f"/ontology/concept/phalanx/{key}", showAs=label)

    if d.exercise or d.tally or d.joined:
        proprietary = _el(meta, "proprietary", source="#phalanx")
        if d.exercise:
            etree.SubElement(proprietary, f"{{{PHX}}}exercise").text = "true"
        if d.tally:
            etree.SubElement(proprietary, f"{{{PHX}}}tally",
                             {k: xml_text(v) for k, v in d.tally.items()})
        for state, since in d.joined:
            etree.SubElement(proprietary, f"{{{PHX}}}joined", state=xml_text(state),
                             boundFrom=since.isoformat())
    preface = _el(doc, "preface")
    if d.exercise:
        _el(_el(preface, "p"), "docStatus").text = xml_text(d.exercise_label)
    p = _el(preface, "p")
    title = _el(p, "docTitle")
    title.text = xml_text(d.title)
    num = _el(_el(preface, "p"), "docNumber")
    num.text = xml_text(d.number)
    main = _el(doc, "mainBody")
    paras = [x for x in xml_text(d.text).splitlines() if x.strip()]
    for i, para in enumerate(paras or [xml_text(d.title)]):
        node = _el(main, "p", eId=f"para_{i + 1}")
        node.text = para
    conclusion = _el(doc, "conclusions")
    c = _el(conclusion, "p")
    c.text = xml_text(d.conclusion)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _persons(d: AknDecision) -> dict[str, tuple[str, str]]:
    """Each state whose answer names a person: that person's eId and the role's."""
    ids: dict[str, str] = {}
    out = {}
    for state, person, role in d.given_by:
        if person.strip() and role in (d.roles or {}):
            ids.setdefault(person, f"person_{len(ids) + 1}")
            out[state] = (ids[person], role)
    return out


def _named(refs: etree._Element, d: AknDecision) -> None:
    """The persons answers were given in the name of (TLCPerson) and the roles they gave
    them in (TLCRole), for the voters to refer to."""
    persons = _persons(d)
    written: set[str] = set()
    for state, person, _ in d.given_by:
        if state in persons and persons[state][0] not in written:
            written.add(persons[state][0])
            _el(refs, "TLCPerson", eId=persons[state][0],
                href=f"/ontology/person/phalanx/{quote(xml_text(person).strip(), safe='')}",
                showAs=person)
    for role in dict.fromkeys(r for _, r in persons.values()):
        _el(refs, "TLCRole", eId=role, href=f"/ontology/role/phalanx/{role}",
            showAs=(d.roles or {})[role])


def _lifecycle(meta: etree._Element, d: AknDecision) -> dict[str, str]:
    """The events of the decision's life (`eventRef`, each with the document it comes
    from): its adoption, its entry into force and end, each later decision amending or
    repealing it from its entry into force. Returns each event's eId -> its concept."""
    lifecycle = _el(meta, "lifecycle", source="#phalanx")
    _el(lifecycle, "eventRef", eId="e_adoption", date=d.adopted_on.isoformat(),
        source="#original", type="generation", refersTo="#adoption")
    concepts = {"e_adoption": "adoption"}
    if d.in_force_from is not None:
        _el(lifecycle, "eventRef", eId="e_in_force", date=d.in_force_from.isoformat(),
            source="#original", refersTo="#entryIntoForce")
        concepts["e_in_force"] = "entryIntoForce"
    if d.until is not None:
        _el(lifecycle, "eventRef", eId="e_end", date=d.until.isoformat(),
            source="#original", refersTo="#endOfEnactment")
        concepts["e_end"] = "endOfEnactment"
    for i, r in enumerate(d.modified_by, 1):
        if r.in_force_from is None:
            continue
        kind = "repeal" if r.effect == "repeals" else "amendment"
        _el(lifecycle, "eventRef", eId=f"e_pass_{i}", date=r.in_force_from.isoformat(),
            source=f"#pass_{i}", type=kind, refersTo=f"#{r.effect}")
        concepts[f"e_pass_{i}"] = r.effect
    return concepts


def _mod(parent: etree._Element, eid: str, effect: str, source: str,
         destination: str, period: str | None) -> None:
    element, kind = MODS[effect]
    mod = _el(parent, element, eId=eid, type=kind, refersTo=f"#{effect}")
    _el(mod, "source", href=source)
    _el(mod, "destination", href=destination)
    if period is not None:
        _el(mod, "force" if element != "efficacyMod" else "efficacy", period=period)


def _modifications(analysis: etree._Element, d: AknDecision) -> None:
    """What the decision does to an earlier one, and what later ones did to it."""
    if d.modifies is not None:
        _mod(_el(analysis, "activeModifications"), "amod_1", d.modifies.effect, "#para_1",
             d.modifies.work, "#tg_in_force" if d.in_force_from else None)
    if d.modified_by:
        passive = _el(analysis, "passiveModifications")
        for i, r in enumerate(d.modified_by, 1):
            _mod(passive, f"pmod_{i}", r.effect, r.work, "#original",
                 f"#tg_pass_{i}" if r.in_force_from else None)


def _temporal(meta: etree._Element, d: AknDecision, events: dict[str, str]) -> None:
    """The periods the events bound: the decision in force (from its entry into force to
    its end), and each later modification from its own entry into force."""
    groups = []
    if "e_in_force" in events:
        groups.append(("tg_in_force", "e_in_force", "e_end" if "e_end" in events else None,
                       "entryIntoForce"))
    groups += [(f"tg_pass_{i}", f"e_pass_{i}", None, r.effect)
               for i, r in enumerate(d.modified_by, 1) if f"e_pass_{i}" in events]
    if not groups:
        return
    temporal = _el(meta, "temporalData", source="#phalanx")
    for eid, start, end, concept in groups:
        group = _el(temporal, "temporalGroup", eId=eid)
        attrs = {"start": f"#{start}", "refersTo": f"#{concept}"}
        if end is not None:
            attrs["end"] = f"#{end}"
        _el(group, "timeInterval", **attrs)
