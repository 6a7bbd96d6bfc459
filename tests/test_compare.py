"""Cross-district comparison: levels at common years, annualised change over each plan's years."""
from __future__ import annotations

import pytest

from helpers.compare import compare_districts, comparison_table, shared_concepts


@pytest.fixture(scope="module")
def tidy(indicators):
    return compare_districts(indicators)


def test_shared_concepts(indicators):
    concepts = shared_concepts(indicators)
    assert {"tax_per_mu", "high_tech_enterprises", "little_giants", "pinzibiao"} <= set(concepts)
    assert "talent" in concepts  # Beilun 人才总量 and Yinzhou 领军人才 share the concept


def test_tax_per_mu_levels_and_growth(tidy):
    # 北仑 附件 亩均税收 38.4 (2020) … 46.8 (2023) … 55 (2025); 鄞州 附件1 32.3 (2022) 34.2 38.5 43.2
    t = tidy[tidy.concept == "tax_per_mu"]
    lv = t[t.statistic == "level"].set_index(["district", "year_from"])["value"]
    assert lv[("beilun", 2023)] == 46.8 and lv[("yinzhou", 2023)] == 34.2
    assert lv[("beilun", 2025)] == 55 and lv[("yinzhou", 2025)] == 38.5
    g = t[t.statistic == "cagr"].set_index("district")
    assert (g.loc["beilun", "year_from"], g.loc["beilun", "year_to"]) == (2020, 2025)
    assert (g.loc["yinzhou", "year_from"], g.loc["yinzhou", "year_to"]) == (2022, 2027)
    assert g.loc["beilun", "value"] == pytest.approx((55 / 38.4) ** 0.2 - 1)
    assert g.loc["yinzhou", "value"] == pytest.approx((43.2 / 32.3) ** 0.2 - 1)
    assert set(t["flag"]) == {""}


def test_different_measures_are_flagged(tidy):
    # 北仑 新增“品字标浙江制造”（每年）is a yearly flow, 鄞州 累计培育“品字标”品牌企业 a stock
    p = tidy[tidy.concept == "pinzibiao"]
    assert {"flow", "stock"} <= set(p.measure)
    assert p["flag"].str.contains("测度不同").all()
    flow = p[(p.district == "beilun") & (p.statistic == "avg_flow")]
    assert flow.value.item() == pytest.approx(28 / 5) and flow.value_unit.item() == "家/yr"


def test_wide_table(indicators, tidy):
    w = comparison_table(tidy)
    assert w.equals(comparison_table(indicators))
    assert {"北仑区", "鄞州区"} <= set(w.columns)
    row = w[(w.concept == "tax_per_mu") & (w.comparison == "2023年数值")]
    assert row["北仑区"].item() == "46.8" and row["鄞州区"].item() == "34.2"
    g = w[(w.concept == "tax_per_mu") & (w.comparison == "年均复合增速")]
    assert g["北仑区"].item() == "+7.45%/年（2020–2025）"
    assert g["鄞州区"].item() == f"+{((43.2 / 32.3) ** 0.2 - 1) * 100:.2f}%/年（2022–2027）"
    # a base-year value is marked as such: 鄞州 2022 is its 基数
    base = w[(w.concept == "tax_per_mu") & (w.comparison == "2022年数值")]
    assert base["鄞州区"].item() == "32.3（基数）"
    # different indicators of one concept in one row are flagged
    tal = w[(w.concept == "talent")]
    assert tal["flag"].str.contains("不同指标").any()


def test_named_concepts_only(indicators):
    t = compare_districts(indicators, concepts=["high_tech_enterprises"])
    assert set(t.concept) == {"high_tech_enterprises"}
    # 北仑 有效高新技术企业 320 (2021) → 550 (2025): no 2020 base, so the years used are 2021–2025
    g = t[(t.district == "beilun") & (t.statistic == "cagr")]
    assert (g.year_from.item(), g.year_to.item()) == (2021, 2025)
    assert g.value.item() == pytest.approx((550 / 320) ** 0.25 - 1)
