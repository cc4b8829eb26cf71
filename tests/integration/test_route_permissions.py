"""Every route of the application declares the permission it needs."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from phalanx.config import Settings
from phalanx.domain.access.policy import Permission
from phalanx.services.db import Database
from phalanx.web.app import create_app
from phalanx.web.auth import declared_permission


def permissions(dependant: Dependant) -> set[Permission]:
    found = set()
    if (p := declared_permission(dependant.call)) is not None:
        found.add(p)
    for sub in dependant.dependencies:
        found |= permissions(sub)
    return found


def api_routes(app: FastAPI) -> list[Any]:
    """Every endpoint as mounted, with the dependencies of the routers it sits in."""
    return [rc for rc in iter_route_contexts(app.routes)
            if isinstance(rc.original_route, APIRoute)]


def test_every_route_declares_a_permission(sqlite_db: Database, settings: Settings) -> None:
    app = create_app(settings, sqlite_db)
    routes = api_routes(app)
    assert len(routes) > 10
    missing = [f"{sorted(r.methods)} {r.path}" for r in routes if not permissions(r.dependant)]
    assert missing == []


def test_the_walk_notices_an_undeclared_route(sqlite_db: Database, settings: Settings) -> None:
    app = create_app(settings, sqlite_db)

    @app.get("/api/v1/forgotten")
    def forgotten() -> dict[str, str]:
        return {}

    route = next(r for r in api_routes(app) if r.path.endswith("forgotten"))
    assert permissions(route.dependant) == set()


def test_classified_tables_are_read_only_through_the_access_module() -> None:
    """No module but the access module (adapters/db/access.py, and its audit trail's
    part, access_audit.py) selects from a classified table directly."""
    import ast
    from pathlib import Path

    from phalanx.adapters.db.tables import CLASSIFIED

    src = Path(__file__).resolve().parents[2] / "src" / "phalanx"
    offenders = []
    for path in src.rglob("*.py"):
        if path.name in ("access.py", "access_audit.py") and path.parent.name == "db":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if ((isinstance(node, ast.Call) and getattr(node.func, "id", None) == "select")
                    or (isinstance(node, ast.Call)
                    and getattr(node.func, "attr", None) in ("select", "select_from"))):
                for arg in ast.walk(node):
                    if (isinstance(arg, ast.Attribute) and arg.attr in CLASSIFIED
                            and getattr(arg.value, "id", "") == "t"):
                        offenders.append(f"{path.relative_to(src)}:{node.lineno}")
    assert offenders == []


def test_every_numeric_path_parameter_is_bounded(sqlite_db: Database,
                                                 settings: Settings) -> None:
    """An id past the database's integer answers 404, not an overflow (500): every whole
    number in a path is declared with its bounds (`web.deps.Id`)."""
    app = create_app(settings, sqlite_db)
    loose = []
    for r in api_routes(app):
        for f in r.dependant.path_params:
            if f.field_info.annotation is int and not any(
                    hasattr(m, "le") or hasattr(m, "lt") for m in f.field_info.metadata):
                loose.append(f"{sorted(r.methods)} {r.path} {f.name}")
    assert loose == []
