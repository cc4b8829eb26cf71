"""Password hashing in the tests: argon2id as in production, at its lowest cost.

With the library's parameters (64 MiB, three passes) every hash and every check takes a
good part of a second on a test machine, and the suite creates hundreds of accounts and
logs in hundreds of times. What the tests check of passwords (the right one passes, a
wrong one or an unknown user fails alike, a hash is argon2id) does not depend on the
cost, so in this process passwords are hashed with one pass over 8 KiB. Processes that
the tests start (gunicorn, the CLI in a subprocess) hash as in production, and check the
cheap hashes as they would any argon2id hash.

`production_hashing`: the library's parameters again, for a test about the time a check
takes (an unknown user must cost as much as a wrong password).
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from phalanx.services import identity

PRODUCTION = identity._hasher
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def pytest_configure(config: pytest.Config) -> None:
    # an unknown user's login is checked against a hash made by the same hasher
    identity._hasher = CHEAP


@pytest.fixture
def production_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(identity, "_hasher", PRODUCTION)
