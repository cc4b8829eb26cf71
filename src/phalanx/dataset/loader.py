"""Read an organization file into the domain, or say exactly what is wrong and where.

Every problem is reported as `file:line: path: message`, the path being the place
inside the file (`membership.12.on`). Nothing is returned unless the whole file is
valid: the schema (`schema/`) and the organization's own consistency
(`phalanx.domain.membership.check`). `convert.py` turns the valid file into the
domain's `Organization`.
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

from phalanx.dataset import convert
from phalanx.dataset.schema import DatasetIn, register_problems
from phalanx.domain.membership import check
from phalanx.domain.organization import Organization

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
    airfields = convert.airfields(ds)
    problems += [Located(file, _line_of(node, path), _dotted(path), message)
                 for path, message in airfields.problems]
    if problems:
        raise DatasetError(file, problems)
    org = convert.to_domain(ds, airfields.places)
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
