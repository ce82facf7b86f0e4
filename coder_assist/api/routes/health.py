"""Liveness endpoint for load balancers and `make run` checks."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from coder_assist._version import __version__

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Service status."""

    status: str
    version: str


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """Report that the service is up and which version runs."""
    return Health(status="ok", version=__version__)
