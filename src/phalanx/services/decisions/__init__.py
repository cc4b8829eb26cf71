"""Consultations and decisions: sessions, drafts and their versions, amendments,
positions, the written and silence procedures, the register of decisions and their implementation.

Every action here loads what it needs, asks the domain (`domain/decisions`), writes,
audits, and announces the change to open pages. Reads of sessions, drafts and
decisions go through the access layer. The modules, by concept:

| module | what |
|---|---|
| `schemas`, `session_schemas` | what the services take and give |
| `common` | the body's rules on a date, rows read through the access layer, who acts |
| `sessions` | convening, attendance, agenda, opening and closing |
| `drafts` | drafts, versions, amendments; reading a draft |
| `positions` | positions in session, closing a draft by the body's rule |
| `written` | the written procedure |
| `silence` | the silence procedure: adopted at the deadline unless a member breaks silence |
| `consultation` | decisions by consultation of the heads of state, announced by the chair |
| `register` | the register of decisions, publication, counts |
| `marking` | a decision re-marked after its adoption (released further, or restricted) |
| `tasks` | a decision's implementation tasks |
| `joining` | a member joining a decision later (bound from its declaration), or not |
| `terms`, `lifecycle` | a decision's life: entry into force, end, modifications, status on a day |
"""

from phalanx.services.decisions.amendments import decide_amendment, propose_amendment
from phalanx.services.decisions.common import seat_holder
from phalanx.services.decisions.consultation import announce, record_answer
from phalanx.services.decisions.draft_reading import get_draft
from phalanx.services.decisions.drafts import propose_draft, propose_in, revise_draft
from phalanx.services.decisions.joining import declare as declare_joining
from phalanx.services.decisions.lifecycle import decision_by_number, record_notification
from phalanx.services.decisions.marking import DecisionMarkingIn, remark_decision
from phalanx.services.decisions.positions import close_draft, state_position
from phalanx.services.decisions.register import (
    adopted_from,
    change_cursor,
    count_by_kind,
    count_decisions,
    counts,
    get_decision,
    list_decisions,
    publish,
    reads_draft,
)
from phalanx.services.decisions.schemas import (
    AmendmentOut,
    Authorizes,
    ConsultationAnswerIn,
    CountsOut,
    DecisionOut,
    DraftIn,
    DraftOut,
    HistoricalCountOut,
    JoiningOut,
    OutcomeOut,
    SignatureOut,
    StanceOut,
    TallyOut,
    TaskIn,
    TaskOut,
    VersionOut,
)
from phalanx.services.decisions.session_schemas import (
    AgendaItemOut,
    AttendanceOut,
    MeetingIn,
    MeetingOut,
)
from phalanx.services.decisions.sessions import (
    add_agenda_item,
    convene,
    convene_in,
    count_meetings,
    get_meeting,
    list_meetings,
    may_record_attendance,
    record_attendance,
    set_session_status,
)
from phalanx.services.decisions.silence import break_silence, settle_silence
from phalanx.services.decisions.tasks import (
    add_task,
    count_tasks,
    list_tasks,
    may_assign_tasks,
    may_update_task,
    update_task,
)
from phalanx.services.decisions.terms import LifecycleIn, LifecycleOut, RelationOut
from phalanx.services.decisions.written import settle_lapsed, sign

__all__ = [
    "AgendaItemOut",
    "AmendmentOut",
    "AttendanceOut",
    "Authorizes",
    "ConsultationAnswerIn",
    "CountsOut",
    "DecisionMarkingIn",
    "DecisionOut",
    "DraftIn",
    "DraftOut",
    "HistoricalCountOut",
    "JoiningOut",
    "LifecycleIn",
    "LifecycleOut",
    "MeetingIn",
    "MeetingOut",
    "OutcomeOut",
    "RelationOut",
    "SignatureOut",
    "StanceOut",
    "TallyOut",
    "TaskIn",
    "TaskOut",
    "VersionOut",
    "add_agenda_item",
    "add_task",
    "adopted_from",
    "announce",
    "break_silence",
    "change_cursor",
    "close_draft",
    "convene",
    "convene_in",
    "count_by_kind",
    "count_decisions",
    "count_meetings",
    "count_tasks",
    "counts",
    "decide_amendment",
    "decision_by_number",
    "declare_joining",
    "get_decision",
    "get_draft",
    "get_meeting",
    "list_decisions",
    "list_meetings",
    "list_tasks",
    "may_assign_tasks",
    "may_record_attendance",
    "may_update_task",
    "propose_amendment",
    "propose_draft",
    "propose_in",
    "publish",
    "reads_draft",
    "record_answer",
    "record_attendance",
    "record_notification",
    "remark_decision",
    "revise_draft",
    "seat_holder",
    "set_session_status",
    "settle_lapsed",
    "settle_silence",
    "sign",
    "state_position",
    "update_task",
]
