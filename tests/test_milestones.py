"""Milestone fit: 2023 (Beilun, Zhenhai) and 2023/2025 (Yinzhou) against the smooth path."""
from __future__ import annotations

import pytest

from helpers import AnalysisError
from helpers.milestones import classify, fit_series, milestone_fit, milestone_summary


@pytest.fixture(scope="module")
def fit(indicators):
    return milestone_fit(indicators)


def one(fit, district, indicator_id, year):
    sub = fit[(fit.district == district) & (fit.indicator_id == indicator_id) & (fit.year == year)]
    assert len(sub) == 1
    return sub.iloc[0]


def test_beilun_tax_per_mu_2023(fit):
    # 附件1 "38.4 万元/亩 46.8 万元/亩 55 万元/亩": path in 2023 = 38.4·(55/38.4)^(3/5) = 47.64;
    # 46.8 asks for (46.8−38.4)/16.6 = 50.6 % of the rise by 2023, the path 55.7 % → gap −5.04 %
    r = one(fit, "beilun", "tax_per_mu", 2023)
    path = 38.4 * (55 / 38.4) ** 0.6
    assert r.path_value == pytest.approx(path)
    assert r.progress_share == pytest.approx((46.8 - 38.4) / (55 - 38.4))
    assert r.gap == pytest.approx((46.8 - 38.4) / 16.6 - (path - 38.4) / 16.6)
    assert r.status == "behind" and r.status_zh == "滞后"


def test_tolerance_parameter(indicators):
    rows = fit_series(indicators, "beilun", "tax_per_mu", tolerance=0.06)
    assert [r["status"] for r in rows] == ["on_path"]


def test_beilun_back_loaded_land_and_investment(fit):
    # 附件1 "五年累计腾出低效工业用地 3000 亩 (2023) 9500 亩 (2025)": linear path 9500·3/5 = 5700
    land = one(fit, "beilun", "low_efficiency_land_freed_cumulative", 2023)
    assert (land.start_value, land.path_value) == (0, pytest.approx(5700))
    assert land.gap == pytest.approx(3000 / 9500 - 0.6)
    assert land.status == "behind"
    # 累计新增高技术制造业投资 90 of 180 by 2023, path 108
    inv = one(fit, "beilun", "high_tech_manufacturing_investment_cumulative", 2023)
    assert inv.path_value == pytest.approx(108) and inv.status == "behind"


def test_beilun_front_loaded_little_giants(fit):
    # 16 → 40 (2023) → 50: path 16·(50/16)^0.6 = 31.7, milestone 40 is ahead
    r = one(fit, "beilun", "little_giants_and_champions_national", 2023)
    assert r.path_value == pytest.approx(16 * (50 / 16) ** 0.6)
    assert r.status == "ahead" and r.status_zh == "超前"


def test_energy_reduction_on_path(fit):
    # 10.4 % by 2023 of 16 % by 2025; constant yearly reduction gives 1 − 0.84^0.6 = 9.93 %
    r = one(fit, "beilun", "energy_intensity_reduction", 2023)
    assert r.path_value == pytest.approx(100 * (1 - 0.84 ** 0.6))
    assert r.status == "on_path"


def test_only_the_plan_milestones(fit):
    assert set(fit.loc[fit.district == "beilun", "year"]) == {2023}
    assert set(fit.loc[fit.district == "yinzhou", "year"]) == {2023, 2025}


def test_yinzhou_investment_front_loaded(fit):
    # 附件1 工业投资 66.4 → 90.6 (2023) → 110 (2025) → 130 (2027)
    r23 = one(fit, "yinzhou", "industrial_investment", 2023)
    assert r23.path_value == pytest.approx(66.4 * (130 / 66.4) ** 0.2)
    assert r23.status == "ahead"
    r25 = one(fit, "yinzhou", "industrial_investment", 2025)
    assert r25.path_value == pytest.approx(66.4 * (130 / 66.4) ** 0.6)
    assert r25.status == "ahead"
    # 互联网及软件信息服务业营收 46 → 50 → 70 → 100: behind in both milestones
    assert one(fit, "yinzhou", "internet_software_revenue", 2023).status == "behind"
    assert one(fit, "yinzhou", "internet_software_revenue", 2025).status == "behind"


def test_flows_and_rates_are_not_fitted(fit, indicators):
    skipped = fit.attrs["skipped"]
    assert {"pinzibiao_new_per_year", "manufacturing_loan_growth"} <= set(skipped.indicator_id)
    with pytest.raises(AnalysisError, match="no smooth path"):
        fit_series(indicators, "beilun", "pinzibiao_new_per_year")


def test_summary(fit):
    s = milestone_summary(fit).set_index("district")
    for d in ("beilun", "yinzhou"):
        assert s.loc[d, "ahead"] + s.loc[d, "on_path"] + s.loc[d, "behind"] == \
            (fit.district == d).sum() == s.loc[d, "milestones"]
    assert "low_efficiency_land_freed_cumulative" in s.loc["beilun", "behind_ids"]
    assert s.loc["beilun", "loading"] in ("front-loaded", "back-loaded", "balanced")
    ahead, behind = s.loc["beilun", "ahead"], s.loc["beilun", "behind"]
    assert s.loc["beilun", "loading"] == ("back-loaded" if behind > ahead else
                                          "front-loaded" if ahead > behind else "balanced")


def test_classify():
    assert classify(0.051, 0.05) == "ahead"
    assert classify(-0.051, 0.05) == "behind"
    assert classify(0.05, 0.05) == "on_path"
