"""Changing a record as read: a client that read a member's answer (its consent to the
use of its units, its answer to the art. 4 obligation, its position on a draft) and sends
a new one may say which answer it replaces (`version`, HTTP If-Match) or that it saw none
(HTTP If-None-Match: *). If the answer changed meanwhile (a person in the crisis room or a
session, another system), the new one is refused (`Stale`) and nothing is written: no
answer is overwritten unseen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from phalanx.services.clock import aware
from phalanx.services.errors import Stale


@dataclass(frozen=True)
class Expect:
    """What the client read: the answer's `version` ("*": any answer), or `absent`."""

    version: str | None = None
    absent: bool = False


def version_of(at: datetime | None) -> str | None:
    """An answer's version: the moment it was given, as an opaque string."""
    if at is None:
        return None
    return aware(at).astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")


def check(expect: Expect | None, current: datetime | None, state: str, record: str,
          key: int) -> None:
    """Refuse (Stale) a change of `state`'s answer on a record (`record` `key`: "crisis" 3,
    "draft" 7) made on a reading of it that is no longer current (`current`: when the
    standing answer was given, None: none)."""
    if expect is None:
        return
    version = version_of(current)
    if expect.absent:
        if version is not None:
            raise Stale(f"{state}'s answer on {record} {key} was given meanwhile (version "
                        f"{version}): read it again")
        return
    if version is None:
        raise Stale(f"{state} has given no answer on {record} {key}: send If-None-Match: *")
    if expect.version not in ("*", version):
        raise Stale(f"{state}'s answer on {record} {key} changed since it was read (version "
                    f"{expect.version}, now {version}): read it again")
