"""The web application (FastAPI, server-rendered Jinja pages): thin routes over the services,
security headers on every response, and every error as a page that says what to do."""

import logging
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from models.kernel.problems import InputError, NotFoundError
from web import access_routes, programme_routes, unit_routes
from web.pages import Refused, SignInRequired, message
from web.security import HEADERS

log = logging.getLogger("rollout.web")


# Requests served at once per process: as many as the database pool's connections (SQLAlchemy's
# 5 + 10 overflow), so a request waits in the event loop's queue, never 30 s for a connection.
WEB_THREADS = 15


@asynccontextmanager
async def _lifespan(_app: FastAPI):
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = WEB_THREADS
    yield


def create_app(as_of: date | None = None) -> FastAPI:
    """The application; `as_of` fixes the day it acts as of (a replay, a test), else today."""
    from fastapi.staticfiles import StaticFiles

    app = FastAPI(
        title="rollout", docs_url=None, redoc_url=None, openapi_url=None, lifespan=_lifespan
    )
    app.state.as_of = as_of
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for routes in (access_routes, unit_routes, programme_routes):
        app.include_router(routes.router)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(SignInRequired)
    async def _sign_in_required(request: Request, _exc):
        return message(request, 401, "signin", "expired")

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused):
        return message(request, 403, "refused", str(exc))

    @app.exception_handler(InputError)
    async def _bad_input(request: Request, exc: InputError):
        problems = [str(p) for p in exc.problems]
        return message(request, 400, "refused", exc.render().splitlines()[0], problems)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError):
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:20]]
        return message(request, 400, "refused", "bad_request", problems)

    @app.exception_handler(NotFoundError)
    async def _not_found(request: Request, _exc):
        return message(request, 404, "404", "not_found")

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return message(request, exc.status_code, str(exc.status_code), "not_found")

    @app.exception_handler(Exception)
    async def _crash(request: Request, _exc: Exception):
        where = "/signin/…" if request.url.path.startswith("/signin/") else request.url.path
        log.exception("web request %s %s failed", request.method, where)  # never a token
        return message(
            request, 500, "500", "Lỗi máy chủ; đã ghi lại. / Server error; it was logged."
        )

    @app.get("/favicon.ico")
    def favicon():
        return Response(status_code=204)

    return app
