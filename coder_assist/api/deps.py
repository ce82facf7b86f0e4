"""Shared FastAPI dependencies.

Heavy objects (code sets, the suggester) live on `app.state` and are created once at
start-up, so requests only borrow them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from coder_assist.codesets import CodeSets
from coder_assist.settings import Settings, get_settings


def _codesets(request: Request) -> CodeSets:
    state: Any = request.app.state
    if getattr(state, "codesets", None) is None:
        state.codesets = CodeSets.load(state.settings)
    return state.codesets  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


CodeSetsDep = Annotated[CodeSets, Depends(_codesets)]
SettingsDep = Annotated[Settings, Depends(_settings)]
