"""The text one key holds in a column of JSON text (the audit trail's `change`), in SQL
both databases run: SQLite's json_extract, PostgreSQL's ->> on the text read as JSON."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class json_text(FunctionElement[str]):
    """`json_text(column, "from")`: the text at key "from" of the column's JSON object
    (NULL when it has none)."""

    type = String()
    inherit_cache = True
    name = "json_text"


def _parts(element: json_text, compiler: Any, **kw: Any) -> tuple[str, str]:
    column, key = list(element.clauses)
    return compiler.process(column, **kw), compiler.process(key, **kw)


@compiles(json_text, "sqlite")
def _sqlite(element: json_text, compiler: Any, **kw: Any) -> str:
    column, key = _parts(element, compiler, **kw)
    return f"json_extract({column}, '$.' || {key})"


@compiles(json_text, "postgresql")
def _postgresql(element: json_text, compiler: Any, **kw: Any) -> str:
    column, key = _parts(element, compiler, **kw)
    return f"(CAST({column} AS JSON) ->> {key})"
