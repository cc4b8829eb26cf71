"""The rule of a decision by consultation, alone: who is consulted, which answers count,
when the chair may announce, and how the question's rule judges the answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from phalanx.domain.decisions import consultation as consult
from phalanx.domain.decisions.consensus import Outcome, Position, Rule, Standing, decide

OPENED = datetime(2022, 1, 5, 18, 30, 17, tzinfo=UTC)
SIX = ("ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK")


def answer(state: str, minutes: int, position: Position = Position.SUPPORT) -> consult.Answer:
    return consult.Answer(state, position, OPENED.replace(second=0) + timedelta(minutes=minutes),
                          consult.Channel.TELEPHONE)


def test_questions_come_from_the_body_rules() -> None:
    rules = {"consultation": {"questions": ["default", "peacekeeping"]}}
    assert consult.consultation_problems(rules, "peacekeeping") == []
    assert "not 'admission'" in consult.consultation_problems(rules, "admission")[0]
    assert consult.consultation_problems({}, "default") == [
        "this body does not decide by consultation"]


def test_the_latest_answer_counts_and_the_chair_waits_for_everyone() -> None:
    c = consult.Consultation("ARM", SIX, (answer("KAZ", 5, Position.ABSTAIN), answer("KAZ", 9)),
                             OPENED)
    assert c.latest["KAZ"].position is Position.SUPPORT
    assert c.missing == ("ARM", "BLR", "KGZ", "RUS", "TJK")
    assert "not yet reached: ARM, BLR, KGZ, RUS, TJK" in c.announce_problems()[0]
    full = consult.Consultation("ARM", SIX, tuple(answer(s, 10) for s in SIX), OPENED)
    assert full.announce_problems() == []


def test_answers_are_dated_to_the_minute_inside_the_consultation() -> None:
    c = consult.Consultation("ARM", SIX, (), OPENED)
    now = OPENED + timedelta(hours=1)
    assert c.answer_problems(answer("KAZ", 0), now) == []  # the minute it opened
    assert "before the consultation opened" in c.answer_problems(answer("KAZ", -1), now)[0]
    assert "in the future" in c.answer_problems(answer("KAZ", 90), now)[0]
    assert "not among the members consulted" in c.answer_problems(answer("UZB", 5), now)[0]


def test_an_objection_by_telephone_blocks_as_in_a_session() -> None:
    answers = tuple(answer(s, 10, Position.OBJECT if s == "BLR" else Position.SUPPORT)
                    for s in SIX)
    c = consult.Consultation("ARM", SIX, answers, OPENED)
    standings = {s: Standing.FULL for s in SIX} | {"UZB": Standing.SUSPENDED}
    stances = c.stances(standings)
    assert [s.present for s in stances] == [True] * 6 + [False]
    assert decide(stances, Rule()).outcome is Outcome.RETURNED
    adopted = consult.Consultation("ARM", SIX, tuple(answer(s, 10) for s in SIX), OPENED)
    assert decide(adopted.stances(standings), Rule()).outcome is Outcome.ADOPTED


def test_a_member_not_taking_part_is_not_consulted_but_its_objection_is_recorded() -> None:
    five = SIX[1:]
    c = consult.Consultation("KAZ", five, (), OPENED, aside=("ARM",))
    now = OPENED + timedelta(hours=1)
    assert c.answer_problems(answer("ARM", 5), now) == [
        "ARM takes no part in the work: the chair records only its formal objection"]
    assert c.answer_problems(answer("ARM", 5, Position.OBJECT), now) == []
    answers = (answer("ARM", 5, Position.OBJECT), *(answer(s, 10) for s in five))
    done = consult.Consultation("KAZ", five, answers, OPENED, aside=("ARM",))
    assert done.announce_problems() == []  # nobody waits for ARM
    standings = {"ARM": Standing.NOT_PARTICIPATING} | {s: Standing.FULL for s in five}
    assert decide(done.stances(standings), Rule()).outcome is Outcome.RETURNED
    quiet = consult.Consultation("KAZ", five, answers[1:], OPENED, aside=("ARM",))
    assert decide(quiet.stances(standings), Rule()).outcome is Outcome.ADOPTED


def test_a_request_under_the_collective_defence_article_obliges_every_member() -> None:
    from phalanx.domain.crisis import obligations as ob

    cd = ["Treaty art. 4", "CST art. 4", "Договор ст. 4"]
    for cited in ("Treaty art. 4", "Treaty art. 2 and 4", "treaty art 4",
                  "Article 4 of the Collective Security Treaty", "статья 4 Договора",
                  "CST art. 4", "ст. 4 Договора о коллективной безопасности"):
        assert ob.invokes(cited, cd), cited
    for cited in ("UN Charter art. 51", "Treaty art. 2", "Charter art. 4", "",
                  "Treaty art. 2, para. 4", "Request No. 4 under Treaty art. 2",
                  "Charter of the Collective Security Treaty Organization, art. 4",
                  "CSTO Charter art. 4", "ст. 4 Устава Организации Договора о коллективной "
                  "безопасности"):
        assert not ob.invokes(cited, cd), cited
    request = OPENED + timedelta(hours=1)
    assert ob.arises(False, [("Treaty art. 2", OPENED)], cd) is None
    assert not ob.binds(False, [("Treaty art. 2", OPENED)], cd)
    assert ob.arises(False, [("Treaty art. 2", OPENED), ("Treaty art. 4", request)],
                     cd) == request
    assert ob.binds(False, [("Treaty art. 4", request)], cd)
