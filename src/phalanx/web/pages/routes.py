"""Server-rendered pages."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from phalanx.services import organization as orgs
from phalanx.web.deps import Org

templates = Jinja2Templates(directory=Path(__file__).parent.parent / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, org: Org) -> HTMLResponse:
    return templates.TemplateResponse(request, "home.html", {"org": orgs.organization_info(org)})
