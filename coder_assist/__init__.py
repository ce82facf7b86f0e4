"""coder-assist: offline NLP-assisted ICD-10-CM and CPT/HCPCS code suggestions.

The heavy parts (spaCy, onnxruntime) are imported lazily so that `import coder_assist`
stays cheap for the CLI and for code-set lookups.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coder_assist._version import __version__

__all__ = ["CodeSets", "Suggester", "__version__"]

if TYPE_CHECKING:
    from coder_assist.codesets import CodeSets
    from coder_assist.suggest import Suggester


def __getattr__(name: str) -> Any:
    if name == "CodeSets":
        from coder_assist.codesets import CodeSets

        return CodeSets
    if name == "Suggester":
        from coder_assist.suggest import Suggester

        return Suggester
    raise AttributeError(f"module 'coder_assist' has no attribute {name!r}")
