"""Shared FastAPI dependencies.

Heavy objects (code sets, the suggester) live on `app.state` and are created once at
start-up, so requests only borrow them.
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import Depends, Request

from coder_assist.codesets import CodeSets
from coder_assist.settings import Settings, get_settings
from coder_assist.suggest import Suggester

_build_lock = threading.Lock()


def _codesets(request: Request) -> CodeSets:
    state: Any = request.app.state
    if getattr(state, "codesets", None) is None:
        state.codesets = CodeSets.load(state.settings)
    return state.codesets


def _settings(request: Request) -> Settings:
    return getattr(request.app.state, "settings", None) or get_settings()


def _suggester(request: Request) -> Suggester:
    state: Any = request.app.state
    suggester = getattr(state, "suggester", None)
    if suggester is None:
        with _build_lock:
            suggester = getattr(state, "suggester", None)
            if suggester is None:
                suggester = Suggester.load(state.settings, codesets=_codesets(request))
                state.suggester = suggester
    return suggester


SuggesterDep = Annotated[Suggester, Depends(_suggester)]
CodeSetsDep = Annotated[CodeSets, Depends(_codesets)]
SettingsDep = Annotated[Settings, Depends(_settings)]
