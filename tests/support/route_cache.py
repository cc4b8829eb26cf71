"""The suite builds hundreds of applications (`create_app`), one or more a test; FastAPI
works out each route's parameters and response model again for every application, on
its first request (pydantic type adapters for each parameter: about a quarter of a
second an application, more than the test itself for many). An application in
production is built once per process, so this is a cost of the tests alone: here the
pieces that depend only on the endpoint (its dependant, built from its signature and its
router's dependencies, and its response fields) are built once per test process and
shared by the applications, which keep everything else of their own (settings,
database, dependency overrides, middleware).

Where FastAPI no longer has these functions, nothing is cached and the suite is only
slower."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import routing


def _cached(build: Callable[..., Any], key: Callable[..., Any]) -> Callable[..., Any]:
    cache: dict[Any, Any] = {}

    def cached(*args: Any, **kwargs: Any) -> Any:
        try:
            k = key(*args, **kwargs)
            hash(k)
        except TypeError:  # a key that cannot be hashed: built each time
            return build(*args, **kwargs)
        if k not in cache:
            cache[k] = build(*args, **kwargs)
        return cache[k]

    return cached


def install() -> None:
    """Share what each route's endpoint alone decides among the applications of this
    process (see the module's docstring)."""
    dependant = getattr(routing, "_build_dependant_with_parameterless_dependencies", None)
    field = getattr(routing, "create_model_field", None)
    if dependant is None or field is None or getattr(dependant, "_shared", False):
        return

    kept: dict[int, Any] = {}  # the dependencies named by id, kept so no id is reused

    def dependant_key(*, path: str, call: Any, dependencies: Any) -> Any:
        kept.update((id(d), d) for d in dependencies)
        return (path, call, tuple(id(d) for d in dependencies))

    def field_key(name: str, type_: Any, default: Any = None, field_info: Any = None,
                  alias: Any = None, mode: str = "validation") -> Any:
        if field_info is not None or default is not None or alias is not None:
            raise TypeError("not a response field")  # built each time
        return (name, type_, mode)

    shared_dependant = _cached(dependant, dependant_key)
    shared_field = _cached(field, field_key)
    shared_dependant._shared = True  # type: ignore[attr-defined]
    routing._build_dependant_with_parameterless_dependencies = shared_dependant  # type: ignore[attr-defined]
    routing.create_model_field = shared_field  # type: ignore[attr-defined]
