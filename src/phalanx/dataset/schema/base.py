"""The base model every entry derives from, the format name and the key field."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

FORMAT = "phalanx-organization/1"

Key = Field(pattern=r"^[a-z][a-z0-9_-]*$", min_length=1, max_length=64)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextIn(Model):
    en: str = Field(min_length=1)
    ru: str = ""
