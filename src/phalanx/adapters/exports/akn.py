"""Adopted decisions as Akoma Ntoso 3.0 (OASIS LegalDocML): a `statement` document
whose metadata carries the `voting` analysis (the members' positions by kind)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

AKN = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
PHX = "urn:phalanx:akn-extension"
NSMAP = {None: AKN, "phx": PHX}


@dataclass(frozen=True)
class Vote:
    position: str  # support, no_objection, abstain, object, not_taking_part, not_stated
    states: tuple[str, ...]


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
    quorum: int
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
    weights: dict[str, int] | None = None


def _el(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{AKN}}}{tag}", {k.rstrip("_"): v
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
    work = f"/akn/{d.organization}/statement/{d.kind}/{d.adopted_on.isoformat()}/{d.number}"
    expr = f"{work}/{d.language}@{d.adopted_on.isoformat()}"
    _frbr(ident, "FRBRWork", work, f"{work}/!main", d.adopted_on, d.body_key,
          {"FRBRcountry": d.organization})
    _frbr(ident, "FRBRExpression", expr, f"{expr}/!main", d.adopted_on, d.body_key,
          {"FRBRlanguage": d.language})
    _frbr(ident, "FRBRManifestation", f"{expr}.akn", f"{expr}/!main.xml", d.adopted_on,
          "phalanx")

    analysis = _el(meta, "analysis", source="#phalanx")
    parl = _el(analysis, "parliamentary")
    voting = _el(parl, "voting", eId="vote_1", outcome=f"#{d.outcome}",
                 refersTo=" ".join(f"#{c}" for c in (d.rule, d.procedure) if c))
    _el(voting, "quorum", eId="vote_1__quorum", value=str(d.quorum))
    for vote in d.votes:
        count = _el(voting, "count", eId=f"vote_1__count_{vote.position}",
                    value=str(len(vote.states)), refersTo=f"#{vote.position}")
        for s in vote.states:
            voter = etree.SubElement(count, f"{{{PHX}}}voter", state=s)
            if d.weights and s in d.weights:
                voter.set("weight", str(d.weights[s]))

    refs = _el(meta, "references", source="#phalanx")
    _el(refs, "TLCOrganization", eId="phalanx", href="/ontology/organization/phalanx",
        showAs="Phalanx")
    _el(refs, "TLCOrganization", eId=d.body_key, href=f"/ontology/organization/"
        f"{d.organization}/{d.body_key}", showAs=d.body_name)
    for s in sorted({s for v in d.votes for s in v.states} | set(d.binding)):
        _el(refs, "TLCOrganization", eId=s, href=f"/ontology/organization/state/{s}",
            showAs=d.state_names.get(s, s))
    concepts = {d.rule: d.rule, d.outcome: d.outcome}
    concepts.update({v.position: v.position.replace("_", " ") for v in d.votes})
    concepts.update(d.concepts)
    for key, label in concepts.items():
        _el(refs, "TLCConcept", eId=key, href=f"/ontology/concept/phalanx/{key}", showAs=label)

    if d.exercise or d.tally:
        proprietary = _el(meta, "proprietary", source="#phalanx")
        if d.exercise:
            etree.SubElement(proprietary, f"{{{PHX}}}exercise").text = "true"
        if d.tally:
            etree.SubElement(proprietary, f"{{{PHX}}}tally", d.tally)
    preface = _el(doc, "preface")
    if d.exercise:
        _el(_el(preface, "p"), "docStatus").text = d.exercise_label
    p = _el(preface, "p")
    title = _el(p, "docTitle")
    title.text = d.title
    num = _el(_el(preface, "p"), "docNumber")
    num.text = d.number
    main = _el(doc, "mainBody")
    for i, para in enumerate([x for x in d.text.splitlines() if x.strip()] or [d.title]):
        node = _el(main, "p", eId=f"para_{i + 1}")
        node.text = para
    conclusion = _el(doc, "conclusions")
    c = _el(conclusion, "p")
    c.text = d.conclusion
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
