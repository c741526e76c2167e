"""What ``pmpath framework export`` and ``import`` report (their ``--json``), as models."""

from __future__ import annotations

from pydantic import BaseModel, Field


class CaseExport(BaseModel):
    """A ladder written as a CASE package."""

    output: str
    framework: str = Field(description="The id of the ladder exported.")
    document: str = Field(description="The CFDocument's identifier (a UUID).")
    items: int = Field(description="CFItems written: the areas and the competencies.")
    associations: int
    rubrics: int
    bytes: int


class CaseImportReport(BaseModel):
    """A CASE package read into a ladder file (or a competency library)."""

    file: str
    output: str
    origin: str = Field(description='"pmpath" for a package pmpath wrote, else "case".')
    ladder: bool = Field(description="True when the file written is a complete, valid ladder.")
    framework: str = Field(description="The id of the ladder (or library) written.")
    areas: int
    competencies: int
    roles: int
    missing: list[str] = Field(description="What the library lacks to be a ladder.")
    warnings: list[str]
