"""The application for an ASGI server in production, configured from the environment:

    gunicorn -k uvicorn_worker.UvicornWorker -w 4 phalanx.asgi:app
"""

from phalanx.web.app import create_app, settle
from phalanx.web.observability import configure_logging

configure_logging()
app = create_app()
settle(app)
