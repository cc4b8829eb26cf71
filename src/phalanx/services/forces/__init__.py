"""Forces and means: the registry, each state's consent per crisis, a crisis's force
requirements, and the deployment planner's runs attached to the crisis.

A planner run takes every crisis still being answered that has force requirements: they
compete for the same units and aircraft. Movements of decided plans already under way
are kept (`improve.repair`). A run is stored as *proposed*; once decided it is the
crisis's deployment, whose progress the crisis room shows, and it commits units; a later
run is a proposal beside it until decided in its turn (`in_force`).

The modules, by concept: `registry` (formations, units, lift, bases, their edits),
`requirements` (a crisis's force requirements by task and each state's consent),
`hosts` (whose territory a requirement's place lies on, and whether that member asked),
`problem` (the planning problem: consents with accepted offers of units, tasks and parts
of units expanded), `planning` (planner runs and reading plans), `withdrawal` (the way
home after the mission), `deployment` (deciding a plan, commitments, progress, the
common operational picture).
"""

from phalanx.domain.forces.registry import CAPABILITIES
from phalanx.services.forces.consent import ACCEPTORS, accept_conditions, asked, outside
from phalanx.services.forces.deployment import (
    ProgressOut,
    committed_units,
    decide_plan,
    in_force,
    picture,
    progress,
)
from phalanx.services.forces.entries import (
    AircraftIn,
    FormationMove,
    UnitIn,
    add_aircraft,
    add_unit,
    addable_states,
    lift_kinds,
    move_unit,
)
from phalanx.services.forces.marking import UnitMarkingIn, mark_unit
from phalanx.services.forces.planning import (
    Built,
    Cancelled,
    MovementOut,
    PlanIn,
    PlanOut,
    _plan_from_json,
    build,
    plan_out,
    plans,
    run_plan,
)
from phalanx.services.forces.registry import (
    AircraftOut,
    AircraftPatch,
    BaseOut,
    Capability,
    FormationOut,
    UnitOut,
    UnitPatch,
    aircraft,
    bases,
    formations,
    unit,
    units,
    update_aircraft,
    update_unit,
)
from phalanx.services.forces.registry_history import formations_on, units_on
from phalanx.services.forces.requirements import (
    ConsentIn,
    ConsentOut,
    RequirementIn,
    RequirementOut,
    add_requirement,
    consents,
    give_consent,
    reads_consents,
    requirements,
    withdraw_requirement,
)
from phalanx.services.forces.withdrawal import WithdrawalIn, plan_withdrawal

__all__ = [
    "ACCEPTORS",
    "CAPABILITIES",
    "AircraftIn",
    "AircraftOut",
    "AircraftPatch",
    "BaseOut",
    "Built",
    "Cancelled",
    "Capability",
    "ConsentIn",
    "ConsentOut",
    "FormationMove",
    "FormationOut",
    "MovementOut",
    "PlanIn",
    "PlanOut",
    "ProgressOut",
    "RequirementIn",
    "RequirementOut",
    "UnitIn",
    "UnitMarkingIn",
    "UnitOut",
    "UnitPatch",
    "WithdrawalIn",
    "_plan_from_json",
    "accept_conditions",
    "add_aircraft",
    "add_requirement",
    "add_unit",
    "addable_states",
    "aircraft",
    "asked",
    "bases",
    "build",
    "committed_units",
    "consents",
    "decide_plan",
    "formations",
    "formations_on",
    "give_consent",
    "in_force",
    "lift_kinds",
    "mark_unit",
    "move_unit",
    "outside",
    "picture",
    "plan_out",
    "plan_withdrawal",
    "plans",
    "progress",
    "reads_consents",
    "requirements",
    "run_plan",
    "unit",
    "units",
    "units_on",
    "update_aircraft",
    "update_unit",
    "withdraw_requirement",
]
