"""四倍增 and 五跃升 on Beilun's plan (附件1 and 二、行动目标), and on indicators a researcher names."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import AnalysisError
from helpers.districts import DISTRICTS
from helpers.pledges import (doubling_check, leap_check,
                             pledge_row)

#: As the plan lists them (二、行动目标), declared in data/districts/beilun.toml.
BEILUN_DOUBLING_IDS = ("little_giants_and_champions_national",
                       "digital_economy_core_manufacturing_value_added",
                       "high_tech_manufacturing_investment_cumulative",
                       "low_efficiency_land_freed_cumulative")
BEILUN_LEAP_IDS = ("tax_per_mu", "labour_productivity", "energy_intensity_reduction",
                   "rd_investment", "manufacturing_loan_growth")
DOUBLING_5Y = 2 ** 0.2 - 1  # 14.87 %/yr


@pytest.fixture(scope="module")
def doubling(indicators):
    return doubling_check(indicators, "beilun").set_index("indicator_id")


@pytest.fixture(scope="module")
def leaps(indicators):
    return leap_check(indicators, "beilun").set_index("indicator_id")


class TestDoubling:
    def test_the_four_indicators(self, doubling):
        assert list(doubling.index) == list(BEILUN_DOUBLING_IDS)
        assert doubling["doubling_pace"].tolist() == pytest.approx([DOUBLING_5Y] * 4)

    def test_little_giants_and_champions(self, doubling):
        # 附件1 "…小巨人”企业与国家级单项冠军企业数量 16 家 40 家 50 家": 50/16 = 3.125
        r = doubling.loc["little_giants_and_champions_national"]
        assert (r.base_year, r.base_value, r.end_year, r.end_value) == (2020, 16, 2025, 50)
        assert r.multiple == pytest.approx(3.125)
        assert r.implied_cagr == pytest.approx(3.125 ** 0.2 - 1)
        assert r.doubles and r.like_for_like
        assert r.doubles_like_for_like and r.caveat_zh == ""

    def test_digital_economy(self, doubling):
        # "数字经济核心产业制造业增加值规模 84.1 亿元 145 亿元 200 亿元": 200/84.1 = 2.378
        r = doubling.loc["digital_economy_core_manufacturing_value_added"]
        assert r.multiple == pytest.approx(200 / 84.1)
        assert r.implied_cagr == pytest.approx(0.18918, abs=1e-5)
        assert r.doubles and r.like_for_like

    def test_high_tech_investment_is_not_like_for_like(self, doubling):
        # "累计新增高技术制造业投资 22.6 亿元 90 亿元 180 亿": 22.6 is 2020's investment, 180
        # the 2021–2025 total. As printed 180/22.6 = 7.96 ("doubles"); like for like the 2025
        # investment (附件2 180 − 130 = 50) is 50/22.6 = 2.21 × 2020, the yearly average 36 only 1.59 ×
        r = doubling.loc["high_tech_manufacturing_investment_cumulative"]
        assert r.multiple == pytest.approx(180 / 22.6)
        assert r.doubles
        assert not r.like_for_like
        assert r.lfl_multiple == pytest.approx(50 / 22.6)
        assert r.lfl_cagr == pytest.approx((50 / 22.6) ** 0.2 - 1)
        assert r.doubles_like_for_like
        assert "1.59" in r.caveat_zh and "2.21" in r.caveat_zh and "累计" in r.caveat_zh
        assert "not like for like" in r.caveat_en

    def test_land_freed_has_no_base(self, doubling):
        # "五年累计腾出低效工业用地数量 —— 3000 亩 9500 亩": no base, cannot be checked
        r = doubling.loc["low_efficiency_land_freed_cumulative"]
        assert math.isnan(r.base_value) and math.isnan(r.multiple)
        assert pd.isna(r.doubles) and not r.like_for_like
        assert "——" in r.caveat_zh and "no 2020 base" in r.caveat_en
        # 附件2 yearly additions 1000, 1000, 1000, 3000, 3500
        assert "1000/1000/1000/3000/3500" in r.caveat_zh

    def test_any_district_and_indicator_set(self, indicators):
        # 鄞州 附件1 数字产业营收 421.2 → 1000 (2022–2027) doubles; 亩均税收 32.3 → 43.2 does not
        t = doubling_check(indicators, "鄞州区", ["digital_industry_revenue", "tax_per_mu"])
        t = t.set_index("indicator_id")
        assert t.loc["digital_industry_revenue", "multiple"] == pytest.approx(1000 / 421.2)
        assert t.loc["digital_industry_revenue", "doubles"]
        assert t.loc["tax_per_mu", "multiple"] == pytest.approx(43.2 / 32.3)
        assert not t.loc["tax_per_mu", "doubles"]
        # default for another district: every series with a printed base
        all_y = doubling_check(indicators, "yinzhou")
        assert len(all_y) >= 20 and set(all_y.base_year) == {2022}

    def test_growth_rate_pledge_is_compounded(self, indicators):
        # 工业投资年均增速 30 %, 10 %, 10 % → (1.3 · 1.1⁴) = 1.903: not a doubling
        r = pledge_row(indicators, "yinzhou", "industrial_investment_growth")
        assert math.isnan(r["multiple"]) and not r["like_for_like"]
        assert r["lfl_multiple"] == pytest.approx(1.3 * 1.1 ** 4)
        assert not r["doubles_like_for_like"]

    def test_leap_text_uses_the_compounded_rate(self, indicators):
        # Annex 1 "工业投资年均增速（%）10.1 30 10 10": 1.9033^(1/5) - 1 = 13.74 %/yr, not the last 10 %
        leap = leap_check(indicators, "yinzhou", ["industrial_investment_growth"]).iloc[0]
        assert leap.implied_annual == pytest.approx(1.9033 ** 0.2 - 1, abs=1e-4)
        assert "年均13.74%" in leap.leap_zh and "累计增长90.3%" in leap.leap_zh

    def test_bad_input(self, indicators):
        with pytest.raises(AnalysisError):
            doubling_check(indicators, "beilun", ["no_such_indicator"])


class TestLeaps:
    def test_table_shape(self, leaps):
        assert list(leaps.index) == list(BEILUN_LEAP_IDS)
        assert leaps["doubling_pace"].tolist() == pytest.approx([DOUBLING_5Y] * 5)
        assert not leaps["faster_than_doubling"].any()

    def test_tax_and_productivity(self, leaps):
        # 亩均税收 38.4 → 55: +43.2 %, 7.45 %/yr; 劳动生产率 36.8 → 50: +35.9 %, 6.32 %/yr
        t = leaps.loc["tax_per_mu"]
        assert t.leap_pct == pytest.approx(55 / 38.4 - 1)
        assert t.implied_annual == pytest.approx((55 / 38.4) ** 0.2 - 1)
        assert t.vs_doubling == pytest.approx(((55 / 38.4) ** 0.2 - 1) / DOUBLING_5Y)
        assert "7.45%" in t.leap_zh
        p = leaps.loc["labour_productivity"]
        assert p.implied_annual == pytest.approx((50 / 36.8) ** 0.2 - 1)

    def test_energy_reduction_path(self, leaps):
        # "单位工业增加值能耗下降16%以上" from 0.6 tce/万元: 0.504 in 2025, −3.43 %/yr; value
        # added per unit of energy (单位能耗工业增加值) rises 1/0.84 = 1.190 ×, 3.55 %/yr
        e = leaps.loc["energy_intensity_reduction"]
        assert (e.base_value, e.end_value, e.unit) == (0.6, pytest.approx(0.504), "吨标准煤/万元")
        assert e.annual_reduction == pytest.approx(1 - 0.84 ** 0.2)
        assert e.leap_multiple == pytest.approx(1 / 0.84)
        assert e.implied_annual == pytest.approx((1 / 0.84) ** 0.2 - 1)
        assert "0.504" in e.leap_zh

    def test_rd_and_loans(self, leaps):
        # 研发投入 52 → 90 亿元: 11.6 %/yr; 制造业贷款年均增速 12 % (no base): 1.12⁵ = 1.762
        assert leaps.loc["rd_investment", "implied_annual"] == pytest.approx((90 / 52) ** 0.2 - 1)
        loans = leaps.loc["manufacturing_loan_growth"]
        assert loans.leap_multiple == pytest.approx(1.12 ** 5)
        assert loans.implied_annual == pytest.approx(0.12)
        assert loans.vs_doubling == pytest.approx(0.12 / DOUBLING_5Y)
        assert "无基数" in loans.leap_zh


def test_pledge_sets_are_the_districts_data():
    assert DISTRICTS["beilun"].pledge_ids("doubling") == BEILUN_DOUBLING_IDS
    assert DISTRICTS["beilun"].pledge_label("leap") == "五跃升"
    assert DISTRICTS["yinzhou"].pledge_ids("doubling") is None
