"""Normalising what users type for systems and codes."""

from __future__ import annotations

import re

from coder_assist.codesets.model import SYSTEMS, System
from coder_assist.errors import UnknownSystemError

_SYSTEM_ALIASES: dict[str, System] = {
    "icd-10-cm": "ICD-10-CM",
    "icd10cm": "ICD-10-CM",
    "icd10": "ICD-10-CM",
    "icd-10": "ICD-10-CM",
    "icd": "ICD-10-CM",
    "cpt": "CPT",
    "hcpcs": "HCPCS",
}

_ICD_SHAPE = re.compile(r"^[A-Z][0-9][0-9A-Z]")


def normalize_system(system: str) -> System:
    """Map `icd10cm`, `ICD-10-CM`, `cpt`... to the canonical name or raise listing valid ones."""
    found = _SYSTEM_ALIASES.get(system.strip().lower().replace("_", "-"))
    if found is None:
        found = _SYSTEM_ALIASES.get(system.strip().lower().replace("-", "").replace("_", ""))
    if found is None:
        raise UnknownSystemError(system, list(SYSTEMS))
    return found


def normalize_code(code: str, system: str = "ICD-10-CM") -> str:
    """Canonical spelling: upper case; ICD-10-CM gets its dot after the third character."""
    compact = "".join(code.split()).upper()
    if system != "ICD-10-CM" or "-" in compact:  # CPT/HCPCS, or a block range like E08-E13
        return compact
    compact = compact.replace(".", "")
    if len(compact) > 3 and _ICD_SHAPE.match(compact):
        return f"{compact[:3]}.{compact[3:]}"
    return compact


def looks_like_code(text: str) -> bool:
    """Tell whether the text is shaped like an ICD-10-CM, CPT or HCPCS code."""
    compact = "".join(text.split()).upper().replace(".", "")
    return bool(
        re.fullmatch(r"[A-Z][0-9][0-9A-Z]{1,5}", compact)
        or re.fullmatch(r"\d{4}[0-9FTU]", compact)
        or re.fullmatch(r"[A-V]\d{4}", compact)
    )
