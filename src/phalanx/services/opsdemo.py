"""Synthetic result reports for the demo: seeded, realistic in shape, and marked
synthetic everywhere they appear. The Northern route from Afghanistan carries most."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from phalanx.domain.access.principal import SYSTEM, Principal, Role
from phalanx.services import clock
from phalanx.services import operations as ops
from phalanx.services.db import Database

# (from, to, weight, mass factor): the Northern route from Afghanistan carries the
# heaviest consignments; its branches and a synthetic-drug channel from Europe less.
ROUTES = [("AFG", "TJK", 10, 3.0), ("TJK", "KGZ", 6, 2.2), ("KGZ", "KAZ", 5, 1.8),
          ("KAZ", "RUS", 5, 1.5), ("AFG", "UZB", 3, 1.2), ("TJK", "UZB", 2, 0.8),
          ("UZB", "KAZ", 2, 0.8), ("BLR", "RUS", 1, 0.4), ("RUS", "BLR", 1, 0.4),
          ("IRN", "ARM", 1, 0.3)]
SUBSTANCES = [("heroin", 4), ("hashish", 6), ("opium", 2), ("cannabis", 3), ("cocaine", 1),
              ("synthetic_cathinones", 2), ("precursors", 1)]
PLACES = {"TJK": ("Khorog", 37.49, 71.55), "KGZ": ("Osh", 40.53, 72.80),
          "KAZ": ("Shymkent", 42.32, 69.59), "RUS": ("Orenburg", 51.77, 55.10),
          "UZB": ("Termez", 37.22, 67.28), "BLR": ("Brest", 52.10, 23.69),
          "ARM": ("Yerevan", 40.18, 44.51)}


def _pick(rng: random.Random, items: list[tuple[Any, int]]) -> Any:
    return rng.choices([i[0] for i in items], weights=[i[1] for i in items])[0]


def rows_for(rng: random.Random, state: str, stage: dict[str, Any], n: int,
             today: date | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """`n` reports of a stage, dated from its start to its end or `today`, whichever
    comes first (none for a stage still to come)."""
    start, end = date.fromisoformat(stage["start"]), date.fromisoformat(stage["end"])
    if today is not None:
        end = min(end, today)
        if end < start:
            return
    span = (end - start).days
    routes = [r for r in ROUTES if r[1] == state]  # goods seized on arrival
    for i in range(n):
        day = start + timedelta(days=rng.randint(0, span))
        kind = rng.random()
        base = {"reference": f"SYN-{state}-{stage['key']}-{i:05d}", "date": day.isoformat(),
                "stage": stage["key"]}
        place, lat, lon = PLACES.get(state, ("capital", None, None))
        base.update(area=place, lat=lat, lon=lon)
        if kind < 0.7 and routes:
            a, b, _, factor = _pick(rng, [(r, r[2]) for r in routes])
            substance = _pick(rng, SUBSTANCES)
            qty = round(factor * rng.lognormvariate(2.2 if substance == "heroin" else 2.8,
                                                    1.1), 2)
            base.update(metric="seizure", substance=substance, quantity=min(qty, 2000),
                        unit="kg", route_from=a, route_to=b)
        elif kind < 0.8:
            base.update(metric="firearms", quantity=rng.randint(1, 12))
        elif kind < 0.88:
            base.update(metric="ammunition", quantity=rng.randint(10, 900))
        elif kind < 0.95:
            base.update(metric="detained", quantity=rng.randint(1, 6))
        else:
            base.update(metric="laboratory", quantity=1)
        yield i + 1, base


def load_channel_demo(db: Database, seed: int = 2026, per_agency: int = 60,
                      actor: Principal = SYSTEM) -> int:
    """Synthetic Channel reports from every participating agency, released to the
    organization (and, for the border and customs services, to the observers); stored by
    `actor` (who loads the demo), released by each state's demo representative."""
    with db.read() as conn:
        op = ops.operation(conn, "channel")
    rng = random.Random(seed)
    today = clock.now().date()
    stored = 0
    for state, agencies in sorted(op["agencies"].items()):
        for agency in agencies:
            for stage in op["stages"]:
                result = ops.ingest(db, "channel", state, agency,
                                    rows_for(rng, state, stage, per_agency // 2, today),
                                    actor=actor, source="synthetic demo data", synthetic=True)
                stored += result.stored
        rep = Principal(f"rep-{state.lower()}", Role.REPRESENTATIVE, state=state)
        ops.release(db, "channel", actor=rep, to_observers=state in ("KAZ", "KGZ", "TJK"))
    return stored
