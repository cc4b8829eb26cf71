"""Field types shared by the services' input models."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

RecordId = Annotated[int, Field(ge=1, le=2_147_483_647)]
"""A record's id: bounded to what the databases store."""

Revision = Annotated[int, Field(ge=1, le=2_147_483_647)]
