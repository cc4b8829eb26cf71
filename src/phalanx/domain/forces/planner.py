"""The deployment planner, one import for its parts: the model, a constructive plan
(earliest-arrival greedy over several orderings), an independent checker, lower bounds
and the gap, explanations, and repair of a plan that is already under way. The parts,
by concept: `model` (the problem and the objective), `flying` (moving units, and the
checker), `boarding` and `apron` (where aircraft load and land, and how many an
airfield takes at once), `greedy`, `bounds` and `capacity` (lower bounds and the gap),
`explain`; the improvement is in `improve` (`search`: priority search, `deadlines`: the search over
crisis deadlines, `cpsat` and `cpdata`: CP-SAT).

Times are hours from the start of planning. A unit moves by ground to the place (road, or
a listed rail/road time between two nodes), or by air: its loads are shared among one or
several aircraft, each flying empty from where it is to the unit's home, carrying a load
(at most its payload) and free again after its turnaround at the destination. A unit
boards where its garrison's airfield is and aircraft land for a place at its airfield
(each the nearest by ground where there is none, `boarding.py`); a unit flown has arrived
when its last load has landed and it has gone on from there by ground. An airfield with
a number of places takes no more aircraft on the ground at once; a landing waits for a
place (`apron.py`). One aircraft flies one sortie at a time; a sortie leaves only once the
unit is ready; every loaded leg is within the aircraft's range. A unit serves at most one
requirement; a unit is used only where its state made it available for that crisis and
no rule bars it (`barred`).

Objective, in order: uncovered requirements, weighted crisis closure times (a crisis
closes when its last requirement arrives), lateness against needed-by, sorties.
"""

from phalanx.domain.forces.bounds import Bounds, bounds, max_coverable, max_matching
from phalanx.domain.forces.capacity import ORDER_BOUND_CRISES
from phalanx.domain.forces.explain import explain, input_warnings, taken
from phalanx.domain.forces.flying import (
    Free,
    Work,
    air_legs_ok,
    airlift,
    check,
    ferry_h,
    fly,
    ground_hours,
    initial_free,
    road_arrival,
    trips,
    under_way,
)
from phalanx.domain.forces.greedy import ORDERINGS, Candidates, best_greedy, greedy, plan
from phalanx.domain.forces.model import (
    EPS,
    REFUEL_H,
    ROAD_FACTOR,
    ROAD_KMH,
    Aircraft,
    Movement,
    Objective,
    Plan,
    Point,
    Problem,
    Requirement,
    Sortie,
    Unit,
    distance_km,
    eligible,
    objective,
)

__all__ = [
    "EPS", "ORDERINGS", "ORDER_BOUND_CRISES", "REFUEL_H", "ROAD_FACTOR", "ROAD_KMH",
    "Aircraft", "Bounds", "Candidates", "Free", "Movement", "Objective", "Plan", "Point",
    "Problem", "Requirement", "Sortie", "Unit", "Work", "air_legs_ok", "airlift",
    "best_greedy", "bounds", "check", "distance_km", "eligible", "explain", "ferry_h", "fly",
    "greedy", "ground_hours", "initial_free", "input_warnings", "max_coverable",
    "max_matching", "objective", "plan", "road_arrival", "taken", "trips", "under_way",
]
