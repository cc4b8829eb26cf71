"""A model refused while a request is served: on a page, the input its form gave (a 422
naming the field); on the API, whose body is checked before any service runs, the
server's own error (500), not one blamed on the client."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from phalanx.config import Settings
from phalanx.services.db import Database
from phalanx.web.app import create_app


class Need(BaseModel):
    quantity: int = Field(ge=1, le=10)


def _need() -> dict[str, int]:
    return {"quantity": Need(quantity=11).quantity}


def test_a_page_names_the_field_and_the_api_answers_an_error_of_its_own(
        settings: Settings, sqlite_db: Database) -> None:
    app = create_app(settings, sqlite_db)
    for path in ("/need", "/api/v1/need"):
        app.router.routes.insert(0, APIRoute(path, _need, methods=["GET"]))
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/need")
        assert page.status_code == 422, page.text
        assert "Quantity: too large" in page.text, page.text
        api = client.get("/api/v1/need")
        assert api.status_code == 500, api.text
