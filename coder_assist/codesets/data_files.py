"""Reading the JSON data files packaged in `coder_assist.codesets.data`.

Every such file is an object with an `entries` list (synonyms, abbreviations, clinical
index terms); one reader gives all of them the same checks and error messages.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, cast

from coder_assist.errors import CodeSetSourceError

DATA_PACKAGE = "coder_assist.codesets.data"


def read_entries_file(name: str) -> dict[str, Any]:
    """The parsed file, checked to hold an `entries` list.

    Raises:
        CodeSetSourceError: The file is missing, unreadable or not of that shape.

    """
    ref = resources.files(DATA_PACKAGE).joinpath(name)
    try:
        data = json.loads(ref.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CodeSetSourceError(
            f"Data file {name} is missing from {DATA_PACKAGE}; reinstall coder-assist."
        ) from exc
    except (OSError, json.JSONDecodeError) as exc:
        raise CodeSetSourceError(f"Cannot read {name}: {exc}. Fix or restore the file.") from exc
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise CodeSetSourceError(f"{name} must be an object with an `entries` list.")
    return cast(dict[str, Any], data)
