"""A loaded programme's settings, validated with their defaults: the one way to read them.

The programme file's `documents:` and `assessment:` sections are checked when the file is
loaded and stored as JSON; this reads them back through the same pydantic models, so every
default lives in models/programme/schema.py and nowhere else.
"""

from dataclasses import dataclass

from models.kernel.tables import Programme
from models.programme.schema import AssessmentIn, DocumentsIn


@dataclass(frozen=True)
class ProgrammeSettings:
    """What the programme file set (or left to its default) for documents and assessment."""

    documents: DocumentsIn
    assessment: AssessmentIn


def programme_settings(programme: Programme) -> ProgrammeSettings:
    """The programme's validated settings, defaults filled in."""
    return ProgrammeSettings(
        documents=DocumentsIn.model_validate(programme.documents or {}),
        assessment=AssessmentIn.model_validate(programme.assessment or {}),
    )
