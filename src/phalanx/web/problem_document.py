"""The problem responses in the OpenAPI document: each operation declares the problems
(RFC 9457) it can answer, derived from what it reads and who may call it
(`document`), and a route adds what it answers beyond them (`problem_responses`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from phalanx.web.problems import PROBLEM, Problem, status_title

_DESCRIPTIONS = {
    400: "The body does not parse (malformed JSON or form)",
    401: "Not authenticated: a malformed, unknown, expired or revoked API token, or none",
    403: "Not allowed for the caller's role, state or agency (or a missing CSRF token)",
    404: "No such record, or one the caller may not see",
    409: "Conflicts with the record's current state or revision",
    412: "The record changed since it was read (If-Match or If-None-Match): nothing written",
    413: "The request body is too large",
    422: "Invalid input; `errors` says where",
    429: "Too many attempts; see Retry-After",
    503: "No organization is loaded yet, or the database is not available at the moment",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` entries for errors a route answers beyond those `document` derives."""
    return {status: {"description": _DESCRIPTIONS.get(status, status_title(status)),
                     "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for status in statuses}


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def document(app: FastAPI) -> None:
    """Declare in the OpenAPI document, on every operation, the problem responses it
    can give: 401 wherever the caller is identified (a bad token is refused even on
    public routes), 403 where a permission beyond PUBLIC is required, 404 where the
    path names a record, 400 where a body is parsed, 413 where one may be sent, 422
    where any input is read, 503 where the organization is needed. What a route answers
    beyond these (409, a 404 for a record named in the body) it declares itself with
    `problem_responses`."""
    from phalanx.domain.access.policy import Permission
    from phalanx.web.auth import declared_permission
    from phalanx.web.deps import get_org

    def statuses(route: Any) -> list[int]:
        dependant: Dependant = route.dependant
        calls = list(_calls(dependant))
        permissions = {declared_permission(c) for c in calls} - {None}
        found = {401} if permissions else set()
        if permissions - {Permission.PUBLIC}:
            found.add(403)
        if dependant.path_params:
            found.add(404)
        if dependant.body_params:
            found.add(400)  # a body that does not parse
        if dependant.body_params or route.methods & {"POST", "PUT", "PATCH"}:
            found.add(413)  # one over the size limit, refused before it is read
        if dependant.body_params or dependant.path_params or dependant.query_params:
            found.add(422)
        if get_org in calls:
            found.add(503)
        return sorted(found)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        from phalanx.web import api_document

        schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
        scopes: dict[tuple[str, str], Permission | None] = {}
        for ctx in iter_route_contexts(app.routes):
            if not isinstance(ctx.original_route, APIRoute) or not ctx.include_in_schema:
                continue
            permission = next((p for p in map(declared_permission, _calls(ctx.dependant))
                               if p is not None and p is not Permission.PUBLIC), None)
            for method in ctx.methods:
                scopes[ctx.path_format, method.lower()] = permission
                responses = schema["paths"][ctx.path_format][method.lower()]["responses"]
                if "HTTPValidationError" in str(responses.get("422")):
                    del responses["422"]  # FastAPI's own shape; ours is a Problem
                for status, entry in problem_responses(*statuses(ctx)).items():
                    responses.setdefault(str(status), entry)
        models = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(models.pop("$defs", {}))
        components["Problem"] = models
        api_document.annotate(schema, scopes, problem_responses(400, 409, 422))
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
