"""Field types shared by the services' input models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field

from phalanx.services.clock import aware

RecordId = Annotated[int, Field(ge=1, le=2_147_483_647)]
"""A record's id: bounded to what the databases store."""

Revision = Annotated[int, Field(ge=1, le=2_147_483_647)]

UtcDateTime = Annotated[datetime, AfterValidator(aware)]
"""A moment in an answer: always with its offset (SQLite gives naive UTC values back),
so that it is an RFC 3339 date-time as the OpenAPI document says."""
