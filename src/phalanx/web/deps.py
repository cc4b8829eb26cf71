"""Request-scoped dependencies: the database and the organization."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated

from fastapi import Depends, Header, Path, Query, Request
from pydantic import BeforeValidator, Field
from sqlalchemy import Connection

from phalanx.domain.access.principal import ANONYMOUS
from phalanx.domain.organization import Organization
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.services.preconditions import Expect
from phalanx.web.auth import identify


async def get_db(request: Request) -> Database:  # no I/O: no worker thread
    db: Database = request.app.state.db
    return db


def get_conn(db: Annotated[Database, Depends(get_db)]) -> Iterator[Connection]:
    with db.read() as conn:
        yield conn


def get_org(request: Request, conn: Annotated[Connection, Depends(get_conn)]
            ) -> Organization:
    """The organization as the request's reader may know it: the appointments made by
    decisions it may not read left out (`orgs.organization`)."""
    return orgs.organization(conn, identify(request) or ANONYMOUS)


DB = Annotated[Database, Depends(get_db)]
Conn = Annotated[Connection, Depends(get_conn)]
Org = Annotated[Organization, Depends(get_org)]

# where a page of a list starts (bounded: no value reaches the database unchecked)
Offset = Annotated[int, Query(ge=0, le=2_147_483_647,
                              description="how many of the list to skip before the page")]
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
# a day a page's form asks for: left empty, none (as not asked); else YYYY-MM-DD
FormDay = Annotated[IsoDate | None, BeforeValidator(lambda v: None if v == "" else v),
                    Query()]


IfMatch = Annotated[str | None, Header(
    alias="If-Match", max_length=100,
    description="the version of the answer this one replaces, as read (its `version`; `*`: "
                "any answer): if it changed meanwhile, 412 and nothing is written")]
IfNoneMatch = Annotated[str | None, Header(
    alias="If-None-Match", max_length=100,
    description="`*`: only if no answer is given yet, else 412 and nothing is written")]


def expect(if_match: IfMatch = None, if_none_match: IfNoneMatch = None) -> Expect | None:
    """What the client read of the answer it replaces (HTTP If-Match, If-None-Match)."""
    from phalanx.services.errors import Invalid

    if if_match is not None and if_none_match is not None:
        raise Invalid("If-Match", "send If-Match or If-None-Match, not both")
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise Invalid("If-None-Match", "only * (no answer given yet)")
        return Expect(absent=True)
    if if_match is None:
        return None
    version = if_match.strip().removeprefix("W/").strip('"')
    if not version:
        raise Invalid("If-Match", "a version (`version` as read) or *")
    return Expect(version=version)


Precondition = Annotated[Expect | None, Depends(expect)]
