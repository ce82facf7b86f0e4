"""Exceptions a caller can act on.

Every error names what was wrong and what to do about it, and never carries note text
(notes are PHI).
"""

from __future__ import annotations


class CoderAssistError(Exception):
    """Base class for all errors raised by coder-assist."""


class UnknownSystemError(CoderAssistError, ValueError):
    """A code system name that coder-assist does not know."""

    def __init__(self, system: str, valid: list[str]) -> None:
        self.system = system
        self.valid = valid
        super().__init__(f"Unknown code system {system!r}; valid systems are: {', '.join(valid)}")


class InvalidQueryError(CoderAssistError, ValueError):
    """A search query that is empty or too long."""


class CodeSetSourceError(CoderAssistError):
    """The ICD-10-CM source or a code file could not be read or parsed."""


class ImportFileError(CoderAssistError, ValueError):
    """A licensed code file given to `codes import` is not in the expected shape."""


class NoteTooLongError(CoderAssistError, ValueError):
    """A note longer than the configured limit."""

    def __init__(self, length: int, limit: int) -> None:
        self.length = length
        self.limit = limit
        super().__init__(
            f"Note is {length} characters; the limit is {limit}. "
            "Split the note and submit the parts."
        )


class EmptyNoteError(CoderAssistError, ValueError):
    """A note that is empty or only whitespace."""

    def __init__(self) -> None:
        super().__init__("Note text is empty or whitespace only; send the note's text.")


class ModelNotFoundError(CoderAssistError):
    """A model version that is not in the registry."""


class ModelRegistryError(CoderAssistError):
    """The model registry is in a state that prevents the operation (e.g. a worse model)."""


class ModelIntegrityError(ModelRegistryError):
    """A model version's files no longer match the checksums its manifest recorded."""
