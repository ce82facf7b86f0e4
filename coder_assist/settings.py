"""One settings object for the library, CLI and service (env prefix `CODER_ASSIST_`)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "coder-assist"


#: Possible codes listed after the suggested ones unless a request asks otherwise.
DEFAULT_MAX_POSSIBLE = 20


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as `CODER_ASSIST_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="CODER_ASSIST_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default="sqlite:///./var/coder-assist.db",
        description="SQLAlchemy URL of the feedback store (SQLite by default, PostgreSQL by URL).",
    )
    cache_dir: Path = Field(
        default_factory=_default_cache_dir,
        description="Where the parsed code-set cache is kept (rebuilt when the source changes).",
    )
    data_dir: Path = Field(
        default=Path("./var"),
        description="Writable folder for imported licensed code files and other local state.",
    )
    models_dir: Path = Field(
        default=Path("./models"), description="Model registry root (one folder per name/version)."
    )
    model_name: str = Field(default="coder-assist", description="Registry name of the ranker.")
    model_version: str | None = Field(
        default=None, description="Pinned model version; the registry's active version when unset."
    )
    max_note_chars: int = Field(
        default=100_000, description="Longest note accepted, in characters."
    )
    max_batch: int = Field(default=100, description="Most notes in one batch request.")
    max_possible: int = Field(
        default=DEFAULT_MAX_POSSIBLE,
        ge=0,
        le=100,
        description="Next most likely codes returned as `possible` after the suggested ones "
        "(0 turns them off); a request may ask for another number.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process, so every layer sees the same values."""
    return Settings()
