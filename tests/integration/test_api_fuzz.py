"""Schemathesis against the OpenAPI document, as several roles, with valid and invalid
input: whatever it sends, the API answers without a server error, invalid input is
refused with a 4xx, and every answer conforms to the document: a declared status code,
a declared content type (problem+json for errors), a body that validates against the
declared schema. The database holds the demo records, so that small ids reach real
records and their real answers. Deterministic in the suite; a longer run:
PHALANX_FUZZ_EXAMPLES=50, a random one: PHALANX_FUZZ_RANDOM=1."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup

from phalanx.adapters.db.engine import make_engine
from phalanx.config import Settings
from phalanx.domain.access.principal import SYSTEM
from phalanx.services import tokens as api_tokens
from phalanx.services.db import Database
from phalanx.web.app import create_app
from tests.support.templates import Templates

CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          checks.negative_data_rejection]
# schemathesis's own list of rejections, and 413: a body over the size limit is refused
# before it is read; the credentials are each user's token, never generated (the
# document's security schemes would have them made invalid)
CONFIG = SchemathesisConfig.from_dict({
    "checks": {"negative_data_rejection": {
        "expected-statuses": ["400", "401", "403", "404", "405", "406", "409", "412", "413",
                              "415", "422", "428", "429", "5xx"]}},
    "generation": {"with-security-parameters": False}})
MODES = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
EXAMPLES = int(os.environ.get("PHALANX_FUZZ_EXAMPLES", "5"))
RANDOM = os.environ.get("PHALANX_FUZZ_RANDOM") == "1"


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory, db_templates: Templates) -> Any:
    tmp: Path = tmp_path_factory.mktemp("fuzz")
    # with the demo records: records with small ids, for real answers
    db = Database(make_engine(db_templates.sqlite_copy("records", tmp / "p.db")))
    tokens = {u: api_tokens.issue_token(db, u, actor=SYSTEM).token
              for u in ("secretariat", "rep-kaz", "reporter-kaz", "observer")}
    app = create_app(Settings(environment="test", audit_key_file=tmp / "key"), db)
    yield schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=CONFIG), tokens
    db.dispose()


def test_answers_conform_to_the_openapi_document_for_each_role(target: Any) -> None:
    schema, tokens = target
    failures: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 50
    for op in operations:
        for mode in MODES:
            if mode is GenerationMode.POSITIVE or takes_input(op):
                fuzz(op, mode, tokens, failures)
    assert failures == [], '\n'.join(sorted(set(failures)))


def takes_input(op: Any) -> bool:
    """Whether the operation reads anything that could be made invalid."""
    return bool(op.definition.raw.get("parameters") or op.definition.raw.get("requestBody"))


def fuzz(op: Any, mode: GenerationMode, tokens: dict[str, str], failures: list[str]) -> None:
    """Each generated case sent once as each user: every user meets the same cases."""
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM,
              suppress_health_check=list(HealthCheck), database=None)
    @given(op.as_strategy(generation_mode=mode))
    def call(case: Any) -> None:
        headers = dict(case.headers or {})
        for user, token in tokens.items():
            case.headers = {**headers, "Authorization": f"Bearer {token}"}
            response = case.call()
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:
                for failure in group.exceptions:
                    failures.append(f"{user} {mode.value} {op.label} -> "
                                    f"{response.status_code}: {failure.title}: "
                                    f"{failure.message[:300]} {response.text[:300]}")

    try:
        call()
    except Unsatisfiable:
        # nothing to make invalid (e.g. only free-text parameters): no negative case exists
        if mode is GenerationMode.POSITIVE:
            raise


def test_every_error_answer_is_documented_as_a_problem(target: Any) -> None:
    schema, _ = target
    document = schema.raw_schema
    assert "HTTPValidationError" not in str(document)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            errors = {code: r for code, r in operation["responses"].items()
                      if code.startswith("4")}
            assert "422" in errors or not (operation.get("parameters")
                                           or operation.get("requestBody")), (method, path)
            for code, response in errors.items():
                assert list(response["content"]) == ["application/problem+json"], \
                    (method, path, code)


@pytest.mark.parametrize(("user", "path", "params", "body", "status"), [
    # the Frontier exercise (crisis 1) is closed: a conflict with its state
    ("secretariat", "/api/v1/crises/{crisis_id}/transition", {"crisis_id": 1},
     {"to": "reported"}, 409),
    ("observer", "/api/v1/crises/{crisis_id}/transition", {"crisis_id": 1},
     {"to": "reported"}, 403),
    ("secretariat", "/api/v1/drafts", None, {"body": "csc", "title": "t", "text_en": "x",
                                             "meeting_id": 999999}, 404),
    ("rep-kaz", "/api/v1/documents/{doc_id}", {"doc_id": 2_147_483_647}, None, 404),
])
def test_error_answers_conform(target: Any, user: str, path: str, params: Any, body: Any,
                               status: int) -> None:
    schema, tokens = target
    method = "POST" if body is not None else "GET"
    extra = {} if body is None else {"body": body}
    case = schema[path][method].Case(path_parameters=params, **extra,
                                     headers={"Authorization": f"Bearer {tokens[user]}"})
    response = case.call()
    assert response.status_code == status, response.text
    assert response.headers["content-type"][0] == "application/problem+json"
    case.validate_response(response, checks=CHECKS)
