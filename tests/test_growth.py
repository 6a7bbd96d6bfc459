"""helpers.growth: formulas by measure, checked against numbers worked out from the documents."""
from __future__ import annotations

import math

import pytest

from helpers import AnalysisError
from helpers.growth import (annual_reduction, cagr, compound_rates, describe_series,
                            doubling_rate, growth_table, multiple, pace, path_value,
                            reduced_level, required_path, rule_for, series_segments)


def row(table, district, indicator_id):
    sub = table[(table.district == district) & (table.indicator_id == indicator_id)]
    assert len(sub) == 1, (district, indicator_id)
    return sub.iloc[0]


@pytest.fixture(scope="module")
def growth(indicators):
    return growth_table(indicators)


class TestFormulas:
    def test_cagr_beilun_tax_per_mu(self):
        # 附件1 亩均税收 "38.4 万元/亩 … 55 万元/亩" (2020 → 2025): (55/38.4)^(1/5) − 1
        assert cagr(38.4, 55, 5) == pytest.approx((55 / 38.4) ** 0.2 - 1, rel=1e-12)
        assert cagr(38.4, 55, 5) == pytest.approx(0.07450, abs=5e-6)

    @pytest.mark.parametrize("v0, v1, n", [(0, 55, 5), (-1, 55, 5), (38.4, -1, 5), (38.4, 55, 0),
                                           (math.nan, 55, 5), (38.4, 55, -2), ("x", 1, 1)])
    def test_cagr_refuses_impossible_input(self, v0, v1, n):
        with pytest.raises(AnalysisError):
            cagr(v0, v1, n)

    def test_doubling_pace(self):
        # 四倍增 "较2020年至少翻一倍" by 2025: 2^(1/5) − 1 = 14.87 %/yr
        assert doubling_rate(5) == pytest.approx(0.148698, abs=1e-6)
        assert doubling_rate(5, factor=4) == pytest.approx(4 ** 0.2 - 1)

    def test_reduction_arithmetic(self):
        # 附件1 "0.6tce/万元 10.4% 16%": 0.6 × (1 − 16%) = 0.504; 1 − 0.84^(1/5) = 3.427 %/yr
        assert reduced_level(0.6, 0.16) == pytest.approx(0.504)
        assert annual_reduction(0.16, 5) == pytest.approx(1 - 0.84 ** 0.2)
        assert annual_reduction(0.16, 5) == pytest.approx(0.034270, abs=1e-6)
        with pytest.raises(AnalysisError):
            annual_reduction(1.0, 5)

    def test_compound_rates_yinzhou_investment(self):
        # 附件1 工业投资年均增速 "30 10 10" for 2023, 2025, 2027: 1.3 × 1.1² × 1.1²
        assert compound_rates([0.3, 0.1, 0.1], [1, 2, 2]) == pytest.approx(1.3 * 1.1 ** 4)
        with pytest.raises(AnalysisError):
            compound_rates([0.1], [1, 2])

    def test_multiple_needs_positive_base(self):
        assert multiple(16, 50) == pytest.approx(3.125)
        with pytest.raises(AnalysisError):
            multiple(0, 50)

    def test_rules_by_measure(self):
        assert [rule_for(m) for m in ("level", "stock", "index", "cumulative", "flow",
                                      "reduction_rate", "growth_rate", "share")] == [
            "geometric", "geometric", "geometric", "linear", "flow", "reduction",
            "stated_rate", "percentage_points"]
        with pytest.raises(AnalysisError):
            rule_for("ratio")


class TestPaths:
    def test_geometric_path_tax_per_mu_2023(self):
        # smooth path 38.4 → 55 over 2020–2025, value in 2023 = 38.4 × (55/38.4)^(3/5)
        assert path_value(38.4, 55, 2020, 2025, 2023, "level") == pytest.approx(
            38.4 * (55 / 38.4) ** 0.6)
        assert path_value(38.4, 55, 2020, 2025, 2023, "level") == pytest.approx(47.638, abs=1e-3)

    def test_linear_path_for_cumulative_counts(self):
        # 累计腾出低效工业用地 9500 亩 by 2025 from 0 in 2020: 5700 亩 by 2023 on a straight line
        p = required_path(0, 9500, 2020, 2025, "cumulative")
        assert p["year"].tolist() == list(range(2020, 2026))
        assert p.set_index("year").loc[2023, "value"] == pytest.approx(5700)
        assert set(p["rule"]) == {"linear"}

    def test_reduction_path(self):
        # 16 % by 2025: the intensity falls by the same fraction each year; 2023 → 1 − 0.84^0.6
        v = path_value(0, 16, 2020, 2025, 2023, "reduction_rate")
        assert v == pytest.approx(100 * (1 - 0.84 ** 0.6))
        assert v == pytest.approx(9.933, abs=1e-3)

    @pytest.mark.parametrize("measure", ["flow", "growth_rate"])
    def test_no_path_for_flows_and_rates(self, measure):
        with pytest.raises(AnalysisError, match="no path"):
            path_value(5, 6, 2021, 2025, 2023, measure)

    def test_geometric_path_refuses_zero(self):
        with pytest.raises(AnalysisError):
            required_path(0, 10, 2020, 2025, "stock")


class TestPace:
    def test_flags(self):
        assert pace([0.05, 0.06, 0.09], "geometric") == "accelerating"
        assert pace([0.09, 0.06], "geometric") == "decelerating"
        assert pace([0.060, 0.064], "geometric") == "steady"  # within 0.5 pp
        assert pace([0.1], "geometric") == "single_segment"
        # lower is better: a faster fall is acceleration
        assert pace([-0.02, -0.05], "geometric", direction="lower") == "accelerating"
        # amounts: relative tolerance (5 % of the mean)
        assert pace([1000, 1000, 3500], "linear") == "accelerating"


class TestGrowthTableBeilun:
    def test_tax_per_mu(self, growth):
        r = row(growth, "beilun", "tax_per_mu")
        assert (r.rule, r.base_year, r.base_value, r.end_year, r.end_value) == \
            ("geometric", 2020, 38.4, 2025, 55.0)
        assert r.multiple == pytest.approx(55 / 38.4)
        assert r.implied_annual == pytest.approx((55 / 38.4) ** 0.2 - 1)
        # 附件2 yearly: 40.5/38.4 − 1 = 5.47 % in 2021, 55/50.3 − 1 = 9.34 % in 2025
        assert r.first_change == pytest.approx(40.5 / 38.4 - 1)
        assert r.last_change == pytest.approx(55 / 50.3 - 1)
        assert r.pace == "accelerating" and r.pace_zh == "加速"

    def test_labour_productivity_is_steady(self, growth):
        # 36.8, 39, 41.5, 44, 47, 50: first 5.98 %, last 6.38 % — within 0.5 pp
        r = row(growth, "beilun", "labour_productivity")
        assert r.first_change == pytest.approx(39 / 36.8 - 1)
        assert r.last_change == pytest.approx(50 / 47 - 1)
        assert r.pace == "steady"

    def test_energy_reduction_gives_the_intensity_path(self, growth):
        # 附件2 "能耗累计降低率 3.6% 7.1% 10.4% 13.5% 16%", base 0.6 tce/万元 (附件1)
        r = row(growth, "beilun", "energy_intensity_reduction")
        assert r.rule == "reduction" and r.base_kind == "implicit_zero"
        assert r.multiple == pytest.approx(0.84)
        assert r.implied_annual == pytest.approx(1 - 0.84 ** 0.2)
        assert "0.504" in r.underlying and "0.6" in r.underlying
        # 2025: 1 − (0.84/0.865) = 2.89 % that year, against 3.6 % in 2021 → decelerating
        assert r.last_change == pytest.approx(1 - 0.84 / 0.865)
        assert r.pace == "decelerating"

    def test_flows_sum(self, growth):
        # 附件2 新增“品字标浙江制造” 5 5 6 6 6; 标准制（修）订 30 项 each year
        p = row(growth, "beilun", "pinzibiao_new_per_year")
        assert (p.rule, p.total, p.change_per_year, p.years) == ("flow", 28, 5.6, 5)
        assert p.pace == "accelerating"
        s = row(growth, "beilun", "standards_led_per_year")
        assert (s.total, s.pace) == (150, "steady")

    def test_cumulative_is_linear_from_zero(self, growth):
        # 累计新增高技术制造业投资 40 60 90 130 180: yearly 40, 20, 30, 40, 50;
        # the 附件1 base 22.6 (2020) is one year's investment, not a cumulative start
        r = row(growth, "beilun", "high_tech_manufacturing_investment_cumulative")
        assert (r.rule, r.base_value, r.base_kind, r.total) == ("linear", 0.0, "implicit_zero", 180)
        assert r.change_per_year == pytest.approx(36)
        assert r.segments.startswith("2021 +40亿元; 2022 +20亿元")
        assert "22.6" in r.note
        assert math.isnan(r.implied_annual)

    def test_share_in_percentage_points(self, growth):
        # 有研发经费支出的企业占比 70 75 80 82 85 (2021–2025): +3.75 pp/yr; +5 pp then +3 pp
        r = row(growth, "beilun", "rd_active_firms_share")
        assert r.change_per_year == pytest.approx(3.75)
        assert r.implied_annual == pytest.approx((85 / 70) ** 0.25 - 1)
        assert r.pace == "decelerating"

    def test_stated_rate_is_compounded(self, growth):
        # 制造业贷款规模年均增速 12 % every year 2021–2025, no base ("——")
        r = row(growth, "beilun", "manufacturing_loan_growth")
        assert r.rule == "stated_rate" and r.base_kind == "none"
        assert r.multiple == pytest.approx(1.12 ** 5)
        assert r.implied_annual == pytest.approx(0.12)

    def test_single_point_series_is_skipped_with_a_reason(self, growth, indicators):
        skipped = growth.attrs["skipped"]
        assert "energy_intensity" in set(skipped.indicator_id)
        with pytest.raises(AnalysisError, match="one point"):
            describe_series(indicators, "beilun", "energy_intensity")
        with pytest.raises(AnalysisError):
            growth_table(indicators, "beilun", errors="raise")


class TestGrowthTableYinzhou:
    def test_investment_rate_targets(self, growth):
        # 工业投资年均增速 "10.1 30 10 10": 2022 is the observed rate, targets 30 %, 10 %, 10 %
        r = row(growth, "yinzhou", "industrial_investment_growth")
        assert r.base_kind == "baseline" and r.base_value == 10.1
        assert r.multiple == pytest.approx(1.3 * 1.1 ** 4)
        assert r.implied_annual == pytest.approx((1.3 * 1.1 ** 4) ** 0.2 - 1)
        assert r.pace == "decelerating"

    def test_milestone_segments_are_annualised(self, indicators):
        # 工业投资 66.4 90.6 110 130 (2022, 2023, 2025, 2027)
        seg = series_segments(indicators, "yinzhou", "industrial_investment")
        assert seg["years"].tolist() == [1, 2, 2]
        assert seg["change"].tolist() == pytest.approx(
            [90.6 / 66.4 - 1, (110 / 90.6) ** 0.5 - 1, (130 / 110) ** 0.5 - 1])

    def test_value_added_per_mu(self, growth):
        # 规上工业亩均增加值 164 → 200 (2022–2027): 4.05 %/yr
        r = row(growth, "yinzhou", "value_added_per_mu")
        assert r.implied_annual == pytest.approx((200 / 164) ** 0.2 - 1)
        assert r.implied_annual == pytest.approx(0.0405, abs=1e-4)


def test_growth_of_text_only_series_with_source_best(indicators):
    # Yinzhou's new-energy cluster exists only in the text: "突破100 亿元（2022年40.82亿元…）"
    table = growth_table(indicators, "yinzhou")
    best = growth_table(indicators, "yinzhou", source="best")
    assert "cluster_output_new_energy" not in set(table["indicator_id"])
    row = best.set_index("indicator_id").loc["cluster_output_new_energy"]
    assert (row["base_year"], row["base_value"], row["end_year"], row["end_value"]) == \
        (2022, 40.82, 2027, 100.0)
    assert row["implied_annual"] == pytest.approx((100 / 40.82) ** 0.2 - 1)
    # table series are unchanged by the source: the tables win where they print
    t = table.set_index("indicator_id").loc["tax_per_mu"]
    b = best.set_index("indicator_id").loc["tax_per_mu"]
    assert t["implied_annual"] == b["implied_annual"] == pytest.approx((43.2 / 32.3) ** 0.2 - 1)
    assert set(table["indicator_id"]) <= set(best["indicator_id"])


def test_reduction_rate_finds_its_level_in_the_text():
    """SYNTHETIC prose-only rows: a 16 % cumulative reduction by 2025 and the 2020 level
    0.6 吨标准煤/万元 both printed in the text: the implied path ends at 0.6·(1 - 0.16) = 0.504."""
    from conftest import make_rows
    df = make_rows(dict(indicator_id="energy_intensity", year=2020, value=0.6, role="baseline",
                        unit="吨标准煤/万元", direction="lower"),
                   dict(indicator_id="energy_intensity_reduction", year=2025, value=16.0,
                        unit="%", measure="reduction_rate"), section="正文")
    row = growth_table(df, "beilun", source="best").set_index("indicator_id")
    assert row.loc["energy_intensity_reduction", "underlying"] == \
        "energy_intensity: 2020 0.6 → 2025 0.504 吨标准煤/万元"
    assert growth_table(df, "beilun").empty  # tables only: nothing
