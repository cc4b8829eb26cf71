"""Military-technical cooperation: supply agreements between members at preferential
(domestic) prices, and their deliveries.

An agreement names a supplier and a recipient (two different states), a positive
quantity and a value that is not negative. Each delivery is dated on or after the
agreement and the deliveries together never exceed the agreed quantity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from phalanx.domain.registers import Problem, date_range


@dataclass(frozen=True)
class Agreement:
    supplier: str
    recipient: str
    quantity: int
    value: float
    agreed: date
    due: date | None = None


def agreement_problems(a: Agreement) -> list[Problem]:
    out: list[Problem] = []
    if a.supplier == a.recipient:
        out.append(("recipient", "a supply is between two different states"))
    if a.quantity <= 0:
        out.append(("quantity", f"{a.quantity} is not a positive quantity"))
    if a.value < 0:
        out.append(("value", f"{a.value} is negative"))
    out += date_range(a.agreed, a.due, "agreed", "due")
    return out


@dataclass(frozen=True)
class Delivery:
    quantity: int
    value: float
    on: date


def delivery_problems(a: Agreement, delivered_before: int, d: Delivery) -> list[Problem]:
    out: list[Problem] = []
    if d.quantity <= 0:
        out.append(("quantity", f"{d.quantity} is not a positive quantity"))
    elif delivered_before + d.quantity > a.quantity:
        out.append(("quantity", f"{delivered_before} of {a.quantity} already delivered: "
                                f"{d.quantity} more would exceed the agreed quantity"))
    if d.value < 0:
        out.append(("value", f"{d.value} is negative"))
    if d.on < a.agreed:
        out.append(("delivered", f"{d.on.isoformat()} is before the agreement "
                                 f"({a.agreed.isoformat()})"))
    return out


def growth(by_year: dict[int, float]) -> float | None:
    """The last year's total over the first year's (10.0: tenfold), None without a base."""
    if len(by_year) < 2:
        return None
    years = sorted(by_year)
    first = by_year[years[0]]
    return by_year[years[-1]] / first if first > 0 else None
