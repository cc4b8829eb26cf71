"""Read an organization file into the domain, or say exactly what is wrong and where.

Every problem is reported as `file:line: path: message`, the path being the place
inside the file (`membership.12.on`). Nothing is returned unless the whole file is
valid: the schema (`schema/`) and the organization's own consistency
(`phalanx.domain.membership.check`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from phalanx.dataset.schema import REGISTER_SECTIONS, DatasetIn, register_problems
from phalanx.dataset.schema.base import TextIn
from phalanx.domain.crisis.workflow import Category, Measure
from phalanx.domain.membership import check
from phalanx.domain.organization import (
    Agreement,
    AgreementParty,
    Appointment,
    Body,
    Chairmanship,
    Contribution,
    EventKind,
    ExternalStatus,
    HistoricalCount,
    MembershipEvent,
    Observer,
    Office,
    Organization,
    Period,
    Post,
    SeatHolder,
    State,
    Text,
)

BUILTIN = "csto"


def builtin_path(name: str = BUILTIN) -> Path:
    """The path of a dataset shipped with the package."""
    return Path(str(resources.files("phalanx.data").joinpath(f"{name}.yaml")))


def scenarios() -> set[str]:
    """The keys (file names) of the exercise scenarios shipped with the package."""
    folder = resources.files("phalanx.data").joinpath("exercises")
    return {Path(str(f.name)).stem for f in folder.iterdir() if str(f.name).endswith(".yaml")}


@dataclass(frozen=True)
class Located:
    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DatasetError(Exception):
    """A dataset file that cannot be loaded; `problems` lists every reason."""

    def __init__(self, file: str, problems: list[Located]) -> None:
        self.file = file
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# libyaml's parser when PyYAML was built with it (the wheels are): the same documents,
# about ten times faster than the pure-Python one
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that leaves dates as text, so a bad date is a validation error with a
    place, not a crash inside the YAML parser, and that reads only `true` and `false`
    as booleans (YAML 1.1 would turn a key `on:` into `True`)."""


_Loader.yaml_implicit_resolvers = {
    ch: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _line_of(node: yaml.Node | None, path: tuple[str | int, ...]) -> int | None:
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)


def _compose_and_load(text: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for the lines of problems) and its data, from one parse."""
    reader = _Loader(text)
    try:
        node = reader.get_single_node()
        return node, (reader.construct_document(node) if node is not None else None)
    finally:
        reader.dispose()


def parse(text: str, file: str = "<text>") -> tuple[DatasetIn, Organization]:
    """Validate a dataset's text; raise `DatasetError` naming every problem."""
    try:
        node, data = _compose_and_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        position = getattr(exc, "position", None)  # the reader's errors (control characters)
        line = (mark.line + 1 if mark is not None
                else text.count("\n", 0, position) + 1 if isinstance(position, int) else None)
        if line is not None:  # an error at the end of the text: its last line, not past it
            line = min(line, len(text.splitlines()) or 1)
        raise DatasetError(file, [Located(file, line, "", f"not valid YAML: {exc}")]) from exc
    if not isinstance(data, dict):
        raise DatasetError(file, [Located(file, 1, "", "the file must hold a mapping")])
    try:
        ds = DatasetIn.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not isinstance(p, str) or "[" not in p)
            problems.append(Located(file, _line_of(node, loc), _dotted(loc), err["msg"]))
        raise DatasetError(file, problems) from exc
    problems = [
        Located(file, _line_of(node, path), _dotted(path), message)
        for path, message in [*_duplicate_keys(ds), *register_problems(ds, scenarios()),
                              *_stale_translations(ds, data)]
    ]
    if problems:  # later checks number items by key and would point at the wrong ones
        raise DatasetError(file, problems)
    airfields = _airfields(ds)
    problems += [Located(file, _line_of(node, path), _dotted(path), message)
                 for path, message in airfields.problems]
    if problems:
        raise DatasetError(file, problems)
    org = to_domain(ds, airfields.places)
    problems += [Located(file, _line_of(node, p.path), _dotted(p.path), p.message)
                 for p in check(org)]
    if problems:
        raise DatasetError(file, problems)
    return ds, org


def read(path: Path | str) -> tuple[Organization, str]:
    """Read and validate a dataset file: the organization and the file's SHA-256."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise DatasetError(str(path), [Located(str(path), None, "", reason)]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(str(path), [Located(str(path), None, "", f"not UTF-8: {exc}")]) from exc
    _, org = parse(text, str(path))
    return org, hashlib.sha256(raw).hexdigest()


def _duplicate_keys(ds: DatasetIn) -> list[tuple[tuple[str | int, ...], str]]:
    out = []
    for name, items, attr in (
        ("states", ds.states, "code"),
        ("offices", ds.offices, "key"),
        ("agreements", ds.agreements, "key"),
        ("bodies", ds.bodies, "key"),
        ("posts", ds.posts, "key"),
        ("crisis_categories", ds.crisis_categories, "key"),
    ):
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            key = getattr(item, attr)
            if key in first:
                out.append(((name, i, attr), f"{key!r} already defined at {name}.{first[key]}"))
            first.setdefault(key, i)
    return out


def _texts(value: object) -> set[str]:
    """Every text written in a part of the file."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_texts(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_texts(v) for v in value)) if value else set()
    return set()


def _stale_translations(ds: DatasetIn, data: dict[str, object]
                        ) -> list[tuple[tuple[str | int, ...], str]]:
    """A translation of a text that the file no longer holds (its English was changed
    and the translation left behind)."""
    written = _texts({k: v for k, v in data.items() if k != "translations"})
    return [(("translations", lang, text),
             "no text of the file reads so: the English was changed, or the translation is "
             "of a text that is not there")
            for lang, table in ds.translations.items() for text in table
            if text not in written]


def _text(t: object) -> Text:
    return Text(en=t.en, ru=t.ru)  # type: ignore[attr-defined]


def _en(t: TextIn | str) -> str:
    """A text given in both working languages, or in English alone: its English."""
    return t if isinstance(t, str) else t.en


def _ru(t: TextIn | str) -> str:
    """Its Russian ("" when the dataset gives English alone)."""
    return "" if isinstance(t, str) else t.ru


@dataclass
class _Airfields:
    places: dict[str, tuple[float, float]]
    problems: list[tuple[tuple[str | int, ...], str]]


def _airfields(ds: DatasetIn) -> _Airfields:
    """Coordinates of the registry's airfields, from the `airportsdata` package by ICAO."""
    out = _Airfields({}, [])
    if ds.forces is None:
        return out
    needed = [(i, b) for i, b in enumerate(ds.forces.bases) if b.icao]
    if needed:
        import airportsdata

        airports = airportsdata.load("ICAO")
        for i, b in needed:
            found = airports.get(b.icao or "")
            if found is None:
                out.problems.append((("forces", "bases", i, "icao"),
                                     f"no airfield with ICAO code {b.icao!r}"))
                continue
            if b.lat is not None and b.lon is not None:
                out.places[b.key] = (b.lat, b.lon)  # the file's own coordinates win
            else:
                out.places[b.key] = (float(found["lat"]), float(found["lon"]))
    for b in ds.forces.bases:
        if b.key not in out.places and b.lat is not None and b.lon is not None:
            out.places[b.key] = (b.lat, b.lon)
    return out


def _forces(ds: DatasetIn, places: dict[str, tuple[float, float]]) -> dict[str, object]:
    if ds.forces is None:
        return {}
    forces = ds.forces.model_dump(mode="json", by_alias=True, exclude_none=True)
    for b in forces["bases"]:
        if b["key"] in places:
            b["lat"], b["lon"] = places[b["key"]]
    return forces


def to_domain(ds: DatasetIn, places: dict[str, tuple[float, float]] | None = None
              ) -> Organization:
    o = ds.organization
    return Organization(
        key=o.key,
        name=_text(o.name),
        abbreviation=_text(o.abbreviation),
        founding_agreement=o.founding_agreement,
        settings=dict(o.settings),
        version=ds.version,
        as_of=ds.as_of,
        contributions=tuple(
            Contribution(c.state, c.year, c.assessed, c.paid, c.paid_on, c.illustrative,
                         c.source)
            for c in ds.contributions
        ),
        states={s.code: State(s.code, _text(s.name)) for s in ds.states},
        offices={f.key: Office(f.key, _text(f.name)) for f in ds.offices},
        agreements={
            a.key: Agreement(
                key=a.key, title=_text(a.title), kind=a.kind, signed=a.signed, place=a.place,
                in_force=a.in_force, term_years=a.term_years, note=a.note, source=a.source,
                parties=tuple(
                    AgreementParty(p.state, p.status, p.signed, Period(p.bound_from, p.bound_until),
                                   p.note, p.source)
                    for p in a.parties
                ),
            )
            for a in ds.agreements
        },
        membership=tuple(
            MembershipEvent(e.state, EventKind(e.event), e.on, e.agreement, e.note, e.source,
                            e.illustrative)
            for e in ds.membership
        ),
        bodies={
            b.key: Body(
                key=b.key, name=_text(b.name), kind=b.kind,
                abbreviation=_text(b.abbreviation) if b.abbreviation else None,
                role=_text(b.role) if b.role else None,
                parent=b.parent, existence=Period(b.established, b.dissolved), seat=b.seat,
                chair_rotation=b.chair_rotation,
                attendees=tuple(b.attendees),
                seat_holders=tuple(
                    SeatHolder(h.state, h.person, Period(h.from_, h.until), h.office, h.source)
                    for h in b.seat_holders
                ),
                chairs=tuple(Chairmanship(c.year, c.state, c.person, c.source, c.exception)
                             for c in b.chairs),
                observers=tuple(
                    Observer(x.name, Period(x.from_, x.until), x.state, x.status, x.source)
                    for x in b.observers
                ),
                rules={
                    "session_kinds": list(b.session_kinds),
                    "video_conference": b.video_conference,
                    "decision_rules": {k: r.model_dump() for k, r in b.decision_rules.items()},
                    **({"limited_format": b.limited_format.model_dump()}
                       if b.limited_format else {}),
                    **({"consultation": b.consultation.model_dump()}
                       if b.consultation else {}),
                },
                source=b.source,
            )
            for b in ds.bodies
        },
        posts={
            p.key: Post(
                p.key, _text(p.name), p.body,
                tuple(Appointment(a.person, Period(a.from_, a.until), a.state, a.note, a.source,
                                  a.acting)
                      for a in p.appointments),
                p.terms_from, p.term_years,
            )
            for p in ds.posts
        },
        external_statuses=tuple(
            ExternalStatus(x.counterpart, x.status, Period(x.from_, x.until), x.source)
            for x in ds.external_statuses
        ),
        historical_counts=tuple(
            HistoricalCount(h.kind, h.period, h.count, h.body, h.note, h.source)
            for h in ds.historical_counts
        ),
        crisis_categories={
            c.key: Category(
                key=c.key, name_en=c.name.en, name_ru=c.name.ru, basis=_en(c.basis),
                convene=tuple(c.convene), measures=frozenset(Measure(m) for m in c.measures),
                obligation=_en(c.obligation), obliged=c.obliged, targets=dict(c.targets),
                cap_categories=tuple(c.cap_categories), basis_ru=_ru(c.basis),
                obligation_ru=_ru(c.obligation))
            for c in ds.crisis_categories
        },
        operations={op.key: op.model_dump(mode="json") for op in ds.operations},
        forces=_forces(ds, places or {}),
        registers={name: _dump(getattr(ds, name)) for name in REGISTER_SECTIONS
                   if getattr(ds, name)},
        translations={lang: dict(table) for lang, table in ds.translations.items()},
    )


def _dump(section: object) -> object:
    if isinstance(section, list):
        return [item.model_dump(mode="json") for item in section]
    return section.model_dump(mode="json")  # type: ignore[attr-defined]
