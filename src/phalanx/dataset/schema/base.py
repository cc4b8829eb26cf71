"""The base model every entry derives from, the format name and the key field."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

FORMAT = "phalanx-organization/1"

Key = Field(pattern=r"^[a-z][a-z0-9_-]*$", min_length=1, max_length=64)


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextIn(Model):
    en: str = Field(min_length=1)
    ru: str = ""

    @model_validator(mode="before")
    @classmethod
    def _working_languages(cls, data: Any) -> Any:
        """A text in a language other than the two the interface is written in (an
        organization's third working language) is refused naming it: nothing would show
        or translate it."""
        if isinstance(data, dict):
            other = sorted(str(k) for k in data if k not in ("en", "ru"))
            if other:
                raise ValueError(
                    f"a text is given in English (en) and Russian (ru) only: "
                    f"{', '.join(repr(k) for k in other)} is not a language the system "
                    "shows (leave it out of the file)")
        return data


class Cited(Model):
    """An entry whose value either cites its source (`source:`) or is marked `setting:
    true` (a parameter of the dataset, not a fact); `UNCITED` says which when neither."""

    UNCITED: ClassVar[str] = "cites its source (`source:`) or is marked `setting: true`"
    setting: bool = False
    source: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _cited(self) -> Cited:
        if not self.setting and not self.source.strip():
            raise ValueError(self.UNCITED)
        return self
