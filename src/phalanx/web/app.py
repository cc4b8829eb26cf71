"""The web application: the API under /api/v1 and the server-rendered pages."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import Depends, FastAPI

from phalanx import __version__
from phalanx.adapters.events import EventBus
from phalanx.config import Settings, get_settings
from phalanx.domain.access.policy import Permission
from phalanx.services import audit, identity
from phalanx.services import organization as orgs
from phalanx.services.db import Database
from phalanx.web import problem_document, problems
from phalanx.web.api import alerts as alerts_api
from phalanx.web.api import audit as audit_api
from phalanx.web.api import changes as changes_api
from phalanx.web.api import crises as crises_api
from phalanx.web.api import decisions as decisions_api
from phalanx.web.api import documents as documents_api
from phalanx.web.api import events as events_api
from phalanx.web.api import forces as forces_api
from phalanx.web.api import identity as identity_api
from phalanx.web.api import notifications as notifications_api
from phalanx.web.api import operation_reviews
from phalanx.web.api import operations as operations_api
from phalanx.web.api import organization as org_api
from phalanx.web.api import registers as registers_api
from phalanx.web.assets import STATIC, VersionedStaticFiles
from phalanx.web.auth import requires
from phalanx.web.idempotency import IdempotencyKeys
from phalanx.web.middleware import BodyLimit, RefuseNul, SecurityHeaders
from phalanx.web.observability import RequestId
from phalanx.web.observability import router as health_router

log = logging.getLogger(__name__)
API = "/api/v1"
# the routers open to anyone (the organization's data, the pages): one dependency object
# for every application of the process
PUBLIC = [Depends(requires(Permission.PUBLIC))]


def settle(app: FastAPI) -> None:
    """For a server process, once: load the organization model, then move every object
    alive now (it, the routes, the schemas, the modules) out of the cyclic garbage
    collector's reach. A full collection over them holds the interpreter for 0.1-0.2 s,
    the whole process standing still, and they live as long as the process anyway. And
    what an unknown user's login is checked against, before any login comes."""
    with contextlib.suppress(Exception), app.state.db.read() as conn:
        orgs.organization(conn)  # no database or organization yet: nothing to load
    identity.prepare_logins()
    gc.collect()
    gc.freeze()
    # a request makes thousands of short-lived objects (rows, models): collect the young
    # generation every 50,000 allocations, not every 700, so that they die before it
    # runs instead of being promoted and traversed again in the older generations
    gc.set_threshold(50_000, 20, 100)


async def _checkpoints(app: FastAPI) -> None:
    """Every M minutes (setting), sign the end of the audit trail, in the database and
    outside, unless another process just did: a fresh checkpoint proves the trail was
    whole at that time even when nothing is written."""
    tail = app.state.tail
    while True:
        await asyncio.sleep(tail.minutes * 60)
        try:
            await asyncio.to_thread(tail.checkpoint_now, app.state.db.engine)
        except Exception:  # the database may be away for a while; try again next time
            log.exception("periodic audit checkpoint failed")


async def _due_work(app: FastAPI) -> None:
    """Every `due_seconds` (setting), do what has fallen due with time alone
    (`services/due.py`: escalations, procedures past their deadline)."""
    from phalanx.services import due

    every = app.state.settings.due_seconds
    while True:
        await asyncio.sleep(every)
        at = datetime.now(UTC)
        try:
            done = await asyncio.to_thread(due.run_due, app.state.db)
            if done.escalated or done.lapsed or done.adopted:
                log.info("due: escalated crises %s, lapsed drafts %s, adopted in silence %s",
                         done.escalated, done.lapsed, done.adopted)
            app.state.due_round = (at, due.round_state(done))
        except Exception as exc:  # the database may be away for a while; try again next time
            app.state.due_round = (at, due.round_state(None, due.failed(exc)))


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """With PostgreSQL, share live events with the other app processes."""
        relay = None
        database: Database = app.state.db
        ticker = asyncio.create_task(_checkpoints(app))
        due = (asyncio.create_task(_due_work(app)) if app.state.settings.due_seconds
               else None)
        if database.engine.dialect.name == "postgresql":
            from phalanx.adapters.db.notify import PgRelay

            relay = PgRelay(database.engine.url.render_as_string(hide_password=False),
                            app.state.bus)
            relay.start()
        try:
            yield
        finally:
            ticker.cancel()
            if due is not None:
                due.cancel()
            if relay is not None:
                relay.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="Phalanx",
        version=__version__,
        openapi_url=f"{API}/openapi.json",
        docs_url=None,  # the explorer would load scripts from a CDN; the document is enough
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db or Database.from_url(settings.database_url, settings.db_pool_size,
                                           settings.db_max_overflow)
    key = audit.installation_key(app.state.db, settings.audit_key_file)
    app.state.audit_key = key
    app.state.tail = audit.tail_from(settings, key)
    app.state.db.before_commit = app.state.tail.sealed
    app.state.bus = app.state.db.bus or EventBus()
    app.state.db.bus = app.state.bus
    problems.install(app)
    app.include_router(health_router)
    app.include_router(org_api.router, prefix=API, dependencies=PUBLIC)
    app.include_router(identity_api.router, prefix=API)
    app.include_router(documents_api.router, prefix=API)
    app.include_router(audit_api.router, prefix=API)
    app.include_router(decisions_api.router, prefix=API)
    app.include_router(crises_api.router, prefix=API)
    app.include_router(alerts_api.router, prefix=API)
    app.include_router(notifications_api.router, prefix=API)
    app.include_router(operations_api.router, prefix=API)
    app.include_router(operation_reviews.router, prefix=API)
    app.include_router(forces_api.router, prefix=API)
    app.include_router(registers_api.router, prefix=API)
    app.include_router(events_api.router, prefix=API)
    app.include_router(changes_api.router, prefix=API)
    from phalanx.web.pages import alerts as alert_pages
    from phalanx.web.pages import auth as auth_pages
    from phalanx.web.pages import authorities as authority_pages
    from phalanx.web.pages import crises as crisis_pages
    from phalanx.web.pages import crisis_forms, forces_entries
    from phalanx.web.pages import decisions as decision_pages
    from phalanx.web.pages import drafts as draft_pages
    from phalanx.web.pages import forces as forces_pages
    from phalanx.web.pages import inbox as inbox_pages
    from phalanx.web.pages import operation_reviews as operation_review_pages
    from phalanx.web.pages import operations as operation_pages
    from phalanx.web.pages import registers as register_pages
    from phalanx.web.pages import routes as pages
    from phalanx.web.pages import tasks as task_pages
    from phalanx.web.pages import users as user_pages
    from phalanx.web.pages import work as work_pages

    app.include_router(auth_pages.router)
    app.include_router(work_pages.router)
    app.include_router(decision_pages.router)
    app.include_router(task_pages.router)
    app.include_router(draft_pages.router)
    app.include_router(inbox_pages.router)
    app.include_router(crisis_pages.router)
    app.include_router(crisis_forms.router)
    app.include_router(alert_pages.router)
    app.include_router(forces_entries.router)
    app.include_router(forces_pages.router)
    app.include_router(operation_review_pages.router)
    app.include_router(operation_pages.router)
    app.include_router(register_pages.router)
    app.include_router(authority_pages.router)
    app.include_router(user_pages.router)
    app.include_router(pages.router, dependencies=PUBLIC)
    problem_document.document(app)
    app.mount("/static", VersionedStaticFiles(directory=STATIC), name="static")
    app.add_middleware(IdempotencyKeys)  # innermost: the body as checked by those outside
    app.add_middleware(RefuseNul)
    app.add_middleware(SecurityHeaders, hsts=settings.environment == "production",
                       tile_url=settings.map_tile_url)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(RequestId)
    return app
