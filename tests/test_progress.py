"""assess_progress(): status bands per target type, hand-computed against the documents' targets.

Targets and baselines are the real ones read from the plans (quoted in each comment); every
actual value is SYNTHETIC, invented here or in tests/fixtures/actuals_synthetic.csv to land in
a given band. cagr(a, b, n) = (b/a)**(1/n) - 1 throughout.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

import helpers
from helpers.actuals import load_actuals
from helpers.errors import AnalysisError
from helpers.progress import (OUTPUT_COLUMNS, STATUS_ZH, actual_points, assess_progress,
                              band_status, progress_summary)
from helpers.schema import COLUMNS, validate

FIXTURE = Path(__file__).parent / "fixtures" / "actuals_synthetic.csv"
SYNTH = "SYNTHETIC TEST FIXTURE — not real data"


def actuals(*points) -> pd.DataFrame:
    """A valid actuals table from (district, indicator_id, year, value) tuples (synthetic)."""
    cat = helpers.catalogue()
    rows = []
    for i, (district, iid, year, value) in enumerate(points):
        e = cat.loc[iid]
        rows.append({"district": district, "district_name": helpers.resolve_district(district).name,
                     "indicator": e.name_zh, "indicator_id": iid, "category": "", "lead_agency": "",
                     "year": year, "value": float(value), "unit": e.unit, "role": "actual",
                     "measure": e.measure, "direction": e.direction, "source_file": "inline.csv",
                     "section": "实际值", "source_line": i + 2, "value_text": str(value),
                     "quote": f"{SYNTH} inline", "note": ""})
    return validate(pd.DataFrame(rows, columns=COLUMNS))


def plan_rows(district, iid, baseline, targets) -> pd.DataFrame:
    """Hand-built plan rows (used only where the documents print no usable target)."""
    cat = helpers.catalogue()
    e = cat.loc[iid]
    pts = ([(baseline[0], baseline[1], "baseline")] if baseline else []) + \
          [(y, v, "target") for y, v in targets.items()]
    rows = [{"district": district, "district_name": helpers.resolve_district(district).name,
             "indicator": e.name_zh, "indicator_id": iid, "category": "", "lead_agency": "",
             "year": y, "value": float(v), "unit": e.unit, "role": role, "measure": e.measure,
             "direction": e.direction, "source_file": "test", "section": "附件2", "source_line": 1,
             "value_text": str(v), "quote": "hand-built test plan", "note": ""} for y, v, role in pts]
    return validate(pd.DataFrame(rows, columns=COLUMNS))


@pytest.fixture(scope="module")
def beilun():
    return helpers.load_indicators("beilun")


@pytest.fixture(scope="module")
def yinzhou():
    return helpers.load_indicators("yinzhou")


def one(assessment: pd.DataFrame, iid: str, district: str | None = None) -> pd.Series:
    sub = assessment[assessment.indicator_id == iid]
    if district:
        sub = sub[sub.district == district]
    assert len(sub) == 1, f"{iid}: {len(sub)} rows"
    return sub.iloc[0]


def judge(targets, iid, year, value, method="opensdg", district="beilun", **kw) -> pd.Series:
    return one(assess_progress(targets, actuals((district, iid, year, value)), method, **kw), iid, district)


# ------------------------------------------------------------------ bands

@pytest.mark.parametrize("ratio, status", [(0.95, "on_track"), (0.9499, "needs_acceleration"),
                                           (0.6, "needs_acceleration"), (0.5999, "limited"),
                                           (0.0, "limited"), (-0.0001, "backwards")])
def test_opensdg_band_edges(ratio, status):
    assert band_status(ratio, (0.95, 0.6, 0.0)) == status


@pytest.mark.parametrize("score, status", [(0.95, "on_track"), (0.10, "needs_acceleration"),
                                           (0.0999, "limited"), (-0.01, "backwards")])
def test_unsd_band_edges(score, status):
    assert band_status(score, (0.95, 0.10, 0.0)) == status


# ------------------------------------------------------------------ level (geometric)

# 北仑 附件1: 全区规上工业亩均税收 38.4 万元/亩 (2020) → 55 万元/亩 (2025);
# required CAGR = (55/38.4)**(1/5) - 1 = 0.074500
@pytest.mark.parametrize("value, ratio, status", [
    (55.5, None, "met"),                   # ≥ 55: target met
    (48.0, 1.036479, "on_track"),          # (48/38.4)**(1/3)-1 = 0.077217; /0.074500 = 1.0365
    (45.0, 0.728739, "needs_acceleration"),  # (45/38.4)**(1/3)-1 = 0.054291; /0.074500 = 0.7287
    (40.0, 0.183898, "limited"),           # (40/38.4)**(1/3)-1 = 0.013700; /0.074500 = 0.1839
    (37.0, -0.165149, "backwards"),        # (37/38.4)**(1/3)-1 = -0.012304; /0.074500 = -0.1651
])
def test_level_opensdg(beilun, value, ratio, status):
    r = judge(beilun, "tax_per_mu", 2023, value)
    assert r.status == status and r.status_zh == STATUS_ZH[status]
    assert (r.base_year, r.base_value, r.target_year, r.target_value) == (2020, 38.4, 2025, 55.0)
    assert r.required == pytest.approx(0.0744997, abs=1e-6)
    if ratio is not None:
        assert r.ratio_or_score == pytest.approx(ratio, abs=1e-6)
    assert r.method == "opensdg" and "基期为方案2020年基期值" in r.rule_zh


# UNSD: projected 2025 = v23 * (1 + cagr_obs)**2; score = (proj - 38.4) / (55 - 38.4)
@pytest.mark.parametrize("value, score, status", [
    (48.0, 1.042112, "on_track"),          # proj 55.70 → (55.70-38.4)/16.6
    (45.0, 0.699928, "needs_acceleration"),  # proj 45*1.054291**2 = 50.0188 → 11.6188/16.6
    (40.0, 0.162864, "needs_acceleration"),  # proj 41.104 → 0.1629 (Open SDG says limited here)
    (38.6, 0.020115, "limited"),           # cagr 0.001737, proj 38.734 → 0.0201 < 0.10
    (37.0, -0.138847, "backwards"),
])
def test_level_unsd(beilun, value, score, status):
    r = judge(beilun, "tax_per_mu", 2023, value, method="unsd")
    assert (r.status, r.method) == (status, "unsd")
    assert r.ratio_or_score == pytest.approx(score, abs=1e-6)
    assert "UNSD" in r.rule_zh


def test_stock_uses_the_same_geometric_rule(yinzhou):
    # 鄞州 附件1: 高新技术企业数量 873 家 (2022) → 1800 家 (2027): required (1800/873)**(1/5)-1 = 0.155717
    # synthetic 2023: 1000 → observed 1000/873 - 1 = 0.145475; R = 0.934227 → needs acceleration
    r = judge(yinzhou, "high_tech_enterprises", 2023, 1000, district="yinzhou")
    assert (r.measure, r.status) == ("stock", "needs_acceleration")
    assert r.ratio_or_score == pytest.approx(0.934227, abs=1e-6)
    # the plan's own 2023 milestone is 1100: not reached
    assert r.year_target == 1100 and not r.year_target_met


def test_target_met_overrides_a_falling_trend():
    # a (hand-built) plan that tolerates a decline: 100 (2020) → 95 (2025), higher is better.
    # synthetic 98 in 2023: cagr_obs = -0.006712, R = -0.006712/|-0.010206| = -0.6576 (backwards)
    # but 98 ≥ 95, so the target-met override wins.
    plan = plan_rows("beilun", "rd_investment", (2020, 100), {2025: 95})
    for method in ("opensdg", "unsd"):
        r = judge(plan, "rd_investment", 2023, 98, method=method)
        assert r.status == "met" and "达标优先于趋势" in r.rule_zh
    assert judge(plan, "rd_investment", 2023, 98).ratio_or_score == pytest.approx(-0.657600, abs=1e-6)


def test_missed_deadline_is_capped(beilun):
    # mid-term: 北仑 附件1 2023 target 46.8 万元/亩; synthetic 2023 actual 46.6:
    # R = ((46.6/38.4)**(1/3)-1) / ((46.8/38.4)**(1/3)-1) = 0.977646 ≥ 0.95, but the year has
    # passed without reaching 46.8: capped at needs_acceleration.
    r = judge(beilun, "tax_per_mu", 2023, 46.6, target_year=2023)
    assert r.ratio_or_score == pytest.approx(0.977646, abs=1e-6)
    assert r.status == "needs_acceleration" and "目标年已到而未达标" in r.rule_zh


# ------------------------------------------------------------------ lower is better

# 北仑 附件1: 规模以上工业万元增加值能耗 0.6 tce/万元 (2020) and a 16% cumulative reduction by 2025;
# as a level target that is 0.6 * (1 - 0.16) = 0.504 (hand-built plan row, lower is better).
# required cagr = 0.84**(1/5) - 1 = -0.034270
@pytest.mark.parametrize("value, ratio, score, status", [
    (0.50, None, None, "met"),                        # ≤ 0.504
    (0.52, 1.359233, 1.326203, "on_track"),           # (0.52/0.6)**(1/3)-1 = -0.046580
    (0.55, 0.834184, 0.843713, "needs_acceleration"),  # (0.55/0.6)**(1/3)-1 = -0.028587
    (0.62, -0.320688, -0.351066, "backwards"),        # intensity rose: +0.010990/yr
])
def test_lower_is_better_level(value, ratio, score, status):
    plan = plan_rows("beilun", "energy_intensity", (2020, 0.6), {2025: 0.504})
    o = judge(plan, "energy_intensity", 2023, value)
    u = judge(plan, "energy_intensity", 2023, value, method="unsd")
    assert o.direction == "lower" and o.status == status and u.status == status
    if ratio is not None:
        # Open SDG: R = -1 * cagr_obs / |cagr_req|; UNSD: (proj - 0.6)/(0.504 - 0.6), no sign flip
        assert o.ratio_or_score == pytest.approx(ratio, abs=1e-6)
        assert u.ratio_or_score == pytest.approx(score, abs=1e-6)


def test_lower_is_better_without_target_uses_open_sdg_no_target_rule(beilun):
    # 北仑 energy_intensity has a baseline (0.6) and no target; synthetic 2023 0.546:
    # cagr = (0.546/0.6)**(1/3)-1 = -0.030948; sign-adjusted +0.030948 > 1.5% → on_track
    r = judge(beilun, "energy_intensity", 2023, 0.546)
    assert r.status == "on_track" and r.method == "opensdg" and "无目标" in r.rule_zh
    assert r.observed == pytest.approx(-0.030948, abs=1e-6) and "+3.09%" in r.rule_zh
    # a growth rate is not a ratio or score: the column that the report heads 实际/所需 stays empty
    assert math.isnan(r.ratio_or_score)
    r = judge(beilun, "energy_intensity", 2023, 0.595)   # -0.2799 %/yr → 0–0.5% → limited
    assert r.status == "limited"


# ------------------------------------------------------------------ cumulative counts

# 北仑 附件2: 累计腾出低效工业用地 [1000] [2000] [3000] [6000] [9500] 亩 (2021–2025), from 0 at end 2020:
# required pace 9500/5 = 1900 亩/yr
@pytest.mark.parametrize("year, value, ratio, status, unsd_status", [
    (2024, 9600, None, "met", "met"),
    (2023, 5700, 1.0, "on_track", "on_track"),                          # 5700/3 = 1900 → 1.0
    (2023, 4000, 0.701754, "needs_acceleration", "needs_acceleration"),  # 1333.3/1900
    (2023, 3420, 0.6, "needs_acceleration", "needs_acceleration"),  # 1140/1900 = 0.6: edge inclusive
    (2023, 1200, 0.210526, "limited", "needs_acceleration"),  # 400/1900: UNSD's band starts at 0.10
    (2023, 150, 0.026316, "limited", "limited"),              # 50/1900
])
def test_cumulative(beilun, year, value, ratio, status, unsd_status):
    for method, expected in (("opensdg", status), ("unsd", unsd_status)):
        # the UNSD linear projection (v_t/(t-s))*(T-s)/v_T gives the same number as Open SDG's ratio
        r = judge(beilun, "low_efficiency_land_freed_cumulative", year, value, method=method)
        assert r.status == expected
        assert (r.base_year, r.base_value, r.base_kind) == (2020, 0.0, "zero_at_plan_start")
        if ratio is not None:
            assert r.ratio_or_score == pytest.approx(ratio, abs=1e-6)
    assert "累计量自2020年末从0起算" in r.rule_zh


def test_cumulative_ignores_the_one_year_baseline(beilun):
    # 北仑 附件1: 累计新增高技术制造业投资 22.6 亿元 (2020, one year's investment) → 180 亿 (2025).
    # counted from 0: synthetic 2023 90 → 30/yr vs 180/5 = 36/yr → R = 0.833333
    r = judge(beilun, "high_tech_manufacturing_investment_cumulative", 2023, 90)
    assert r.ratio_or_score == pytest.approx(0.833333, abs=1e-6) and r.status == "needs_acceleration"
    assert r.base_value == 0.0 and "不计入累计" in r.rule_zh


# ------------------------------------------------------------------ yearly flows

# 北仑 附件2: 企业主导参与…标准制（修）订 30 项 every year 2021–2025
@pytest.mark.parametrize("value, ratio, status", [
    (31, 31 / 30, "met"),
    # 29 of 30 is close, but 2022 is over and its target was missed: capped, as for levels
    (29, 0.966667, "needs_acceleration"), (20, 0.666667, "needs_acceleration"),
    (10, 0.333333, "limited"),
])
def test_flow(beilun, value, ratio, status):
    r = judge(beilun, "standards_led_per_year", 2022, value)
    assert r.status == status and r.ratio_or_score == pytest.approx(ratio, abs=1e-6)
    assert (r.target_year, r.target_value) == (2022, 30.0) and "年度流量" in r.rule_zh


def test_flow_uses_the_latest_year_that_has_a_target(beilun):
    # 北仑 附件2: 新增“品字标浙江制造” 5, 5, 6, 6, 6 家; synthetic 2022: 5, 2023: 3 → 3/6 = 0.5 limited
    a = actuals(("beilun", "pinzibiao_new_per_year", 2022, 5), ("beilun", "pinzibiao_new_per_year", 2023, 3))
    r = one(assess_progress(beilun, a), "pinzibiao_new_per_year")
    assert (r.latest_actual_year, r.target_value, r.ratio_or_score, r.status) == (2023, 6.0, 0.5, "limited")


# ------------------------------------------------------------------ growth-rate targets

# 北仑 附件2: 制造业贷款规模年均增速 12% each year
@pytest.mark.parametrize("value, ratio, status", [
    (12.5, None, "met"), (11.5, 0.958333, "needs_acceleration"),  # 2023's 12 % missed: capped
    (9.0, 0.75, "needs_acceleration"),
    (5.0, 0.416667, "limited"), (-2.0, -0.166667, "backwards"),
])
def test_growth_rate(beilun, value, ratio, status):
    r = judge(beilun, "manufacturing_loan_growth", 2023, value)
    assert r.status == status
    if ratio is not None:
        assert r.ratio_or_score == pytest.approx(ratio, abs=1e-6)


def test_mid_term_judges_flows_and_rates_against_that_year(beilun):
    # report judged on 2023 targets: 品字标 2023 = 6 (target 6) and 2024 = 2; loan growth 2023 =
    # 12.5 % (target 12 %) and 2024 = 5 % → both met in 2023; the 2024 actuals are not used
    a = actuals(("beilun", "pinzibiao_new_per_year", 2023, 6), ("beilun", "pinzibiao_new_per_year", 2024, 2),
                ("beilun", "manufacturing_loan_growth", 2023, 12.5),
                ("beilun", "manufacturing_loan_growth", 2024, 5.0))
    p = assess_progress(beilun, a, target_year=2023).set_index("indicator_id")
    for iid in ("pinzibiao_new_per_year", "manufacturing_loan_growth"):
        assert (p.loc[iid, "latest_actual_year"], p.loc[iid, "status"]) == (2023, "met"), iid


def test_growth_rate_year_without_target_takes_the_next_milestone(yinzhou):
    # 鄞州 附件1: 规上工业增加值年均增速 5.5% (2023), 10% (2025), 10% (2027); 2024 has no target
    # synthetic 2024 growth 8.0% → compared with the 2025 rate: 8/10 = 0.8
    r = judge(yinzhou, "industrial_value_added_growth", 2024, 8.0, district="yinzhou")
    assert (r.target_year, r.ratio_or_score, r.status) == (2025, 0.8, "needs_acceleration")
    assert "取2025年目标增速" in r.rule_zh


# ------------------------------------------------------------------ reduction rates

# 北仑 附件2: 规模以上工业万元增加值能耗累计降低率 3.6, 7.1, 10.4, 13.5, 16 % (2021–2025) vs 2020.
# index I = 1 - r/100; required cagr = 0.84**(1/5) - 1 = -0.034270
# UNSD: projected index I_2025 = I_2023 * (1 + cagr_obs)**2, score = (I_2025 - 1)/(0.84 - 1)
@pytest.mark.parametrize("year, value, ratio, score, status, unsd_status", [
    (2024, 16.5, None, None, "met", "met"),
    (2023, 10.0, 1.007030, 1.006545, "on_track", "on_track"),  # 0.90**(1/3)-1 = -0.034511
    (2023, 9.0, 0.903069, 0.909085, "needs_acceleration", "needs_acceleration"),  # -0.030948
    (2023, 3.0, 0.294771, 0.309364, "limited", "needs_acceleration"),  # 0.97**(1/3)-1 = -0.010102
    (2023, -2.0, -0.193253, -0.209719, "backwards", "backwards"),  # intensity rose 2%
])
def test_reduction_rate(beilun, year, value, ratio, score, status, unsd_status):
    o = judge(beilun, "energy_intensity_reduction", year, value)
    u = judge(beilun, "energy_intensity_reduction", year, value, method="unsd")
    assert o.status == status and u.status == unsd_status
    if ratio is not None:
        assert o.ratio_or_score == pytest.approx(ratio, abs=1e-6)
        assert u.ratio_or_score == pytest.approx(score, abs=1e-6)


def test_reduction_rate_derived_from_the_level_indicator(beilun):
    # synthetic 2023 energy intensity 0.546 tce/万元 vs the 2020 base 0.6 → (1 - 0.546/0.6) = 9.0 %
    res = assess_progress(beilun, actuals(("beilun", "energy_intensity", 2023, 0.546)))
    r = one(res, "energy_intensity_reduction")
    assert r.latest_actual == pytest.approx(9.0) and r.ratio_or_score == pytest.approx(0.903069, abs=1e-6)
    assert "同口径强度指标换算" in r.rule_zh and "0.546" in r.actual_source


# ------------------------------------------------------------------ shares (percentage points)

# 鄞州 附件1: 重点行业企业装备数控化率 95.6% (2022) → 97.4% (2027): required 1.8/5 = 0.36 pp/yr
@pytest.mark.parametrize("value, ratio, status", [
    (97.5, None, "met"), (96.0, 1.111111, "on_track"), (95.9, 0.833333, "needs_acceleration"),
    (95.7, 0.277778, "limited"), (95.0, -1.666667, "backwards"),
])
def test_share_in_percentage_points(yinzhou, value, ratio, status):
    r = judge(yinzhou, "nc_machining_rate", 2023, value, district="yinzhou")
    assert r.status == status and "百分点" in r.rule_zh
    if ratio is not None:
        assert r.ratio_or_score == pytest.approx(ratio, abs=1e-6)


def test_share_without_baseline_uses_first_actual(beilun):
    # 北仑 附件2: 规上工业企业有研发经费支出的企业占比 70, 75, 80, 82, 85 % (no 2020 base printed)
    # synthetic 2021: 70, 2023: 76 → 3 pp/yr vs (85-70)/4 = 3.75 → 0.8
    a = actuals(("beilun", "rd_active_firms_share", 2021, 70), ("beilun", "rd_active_firms_share", 2023, 76))
    r = one(assess_progress(beilun, a), "rd_active_firms_share")
    assert (r.base_year, r.base_kind, r.ratio_or_score, r.status) == (2021, "first_actual", 0.8, "needs_acceleration")


@pytest.mark.parametrize("value, status", [(76, "on_track"), (72, "needs_acceleration"), (86, "met")])
def test_single_actual_without_base_is_compared_with_same_year_target(beilun, value, status):
    # 北仑 rd_active_firms_share 2022 target 75%: one synthetic actual, no base → same-year check only
    r = judge(beilun, "rd_active_firms_share", 2022, value)
    assert r.status == status and r.base_kind == "none" and math.isnan(r.ratio_or_score)
    assert r.year_target == 75.0
    if status != "met":
        assert "仅与2022年目标" in r.rule_zh


# ------------------------------------------------------------------ no data

def test_no_actuals_means_no_data_everywhere():
    tables = helpers.load_indicators("beilun", include_narrative=False)
    for a in (None, helpers.actuals.empty_actuals()):
        res = assess_progress(tables, a)
        assert list(res.columns) == OUTPUT_COLUMNS
        assert set(res.status) == {"no_data"} and set(res.status_zh) == {"无数据"}
        assert res.latest_actual.isna().all() and (res.rule_zh.str.contains("无实际值")).all()
    # every indicator with a target in Beilun Annex 1 and Annex 2 is listed: 40 of them
    # (energy_intensity, printed with a base value only, has no target and no actual: not listed)
    assert len(res) == 40 and "energy_intensity" not in set(res.indicator_id)
    assert res.target_value.notna().all()


def test_actual_only_in_base_year_is_no_data(beilun):
    r = judge(beilun, "tax_per_mu", 2020, 40.0)
    assert r.status == "no_data" and "基期之后无实际值" in r.rule_zh


def test_flow_actual_in_a_year_without_target_is_no_data(beilun):
    r = judge(beilun, "standards_led_per_year", 2020, 40)
    assert r.status == "no_data"
    # the unused row is listed, not dropped (issue 10.6)
    assert r.excluded == "inline.csv 第2行 2020年 40项：无与年度目标同年的实际值，未用于评估"


# ------------------------------------------------------------------ end to end with the fixture

def test_end_to_end_with_synthetic_fixture(beilun):
    a = load_actuals(FIXTURE)
    res = assess_progress(helpers.load_indicators(), a)
    tax = one(res, "tax_per_mu", "beilun")
    # synthetic tax_per_mu 2023 actual 45.0 vs 北仑 附件1 38.4 (2020) → 55 (2025):
    # observed CAGR = (45/38.4)**(1/3) - 1 = 0.054291, required = (55/38.4)**(1/5) - 1 = 0.074500
    # R = 0.728739 → 0.6 ≤ R < 0.95 → 需加快; the plan's 2023 milestone 46.8 is not reached
    assert tax.observed == pytest.approx((45 / 38.4) ** (1 / 3) - 1)
    assert tax.required == pytest.approx((55 / 38.4) ** (1 / 5) - 1)
    assert tax.ratio_or_score == pytest.approx(0.728739, abs=1e-6)
    assert (tax.status_zh, tax.year_target, bool(tax.year_target_met)) == ("需加快", 46.8, False)
    assert SYNTH in tax.actual_source and "actuals_synthetic.csv 第2行" in tax.actual_source
    got = {(r.district, r.indicator_id): r.status for r in res.itertuples() if r.status != "no_data"}
    assert got == {
        ("beilun", "tax_per_mu"): "needs_acceleration",
        ("beilun", "rd_investment"): "needs_acceleration",   # 65 亿 (650000 万元) 2023: 0.0772/0.1160 = 0.666
        ("beilun", "digital_workshops_new_cumulative"): "on_track",  # 30/3 = 10 vs 35/5 = 7 per yr
        ("beilun", "low_efficiency_land_freed_cumulative"): "limited",  # 1200/3 = 400 vs 1900
        ("beilun", "pinzibiao_new_per_year"): "needs_acceleration",  # 4 / 6
        ("beilun", "manufacturing_loan_growth"): "backwards",  # -2% vs 12%
        ("beilun", "energy_intensity_reduction"): "needs_acceleration",  # 9% by 2023: 0.903
        ("beilun", "rd_active_firms_share"): "needs_acceleration",  # 70 → 76: 0.8
        ("beilun", "high_tech_enterprises"): "needs_acceleration",  # 480 < 2023 target 500, no base
        ("yinzhou", "tax_per_mu"): "on_track",  # 35.0 vs 32.3 → 43.2: 0.083591/0.059879 = 1.396
    }
    assert (res.status == "no_data").sum() == len(res) - 10
    summary = progress_summary(res)
    assert list(summary["状态"]) == ["已达标", "进度正常", "需加快", "进展有限", "倒退", "无法评估", "无数据"]
    assert list(summary["指标数"]) == [0, 2, 6, 1, 1, 0, len(res) - 10]
    assert summary["占比"].sum() == pytest.approx(100, abs=0.5)


def test_every_row_names_method_and_rule(beilun):
    a = load_actuals(FIXTURE)
    for method in ("opensdg", "unsd"):
        res = assess_progress(beilun, a, method=method)
        assert (res.rule != "").all() and (res.rule_zh != "").all()
        assert set(res.method) <= {"opensdg", "unsd"}
        assert set(res.status) <= set(STATUS_ZH)


# ------------------------------------------------------------------ report helpers and errors

def test_progress_summary_of_nothing():
    s = progress_summary(assess_progress(helpers.load_indicators("beilun").iloc[:0], None))
    assert list(s["指标数"]) == [0] * 7 and list(s["占比"]) == [0.0] * 7


def test_actual_points_for_chart_overlays():
    a = load_actuals(FIXTURE)
    pts = actual_points(a, "北仑区")
    rd = pts[pts.indicator_id == "rd_investment"]
    assert list(zip(rd.year, rd.value, rd.unit)) == [(2022, 58.0, "亿元"), (2023, 65.0, "亿元")]
    assert all(SYNTH in s for s in pts.source) and len(pts) == 11
    assert list(actual_points(a, "yinzhou").indicator_id) == ["tax_per_mu"]
    empty = actual_points(None, "beilun")
    assert len(empty) == 0 and list(empty.columns) == list(pts.columns)


def test_bad_calls_raise_analysis_error(beilun):
    with pytest.raises(AnalysisError, match="unknown method 'eurostat'"):
        assess_progress(beilun, None, method="eurostat")
    with pytest.raises(AnalysisError, match="lacks columns"):
        assess_progress(pd.DataFrame({"x": [1]}), None)


# ------------------------------------------------------------------ no base value (Ouhai-style plans)

def ouhai_plan(section="任务清单"):
    """Hand-built Ouhai-style plan: targets for 2021 and 2023 only, no base value."""
    return plan_rows("ouhai", "tax_per_mu", None, {2021: 100.0, 2023: 121.0}).assign(section=section)


@pytest.mark.parametrize("value, status", [(112.0, "on_track"), (105.0, "needs_acceleration"),
                                           (121.0, "met")])
def test_no_base_single_actual_interpolates_the_plan_path(value, status):
    # 2022 lies between the 2021 (100) and 2023 (121) targets: geometric midpoint 100 * 1.21**0.5 = 110
    r = judge(ouhai_plan(), "tax_per_mu", 2022, value, district="ouhai")
    assert r.status == status and r.year_target == pytest.approx(110.0)
    if status != "met":
        assert "（几何插值）" in r.rule_zh


def test_reduction_year_between_targets_follows_the_constant_reduction_path():
    # 瓯海 任务清单: 单位工业增加值能耗下降 3% (2021), 9% (2023); 2022 on the same path as the
    # milestone charts: 1 − √(0.97 × 0.91) = 6.048 % (a straight line would say 6 %)
    ouhai = helpers.load_indicators("ouhai")
    r = judge(ouhai, "energy_intensity_reduction", 2022, 6.02, district="ouhai")
    assert r.year_target == pytest.approx(100 * (1 - (0.97 * 0.91) ** 0.5), abs=1e-9)
    # from 0 in 2020: observed 1 − 0.9398^(1/2) = 3.057 %/yr vs required 1 − 0.91^(1/3) = 3.096 %/yr
    assert r.ratio_or_score == pytest.approx((1 - 0.9398 ** 0.5) / (1 - 0.91 ** (1 / 3)), abs=1e-4)
    assert r.status == "on_track"


def test_no_base_two_actuals_use_the_first_as_base():
    # synthetic 2021: 100, 2022: 108 → cagr 0.08 vs required (121/100)**(1/2) - 1 = 0.10 → R = 0.8
    a = actuals(("ouhai", "tax_per_mu", 2021, 100), ("ouhai", "tax_per_mu", 2022, 108))
    r = one(assess_progress(ouhai_plan(), a), "tax_per_mu")
    assert (r.base_year, r.base_kind, r.status) == (2021, "first_actual", "needs_acceleration")
    assert r.ratio_or_score == pytest.approx(0.8)


def test_no_base_and_no_comparable_target_is_not_guessed():
    # only a 2023 target; a single 2022 actual has neither a base nor a same-year target
    plan = plan_rows("ouhai", "tax_per_mu", None, {2023: 121.0})
    r = judge(plan, "tax_per_mu", 2022, 110.0, district="ouhai")
    assert r.status == "no_data" and "无法评估" in r.rule_zh and r.latest_actual == 110.0


def test_no_base_actual_after_target_year_is_judged_on_the_final_target():
    r = judge(ouhai_plan(), "tax_per_mu", 2024, 118.0, district="ouhai")
    assert r.status == "needs_acceleration" and "目标年已过，取最终目标" in r.rule_zh


# ------------------------------------------------------------------ narrative targets

def test_narrative_targets_only_when_no_table_prints_the_series():
    table = ouhai_plan()
    narrative = plan_rows("ouhai", "tax_per_mu", None, {2023: 999.0}).assign(section="正文", quote="正文")
    r = judge(pd.concat([table, narrative]), "tax_per_mu", 2023, 121.0, district="ouhai")
    assert r.target_value == 121.0 and r.status == "met"          # the table wins
    r = judge(ouhai_plan(section="正文"), "tax_per_mu", 2023, 121.0, district="ouhai")
    assert r.status == "met" and "目标取自正文" in r.rule_zh         # narrative-only series is used
    clash = pd.concat([ouhai_plan(section="正文"),
                       plan_rows("ouhai", "tax_per_mu", None, {2023: 130.0}).assign(section="正文", quote="x")])
    assert len(assess_progress(clash, None)) == 0                  # contradictory narrative: left to the audit


# ================================================================== forms × target types
# (issue 13.1) every actual below is SYNTHETIC; targets are the plans' own (quoted per case).

def forms(*points) -> pd.DataFrame:
    """Actuals with a form, scope and unit: (district, iid, year, value, form, scope[, unit]).
    Built as a DataFrame directly (not through load_actuals): assess_progress must check what
    it is given however the table reached it."""
    cat = helpers.catalogue()
    rows = []
    for i, p in enumerate(points):
        district, iid, year, value, form, scope = p[:6]
        e = cat.loc[iid]
        unit = p[6] if len(p) > 6 else ("%" if form in ("growth_rate", "share") else e.unit)
        rows.append({"district": district, "district_name": helpers.resolve_district(district).name,
                     "indicator": e.name_zh, "indicator_id": iid, "category": "", "lead_agency": "",
                     "year": year, "value": float(value), "unit": unit, "role": "actual",
                     "measure": e.measure, "direction": e.direction, "source_file": "inline.csv",
                     "section": "实际值", "source_line": i + 2, "value_text": str(value),
                     "quote": f"{SYNTH} inline", "note": "", "form": form, "scope": scope})
    return pd.DataFrame(rows, columns=COLUMNS + ["form", "scope"])


def judge_form(targets, iid, year, value, form, scope="全区", method="opensdg", district="beilun",
               **kw) -> pd.Series:
    return one(assess_progress(targets, forms((district, iid, year, value, form, scope)), method, **kw),
               iid, district)


# ---- level target: 北仑 附件1 规上工业亩均税收 38.4 (2020), 40.5, 43.5, 46.8, 50.3, 55 (2021–2025)

@pytest.mark.parametrize("g, method, ratio, status", [
    # required growth on the plan path in 2023: 46.8/43.5 - 1 = 0.0758621
    (8.0, "opensdg", 1.054545, "on_track"),            # 0.08 / 0.0758621
    (5.0, "opensdg", 0.659091, "needs_acceleration"),   # 0.05 / 0.0758621
    # UNSD: n = 2025 - 2023 + 1 = 3: (1.08**3 - 1)/(1.0758621**3 - 1) = 0.259712/0.245290 = 1.058805
    (8.0, "unsd", 1.058805, "on_track"),
])
def test_growth_rate_form_against_a_level_target(beilun, g, method, ratio, status):
    r = judge_form(beilun, "tax_per_mu", 2023, g, "growth_rate", method=method)
    assert (r.status, r.form, r.form_zh) == (status, "growth_rate", "同比增速")
    assert r.required == pytest.approx(46.8 / 43.5 - 1) and r.observed == pytest.approx(g / 100)
    assert r.ratio_or_score == pytest.approx(ratio, abs=1e-6)
    assert "不判断是否达标" in r.rule_zh and r.status != "met"


def test_added_in_year_form_against_a_level_target(beilun):
    # required increase on the plan path in 2023: 46.8 - 43.5 = 3.3; synthetic addition 3.0 → 0.909091
    r = judge_form(beilun, "tax_per_mu", 2023, 3.0, "added_in_year")
    assert r.ratio_or_score == pytest.approx(3.0 / 3.3) and r.status == "needs_acceleration"
    assert r.year_target == pytest.approx(3.3) and pd.isna(r.year_target_met)


def test_share_form_is_not_applicable_to_a_level_target(beilun):
    r = judge_form(beilun, "tax_per_mu", 2023, 50.0, "share")
    assert r.status == "not_assessed" and "占比不适用于水平目标" in r.excluded
    assert "inline.csv 第2行" in r.excluded and SYNTH in r.excluded   # shown with its source


# ---- stock target: 北仑 附件1 国家级专精特新“小巨人”企业累计数量 20, 26, 31, 36, 40 家 (2021–2025),
#      no base printed

def test_stock_in_its_own_form(beilun):
    # the issue's example: 累计 33 家 in 2022 against the 2022 target 26 (no base: same-year check)
    r = judge_form(beilun, "little_giants_national", 2022, 33, "level")
    assert (r.status, r.year_target, bool(r.year_target_met)) == ("on_track", 26.0, True)


def test_yearly_addition_is_never_compared_with_a_stock(beilun):
    # "新增9家" in 2023: against the stock (31) it would look like 9/31 = 0.29 of the target;
    # the rule compares it with the plan's required increase that year, 31 - 26 = 5 → 9/5 = 1.8
    r = judge_form(beilun, "little_giants_national", 2023, 9, "added_in_year")
    assert r.ratio_or_score == pytest.approx(1.8) and r.status == "on_track"
    assert r.year_target == 5.0 and r.target_value == 40.0 and pd.isna(r.year_target_met)
    assert "当年新增不与存量比较" in r.rule_zh
    # 60 new firms in one year exceed the 40-firm stock target, but are not "met": only the pace
    big = judge_form(beilun, "little_giants_national", 2023, 60, "added_in_year")
    assert big.status == "on_track" and big.ratio_or_score == pytest.approx(12.0)
    # 2021: the plan prints no 2020 stock, so no required addition for 2021: not guessed
    first = judge_form(beilun, "little_giants_national", 2021, 9, "added_in_year")
    assert first.status == "not_assessed" and "无法给出2021年所需新增" in first.rule_zh


def test_growth_rate_form_against_a_stock_target(yinzhou):
    # 鄞州 附件1 高新技术企业数量 873 (2022) → 1100 (2023): required 1100/873 - 1 = 0.260023;
    # synthetic growth 20 % → 0.2 / 0.260023 = 0.769163
    r = judge_form(yinzhou, "high_tech_enterprises", 2023, 20.0, "growth_rate", district="yinzhou")
    assert r.ratio_or_score == pytest.approx(0.769163, abs=1e-6) and r.status == "needs_acceleration"


def test_share_form_is_not_applicable_to_a_stock_target(beilun):
    r = judge_form(beilun, "little_giants_national", 2023, 30.0, "share")
    assert r.status == "not_assessed" and "占比不适用于存量目标" in r.excluded


# ---- cumulative target: 北仑 附件2 累计腾出低效工业用地 [1000] [2000] [3000] [6000] [9500] 亩, 0 at end 2020

def test_yearly_additions_all_present_are_summed_into_the_cumulative(beilun):
    # 2021 1000 + 2022 1100 + 2023 1200 = 3300 亩 by 2023: 3300/3 = 1100 per yr vs 9500/5 = 1900 → 0.578947
    a = forms(*[("beilun", "low_efficiency_land_freed_cumulative", y, v, "added_in_year", "全区")
                for y, v in ((2021, 1000), (2022, 1100), (2023, 1200))])
    r = one(assess_progress(beilun, a), "low_efficiency_land_freed_cumulative")
    assert r.latest_actual == 3300.0 and r.ratio_or_score == pytest.approx(0.578947, abs=1e-6)
    assert r.status == "limited" and r.year_target == 3000.0 and bool(r.year_target_met)
    assert "2021–2023年各年新增齐全，合计为累计值" in r.rule_zh and "各年新增合计" in r.actual_source
    # judged on the 2023 milestone (3000), the summed 3300 has met it
    mid = one(assess_progress(beilun, a, target_year=2023), "low_efficiency_land_freed_cumulative")
    assert mid.status == "met"


def test_yearly_addition_with_a_missing_year_is_not_summed(beilun):
    # 2021 and 2023 only: not summed (2022 is missing); 2023's 1200 vs the path's 3000 - 2000 = 1000 → 1.2
    a = forms(("beilun", "low_efficiency_land_freed_cumulative", 2021, 1000, "added_in_year", "全区"),
              ("beilun", "low_efficiency_land_freed_cumulative", 2023, 1200, "added_in_year", "全区"))
    r = one(assess_progress(beilun, a), "low_efficiency_land_freed_cumulative")
    assert r.latest_actual == 1200.0 and r.ratio_or_score == pytest.approx(1.2) and r.status == "on_track"
    assert "各年新增不全，不合计" in r.rule_zh


@pytest.mark.parametrize("form", ["growth_rate", "share"])
def test_growth_and_share_forms_are_not_applicable_to_a_cumulative(beilun, form):
    r = judge_form(beilun, "low_efficiency_land_freed_cumulative", 2023, 12.0, form)
    assert r.status == "not_assessed" and f"不适用于累计目标" in r.excluded


# ---- flow target: 北仑 附件2 企业主导参与…标准制（修）订 30 项 every year

def test_yearly_addition_is_the_flow_itself(beilun):
    # 29 added in 2022 vs the 2022 target 30: 0.966667, year over → capped at needs_acceleration
    r = judge_form(beilun, "standards_led_per_year", 2022, 29, "added_in_year")
    assert r.ratio_or_score == pytest.approx(29 / 30) and r.status == "needs_acceleration"
    assert "年度流量" in r.rule_zh


@pytest.mark.parametrize("form", ["growth_rate", "share"])
def test_growth_and_share_forms_are_not_applicable_to_a_flow(beilun, form):
    r = judge_form(beilun, "standards_led_per_year", 2022, 5.0, form)
    assert r.status == "not_assessed" and "不适用于年度流量目标" in r.excluded


# ---- growth-rate target: 北仑 附件2 制造业贷款规模年均增速 12 % each year

def test_growth_rate_form_is_the_growth_target_itself(beilun):
    r = judge_form(beilun, "manufacturing_loan_growth", 2023, 9.0, "growth_rate")   # 9/12 = 0.75
    assert r.ratio_or_score == pytest.approx(0.75) and r.status == "needs_acceleration"


@pytest.mark.parametrize("form", ["added_in_year", "share"])
def test_addition_and_share_forms_are_not_applicable_to_a_growth_target(beilun, form):
    r = judge_form(beilun, "manufacturing_loan_growth", 2023, 9.0, form)
    assert r.status == "not_assessed" and "不适用于增速目标" in r.excluded


# ---- reduction target: 北仑 附件2 能耗累计降低率 3.6, 7.1, 10.4, 13.5, 16 % vs 2020

@pytest.mark.parametrize("g, ratio, status", [
    # index path 2022: 1 - 0.071 = 0.929, 2023: 0.896 → required yearly change 0.896/0.929 - 1 = -0.035522
    (-3.5, 0.985303, "on_track"),        # intensity fell 3.5 % in 2023: 0.035 / 0.035522
    (-2.0, 0.563030, "limited"),         # 0.020 / 0.035522
    (1.0, -0.281515, "backwards"),       # intensity rose 1 %
])
def test_growth_rate_form_against_a_reduction_target(beilun, g, ratio, status):
    r = judge_form(beilun, "energy_intensity_reduction", 2023, g, "growth_rate")
    assert r.required == pytest.approx(0.896 / 0.929 - 1)
    assert r.ratio_or_score == pytest.approx(ratio, abs=1e-6) and r.status == status


@pytest.mark.parametrize("form", ["added_in_year", "share"])
def test_addition_and_share_forms_are_not_applicable_to_a_reduction_target(beilun, form):
    r = judge_form(beilun, "energy_intensity_reduction", 2023, 9.0, form)
    assert r.status == "not_assessed" and "不适用于累计降低率目标" in r.excluded


# ---- share target: 鄞州 附件1 重点行业企业装备数控化率 95.6 % (2022) → 97.4 % (2027)

def test_share_form_is_the_share_target_itself(yinzhou):
    # 96.0 in 2023: 0.4 pp/yr vs (97.4 - 95.6)/5 = 0.36 → 1.111111
    r = judge_form(yinzhou, "nc_machining_rate", 2023, 96.0, "share", district="yinzhou")
    assert r.ratio_or_score == pytest.approx(1.111111, abs=1e-6) and r.status == "on_track"


@pytest.mark.parametrize("form", ["added_in_year", "growth_rate"])
def test_addition_and_growth_forms_are_not_applicable_to_a_share_target(yinzhou, form):
    r = judge_form(yinzhou, "nc_machining_rate", 2023, 1.0, form, district="yinzhou")
    assert r.status == "not_assessed" and "不适用于占比目标" in r.excluded


def test_latest_form_is_used_and_the_other_named(beilun):
    # level 45 in 2022 (43.5 target) and growth 8 % in 2023: the 2023 growth is judged, the level named
    a = forms(("beilun", "tax_per_mu", 2022, 45.0, "level", "全区"),
              ("beilun", "tax_per_mu", 2023, 8.0, "growth_rate", "全区"))
    r = one(assess_progress(beilun, a), "tax_per_mu")
    assert (r.form, r.latest_actual_year) == ("growth_rate", 2023)
    assert "另有水平值形式的实际值（2022年），未用于判定" in r.rule_zh


# ================================================================== scope (issue 13.2)

def test_plan_scope_comes_from_the_printed_names(beilun, yinzhou):
    res = assess_progress(beilun, None).set_index("indicator_id")
    assert res.loc["tax_per_mu", "plan_scope"] == "全区·规上"      # printed 全区规上工业亩均税收
    assert res.loc["rd_investment", "plan_scope"] == "全区"        # printed 研发投入规模


@pytest.mark.parametrize("scope, counted", [("全区", True), ("规上", True), ("全区规上工业", True),
                                            ("", True), ("区本级", False),
                                            ("数字化车间与智能工厂合计", False)])
def test_scope_that_differs_is_shown_but_not_counted(beilun, scope, counted):
    r = judge_form(beilun, "tax_per_mu", 2023, 45.0, "level", scope)
    if counted:
        assert r.status == "needs_acceleration" and r.excluded == ""   # as test_level_opensdg
        if not scope:
            assert "未注明口径" in r.rule_zh
    else:
        assert r.status == "not_assessed" and "不计入状态" in r.excluded
        assert "inline.csv 第2行" in r.excluded and SYNTH in r.excluded
        assert pd.isna(r.latest_actual)


def test_above_scale_figure_does_not_count_for_an_all_firms_indicator(beilun):
    r = judge_form(beilun, "rd_investment", 2023, 65.0, "level", "规上")
    assert r.status == "not_assessed" and "口径为规上，方案指标不限于规上" in r.excluded


def test_wrong_scope_excluded_while_the_right_one_counts(beilun):
    # 区本级 45 and 全区 48 for 2023: only the 全区 figure is judged: R = 1.036479 (test_level_opensdg)
    a = forms(("beilun", "tax_per_mu", 2023, 45.0, "level", "区本级"),
              ("beilun", "tax_per_mu", 2023, 48.0, "level", "全区"))
    r = one(assess_progress(beilun, a), "tax_per_mu")
    assert r.latest_actual == 48.0 and r.status == "on_track" and r.scope == "全区"
    assert "口径为区本级，方案指标为全区" in r.excluded


def test_issue_example_district_level_growth_against_a_district_wide_target(yinzhou):
    # "区本级规上工业增加值增长4.3%" against 鄞州's 规上工业增加值年均增速 (全区): not counted
    r = judge_form(yinzhou, "industrial_value_added_growth", 2023, 4.3, "growth_rate", "区本级",
                   district="yinzhou")
    assert r.status == "not_assessed" and "口径为区本级" in r.excluded and "4.3%" in r.excluded


# ================================================================== issue 10.5, 10.6, 10.7, 10.13

def test_impossible_actual_is_excluded_and_the_others_still_assessed(beilun):
    a = forms(("beilun", "tax_per_mu", 2023, -1.0, "level", "全区"),
              ("beilun", "rd_investment", 2023, 65.0, "level", "全区"),
              ("beilun", "rd_active_firms_share", 2023, 120.0, "level", "全区"))
    res = assess_progress(beilun, a).set_index("indicator_id")
    tax = res.loc["tax_per_mu"]
    assert tax.status == "not_assessed"
    assert "inline.csv 第2行 规上工业亩均税收 2023年 -1万元/亩：万元/亩计的数值不能为负数，不合理，未用于评估" in tax.excluded
    assert "占比应在0–100%之间" in res.loc["rd_active_firms_share", "excluded"]
    # 研发投入规模 52 (2020) → 90 (2025): ((65/52)**(1/3)-1)/((90/52)**(1/5)-1) = 0.665908
    assert res.loc["rd_investment", "ratio_or_score"] == pytest.approx(0.665908, abs=1e-6)


def test_actual_before_the_base_year_is_reported(beilun):
    r = judge_form(beilun, "tax_per_mu", 2019, 35.0, "level")
    assert r.status == "not_assessed" and "2019年 35万元/亩：早于方案基期（2020年），未用于评估" in r.excluded


def test_actual_for_an_indicator_the_district_does_not_plan_is_reported(beilun):
    from helpers.progress import unplanned_actuals
    # 鄞州 plans 规上工业增加值年均增速; 北仑's plan does not
    a = forms(("beilun", "industrial_value_added_growth", 2023, 6.0, "growth_rate", "全区"))
    u = unplanned_actuals(beilun, a)
    assert list(zip(u.indicator_id, u.year, u.value)) == [("industrial_value_added_growth", 2023, 6.0)]
    assert "北仑区方案中无此指标" in u.reason.iloc[0] and "inline.csv 第2行" in u.source.iloc[0]


def test_units_are_converted_or_refused_however_the_table_was_built(beilun):
    # 650000 万元 handed over as a DataFrame against 亿元 targets: 65 亿元, not 650000 亿元 ("met", ratio 191)
    r = one(assess_progress(beilun, forms(("beilun", "rd_investment", 2023, 650000, "level", "全区", "万元"))),
            "rd_investment")
    assert r.latest_actual == 65.0 and r.status == "needs_acceleration"
    assert r.ratio_or_score == pytest.approx(0.665908, abs=1e-6) and "原值 650000 万元" in r.actual_source
    # a unit that cannot be converted makes the series mixed: never assessed
    mixed = forms(("beilun", "rd_investment", 2022, 60, "level", "全区"),
                  ("beilun", "rd_investment", 2023, 65, "level", "全区", "家"))
    r = one(assess_progress(beilun, mixed), "rd_investment")
    assert r.status == "not_assessed" and "单位混杂" in r.rule_zh and "家" in r.rule_zh
    assert pd.isna(r.ratio_or_score)


def test_unsd_has_its_own_no_target_bands(beilun):
    # 北仑 energy_intensity: base 0.6 (2020), no target; synthetic 2023 0.57:
    # cagr = (0.57/0.6)**(1/3) - 1 = -0.016952 → improvement +1.695 %/yr:
    # Open SDG (≥ 1.5 %) on track; UNSD Progress Chart 2023 (2 % / 0.5 %) needs acceleration
    o = judge(beilun, "energy_intensity", 2023, 0.57)
    u = judge(beilun, "energy_intensity", 2023, 0.57, method="unsd")
    assert (o.status, u.status) == ("on_track", "needs_acceleration")
    assert u.method == "unsd" and "联合国统计司2023年进展图无目标规则" in u.rule_zh and "+1.70%" in u.rule_zh
    # 0.595: +0.28 %/yr → below UNSD's 0.5 %: limited (stagnation)
    assert judge(beilun, "energy_intensity", 2023, 0.595, method="unsd").status == "limited"


def test_falling_higher_is_better_series_is_never_on_track():
    # hand-built plan 100 (2020) → 95 (2025), higher is better; synthetic 2023: 90 (below the target).
    # UNSD: cagr (0.9)**(1/3)-1 = -0.034511, projected 90*(1-0.034511)**2 = 83.895,
    # score (83.895-100)/(95-100) = 3.2209 ≥ 0.95 — would be "on track"; the direction check says backwards
    plan = plan_rows("beilun", "rd_investment", (2020, 100), {2025: 95})
    for method in ("opensdg", "unsd"):
        r = judge(plan, "rd_investment", 2023, 90, method=method)
        assert r.status == "backwards" and "方向检查" in r.rule_zh
    assert judge(plan, "rd_investment", 2023, 90, method="unsd").ratio_or_score == pytest.approx(3.220944, abs=1e-6)


@pytest.mark.parametrize("method", ["opensdg", "unsd"])
def test_zero_base_uses_the_linear_rule(method):
    # hand-built stock 0 (2020) → 10 (2025); synthetic 4 in 2023: 4/3 per yr vs 10/5 = 2 → 0.666667;
    # UNSD linear projection 4 + (4/3)*2 = 6.6667 → 6.6667/10 = 0.666667. (Open SDG's 0.001 stand-in
    # would give (4/0.001)**(1/3)-1 = 14.87 vs (10/0.001)**(1/5)-1 = 5.31 → 2.80, "on track".)
    plan = plan_rows("beilun", "little_giants_national", (2020, 0), {2025: 10})
    r = judge(plan, "little_giants_national", 2023, 4, method=method)
    assert r.ratio_or_score == pytest.approx(2 / 3) and r.status == "needs_acceleration"
    assert "几何增速无意义，改按线性进度评估" in r.rule_zh


def test_negative_base_is_judged_linearly_and_never_aborts_the_table(beilun):
    # hand-built level −5 (2020) → 10 (2025) for 瓯海; synthetic 1 in 2023: (1+5)/3 = 2 vs 15/5 = 3 → 0.666667
    neg = plan_rows("ouhai", "rd_investment", (2020, -5), {2025: 10})
    a = pd.concat([forms(("ouhai", "rd_investment", 2023, 1, "level", "全区")),
                   forms(("beilun", "tax_per_mu", 2023, 45.0, "level", "全区"))])
    res = assess_progress(pd.concat([beilun, neg]), a)
    assert one(res, "rd_investment", "ouhai").ratio_or_score == pytest.approx(2 / 3)
    assert one(res, "tax_per_mu", "beilun").ratio_or_score == pytest.approx(0.728739, abs=1e-6)


def test_series_that_cannot_be_judged_is_excluded_with_a_reason(beilun):
    # a table series printed twice with different 2025 targets, and actuals that disagree
    clash = pd.concat([plan_rows("ouhai", "tax_per_mu", None, {2025: 50.0}),
                       plan_rows("ouhai", "tax_per_mu", None, {2025: 60.0}).assign(quote="x")])
    two = pd.concat([actuals(("beilun", "tax_per_mu", 2023, 45)), actuals(("beilun", "tax_per_mu", 2023, 46))])
    res = assess_progress(pd.concat([beilun, clash]), two)
    o = one(res, "tax_per_mu", "ouhai")
    assert o.status == "not_assessed" and "方案数值前后不一致" in o.rule_zh
    b = one(res, "tax_per_mu", "beilun")
    assert b.status == "not_assessed" and "2023年实际值不一致" in b.rule_zh
    assert one(res, "rd_investment", "beilun").status == "no_data"   # the rest of the table is there
    assert len(res) == len(assess_progress(beilun, None)) + 1


# ================================================================== the report's progress section

def test_report_renders_with_bad_and_unused_actuals(tmp_path):
    """One impossible row, one wrong-scope row and one indicator Beilun does not plan: the report
    still renders, each is shown with file and line, and the valid row is judged (issue 10.5/10.6)."""
    import csv
    from helpers import report
    from helpers.actuals import ACTUALS_COLUMNS
    p = tmp_path / "actuals.csv"
    base = {"district": "beilun", "source_title": SYNTH, "source_url_or_doc": "pytest", "form": "level"}
    rows = [dict(base, indicator_id="tax_per_mu", year="2023", value="-45", unit="万元/亩", scope="全区"),
            dict(base, indicator_id="rd_investment", year="2023", value="65", unit="亿元", scope="全区"),
            dict(base, indicator_id="rd_investment", year="2022", value="1", unit="亿元", scope="区本级"),
            dict(base, indicator_id="industrial_value_added_growth", year="2023", value="6", unit="%",
                 form="growth_rate", scope="全区")]
    with open(p, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=ACTUALS_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    rep = report.prepare_report("beilun", actuals_path=p)
    html = report.progress_html(rep)
    t = report.progress_table(rep).set_index("指标")
    assert "不合理，未用于评估" in t.loc["规上工业亩均税收", "未计入的实际值"]
    assert "actuals.csv 第2行" in t.loc["规上工业亩均税收", "未计入的实际值"]
    assert "st-needs_acceleration" in t.loc["研发投入规模", "进展状态"]     # 0.665908, as above
    assert "口径为区本级" in t.loc["研发投入规模", "未计入的实际值"]
    assert t.loc["研发投入规模", "实际值形式"] == "水平值（口径：全区）"
    assert "未用于评估的实际值" in html and "北仑区方案中无此指标" in html and "actuals.csv 第5行" in html
    assert "无法评估" in html and "实际值按发布形式判定" in html


def test_chart_points_are_only_results_in_the_targets_form_and_scope(beilun):
    # a growth rate is not a point on the level's path; a 区本级 figure is not on the 全区 path
    a = forms(("beilun", "tax_per_mu", 2022, 44.0, "level", "全区"),
              ("beilun", "tax_per_mu", 2023, 8.0, "growth_rate", "全区"),
              ("beilun", "rd_investment", 2023, 60.0, "level", "区本级"),
              ("beilun", "rd_investment", 2022, 58.0, "level", ""))
    assert len(actual_points(a, "beilun")) == 3              # without the plan: forms only
    pts = actual_points(a, "beilun", beilun)
    assert list(zip(pts.indicator_id, pts.year, pts.value)) == [("rd_investment", 2022, 58.0),
                                                                ("tax_per_mu", 2022, 44.0)]
