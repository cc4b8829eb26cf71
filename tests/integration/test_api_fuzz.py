"""Schemathesis against the OpenAPI document, as several roles: whatever it sends, the
API answers without a server error and within its declared responses' status range.
(A short run; a longer one: PHALANX_FUZZ_EXAMPLES=50.)"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from phalanx.adapters.db.engine import make_engine
from phalanx.adapters.db.migrate import upgrade
from phalanx.config import Settings
from phalanx.dataset import loader
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import demo, identity
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web.app import create_app

EXAMPLES = int(os.environ.get("PHALANX_FUZZ_EXAMPLES", "4"))


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    db = Database(make_engine(f"sqlite:///{tmp / 'p.db'}"))
    upgrade(db.engine)
    orgs.load_dataset(db, loader.builtin_path(), actor=SYSTEM)
    demo.ensure_demo_accounts(db, actor=SYSTEM)
    tokens = {u: identity.issue_token(db, u, actor=SYSTEM).token
              for u in ("secretariat", "rep-kaz", "reporter-kaz", "observer")}
    app = create_app(Settings(environment="test", audit_key_file=tmp / "key"), db)
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app), tokens
    db.dispose()


def test_no_server_error_for_any_role(target: Any) -> None:
    schema, tokens = target
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 50
    for op in operations:
        for user, token in tokens.items():
            fuzz(op, user, token, failures)
    assert failures == []


def fuzz(op: Any, user: str, token: str, failures: list[str]) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), database=None)
    @given(op.as_strategy())
    def call(case: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        response = case.call()
        if response.status_code >= 500:
            failures.append(f"{user} {op.label}: {response.status_code} "
                            f"{response.text[:200]}")

    call()
