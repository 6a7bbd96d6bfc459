"""Cross-district comparison: levels at common years, annualised change over each plan's years."""
from __future__ import annotations

import pytest

from helpers.compare import (compare_districts, comparison_table, level_comparison, level_text,
                            shared_concepts)


@pytest.fixture(scope="module")
def tidy(four):
    """The comparison among the four districts the expectations below were computed for."""
    return compare_districts(four)


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


def test_wide_table(four, tidy):
    w = comparison_table(tidy)
    assert w.equals(comparison_table(four))
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


def test_levels_at_a_common_year_include_single_values(indicators, four, tidy):
    # 亩均税收 2023, every one checked in its document: 北仑 附件1 "全区规上工业亩均税收 38.4 万元/亩
    # 46.8 万元/亩 55 万元/亩"; 鄞州 附件1 "规上工业亩均税收（万元/亩） 32.3 34.2 38.5 43.2";
    # 镇海 表1 "二、规上工业亩均税收(万元/亩)83.7103117" (2020 2023 2025); 瓯海 任务清单
    # "2023年：全区规上工业亩均税收达到53.13万元"
    lv = level_comparison(tidy)
    tax = lv[lv.indicator_id == "tax_per_mu"].set_index("district")
    assert set(tax["year"]) == {2023}
    assert tax["value"].to_dict() == {"zhenhai": 103.0, "ouhai": 53.13, "beilun": 46.8,
                                      "yinzhou": 34.2}
    assert tax["rank"].to_dict() == {"zhenhai": 1, "ouhai": 2, "beilun": 3, "yinzhou": 4}
    assert set(tax["n"]) == {4}
    # 瓯海 prints 高新技术企业 for 2023 only ("到2023年培育高新技术企业400家"): no growth rate,
    # so it used to be dropped; as a level it stands beside 北仑 500, 鄞州 1100, 镇海 420
    hte = lv[lv.indicator_id == "high_tech_enterprises"].set_index("district")
    assert hte["value"].to_dict() == {"yinzhou": 1100.0, "beilun": 500.0, "zhenhai": 420.0,
                                      "ouhai": 400.0}
    assert hte.loc["ouhai", "rank"] == 4
    ouhai = tidy[(tidy.district == "ouhai") & (tidy.indicator_id == "high_tech_enterprises")]
    assert list(ouhai["statistic"]) == ["level"]
    w = comparison_table(tidy)
    row = w[(w.indicator == "高新技术企业数量") & (w.comparison == "2023年数值")]
    assert row["瓯海区"].item() == "400" and row["镇海区"].item() == "420"
    # straight from the indicator table, one concept: the same four values, best first
    assert level_comparison(four, concepts=["tax_per_mu"])["value"].tolist() == \
        [103.0, 53.13, 46.8, 34.2]
    # over every registered district the four keep their values, and the province's plan
    # (entered from its web page) stands among them: "规上工业亩均税收达到37万元" by 2023,
    # http://zsjj.org/policyInfo.aspx?id=1674 二、实施目标 第1段 第1句 (data/raw/zhejiang_entries.csv)
    every = level_comparison(indicators, concepts=["tax_per_mu"]).set_index("district")
    assert set(every["year"]) == {2023}
    assert every.loc[["zhenhai", "ouhai", "beilun", "yinzhou"], "value"].tolist() == \
        [103.0, 53.13, 46.8, 34.2]
    assert every.loc["zhejiang", "value"] == 37.0
    assert every.loc["zhejiang", "rank"] == 1 + (every["value"] > 37.0).sum()
    assert set(every["n"]) == {len(every)}


def test_level_year_can_be_chosen_and_narrative_values_are_marked(tidy):
    # 2025 亩均税收: 镇海 117, 北仑 55, 鄞州 38.5 (瓯海's plan ends in 2023)
    lv = level_comparison(tidy, year=2025)
    tax = lv[lv.indicator_id == "tax_per_mu"]
    assert tax["district"].tolist() == ["zhenhai", "beilun", "yinzhou"]
    assert tax["value"].tolist() == [117.0, 55.0, 38.5]
    # 镇海 prints 国家“专精特新”小巨人 50家 only in its text: "国家“专精特新”小巨人50家"
    lg = lv[(lv.indicator_id == "little_giants_national") & (lv.district == "zhenhai")].iloc[0]
    assert (lg["value"], lg["origin"]) == (50.0, "narrative")
    assert level_text(lg["value"], lg["unit"], lg["role"], lg["origin"]) == "50家（正文）"
    # cumulative counts start at each plan's own base: never ranked as levels
    assert not lv["measure"].isin(["cumulative", "reduction_rate"]).any()


def test_single_value_district_is_compared_as_a_level(four, monkeypatch):
    """A SYNTHETIC district printing only 亩均税收 50 万元/亩 for 2023 (no growth rate) is
    ranked among the real 2023 values; its growth row is absent, not invented."""
    import pandas as pd
    from conftest import make_rows
    from helpers.districts import DISTRICTS, District
    monkeypatch.setitem(DISTRICTS, "syn_one", District("syn_one", "合成区", "测试市", 2020, 2023,
                                                        "SYNTHETIC TEST FIXTURE"))
    rows = make_rows(dict(district="syn_one", district_name="合成区", year=2023, value=50.0,
                          section="正文"))
    # among the four's 2023 values 103, 53.13, 46.8, 34.2 it ranks third of five
    t = compare_districts(pd.concat([four, rows], ignore_index=True), concepts=["tax_per_mu"])
    mine = t[t.district == "syn_one"]
    assert list(mine["statistic"]) == ["level"] and mine["origin"].item() == "narrative"
    lv = level_comparison(t).set_index("district")
    assert lv.loc["syn_one", "rank"] == 3 and lv.loc["syn_one", "n"] == 5


def test_report_standing_ranks_levels_at_the_common_year(four):
    from helpers import report
    rep = report.prepare_report("ouhai", df=four)
    st = report.standing_table(rep)
    row = st[(st._indicator_id == "tax_per_mu") & (st._statistic == "level")].iloc[0]
    assert (row["比较口径"], row["本区"], row["排名"]) == ("2023年水平", "53.13万元/亩", "2/4")
    assert row["其他区"] == "镇海区 103万元/亩；北仑区 46.8万元/亩；鄞州区 34.2万元/亩"
    # 高新技术企业: 瓯海's one 2023 target (400) ranked last of four
    hte = st[(st._indicator_id == "high_tech_enterprises") & (st._statistic == "level")].iloc[0]
    assert (hte["本区"], hte["排名"]) == ("400家", "4/4")
    assert "同年水平" in report.headline_html(rep)
    import matplotlib.pyplot as plt
    fig = report.standing_level_figure(rep)
    assert fig is not None
    titles = [ax.get_title(loc="left").replace("\n", "") for ax in fig.axes if ax.get_visible()]
    assert "规上工业亩均税收（2023年，万元/亩）" in titles
    plt.close(fig)
    # 镇海's 国家“专精特新”小巨人 50家 is read from its text: its bar says so
    fig = report.standing_level_figure(report.prepare_report("yinzhou", df=four))
    from helpers.plotting import bar_names
    labels = {name for ax in fig.axes for name in bar_names(ax)}
    assert "镇海区（正文）" in labels and "鄞州区" in labels
    plt.close(fig)


def test_listed_ranks_are_bounded_whatever_the_number_of_districts():
    from helpers.compare import COMPARISON_LIMIT, listed_ranks
    from helpers.errors import AnalysisError
    assert listed_ranks(4, 2) == [1, 2, 3, 4]
    assert listed_ranks(COMPARISON_LIMIT, 7) == list(range(1, COMPARISON_LIMIT + 1))
    assert listed_ranks(100, 50) == [1, 2, 3, 48, 49, 50, 51, 52, 98, 99, 100]
    assert listed_ranks(100, 1) == [1, 2, 3, 98, 99, 100]
    assert listed_ranks(100, 99) == [1, 2, 3, 97, 98, 99, 100]
    assert all(len(listed_ranks(n, k)) <= 11 for n in (13, 90, 1000) for k in (1, n // 2, n))
    with pytest.raises(AnalysisError, match="rank 0 is outside 1…5"):
        listed_ranks(5, 0)


def test_standing_among_many_districts_lists_the_ends_and_the_neighbours(four, monkeypatch):
    """Twenty SYNTHETIC districts printing 亩均税收 2023 = 1 … 20 万元/亩 beside the four real
    plans (镇海 103, 瓯海 53.13, 北仑 46.8, 鄞州 34.2): 24 ranked. 合成区10 (10 万元/亩) is 15th;
    its row lists ranks 1–3, 13–17 and 22–24, with the ranks, and says what is left out."""
    import matplotlib.pyplot as plt
    import pandas as pd
    from conftest import make_rows
    from helpers import report
    from helpers.districts import DISTRICTS, District
    rows = []
    for k in range(1, 21):
        slug = f"syn_many{k:02d}"
        monkeypatch.setitem(DISTRICTS, slug, District(slug, f"合成区{k:02d}", "测试市", 2020, 2023,
                                                      "SYNTHETIC TEST FIXTURE"))
        rows.append(dict(district=slug, district_name=f"合成区{k:02d}", value=float(k)))
    df = pd.concat([four, make_rows(*rows, year=2023, section="正文", value_text="x")],
                   ignore_index=True)
    rep = report.prepare_report("syn_many10", df=df)
    st = report.standing_table(rep)
    row = st[(st._indicator_id == "tax_per_mu") & (st._statistic == "level")].iloc[0]
    assert (row["本区"], row["排名"]) == ("10万元/亩（正文）", "15/24")
    assert row["其他区"] == (
        "第1名 镇海区 103万元/亩；第2名 瓯海区 53.13万元/亩；第3名 北仑区 46.8万元/亩；…；"
        "第13名 合成区12 12万元/亩（正文）；第14名 合成区11 11万元/亩（正文）；"
        "第16名 合成区09 9万元/亩（正文）；第17名 合成区08 8万元/亩（正文）；…；"
        "第22名 合成区03 3万元/亩（正文）；第23名 合成区02 2万元/亩（正文）；"
        "第24名 合成区01 1万元/亩（正文）（共 24 区，列出前3名、后3名和本区前后各2名）")
    assert len(row["_listed"]) == 11 and "syn_many10" in row["_listed"]
    fig = report.standing_level_figure(rep)
    titles = {ax: ax.get_title(loc="left").replace("\n", "") for ax in fig.axes}
    # the panel is named as 合成区10 prints the indicator ("x"), then what it draws
    panel = next(ax for ax, t in titles.items() if t == "x（24区中的11区）（2023年，万元/亩）")
    assert len(panel.patches) == 11
    plt.close(fig)


def test_rates_chart_keeps_only_the_rates_the_district_ranks_on(four):
    """With ``listed`` (the report's charts), a rate only the others print is not drawn, so no
    panel goes unbounded or lacks the district; without it (the notebooks) every shared rate."""
    import pandas as pd
    from helpers import report
    rep = report.prepare_report("beilun", df=four)
    listed = report.listed_rates(report.standing_table(rep))
    (iid, stat), slugs = next((k, v) for k, v in listed.items() if len(v) >= 3)
    other = "stated_rate" if stat == "cagr" else "cagr"
    extra = rep.tidy[(rep.tidy.indicator_id == iid) & (rep.tidy.statistic == stat)].assign(
        statistic=other)
    extra = extra[extra.district != "beilun"]
    assert len(extra) >= 2  # a rate two other districts share: a panel of its own without it
    tidy = pd.concat([rep.tidy, extra], ignore_index=True)
    drawn = report.shared_rates(tidy, [iid], listed={(iid, stat): slugs})
    assert set(drawn["district"]) == set(slugs) and "beilun" in set(drawn["district"])
    # the notebooks' view (no listed) draws the others' rate too
    assert len(report.shared_rates(tidy, [iid])) == len(drawn) + len(extra)
