"""`/v1/models`: which ranker versions exist, which one is served, and switching to a new one.

The service keeps its suggester on ``app.state.suggester`` and builds it lazily; the
suggester reports the version it loaded as ``suggester.model_version``. Reloading
checks that the newly resolved version opens, then clears ``app.state.suggester`` so the
next request builds a suggester on that version; requests already running finish on the
old one.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from coder_assist.api.deps import SettingsDep
from coder_assist.errors import CoderAssistError, ModelNotFoundError, ModelRegistryError
from coder_assist.ranking.registry import ModelInfo, Registry

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/models", tags=["models"])
_RELOAD_LOCK = threading.Lock()


class ModelVersionOut(BaseModel):
    """One registered version."""

    version: str
    created_at: datetime
    model_type: str
    threshold: float = Field(description="Suggestion cut-off on the calibrated probability.")
    n_features: int
    metrics: dict[str, dict[str, float]] = Field(description="Evaluation set -> metric -> value.")
    parent_version: str | None
    notes: str
    active: bool


class ModelsOut(BaseModel):
    """The registry as the service sees it."""

    name: str
    active: str | None = Field(description="Version in the registry's ACTIVE file.")
    pinned: str | None = Field(description="Version pinned by CODER_ASSIST_MODEL_VERSION.")
    resolved: str | None = Field(
        description="Version the next (re)load would serve: pinned, else active, else newest."
    )
    serving: str | None = Field(
        description="Version the running suggester uses; null until it is first loaded."
    )
    problem: str | None = Field(
        default=None, description="Why no version resolves, when none does."
    )
    versions: list[ModelVersionOut]


class ReloadOut(BaseModel):
    """Outcome of a reload."""

    name: str
    version: str = Field(description="Version the service switches to on its next request.")
    previous: str | None = Field(description="Version served before the reload, if loaded.")
    active: str | None
    pinned: str | None


def _serving(request: Request) -> str | None:
    suggester: Any = getattr(request.app.state, "suggester", None)
    version = getattr(suggester, "model_version", None) if suggester is not None else None
    return str(version) if version is not None else None


def _version_out(info: ModelInfo, active: str | None) -> ModelVersionOut:
    m = info.manifest
    return ModelVersionOut(
        version=info.version,
        created_at=m.created_at,
        model_type=m.model_type,
        threshold=m.threshold,
        n_features=len(m.features),
        metrics=m.metrics,
        parent_version=m.parent_version,
        notes=m.notes,
        active=info.version == active,
    )


@router.get("", response_model=ModelsOut)
def list_models(request: Request, settings: SettingsDep) -> ModelsOut:
    """List registered versions with the active, pinned and currently served ones."""
    registry = Registry.from_settings(settings)
    active = registry.active_version()
    resolved: str | None = None
    problem: str | None = None
    try:
        resolved = registry.resolve(settings.model_version).version
    except CoderAssistError as exc:
        problem = str(exc)
    return ModelsOut(
        name=registry.name,
        active=active,
        pinned=settings.model_version,
        resolved=resolved,
        serving=_serving(request),
        problem=problem,
        versions=[_version_out(i, active) for i in registry.list()],
    )


@router.post(
    "/reload",
    response_model=ReloadOut,
    responses={404: {"description": "No model to serve"}, 409: {"description": "Unusable model"}},
)
def reload_model(request: Request, settings: SettingsDep) -> ReloadOut:
    """Re-resolve the pinned/active version, check its files and that it loads, and switch.

    A version whose files no longer match its manifest's checksums answers 409 and the
    service keeps what it serves.
    """
    registry = Registry.from_settings(settings)
    with _RELOAD_LOCK:
        previous = _serving(request)
        try:
            info = registry.resolve(settings.model_version)
            info.verify()  # refuse files that are not the ones registered
            info.load_scorer()  # ... and a model file that does not open
        except ModelNotFoundError as exc:
            raise HTTPException(404, str(exc)) from exc
        except ModelRegistryError as exc:
            raise HTTPException(409, str(exc)) from exc
        request.app.state.suggester = None
    log.info("model reload: %s -> %s", previous, info.version)
    return ReloadOut(
        name=registry.name,
        version=info.version,
        previous=previous,
        active=registry.active_version(),
        pinned=settings.model_version,
    )
