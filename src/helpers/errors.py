"""Errors that name the file, line or parameter at fault."""
from __future__ import annotations

from pathlib import Path


class KitError(Exception):
    """Base class for every error the kit raises on bad input."""


class SourceError(KitError):
    """A problem in an input file, reported with its file name and line number."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None):
        self.file = Path(file).name if file is not None else None
        self.line = line
        where = ""
        if self.file:
            where = f"{self.file}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(where + message)


class ProblemList(KitError):
    """Several input problems found in one run (each a SourceError naming file and line)."""

    def __init__(self, problems: list[KitError]):
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problems:\n"
                         + "\n".join(f"  - {p}" for p in self.problems))


class UnknownUnitError(SourceError):
    """A unit that is not in the kit's vocabulary."""


class ValueParseError(SourceError):
    """A value cell that does not read as a number."""


class QuoteNotFoundError(SourceError):
    """A curated quote that is not a verbatim substring of its raw file."""


class ConflictError(SourceError):
    """The same series printed twice with different values, or duplicate rows that disagree."""


class UnknownDistrictError(KitError, ValueError):
    """A district name or slug the kit does not know."""


class AnalysisError(KitError, ValueError):
    """Input that makes an analysis meaningless (e.g. a geometric rate from a zero base)."""


class NoBaselineError(AnalysisError):
    """A district prints no base values, so there is nothing to measure a doubling or leap
    against (name the indicators instead)."""


class UnknownIndicatorError(SourceError):
    """An indicator_id or printed name that the catalogue and aliases do not know (or cannot
    tell apart)."""


class UnitMismatchError(SourceError):
    """A unit that differs from the catalogue's unit for the indicator and has no exact conversion."""


class MissingSourceError(SourceError):
    """An actual value without its source title or URL/document."""


class ActualsDistrictError(SourceError, UnknownDistrictError):
    """An unknown district in an actuals file (also an UnknownDistrictError)."""
