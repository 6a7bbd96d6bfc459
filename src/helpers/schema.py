"""The schema every indicator table is validated against (pandera)."""
from __future__ import annotations

import numpy as np
import pandera.pandas as pa

from .catalogue import DIRECTIONS, MEASURES
from .districts import DISTRICTS
from .values import UNITS

COLUMNS = ["district", "district_name", "indicator", "indicator_id", "category", "lead_agency",
           "year", "value", "unit", "role", "measure", "direction", "source_file", "section",
           "source_line", "value_text", "quote", "note"]
TEXT_COLUMNS = [c for c in COLUMNS if c not in ("year", "value", "source_line")]
ROLES = ("baseline", "target", "actual")
#: One row per value read: the same indicator may be printed in several places.
KEY = ["district", "indicator_id", "source_file", "section", "year", "role", "quote"]


def _text(*checks, nonempty: bool = True) -> pa.Column:
    extra = [pa.Check.str_length(min_value=1)] if nonempty else []
    return pa.Column(str, checks=[*extra, *checks], nullable=False)


def indicator_schema(districts) -> pa.DataFrameSchema:
    """The schema for a table of these districts (slug → District)."""
    return pa.DataFrameSchema(
        {
            "district": _text(pa.Check.isin(list(districts))),
            "district_name": _text(pa.Check.isin([d.name for d in districts.values()])),
            "indicator": _text(),
            "indicator_id": _text(pa.Check.str_matches(r"^[a-z][a-z0-9_]*$")),
            "category": _text(nonempty=False),
            "lead_agency": _text(nonempty=False),
            "year": pa.Column(int, pa.Check.in_range(2000, 2050)),
            "value": pa.Column(float, pa.Check(lambda s: np.isfinite(s), error="value is not finite")),
            "unit": _text(pa.Check.isin(sorted(UNITS))),
            "role": _text(pa.Check.isin(ROLES)),
            "measure": _text(pa.Check.isin(list(MEASURES))),
            "direction": _text(pa.Check.isin(list(DIRECTIONS))),
            "source_file": _text(),
            "section": _text(),
            "source_line": pa.Column(int, pa.Check.ge(1)),
            "value_text": _text(),
            "quote": _text(),
            "note": _text(nonempty=False),
        },
        strict=True,
        ordered=True,
        unique=KEY,
        report_duplicates="all",
        name="indicators",
    )


_SCHEMAS: dict[tuple, pa.DataFrameSchema] = {}


def validate(df, districts=None):
    """Validate an indicator table (against the registered districts, or ``districts``);
    raises pandera's SchemaErrors listing every failure."""
    districts = DISTRICTS if districts is None else districts
    key = tuple((slug, d.name) for slug, d in districts.items())
    if key not in _SCHEMAS:
        _SCHEMAS[key] = indicator_schema(districts)
    return _SCHEMAS[key].validate(df, lazy=True)
