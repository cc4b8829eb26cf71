"""Results of the joint operations as national agencies report them: the controlled
vocabulary, the units, and the check of one reported row.

A row is checked field by field; every problem names its column, so a file's errors
can be shown row by row and column by column. A text that a spreadsheet would run as a
formula when the data is exported again (starting with =, +, -, @, a tab or a carriage
return, unless it is a plain signed number such as -12.5) is refused (setting, after
OWASP's advice on CSV injection), and every text has a length limit. Quantities are
normalized: masses to kilograms, volumes to litres, everything else to a count.

Numbers and dates are read as the agencies' spreadsheets write them (setting): a decimal
point or a decimal comma ("12,5"), thousands set apart by spaces ("1 250,5", also the
no-break spaces a Russian spreadsheet writes); a date as YYYY-MM-DD or, as Russian
documents write it, DD.MM.YYYY. "1,250.5" or 03/04/2026 stay errors: which reading
is meant cannot be told; so does "1,250" (one to three digits, not a lone zero, a comma
and three digits), which a Russian spreadsheet writes for 1.25 and an English one for
1250: a thousandfold error either way, so the sender is asked to write it unambiguously
("1,25", "1250" or "1 250"). "0,250" is read, a thousands group never starting with 0.

A result is reported for a day that has come: a date after the day following today (UTC;
the members' clocks run ahead of it by up to 12 hours) is refused (setting).

A count is written as a whole number with no unit after it: the metric's name says what
is counted (persons detained, rounds of ammunition, criminal cases), and "pieces" would
be wrong for most of them (`written`).

Units are read in Russian too, as a Russian spreadsheet writes them (setting): г, кг, т,
мл, л and шт (pieces), with or without a full stop ("кг.").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# What can be reported, per operation kind, and how it is measured.
METRICS: dict[str, str] = {
    "seizure": "mass_or_volume",  # needs a substance
    "laboratory": "count",  # clandestine laboratories suppressed
    "firearms": "count",
    "ammunition": "count",  # rounds
    "explosives": "mass",
    "detained": "count",  # persons detained
    "criminal_cases": "count",
    "irregular_migrants": "count",
    "facilitation_groups": "count",  # groups dismantled
    "resources_blocked": "count",  # information resources blocked
}
OPERATION_METRICS: dict[str, frozenset[str]] = {
    "anti_drug": frozenset({"seizure", "laboratory", "firearms", "ammunition", "explosives",
                            "detained", "criminal_cases"}),
    "migration": frozenset({"irregular_migrants", "facilitation_groups", "detained",
                            "criminal_cases"}),
    "information": frozenset({"resources_blocked", "criminal_cases", "detained"}),
}
# the figure an operation's pages chart by stage and state: what its kind is run against
# (setting)
HEADLINE = {"anti_drug": "seizure", "migration": "irregular_migrants",
            "information": "resources_blocked"}


def headline(kind: str) -> str:
    """The metric an operation of `kind` is charted by (a seizure by its mass)."""
    return HEADLINE.get(kind) or min(OPERATION_METRICS.get(kind, frozenset({"seizure"})))


SUBSTANCES = ("heroin", "opium", "hashish", "cannabis", "cocaine", "synthetic_amphetamines",
              "synthetic_cathinones", "synthetic_cannabinoids", "synthetic_opioids",
              "synthetic_other", "precursors")
COUNT = "count"  # the unit of every counted metric
MASS_UNITS = {"g": 0.001, "kg": 1.0, "t": 1000.0}
VOLUME_UNITS = {"ml": 0.001, "l": 1.0}
STORED_UNITS = ("kg", "l", COUNT)  # the units a quantity is kept and totalled in
# the units as written in Russian (a full stop after them allowed)
RUSSIAN_UNITS = {"г": "g", "кг": "kg", "т": "t", "мл": "ml", "л": "l", "шт": "pcs"}
MAX_SINGLE_SEIZURE_KG = 100_000.0  # a single seizure over 100 t is absurd
MAX_COUNT = 1_000_000
MAX_AREA = 200  # characters of an administrative area (setting)
MAX_ROUTE = 64  # characters of a route's end, a place or country (setting)
AGENCIES = ("customs", "border_guard", "police", "drug_control", "state_security",
            "financial_intelligence", "emergency_service")


def scope_problem(op: dict[str, Any], *, stage: str | None = None,
                  metric: str | None = None, unit: str | None = None) -> tuple[str, str] | None:
    """What is wrong (the field, why) with the stage, metric or unit of the operation `op`
    (its dataset entry) whose totals are asked for, said as an upload's row says it: one
    that is none of its own would total zero where the request was mistyped. None:
    nothing."""
    stages = [s["key"] for s in op.get("stages", [])]
    if stage and stage not in stages:
        return "stage", f"unknown stage {stage!r} (stages: {', '.join(stages) or 'none'})"
    if metric and metric not in METRICS:  # (one another kind of operation reports: none)
        return "metric", f"unknown metric {metric!r}"
    if unit and unit not in STORED_UNITS:
        return "unit", f"{unit!r} is not one of {', '.join(STORED_UNITS)}"
    return None


def written(unit: str, decimals: int) -> tuple[int, str | None]:
    """How a quantity in a normalized `unit` is written: its decimals (a count has none,
    a mass or a volume the `decimals` asked for) and the unit written after it (none
    for a count, the metric names what it counts)."""
    return (0, None) if unit == COUNT else (decimals, unit)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FIRST_LOOKED_AT = frozenset((*FORMULA_START, " "))


def formula_like(value: object) -> bool:
    """A text a spreadsheet would run as a formula (a signed number is not one)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    if value[0] in "+-":
        try:
            float(value)
        except ValueError:
            return True
        return False
    return True


@dataclass(frozen=True)
class ResultRow:
    reference: str  # the agency's own reference: resubmitting it replaces the earlier one
    date: date
    stage: str
    metric: str
    quantity: float  # kg, l or count
    unit: str  # "kg", "l" or "count"
    substance: str | None = None
    area: str = ""
    lat: float | None = None
    lon: float | None = None
    route_from: str | None = None
    route_to: str | None = None


@dataclass(frozen=True)
class Stage:
    key: str
    start: date
    end: date


_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?")
# "1,250": a decimal comma or a thousands comma, which cannot be told apart
_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2},\d{3}")
_DAY_FIRST = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _float(raw: Any) -> float | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int | float):
        return float(raw)
    text = str(raw).strip()
    if _GROUPED.fullmatch(text):  # thousands set apart by spaces
        text = re.sub(r"[ \u00a0\u202f]", "", text)
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None


def _date(raw: Any) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    day_first = _DAY_FIRST.match(text)
    try:
        if day_first:  # 10.03.2026, perhaps with a time after it
            d, m, y = (int(g) for g in day_first.groups())
            return date(y, m, d)
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def ambiguous_number(raw: Any) -> bool:
    """A text such as "1,250", read as 1.25 by a Russian spreadsheet, 1250 by an English
    one."""
    return isinstance(raw, str) and "," in raw and _AMBIGUOUS.fullmatch(raw.strip()) is not None


def check_row(raw: dict[str, Any], operation_kind: str, stages: dict[str, Stage],
              latest: date | None = None) -> tuple[ResultRow | None, list[tuple[str, str]]]:
    """A clean row, or the problems as (column, message). `latest`: the last day a
    result may be dated (none: any)."""
    problems: list[tuple[str, str]] = [
        (col, f"{str(v).strip()[:20]!r} would be taken for a formula by a spreadsheet; "
              "enter the value without a leading =, +, -, @")
        for col, v in raw.items()
        # (most values start with neither a formula's sign nor a space: not looked at twice)
        if isinstance(v, str) and v[:1] in _FIRST_LOOKED_AT
        and (formula_like(v) or formula_like(v.strip(" ")))]
    if problems:
        return None, problems

    def text(col: str) -> str:
        v = raw.get(col)
        return "" if v is None else str(v).strip()

    reference = text("reference")
    if not reference:
        problems.append(("reference", "the agency's reference is required"))
    elif len(reference) > 100:
        problems.append(("reference", "at most 100 characters"))
    elif reference in (".", ".."):
        # a report's page and its withdrawal are reached by a web address ending in the
        # reference, which a browser reads as this folder or the one above (setting)
        problems.append(("reference", "a reference is more than '.' or '..'"))
    day = _date(raw.get("date"))
    if day is None and not text("date"):  # (an empty cell is said to be missing)
        problems.append(("date", "a date is required (YYYY-MM-DD or DD.MM.YYYY)"))
    elif day is None:
        problems.append(("date", f"{text('date')!r} is not a date (YYYY-MM-DD or DD.MM.YYYY)"))
    stage_key = text("stage")
    stage = stages.get(stage_key)
    if stage is None:
        named = f"unknown stage {stage_key!r}" if stage_key else "a stage is required"
        problems.append(("stage", f"{named} (stages: {', '.join(stages) or 'none'})"))
    elif day is not None and not stage.start <= day <= stage.end:
        problems.append(("date", f"{day} is outside stage {stage.key} "
                                 f"({stage.start} to {stage.end})"))
    if day is not None and latest is not None and day > latest:
        problems.append(("date", f"{day} has not come yet"))
    metric = text("metric")
    allowed = OPERATION_METRICS.get(operation_kind, frozenset())
    if not metric:
        problems.append(("metric", "a metric is required"))
    elif metric not in METRICS:
        problems.append(("metric", f"unknown metric {metric!r}"))
    elif metric not in allowed:
        problems.append(("metric", f"{metric} is not reported in a {operation_kind} operation"))
    qty = _float(raw.get("quantity"))
    typed = text("unit").lower()
    unit_in = RUSSIAN_UNITS.get(typed.removesuffix("."), typed)
    substance = text("substance").lower() or None
    quantity, unit = 0.0, "count"
    if ambiguous_number(raw.get("quantity")):
        typed_qty = text("quantity")
        whole, decimal = typed_qty.replace(",", ""), typed_qty.rstrip("0").rstrip(",")
        problems.append(("quantity", f"{typed_qty!r} may mean {decimal} or {whole}; write "
                                     "the one meant"))
    elif qty is None and not text("quantity"):
        problems.append(("quantity", "a quantity is required"))
    elif qty is None or not math.isfinite(qty):
        problems.append(("quantity", f"{text('quantity')!r} is not a number"))
    elif qty < 0:
        problems.append(("quantity", "must not be negative"))
    elif metric in METRICS:
        measure = METRICS[metric]
        if measure == "count":
            if unit_in not in ("", "count", "pcs"):
                problems.append(("unit", f"{metric} is counted; {typed!r} is not a count"))
            elif qty != int(qty) or qty > MAX_COUNT:
                problems.append(("quantity", f"a count must be a whole number up to {MAX_COUNT}"))
            quantity = qty
        elif unit_in in MASS_UNITS:
            quantity, unit = qty * MASS_UNITS[unit_in], "kg"
        elif unit_in in VOLUME_UNITS and measure == "mass_or_volume":
            quantity, unit = qty * VOLUME_UNITS[unit_in], "l"
        else:
            units = list(MASS_UNITS) + (list(VOLUME_UNITS) if measure == "mass_or_volume"
                                        else [])
            problems.append(("unit", f"{typed!r} is not one of {', '.join(units)}" if typed
                             else f"a unit is required (one of {', '.join(units)})"))
        if unit == "kg" and quantity > MAX_SINGLE_SEIZURE_KG:
            problems.append(("quantity", f"{quantity:,.0f} kg in one report is more than 100 t"))
    if metric == "seizure":
        if substance is None:
            problems.append(("substance", f"a seizure names its substance (one of "
                                          f"{', '.join(SUBSTANCES)})"))
        elif substance not in SUBSTANCES:
            problems.append(("substance", f"unknown substance {substance!r} (one of "
                                          f"{', '.join(SUBSTANCES)})"))
    elif substance:
        problems.append(("substance", f"only seizures name a substance, not {metric}"))
    lat, lon = _float(raw.get("lat")), _float(raw.get("lon"))
    if (lat is None) != (lon is None):
        problems.append(("lat" if lat is None else "lon", "give both lat and lon, or neither"))
    if lat is not None and not -90 <= lat <= 90:
        problems.append(("lat", f"{lat} is not a latitude"))
    if lon is not None and not -180 <= lon <= 180:
        problems.append(("lon", f"{lon} is not a longitude"))
    area = text("area")
    if lat is None and not area:
        problems.append(("area", "give the place: lat and lon, or an administrative area"))
    elif len(area) > MAX_AREA:
        problems.append(("area", f"at most {MAX_AREA} characters"))
    route_from, route_to = text("route_from") or None, text("route_to") or None
    if (route_from or route_to) and metric != "seizure":
        problems.append(("route_from", "routes are given for seizures only"))
    for col, value in (("route_from", route_from), ("route_to", route_to)):
        if value is not None and len(value) > MAX_ROUTE:
            problems.append((col, f"at most {MAX_ROUTE} characters (a place or country)"))
    if problems:
        return None, problems
    assert day is not None and stage is not None
    return ResultRow(reference, day, stage.key, metric, round(quantity, 6), unit, substance,
                     area, lat, lon, route_from, route_to), []


COLUMNS = ("reference", "date", "stage", "metric", "substance", "quantity", "unit", "area",
           "lat", "lon", "route_from", "route_to")
REQUIRED_COLUMNS = ("reference", "date", "stage", "metric", "quantity")
# the template's columns as an agency's own Russian spreadsheet heads them (setting)
RUSSIAN_COLUMNS = {
    "номер": "reference", "№": "reference", "рег. номер": "reference",
    "регистрационный номер": "reference", "дата": "date", "этап": "stage",
    "показатель": "metric", "вещество": "substance", "количество": "quantity",
    "кол-во": "quantity", "ед. изм.": "unit", "ед.изм.": "unit", "ед. изм": "unit",
    "единица": "unit", "единица измерения": "unit", "район": "area", "место": "area",
    "широта": "lat", "долгота": "lon", "откуда": "route_from", "маршрут из": "route_from",
    "куда": "route_to", "маршрут в": "route_to"}
# what a spreadsheet's row of sums is headed (setting)
TOTAL_LABELS = frozenset({"итого", "всего", "итого по операции", "total", "totals",
                          "grand total"})


def column_name(header: object) -> str:
    """The template's column a header cell names: its own name, or its Russian one
    ("Дата", "Количество"); else the cell as written, lower-cased."""
    name = " ".join(str(header or "").split()).lower()
    return RUSSIAN_COLUMNS.get(name, name)


def total_label(raw: dict[str, Any]) -> str | None:
    """The label of a row that sums the rows above it ("Итого", "Всего", "Total"): one of
    its cells says so and it has no date, stage nor metric. Not a report; None: not such
    a row."""
    if any(str(raw.get(c) or "").strip() for c in ("date", "stage", "metric")):
        return None
    for value in raw.values():
        text = str(value or "").strip()
        if text.rstrip(":").strip().lower() in TOTAL_LABELS:
            return text
    return None
