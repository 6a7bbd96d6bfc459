"""helpers.series: one row per year from the tables, narrative kept apart, bad input refused."""
from __future__ import annotations

import pandas as pd
import pytest
from conftest import make_rows as synthetic_rows

from helpers import AnalysisError, UnknownDistrictError
from helpers.series import (best_series, collapse_printings, narrative_series, series_keys,
                            table_series)


def make_rows(*rows: dict):
    return synthetic_rows(*rows, year=2020)


def test_beilun_tax_per_mu_one_row_per_year(indicators):
    # 附件1 "全区规上工业亩均税收 38.4 万元/亩 46.8 万元/亩 55 万元/亩";
    # 附件2 "规上工业亩均税收（万元/亩） 40.5 43.5 46.8 50.3 55" (printed in two files)
    s = table_series(indicators, "beilun", "tax_per_mu")
    assert s["year"].tolist() == [2020, 2021, 2022, 2023, 2024, 2025]
    assert s["value"].tolist() == [38.4, 40.5, 43.5, 46.8, 50.3, 55.0]
    assert s.loc[s.year == 2020, "role"].item() == "baseline"
    # 2023 and 2025 are printed three times (附件1 + 附件2 in both files), 2021 twice
    assert s.set_index("year")["printings"].to_dict() == {2020: 1, 2021: 2, 2022: 2, 2023: 3,
                                                          2024: 2, 2025: 3}
    assert set(s["section"]) >= {"附件1", "附件2", "附件1/附件2"}


def test_chinese_district_name_and_no_narrative(indicators):
    s = table_series(indicators, "鄞州区", "value_added_per_mu")
    # 附件1 "规上工业亩均增加值（万元/亩） 164 172 185 200"
    assert s["value"].tolist() == [164, 172, 185, 200]
    assert "正文" not in "".join(s["section"])


def test_missing_series_and_unknown_district_raise(indicators):
    with pytest.raises(AnalysisError, match="no table values"):
        table_series(indicators, "yinzhou", "little_giants_and_champions_national")
    with pytest.raises(UnknownDistrictError):
        table_series(indicators, "atlantis", "tax_per_mu")


def test_mixed_units_raise():
    df = make_rows(dict(year=2020, value=38.4), dict(year=2025, value=55, unit="万元/人"))
    with pytest.raises(AnalysisError, match="mixed units"):
        table_series(df, "beilun", "tax_per_mu")


def test_disagreeing_printings_raise():
    df = make_rows(dict(year=2025, value=55), dict(year=2025, value=56, section="附件2"))
    with pytest.raises(AnalysisError, match="disagree"):
        collapse_printings(df, "beilun/tax_per_mu")


def test_best_series_fills_years_from_the_narrative():
    # Yinzhou: "突破100 亿元（2022年40.82亿元，年均约20%）" exists only in the text
    df = make_rows(dict(district="yinzhou", district_name="鄞州区", year=2022, value=40.82,
                        role="baseline", section="正文", unit="亿元"),
                   dict(district="yinzhou", district_name="鄞州区", year=2027, value=100,
                        section="正文", unit="亿元"))
    s = best_series(df, "yinzhou", "tax_per_mu")
    assert s["value"].tolist() == [40.82, 100]
    assert narrative_series(df, "yinzhou", "tax_per_mu")["year"].tolist() == [2022, 2027]
    with pytest.raises(AnalysisError):
        table_series(df, "yinzhou", "tax_per_mu")


def test_series_keys_are_table_series_in_district_order(indicators):
    keys = series_keys(indicators)
    assert keys[0][0] == "beilun"
    assert ("beilun", "tax_per_mu") in keys and ("yinzhou", "tax_per_mu") in keys
    assert len(keys) == len(set(keys))
    districts = [d for d, _ in keys]
    assert districts.index("yinzhou") > max(i for i, d in enumerate(districts) if d == "beilun")


def test_collapse_best_tables_win_and_text_fills_the_rest():
    from helpers.series import collapse_best, plan_groups
    df = make_rows(dict(year=2020, value=38.4, role="baseline"), dict(year=2025, value=55.0),
                   dict(year=2025, value=55.0, section="正文"),
                   dict(year=2023, value=46.8, section="正文"))
    s = collapse_best(df, "beilun/tax_per_mu")
    assert s["year"].tolist() == [2020, 2023, 2025] and s["value"].tolist() == [38.4, 46.8, 55.0]
    assert s.set_index("year")["section"].to_dict() == {2020: "附件1", 2023: "正文", 2025: "附件1"}
    # a narrative copy in another unit never mixes into a table series: the table is kept alone
    odd = pd.concat([df.iloc[:2], make_rows(dict(year=2023, value=4.68, unit="亿元",
                                                  section="正文"))])
    assert collapse_best(odd, "x")["year"].tolist() == [2020, 2025]
    # text only (a prose-only plan): its own series; disagreeing copies are an error there
    text = make_rows(dict(year=2025, value=30.0, section="正文"))
    assert collapse_best(text, "x")["value"].tolist() == [30.0]
    bad = make_rows(dict(year=2025, value=30.0, section="正文"), dict(year=2025, value=31.0,
                                                                    section="正文", quote="q2"))
    with pytest.raises(AnalysisError, match="printings disagree"):
        collapse_best(bad, "syn/tax_per_mu")
    groups = plan_groups(pd.concat([df, make_rows(dict(indicator_id="labour_productivity",
                                                       section="正文"))]), "beilun", "best")
    assert list(groups) == [("beilun", "tax_per_mu"), ("beilun", "labour_productivity")]
    with pytest.raises(AnalysisError, match="source must be one of table, best"):
        plan_groups(df, "beilun", "all")
