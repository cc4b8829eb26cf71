"""Request-scoped dependencies: the database and the organization."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from pydantic import BeforeValidator, Field
from sqlalchemy import Connection

from phalanx.domain.organization import Organization
from phalanx.services import organization as orgs
from phalanx.services.db import Database


async def get_db(request: Request) -> Database:  # no I/O: no worker thread
    db: Database = request.app.state.db
    return db


def get_conn(db: Annotated[Database, Depends(get_db)]) -> Iterator[Connection]:
    with db.read() as conn:
        yield conn


def get_org(conn: Annotated[Connection, Depends(get_conn)]) -> Organization:
    return orgs.organization(conn)


DB = Annotated[Database, Depends(get_db)]
Conn = Annotated[Connection, Depends(get_conn)]
Org = Annotated[Organization, Depends(get_org)]

# A record's id in a path: bounded, so that no value reaches the database unchecked.
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]
# a filter form's year: left empty, any year; else a whole number (refused as one)
FormYear = Annotated[Annotated[int, Field(ge=1900, le=2200)] | None,
                     BeforeValidator(lambda v: None if v == "" else v), Query()]


def _iso_date(value: object) -> object:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


# A date in a query: YYYY-MM-DD only (pydantic alone would read "0" as 1970-01-01).
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
