"""Field types shared by the services' input models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from phalanx.services.clock import aware

RecordId = Annotated[int, Field(ge=1, le=2_147_483_647)]
"""A record's id: bounded to what the databases store."""

Revision = Annotated[int, Field(ge=1, le=2_147_483_647)]



def _said(value: str) -> str:
    if not value:
        raise PydanticCustomError("missing", "Field required")
    return value


Said = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_said),
                 Field(json_schema_extra={"minLength": 1})]
"""A text that must say something: taken without the spaces around it, and one of spaces
only is none (refused as a field not given)."""

UtcDateTime = Annotated[datetime, AfterValidator(aware)]
"""A moment in an answer: always with its offset (SQLite gives naive UTC values back),
so that it is an RFC 3339 date-time as the OpenAPI document says."""


# The years a moment sent in may fall in (setting): the organization's records start in
# the 1990s and plan decades ahead; a moment at the ends of the calendar (year 1, year
# 9999) has no day in the working zone to be read on.
FIRST_YEAR, LAST_YEAR = 1900, 2199
OUT_OF_YEARS = "a moment in the years 1900 to 2199 (UTC)"


def _within_years(value: datetime) -> datetime:
    try:
        year = aware(value).astimezone(UTC).year
    except OverflowError:
        year = value.year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(OUT_OF_YEARS)
    # in UTC, as stored: SQLite keeps a moment's figures and drops its offset, so
    # 15:00+03:00 would read back as 15:00 UTC; one given without an offset is UTC's, and
    # says so wherever it is written again (an audit entry: never a moment without a zone)
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


InMoment = Annotated[datetime, AfterValidator(_within_years)]
"""A moment sent in (without an offset: UTC), within the years FIRST_YEAR to LAST_YEAR."""
