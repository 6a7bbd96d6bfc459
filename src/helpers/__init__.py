"""helpers: the analysis kit for district manufacturing-upgrade targets (腾笼换鸟、凤凰涅槃).

Start with ``load_indicators()``; see README.md for the map of modules.

The functions below are imported on first use (PEP 562), not when the package is: the report
runner's processes (its command line, its workers, papermill loading the kit's engine through
its entry point) never touch pandas or pandera, and start 0.4 s sooner. ``helpers.audit``,
``helpers.catalogue`` and ``helpers.districts`` are the functions, as they always were, even
after their submodules of the same names are imported.
"""
from __future__ import annotations

import importlib
import sys
import types

from .errors import (ActualsDistrictError, AnalysisError, ConflictError, KitError,
                     MissingSourceError, QuoteNotFoundError, SourceError, UnitMismatchError,
                     UnknownDistrictError, UnknownIndicatorError, UnknownUnitError,
                     ValueParseError)

#: name → the submodule that defines it
_LAZY = {
    "load_actuals": "actuals",
    "audit": "audit", "audit_summary": "audit",
    "compare_districts": "compare", "comparison_table": "compare",
    "catalogue": "data", "data_version": "data", "districts": "data", "load_indicators": "data",
    "resolve_district": "districts",
    "growth_table": "growth",
    "milestone_fit": "milestones", "milestone_summary": "milestones",
    "doubling_check": "pledges", "leap_check": "pledges",
    "assess_progress": "progress", "progress_summary": "progress",
}

__all__ = ["load_indicators", "districts", "catalogue", "data_version", "resolve_district",
           "growth_table", "doubling_check", "leap_check", "milestone_fit", "milestone_summary",
           "audit", "audit_summary", "compare_districts", "comparison_table",
           "load_actuals", "assess_progress", "progress_summary",
           "KitError", "SourceError", "UnknownUnitError", "ValueParseError", "QuoteNotFoundError",
           "ConflictError", "UnknownDistrictError", "AnalysisError", "UnknownIndicatorError",
           "UnitMismatchError", "MissingSourceError", "ActualsDistrictError"]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """The package, whose function attributes named like a submodule (audit, catalogue,
    districts) stay the functions when the import system binds the submodule to the package."""

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and name in _LAZY:
            return  # the submodule stays in sys.modules; the name is the function's
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
