"""FastAPI application factory (`uvicorn coder_assist.api.app:create_app --factory`)."""

from __future__ import annotations

import mimetypes
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from coder_assist._version import __version__
from coder_assist.api.routes import codes, feedback, health, models, suggest, vocabulary
from coder_assist.errors import CoderAssistError
from coder_assist.settings import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the service; heavy state is loaded lazily on first use and then kept."""
    settings = settings or get_settings()
    app = FastAPI(
        title="coder-assist",
        version=__version__,
        description=(
            "Offline NLP-assisted ICD-10-CM and CPT/HCPCS code suggestions with evidence spans. "
            "CPT descriptions in the starter set are written by the project, not AMA text."
        ),
    )
    app.state.settings = settings
    app.state.codesets = None
    app.include_router(health.router)
    app.include_router(codes.router)
    app.include_router(suggest.router)
    app.include_router(feedback.router)
    app.include_router(models.router)
    app.include_router(vocabulary.router)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's default body echoes the offending input, which can be the whole note.
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": errors})

    @app.exception_handler(CoderAssistError)
    async def _domain_error(_: Request, exc: CoderAssistError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    # The review UI is ES modules (static/js/*.js): browsers refuse a module served under
    # another type, and Python's guess comes from the host's MIME tables, so pin it.
    mimetypes.add_type("text/javascript", ".js")
    static_dir = Path(str(resources.files("coder_assist.api").joinpath("static")))
    if (static_dir / "index.html").is_file():
        app.mount("/", StaticFiles(directory=static_dir, html=True), name="ui")
    return app
