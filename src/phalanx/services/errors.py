"""What a service action can refuse, in terms the API, pages and CLI all translate."""

from __future__ import annotations


class NotFound(LookupError):
    """No such record, or one the user may not know exists: the two look the same."""

    def __init__(self, kind: str, key: object) -> None:
        self.kind, self.key = kind, key
        super().__init__(f"no {kind} {key!r}")


class Forbidden(PermissionError):
    """The user sees the record (or the action) but may not do this; says why."""


class Invalid(ValueError):
    """Bad input; `where` names the field."""

    def __init__(self, where: str, message: str) -> None:
        self.where, self.message = where, message
        super().__init__(f"{where}: {message}")


class Conflict(RuntimeError):
    """Somebody changed the record first (stale version), or a unique value is taken."""
