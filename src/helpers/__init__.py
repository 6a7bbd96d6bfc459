"""helpers: the analysis kit for district manufacturing-upgrade targets (腾笼换鸟、凤凰涅槃).

Start with ``load_indicators()``; see README.md for the map of modules.
"""
from .data import catalogue, data_version, districts, load_indicators
from .districts import resolve_district
from .errors import (AnalysisError, ConflictError, KitError, QuoteNotFoundError, SourceError,
                     UnknownDistrictError, UnknownUnitError, ValueParseError)

__all__ = ["load_indicators", "districts", "catalogue", "data_version", "resolve_district",
           "KitError", "SourceError", "UnknownUnitError", "ValueParseError", "QuoteNotFoundError",
           "ConflictError", "UnknownDistrictError", "AnalysisError"]
