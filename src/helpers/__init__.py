"""helpers: the analysis kit for district manufacturing-upgrade targets (腾笼换鸟、凤凰涅槃).

Start with ``load_indicators()``; see README.md for the map of modules.
"""
from .actuals import load_actuals
from .audit import audit, audit_summary
from .compare import compare_districts, comparison_table
from .data import catalogue, data_version, districts, load_indicators
from .districts import resolve_district
from .errors import (ActualsDistrictError, AnalysisError, ConflictError, KitError,
                     MissingSourceError, QuoteNotFoundError, SourceError, UnitMismatchError,
                     UnknownDistrictError, UnknownIndicatorError, UnknownUnitError,
                     ValueParseError)
from .growth import growth_table
from .milestones import milestone_fit, milestone_summary
from .pledges import doubling_check, leap_check
from .progress import assess_progress, progress_summary

__all__ = ["load_indicators", "districts", "catalogue", "data_version", "resolve_district",
           "growth_table", "doubling_check", "leap_check", "milestone_fit", "milestone_summary",
           "audit", "audit_summary", "compare_districts", "comparison_table",
           "load_actuals", "assess_progress", "progress_summary",
           "KitError", "SourceError", "UnknownUnitError", "ValueParseError", "QuoteNotFoundError",
           "ConflictError", "UnknownDistrictError", "AnalysisError", "UnknownIndicatorError",
           "UnitMismatchError", "MissingSourceError", "ActualsDistrictError"]
