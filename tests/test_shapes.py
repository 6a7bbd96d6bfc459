"""Reports for every plan shape (issue 9.4), on SYNTHETIC plans.

Every plan below is a SYNTHETIC TEST FIXTURE: invented districts with invented values, built
with the real indicator table's columns (helpers.schema.COLUMNS) and the catalogue's units and
measures, added to the real table so the comparison has real districts beside them. Nothing
here is a figure of any real plan; the real values checked (亩均税收 2023) come from the
clean table and are quoted in tests/test_compare.py.
"""
from __future__ import annotations

import pandas as pd
import pytest

from helpers import load_indicators
from helpers.catalogue import catalogue_entry
from helpers.districts import District
from helpers.schema import COLUMNS

SYNTHETIC = "SYNTHETIC TEST FIXTURE — not real data"


def real_table() -> pd.DataFrame:
    return load_indicators()


def _row(slug: str, name: str, iid: str, year: int, value: float, role: str = "target",
         section: str = "表1", category: str = "主要指标", lead: str = "经信局") -> dict:
    e = catalogue_entry(iid)
    return dict(district=slug, district_name=name, indicator=e["name_zh"], indicator_id=iid,
                category=category, lead_agency=lead, year=year, value=float(value),
                unit=e["unit"], role=role, measure=e["measure"], direction=e["direction"],
                source_file=f"{slug}_synthetic.txt", section=section, source_line=1,
                value_text=f"{value:g}{e['unit']}", quote=f"{SYNTHETIC}: {e['name_zh']} {value:g}",
                note=SYNTHETIC)


def _district(slug: str, name: str, base: int, end: int) -> District:
    return District(slug, name, "测试市", base, end, f"{name}合成测试方案（{SYNTHETIC}）")


def build_shape(shape: str) -> tuple[District, pd.DataFrame]:
    """(District, its synthetic rows) for one plan shape of SHAPES."""
    if shape == "prose_only":  # every value in the text: section 正文, no category, no agency
        d = _district("syn_prose", "合成甲区", 2020, 2025)
        p = dict(section="正文", category="", lead="")
        rows = [_row(d.slug, d.name, "tax_per_mu", 2023, 27, **p),
                _row(d.slug, d.name, "tax_per_mu", 2025, 30, **p),
                _row(d.slug, d.name, "value_added_per_mu", 2025, 150, **p),
                _row(d.slug, d.name, "inefficient_firms_rectified_cumulative", 2025, 500, **p),
                _row(d.slug, d.name, "labour_productivity", 2020, 28, role="baseline", **p),
                _row(d.slug, d.name, "labour_productivity", 2025, 35, **p)]
    elif shape == "no_baseline":  # a table of targets without a base column
        d = _district("syn_nobase", "合成乙区", 2020, 2025)
        rows = [_row(d.slug, d.name, "tax_per_mu", 2023, 40), _row(d.slug, d.name, "tax_per_mu", 2025, 45),
                _row(d.slug, d.name, "labour_productivity", 2023, 30),
                _row(d.slug, d.name, "labour_productivity", 2025, 34),
                _row(d.slug, d.name, "low_efficiency_land_freed_cumulative", 2023, 500),
                _row(d.slug, d.name, "low_efficiency_land_freed_cumulative", 2025, 1000)]
    elif shape == "one_year":  # targets for 2023 only, no base values
        d = _district("syn_2023", "合成丙县", 2020, 2023)
        rows = [_row(d.slug, d.name, "tax_per_mu", 2023, 50),
                _row(d.slug, d.name, "energy_intensity_reduction", 2023, 9),
                _row(d.slug, d.name, "pinzibiao_new_per_year", 2023, 5),
                _row(d.slug, d.name, "manufacturing_loan_growth", 2023, 10)]
    elif shape == "end_2027":  # a plan running 2022 → 2027
        d = _district("syn_2027", "合成丁市", 2022, 2027)
        rows = [_row(d.slug, d.name, "tax_per_mu", 2022, 30, role="baseline"),
                _row(d.slug, d.name, "tax_per_mu", 2025, 35), _row(d.slug, d.name, "tax_per_mu", 2027, 40),
                _row(d.slug, d.name, "future_factories_new_cumulative", 2025, 3),
                _row(d.slug, d.name, "future_factories_new_cumulative", 2027, 6),
                _row(d.slug, d.name, "digital_economy_core_share_of_gdp", 2022, 5, role="baseline"),
                _row(d.slug, d.name, "digital_economy_core_share_of_gdp", 2027, 8)]
    elif shape == "single_value":  # the whole plan is one level
        d = _district("syn_single", "合成戊区", 2020, 2025)
        rows = [_row(d.slug, d.name, "tax_per_mu", 2025, 60)]
    elif shape == "no_category":  # a table whose rows have empty category and lead agency
        d = _district("syn_nocat", "合成己区", 2020, 2025)
        p = dict(category="", lead="")
        rows = [_row(d.slug, d.name, "tax_per_mu", 2020, 35, role="baseline", **p),
                _row(d.slug, d.name, "tax_per_mu", 2023, 40, **p),
                _row(d.slug, d.name, "tax_per_mu", 2025, 45, **p),
                _row(d.slug, d.name, "listed_companies_stock", 2020, 10, role="baseline", **p),
                _row(d.slug, d.name, "listed_companies_stock", 2025, 20, **p)]
    else:
        raise KeyError(shape)
    return d, pd.DataFrame(rows, columns=COLUMNS)


SHAPES = ["prose_only", "no_baseline", "one_year", "end_2027", "single_value", "no_category"]


def with_real(rows: pd.DataFrame) -> pd.DataFrame:
    """The real indicator table with the synthetic rows appended."""
    return pd.concat([real_table(), rows], ignore_index=True)[COLUMNS]
