"""A crisis's timeline, and its notices in the inbox, in the reader's language.

The services write each entry of a crisis's timeline in English and store it so
(`services/crises/`, `services/forces/`, `services/alert_effects.py`,
`services/crisis_requests.py`, `services/crisis_obligations.py`); here each form is
matched and written again from its msgid (`forms`). What someone wrote (a title, a
reason, conditions) stays in the words they wrote it in. An entry no form matches is
tried as a line of the planner, then shows as it is; a test records a crisis from its
report to its deployment and checks that no entry is left in English.

The notices are emailed in the same forms (`notice_renderer`): the outbox writes each in
its recipient's language with the function the command sending them passes it.

To translate a new form: add it to `FORMS` with `N_`, run `make i18n` and write its
Russian text in `messages.po`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from phalanx.domain.organization import Organization
from phalanx.services.outbox import EXERCISE_LINE
from phalanx.web.i18n import N_
from phalanx.web.i18n.forms import translator
from phalanx.web.i18n.plantexts import plan_text

_WHEN = r"\d\d-\d\d \d\d:\d\d"

FORMS: tuple[tuple[str, str], ...] = (
    # the crisis algorithm (services/crises/)
    (r"consultations convened: (?P<line_title>.+)",
     N_("consultations convened: %(line_title)s")),
    (r"Consultations on crisis (?P<crisis>\d+): (?P<title>.+)",
     N_("Consultations on crisis %(crisis)s: %(title)s")),
    (r"consultations convened \(session (?P<session>\d+)\)",
     N_("consultations convened (session %(session)s)")),
    (r"session convened: (?P<line_title>.+)", N_("session convened: %(line_title)s")),
    # the notice of the consultations to every reader of the crisis
    (r"Consultations convened: crisis (?P<crisis>\d+) \((?P<title>.+)\)",
     N_("Consultations convened: crisis %(crisis)s (%(title)s)")),
    (r"(?P<data_body>.+?): (?P<L_session_kind>regular|extraordinary|emergency) session "
     r"\((?P<L_session_mode>video conference|in person)\), opens "
     r"(?P<when>\d{4}-\d\d-\d\d \d\d:\d\d) UTC",
     N_("%(data_body)s: %(L_session_kind)s session (%(L_session_mode)s), opens %(when)s UTC")),
    # a session's title when none was given (services/decisions/sessions.py)
    (r"(?P<data_body>.+?): (?P<L_session_kind>regular|extraordinary|emergency) session, "
     r"(?P<day>\d{4}-\d\d-\d\d)",
     N_("%(data_body)s: %(L_session_kind)s session, %(day)s")),
    (r"(?P<L_session_kind>Regular|Extraordinary|Emergency) session on crisis "
     r"(?P<crisis>\d+): (?P<title>.+)",
     N_("%(L_session_kind)s session on crisis %(crisis)s: %(title)s")),
    (r"notice to the UN Security Council opened \(UN Charter art\. 51\)",
     N_("notice to the UN Security Council opened (UN Charter art. 51)")),
    (r"decision (?P<number>.+?): (?P<title>.+)", N_("decision %(number)s: %(title)s")),
    # the drafts in a crisis's file (services/crisis_drafts.py)
    (r"draft (?P<draft>\d+) tabled: (?P<title>.+)", N_("draft %(draft)s tabled: %(title)s")),
    (r"draft (?P<draft>\d+) adopted as decision (?P<number>.+)",
     N_("draft %(draft)s adopted as decision %(number)s")),
    (r"draft (?P<draft>\d+) (?P<L_draft_status>adopted|returned|lapsed|closed)",
     N_("draft %(draft)s %(L_draft_status)s")),
    # the clocks: overdue, escalated (services/crises/workflow.py)
    (r"(?P<line_what>.+); escalated to the Secretariat and the chair",
     N_("%(line_what)s; escalated to the Secretariat and the chair")),
    # as entries escalated before read (naming the CSTO's post)
    (r"(?P<line_what>.+); escalated to the Secretary General and the chair",
     N_("%(line_what)s; escalated to the Secretary General and the chair")),
    # (how late, stored in minutes, reads in days, hours and minutes: `late`)
    (r"stage (?P<L_stage>\w+) overdue by (?P<late>\d+) min",
     N_("stage %(L_stage)s overdue by %(late)s")),
    (r"the notice to the UN Security Council \(UN Charter art\. 51\) overdue by "
     r"(?P<late>\d+) min",
     N_("the notice to the UN Security Council (UN Charter art. 51) overdue by %(late)s")),
    (r"the answer of (?P<state>[A-Z]{3}) under the obligation of assistance "
     r"overdue by (?P<late>\d+) min",
     N_("the answer of %(state)s under the obligation of assistance overdue by %(late)s")),
    (r"the answer of (?P<state>[A-Z]{3}) under the obligation of collective defence "
     r"overdue by (?P<late>\d+) min",
     N_("the answer of %(state)s under the obligation of collective defence overdue by "
        "%(late)s")),
    (r"the mandate of (?P<number>\S+) ended on (?P<ended>\d{4}-\d\d-\d\d \d\d:\d\d) UTC "
     r"with (?P<units>\d+) unit\(s\) of the decided deployment still out and no decided "
     r"way home",
     N_("the mandate of %(number)s ended on %(ended)s UTC with %(units)s unit(s) of the "
        "decided deployment still out and no decided way home")),
    # an exercise ended or cancelled by its control (services/crises/ending.py)
    (r"exercise ended \(ENDEX\)(?P<reason> — .*)?", N_("exercise ended (ENDEX)%(reason)s")),
    (r"exercise cancelled: started in error(?P<reason> — .*)?",
     N_("exercise cancelled: started in error%(reason)s")),
    # the notices of a crisis in the inbox (services/crises/)
    (r"\[EXERCISE\] (?P<line_notice>.+) \[EXERCISE\]",
     N_("[EXERCISE] %(line_notice)s [EXERCISE]")),
    (r"\[EXERCISE\] (?P<line_notice>.+)", N_("[EXERCISE] %(line_notice)s")),
    (r"EXERCISE EXERCISE EXERCISE", N_("EXERCISE EXERCISE EXERCISE")),
    (r"Crisis reported: (?P<title>.+)", N_("Crisis reported: %(title)s")),
    (r"(?P<data_category>.+?) affecting (?P<states>[A-Z]+(?:, [A-Z]+)*)"
     r"(?P<line_named>; the report names [A-Z]+(?:, [A-Z]+)* as the other party"
     r"(?: \(a dispute between members\))?)?\. "
     r"(?P<data_basis>.+)\. Consultations are due within (?P<minutes>\d+) minutes\.",
     N_("%(data_category)s affecting %(states)s%(line_named)s. %(data_basis)s. "
        "Consultations are due within %(minutes)s minutes.")),
    # the other party the report names (services/crises/intake.py)
    (r"; the report names (?P<states>[A-Z]+(?:, [A-Z]+)*) as the other party \(a dispute "
     r"between members\)",
     N_("; the report names %(states)s as the other party (a dispute between members)")),
    (r"; the report names (?P<states>[A-Z]+(?:, [A-Z]+)*) as the other party",
     N_("; the report names %(states)s as the other party")),
    (r"Crisis (?P<crisis>\d+): (?P<L_stage>\w+)", N_("Crisis %(crisis)s: %(L_stage)s")),
    # the measures chosen for the response (services/crises/workflow.py)
    (r"measures: (?P<Ls_measure>[a-z_]+(?:, [a-z_]+)*)", N_("measures: %(Ls_measure)s")),
    (r"Overdue: crisis (?P<crisis>\d+) \((?P<title>.+)\)",
     N_("Overdue: crisis %(crisis)s (%(title)s)")),
    # assistance between members (services/crises/assistance.py)
    # a need counted in units (the crisis room's form), or in a unit someone wrote
    (r"(?P<state>\w+) requests (?P<quantity>\S+) units of (?P<resource>.+)",
     N_("%(state)s requests %(quantity)s units of %(resource)s")),
    (r"(?P<state>\w+) requests (?P<quantity>\S+) (?P<unit>.+?) of (?P<resource>.+)",
     N_("%(state)s requests %(quantity)s %(unit)s of %(resource)s")),
    # an offer of a strength of a capability, or of registry units (by their keys, shown
    # by the names the reader may see)
    (r"(?P<state>\w+) offers (?P<quantity>\S+) \((?P<L_offer_kind>\w+): (?P<strength>\d+) "
     r"(?P<cap>[a-z_]+)\): (?P<description>.*)",
     N_("%(state)s offers %(quantity)s (%(L_offer_kind)s: %(cap)s, %(strength)s): "
        "%(description)s")),
    (r"(?P<state>\w+) offers (?P<quantity>\S+) \((?P<L_offer_kind>\w+): "
     r"(?P<unitkeys>[^\s,()]+(?:, [^\s,()]+)*)\): (?P<description>.*)",
     N_("%(state)s offers %(quantity)s (%(L_offer_kind)s: %(unitkeys)s): %(description)s")),
    (r"(?P<state>\w+) offers (?P<quantity>\S+) \((?P<L_offer_kind>\w+)\): (?P<description>.*)",
     N_("%(state)s offers %(quantity)s (%(L_offer_kind)s): %(description)s")),
    (r"(?P<state>\w+) (?P<L_offer_status>accepted|declined) the offer of (?P<other>\w+)",
     N_("%(state)s: the offer of %(other)s %(L_offer_status)s")),
    # the official request and the members' answers (Treaty art. 4)
    (r"official request of (?P<state>\w+) \((?P<data_person>.+), (?P<L_office>[a-z ]+)\), "
     r"(?P<data_article>.+?): (?P<Ls_measure>[a-z_]+(?:, [a-z_]+)*)(?P<forces> — .+?)?"
     r"(?P<line_period>, for \d+ days)?",
     N_("official request of %(state)s (%(data_person)s, %(L_office)s), %(data_article)s: "
        "%(Ls_measure)s%(forces)s%(line_period)s")),
    (r", for (?P<days>\d+) days", N_(", for %(days)s days")),
    (r"Official request: crisis (?P<crisis>\d+) \((?P<title>.+)\)",
     N_("Official request: crisis %(crisis)s (%(title)s)")),
    (r"the answers of (?P<states>[A-Z]{3}(?:, [A-Z]{3})*) under the obligation of "
     r"assistance are due by (?P<when>\d{4}-\d\d-\d\d \d\d:\d\d) UTC",
     N_("the answers of %(states)s under the obligation of assistance are due by "
        "%(when)s UTC")),
    # as notices written before read (naming the obligation of collective defence)
    (r"the answers of (?P<states>[A-Z]{3}(?:, [A-Z]{3})*) under the obligation of "
     r"collective defence are due by (?P<when>\d{4}-\d\d-\d\d \d\d:\d\d) UTC",
     N_("the answers of %(states)s under the obligation of collective defence are due by "
        "%(when)s UTC")),
    (r"(?P<state>[A-Z]{3}) withdrew its official request of (?P<made>\d{4}-\d\d-\d\d "
     r"\d\d:\d\d) UTC at (?P<when>\d{4}-\d\d-\d\d \d\d:\d\d) UTC(?P<reason> — .*)?",
     N_("%(state)s withdrew its official request of %(made)s UTC at %(when)s UTC%(reason)s")),
    (r"(?P<state>\w+): (?P<L_obligation>forces|other|declined)(?P<detail> — .*)?",
     N_("%(state)s: %(L_obligation)s%(detail)s")),
    (r"UN Security Council notified(?P<reference> \(.*\))?",
     N_("UN Security Council notified%(reference)s")),
    # forces (services/forces/)
    # a member's answer: its units named by their keys, shown by the names the reader may see
    (r"(?P<state>\w+): units (?P<L_scope>all|some|none)(?P<line_units> \([^)]*\))?"
     r"(?P<line_conditions>; conditions: .*)?",
     N_("%(state)s: %(L_scope)s%(line_units)s%(line_conditions)s")),
    (r"(?P<state>[A-Z]{3}): conditions accepted by (?P<user>\S+)",
     N_("%(state)s: conditions accepted by %(user)s")),
    (r" \((?P<unitkeys>[^\s,()]+(?:, [^\s,()]+)*)\)", N_(" (%(unitkeys)s)")),
    (r"; conditions: (?P<conditions>.*)", N_("; conditions: %(conditions)s")),
    (r"deployment plan (?P<plan>\d+) proposed: (?P<movements>\d+) movements, "
     r"(?P<uncovered>\d+) uncovered, gap (?P<pct_gap>n/a|\d+(?:\.\d+)?%)",
     N_("deployment plan %(plan)s proposed: %(movements)s movements, %(uncovered)s "
        "uncovered, gap %(pct_gap)s")),
    (r"n/a", N_("n/a")),
    (r"deployment plan (?P<plan>\d+) decided: (?P<units>\d+) units move",
     N_("deployment plan %(plan)s decided: %(units)s units move")),
    (r"withdrawal plan (?P<plan>\d+) decided: (?P<units>\d+) units move home",
     N_("withdrawal plan %(plan)s decided: %(units)s units move home")),
    (rf"withdrawal plan (?P<plan>\d+) proposed: (?P<units>\d+) units home"
     rf"(?P<line_span> from {_WHEN} to {_WHEN})?",
     N_("withdrawal plan %(plan)s proposed: %(units)s units home%(line_span)s")),
    (rf" from (?P<start>{_WHEN}) to (?P<end>{_WHEN})", N_(" from %(start)s to %(end)s")),
    # alerts from national systems (services/alert_effects.py)
    (r"CAP Update (?P<identifier>\S+) \((?P<sent>[^)]*)\): (?P<reasons>.+)",
     N_("CAP Update %(identifier)s (%(sent)s): %(reasons)s")),
    (r"severity (?P<L_severity>\w+) → (?P<L_severity2>\w+)",
     N_("severity %(L_severity)s → %(L_severity2)s")),
    (r"area (?P<before>.+) → (?P<after>.+)", N_("area %(before)s → %(after)s")),
    (r"title → (?P<title>.+)", N_("title → %(title)s")),
    (r"text updated", N_("text updated")),
    (r"no change", N_("no change")),
    (r"a CAP message came for fewer readers than this crisis has: kept apart, not every "
     r"reader of the crisis may read it; the crisis is not changed",
     N_("a CAP message came for fewer readers than this crisis has: kept apart, not every "
        "reader of the crisis may read it; the crisis is not changed")),
    (r"CAP Cancel (?P<identifier>\S+) \((?P<sent>[^)]*)\): the alert is cancelled; closing "
     r"is proposed(?P<reason> — .*)?",
     N_("CAP Cancel %(identifier)s (%(sent)s): the alert is cancelled; closing is "
        "proposed%(reason)s")),
    # a draft's silence broken (services/decisions/silence.py)
    (r"Silence broken: (?P<title>.+)", N_("Silence broken: %(title)s")),
    (r"(?P<state>[A-Z]{3}) broke silence on draft (?P<draft>\d+): returned to the body",
     N_("%(state)s broke silence on draft %(draft)s: returned to the body")),
    # an adopted decision's notice to the members it binds or was sent to for
    # consideration (services/decisions/register.py)
    (r"Decision (?P<number>\S+) adopted: (?P<title>.+)",
     N_("Decision %(number)s adopted: %(title)s")),
    (r"(?P<state>[A-Z]{3}) is bound by decision (?P<number>\S+)",
     N_("%(state)s is bound by decision %(number)s")),
    (r"Decision (?P<number>\S+) was sent to (?P<state>[A-Z]{3}) for consideration: adopted "
     r"in its absence or without its say; it does not bind it",
     N_("Decision %(number)s was sent to %(state)s for consideration: adopted in its "
        "absence or without its say; it does not bind it")),
    # a member's declaration on a decision adopted without it, told to those it binds
    # (services/decisions/joining.py)
    (r"(?P<state>[A-Z]{3}) joins decision (?P<number>\S+)",
     N_("%(state)s joins decision %(number)s")),
    (r"(?P<state>[A-Z]{3}) does not join decision (?P<number>\S+)",
     N_("%(state)s does not join decision %(number)s")),
    (r"(?P<state>[A-Z]{3}) declared on (?P<day>\d{4}-\d\d-\d\d) that it joins decision "
     r"(?P<number>\S+): bound by it from that day",
     N_("%(state)s declared on %(day)s that it joins decision %(number)s: bound by it from "
        "that day")),
    (r"(?P<state>[A-Z]{3}) declared on (?P<day>\d{4}-\d\d-\d\d) that it does not join "
     r"decision (?P<number>\S+): it is not bound by it",
     N_("%(state)s declared on %(day)s that it does not join decision %(number)s: it is not "
        "bound by it")),
    # an emailed notice's last paragraph (services/outbox.py)
    (r"Open in Phalanx: (?P<url>https?://\S+)", N_("Open in Phalanx: %(url)s")),
    # the notice of a crisis ended or decided without a reason: its title and the stage
    # (services/crises/workflow.py); last, as a title may end in anything
    (r"(?P<title>.+): (?P<L_stage>decision|closed|no_action|rejected)",
     N_("%(title)s: %(L_stage)s")),
)


# an entry of a crisis's timeline (or a notice) in a language: by its form, else as a
# line of the planner; in English too, its keys by their labels
timeline_text = translator(FORMS, plan_text, english=True)


def notice_text(body: str, lang: str, data: dict[str, str] | None = None,
                names: dict[str, str] | None = None, limit: int = 200) -> str:
    """A notice's body on one line of a page in `lang`, paragraph by paragraph as its email
    writes it (" · " between them), shortened to `limit` characters; an exercise's still
    begins and ends saying so (`outbox.exercise_notice`), however long its body."""
    parts = body.split("\n\n")
    marked = len(parts) >= 3 and parts[0] == parts[-1] == EXERCISE_LINE
    inner = parts[1:-1] if marked else parts
    # its paragraphs apart, as the email's are (a request, then the answers it makes due)
    text = " · ".join(timeline_text(p, lang, data, names) for p in inner)
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    if marked:
        line = timeline_text(EXERCISE_LINE, lang, data, names)
        text = f"{line} {text} {line}"
    return text


def notice_renderer(org: Organization | None) -> Callable[..., tuple[str, str]]:
    """`render(subject, body, lang, titles)`: a notice of the outbox in `lang`, as the inbox shows
    it (`timeline_text`, the organization file's texts in `lang` as the page's
    `dataset_text`), its body paragraph by paragraph (the email's link is one), the words
    the file names its own way as the pages name them (`errors.own_labels`: its
    rapid-reaction measure after its own force), a decision's or draft's title as `titles`
    gives it in `lang` (`outbox.russian_titles`); `org` is None before a dataset is
    loaded."""
    from phalanx.web.i18n.errors import own_labels

    def render(subject: str, body: str, lang: str,
               titles: Mapping[str, str] | None = None) -> tuple[str, str]:
        data = org.text_in(lang) if org is not None else None
        own = {**(own_labels(org, lang) if org is not None else {}), **(titles or {})}
        return timeline_text(subject, lang, data, own), "\n\n".join(
            timeline_text(part, lang, data, own) for part in body.split("\n\n"))

    return render
