"""The crisis response system: intake (a representative, the Secretariat's watch list,
an OASIS CAP alert), consultations, decision, response with requests and offers of
assistance, deployment, monitoring, closing with the after-action review — each step
guarded by `domain/crisis/workflow.py`, timed by `domain/crisis/clocks.py`, audited,
announced live and through the notification outbox.

Actions take `at=` so that an exercise can run the same engine on its own clock.

The modules, by concept: `schemas` (what the services take and give), `common` (a crisis's
row, history, timeline entries, notices, the guards' situation), `reading` (the crisis
room, the board, the situation report), `intake` (opening, CAP in and out), `workflow`
(stages, sessions, the decision, the measures, escalation), `assistance` (requests,
offers, situation reports). The official request, the art. 4 obligation and the UN notice,
and the response card live beside them (`crisis_requests`, `crisis_obligations`,
`crisis_card`).
"""

from phalanx.services.crises.assistance import (
    add_sitrep,
    decide_offer,
    offer_assistance,
    request_assistance,
)
from phalanx.services.crises.common import (
    add_event,
    affected_of,
    crisis_row,
    deployment_refusals,
    timeline_event,
)
from phalanx.services.crises.consulting import convening_bodies
from phalanx.services.crises.ending import ExerciseEndIn, end_exercise
from phalanx.services.crises.escalation import escalate_overdue
from phalanx.services.crises.intake import (
    category_for_cap,
    export_cap,
    import_cap,
    import_cap_upload,
    may_open,
    open_crisis,
    open_in,
)
from phalanx.services.crises.reading import (
    BoardFilter,
    board,
    board_total,
    change_cursor,
    get,
    report_pdf,
    stage_options,
)
from phalanx.services.crises.record import (
    crrf_constraint,
    dispute_of,
    members_in_dispute,
    on_member_territory,
)
from phalanx.services.crises.schemas import (
    CAP_SEVERITY,
    CrisisIn,
    CrisisOut,
    EventOut,
    OfferIn,
    OfferOut,
    RequestIn,
    RequestOut,
    ResponseIn,
    ScorecardOut,
    Severity,
    SitrepIn,
    SitrepOut,
    StageClockOut,
)
from phalanx.services.crises.workflow import (
    consultation_draft,
    convene_consultations,
    convene_session,
    link_decision,
    military_check,
    set_response,
    transition,
)

__all__ = [
    "CAP_SEVERITY",
    "BoardFilter",
    "CrisisIn",
    "CrisisOut",
    "EventOut",
    "ExerciseEndIn",
    "OfferIn",
    "OfferOut",
    "RequestIn",
    "RequestOut",
    "ResponseIn",
    "ScorecardOut",
    "Severity",
    "SitrepIn",
    "SitrepOut",
    "StageClockOut",
    "add_event",
    "add_sitrep",
    "affected_of",
    "board",
    "board_total",
    "category_for_cap",
    "change_cursor",
    "consultation_draft",
    "convene_consultations",
    "convene_session",
    "convening_bodies",
    "crisis_row",
    "crrf_constraint",
    "decide_offer",
    "deployment_refusals",
    "dispute_of",
    "end_exercise",
    "escalate_overdue",
    "export_cap",
    "get",
    "import_cap",
    "import_cap_upload",
    "link_decision",
    "may_open",
    "members_in_dispute",
    "military_check",
    "offer_assistance",
    "on_member_territory",
    "open_crisis",
    "open_in",
    "report_pdf",
    "request_assistance",
    "set_response",
    "stage_options",
    "timeline_event",
    "transition",
]
