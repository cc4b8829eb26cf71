"""The letter to the President of the UN Security Council (UN Charter art. 51) that
reports the collective assistance decided on a crisis of collective defence, in English
or Russian, made from the records: the decision (cited by its number and date, and by its
title when the title is written in the letter's language), the body that adopted it, the
affected members, their official requests (who, in which office, when), the measures
by their names and the period.

The letter is written so that it can be sent as it is: the particulars are lines of a
list ("Measures taken: ...", no full stop after a date that ends with one), names stand
where no case ending depends on them (after a colon, as the subject of a sentence), so
a Russian letter
never declines a state's or a body's name wrongly, and where the organization's name
would need the genitive the Russian text uses its abbreviation, which does not decline.
The texts are gettext messages (`messages.po`)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, select

from phalanx.adapters.db import access
from phalanx.adapters.db import tables as t
from phalanx.adapters.exports import pdf
from phalanx.domain.access.policy import Marking, widens
from phalanx.domain.access.principal import Principal
from phalanx.services import clock
from phalanx.services.errors import Conflict, NotFound
from phalanx.services.texts import ENGLISH, Texts

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def in_language(text: str, lang: str) -> bool:
    """Whether `text` is written in `lang`: Russian has Cyrillic letters, English none."""
    return bool(_CYRILLIC.search(text)) == (lang == "ru")


def letter_pdf(conn: Connection, crisis_id: int, *, actor: Principal,
               texts: Texts = ENGLISH) -> bytes:
    """The letter in the language of `texts`, from the crisis's notice and its decision;
    it obeys the decision's marking."""
    from phalanx.services import crises, crisis_requests, organization

    _, label, lang = texts.gettext, texts.label, texts.lang
    row = crises.crisis_row(conn, crisis_id, actor)
    org = organization.organization(conn)
    n = conn.execute(select(t.un_notice).where(t.un_notice.c.crisis_id == crisis_id)).first()
    if n is None:
        raise Conflict(f"crisis {crisis_id} has no notice to the UN Security Council")
    d = conn.execute(access.select_visible(t.decision, actor).where(
        t.decision.c.id == n.decision_id)).first()
    if d is None:
        raise NotFound("letter", crisis_id)
    data = org.text_in(lang)  # persons and other texts the file translates

    def state(code: str) -> str:
        s = org.states.get(code)
        return s.name.get(lang) if s else code

    names = {"org": org.name.get(lang), "abbr": org.abbreviation.get(lang)}
    affected = [s for s in row.affected.split(",") if s]
    decision = (_("Decision: No. %(number)s of %(date)s, “%(title)s”", number=d.number,
                  date=texts.day(d.adopted_on), title=d.title)
                if in_language(d.title, lang) else
                _("Decision: No. %(number)s of %(date)s", number=d.number,
                  date=texts.day(d.adopted_on)))
    treaty = org.agreements[org.founding_agreement].title.get(lang)
    requests_made = crisis_requests.requests_of(conn, crisis_id)
    requests = [_("%(state)s — %(person)s (%(office)s), %(date)s",
                  state=state(r.state), person=data(r.person),
                  office=label("office", r.office), date=texts.day(clock.day(org, r.at)))
                for r in requests_made]
    particulars = [
        decision,
        _("Adopted by: %(body)s", body=org.bodies[d.body_key].name.get(lang)),
        _basis(texts, treaty, data, _invoked(org, [r.article for r in requests_made])),
        (_("Affected member state: %(states)s", states=", ".join(map(state, affected)))
         if len(affected) == 1 else
         _("Affected member states: %(states)s", states=", ".join(map(state, affected)))),
        _("Official request: %(requests)s", requests="; ".join(requests))
        if requests else "",
        _("Measures taken: %(measures)s", measures=", ".join(
            label("measure", m) for m in d.measures) or "—"),
        _("Period (days): %(days)s", days=d.period_days) if d.period_days else "",
    ]
    return pdf.render(pdf.PdfDocument(
        title=_("Letter to the President of the United Nations Security Council"),
        marking=_marking(conn, row, d, texts), exercise=bool(row.exercise),
        exercise_label=_("EXERCISE"), subtitle=f"{names['abbr']} · {d.number}",
        sections=[pdf.Section("", paragraphs=[
            _("Under Article 51 of the Charter of the United Nations, and on behalf of the "
              "member states of the %(org)s (%(abbr)s), I have the honour to inform you of "
              "the following decision on collective assistance:", **names),
            *(p for p in particulars if p),
            _("The Security Council will be informed of further measures."),
            _signatory(org, texts, names)])]))


_ARTICLE = re.compile(r"\bart(?:icle|\.)?\s*(\d+[a-z]?)\s*$", re.IGNORECASE)


def _invoked(org: Any, articles: list[str]) -> str:
    """The collective-defence article the letter rests on: the first the official
    requests invoke among the file's `collective_defence_articles`, else the file's first
    one; "" where the file names none."""
    own = list(org.settings.get("collective_defence_articles") or [])
    return next((a for a in articles if a in own), next(iter(own), ""))


def _basis(texts: Texts, treaty: str, data: Any, article: str) -> str:
    """The letter's basis: the founding agreement's article the organization's file
    names ("Treaty art. 4": the treaty, Article 4), as its file writes it where it gives
    no number, and the UN Charter's Article 51."""
    _ = texts.gettext
    number = _ARTICLE.search(article)
    if number:
        return _("Basis: %(treaty)s, Article %(article)s; the Charter of the United Nations, "
                 "Article 51", treaty=treaty, article=number.group(1))
    if article:
        return _("Basis: %(article)s; the Charter of the United Nations, Article 51",
                 article=data(article))
    return _("Basis: the Charter of the United Nations, Article 51")


def _signing_post(org: Any) -> Any:
    """The post heading the organization's secretariat (a post of a body of kind
    `secretariat` in its file, e.g. the Secretary General); None: the file names none."""
    return next((p for p in org.posts.values() if p.body in org.bodies
                 and org.bodies[p.body].kind == "secretariat"), None)


def as_sent(conn: Connection, org: Any, crisis_id: int) -> dict[str, str]:
    """What the letter sent says of its basis and its signatory, for the audit entry of
    the notice recorded as sent (`crisis.un_notice`): the collective-defence article it
    rests on (`article`, as the file names it) and the post that signs it (`signed_by`:
    its key in the file, or `secretariat`), as the file and the requests stand when it
    is sent; the trail keeps them if the file changes after."""
    from phalanx.services import crisis_requests

    post = _signing_post(org)
    return {"article": _invoked(org, [r.article for r in
                                      crisis_requests.requests_of(conn, crisis_id)]),
            "signed_by": post.key if post is not None else "secretariat"}


def _signatory(org: Any, texts: Texts, names: dict[str, str]) -> str:
    """Who signs: the post heading the organization's secretariat (a post of a body of
    kind `secretariat` in its file, e.g. the Secretary General), else its Secretariat."""
    post = _signing_post(org)
    if post is None:
        return texts.gettext("The Secretariat of the %(org)s (%(abbr)s)", **names)
    return texts.gettext("%(post)s of the %(org)s (%(abbr)s)",
                         post=post.name.get(texts.lang), **names)


def _marking(conn: Connection, crisis: Any, decision: Any, texts: Texts) -> str:
    """The letter's marking: the narrower of its crisis's and its decision's (it is read
    by those who read both), as each is marked now; one marked for its participants
    names them."""
    from phalanx.services import state_users

    members = state_users.members_today(conn) or frozenset()
    of_crisis, of_decision = (access.classification_of(crisis),
                              access.classification_of(decision))
    c = of_decision if widens(of_decision, of_crisis, members) else of_crisis
    if c.marking is Marking.PARTICIPANTS and c.participants:
        return texts.gettext("PARTICIPANTS: %(states)s", states=", ".join(sorted(c.participants)))
    return texts.label("marking", c.marking)
