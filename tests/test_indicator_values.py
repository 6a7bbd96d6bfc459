"""Hand-checked values from each district's documents (quoted in the comments)."""
from __future__ import annotations

import pytest

from conftest import one

BEILUN_PLAN = "beilun_plan_2021-2025.txt"
BEILUN_ANNEX2 = "beilun_annex2_targets.txt"


class TestBeilun:
    def test_annex1_baselines(self, indicators):
        # 附件1: "五跃升→全区规上工业亩均税收→38.4 万元/亩→46.8 万元/亩→55 万元/亩"
        b = indicators[(indicators.district == "beilun") & (indicators.section == "附件1")]
        assert one(b, indicator_id="tax_per_mu", year=2020, role="baseline") == 38.4
        assert one(b, indicator_id="labour_productivity", year=2020) == 36.8
        assert one(b, indicator_id="digital_economy_core_manufacturing_value_added", year=2020) == 84.1
        assert one(b, indicator_id="little_giants_and_champions_national", year=2020) == 16

    def test_energy_row_has_a_level_base_and_reduction_targets(self, indicators):
        # "规模以上工业万元增加值能耗降低率→0.6tce/万元→10.4%→16%": base is an intensity level
        b = indicators[indicators.district == "beilun"]
        assert one(b, indicator_id="energy_intensity", year=2020) == 0.6
        assert set(b[b.indicator_id == "energy_intensity"].unit) == {"吨标准煤/万元"}
        assert one(b[b.section == "附件1"], indicator_id="energy_intensity_reduction", year=2025) == 16

    def test_no_value_cells_give_no_rows(self, indicators):
        # "五年累计腾出低效工业用地数量→——→3000 亩→9500 亩": no 2020 base row
        land = indicators[(indicators.district == "beilun")
                          & (indicators.indicator_id == "low_efficiency_land_freed_cumulative")]
        assert 2020 not in set(land[land.section != "正文"].year)
        # "累计新增省、市政府质量奖企业（家）→——→1家…": no 2021 row
        q = indicators[indicators.indicator_id == "quality_award_firms_cumulative"]
        assert sorted(set(q[q.section != "正文"].year)) == [2022, 2023, 2024, 2025]

    def test_merged_cell_stands_for_every_year(self, indicators):
        # whole plan: "…制（修）订（项）→30 项→区市场监管局→→→→" (one merged cell)
        s = indicators[(indicators.indicator_id == "standards_led_per_year")
                       & (indicators.source_file == BEILUN_PLAN)]
        assert sorted(s.year) == [2021, 2022, 2023, 2024, 2025]
        assert set(s.value) == {30.0}
        assert set(s.lead_agency) == {"区市场监管局"}

    def test_compound_cells_become_several_indicators(self, indicators):
        # "新增落地总投资超百亿元/总投资超50亿元/总投资超20亿元项目数量（个）→1,2,3" every year
        b = indicators[(indicators.source_file == BEILUN_ANNEX2)]
        assert one(b, indicator_id="projects_over_100yi_new", year=2024) == 1
        assert one(b, indicator_id="projects_over_50yi_new", year=2024) == 2
        assert one(b, indicator_id="projects_over_20yi_new", year=2024) == 3
        # "累计新增营业收入超五百亿级企业（家）/超百亿企业数量（家）→——…→1家，3家"
        assert one(b, indicator_id="revenue_500yi_firms_new_cumulative", year=2025) == 1
        assert one(b, indicator_id="revenue_100yi_firms_new_cumulative", year=2025) == 3
        assert len(b[b.indicator_id == "revenue_500yi_firms_new_cumulative"]) == 1

    def test_split_category_and_lead_agency(self, indicators):
        # standalone annex: "提质\n\n增效\n提质\n\n增效" and "资规分局\n区经信局"
        b = indicators[(indicators.source_file == BEILUN_ANNEX2)]
        row = b[(b.indicator_id == "digital_economy_core_manufacturing_value_added")].iloc[0]
        assert row.category == "提质增效"
        land = b[b.indicator_id == "low_efficiency_land_freed_cumulative"].iloc[0]
        assert land.lead_agency == "资规分局 区经信局"

    def test_units_normalised(self, indicators):
        # "累计新增节能量（万吨标煤）→5万吨": 万吨 under a 万吨标煤 header
        e = indicators[indicators.indicator_id == "energy_saved_cumulative"]
        assert set(e[e.section != "正文"].unit) == {"万吨标准煤"}
        # Annex 1 prints "180 亿" for 累计新增高技术制造业投资
        assert one(indicators[indicators.section == "附件1"],
                   indicator_id="high_tech_manufacturing_investment_cumulative", year=2025) == 180

    def test_annex2_printed_twice_agrees(self, indicators):
        t = indicators[(indicators.district == "beilun") & (indicators.section == "附件2")]
        a = t[t.source_file == BEILUN_PLAN].set_index(["indicator_id", "year"])["value"].sort_index()
        b = t[t.source_file == BEILUN_ANNEX2].set_index(["indicator_id", "year"])["value"].sort_index()
        assert len(a) == len(b) == 191
        assert a.equals(b)


class TestYinzhou:
    def y(self, indicators):
        return indicators[(indicators.district == "yinzhou") & (indicators.section == "附件1")]

    def test_negative_base(self, indicators):
        # "亩均增加值年均增速（%）→-0.4→5.5→6→6"
        y = self.y(indicators)
        assert one(y, indicator_id="value_added_per_mu_growth", year=2022, role="baseline") == -0.4
        assert one(y, indicator_id="value_added_per_mu_growth", year=2027) == 6

    def test_serial_12_printed_twice(self, indicators):
        # "12→两化融合指数→121.54→123→125→127" and "12→重点行业企业装备数控化率（%）→95.6→96.0→96.8→97.4"
        y = self.y(indicators)
        assert one(y, indicator_id="informatization_index", year=2022) == 121.54
        assert one(y, indicator_id="nc_machining_rate", year=2023) == 96.0
        assert one(y, indicator_id="nc_machining_rate", year=2027) == 97.4

    def test_unit_only_in_narrative(self, indicators):
        # table: "数字经济核心产业增加值→102→125→175→250"; narrative: "数字经济核心产业增加值（250亿元）"
        d = self.y(indicators)
        d = d[d.indicator_id == "digital_economy_core_value_added"]
        assert set(d.unit) == {"亿元"}
        assert "250亿元" in d.note.iloc[0]

    def test_levels_and_shares(self, indicators):
        y = self.y(indicators)
        # "规上工业亩均税收（万元/亩）→32.3→34.2→38.5→43.2"
        assert one(y, indicator_id="tax_per_mu", year=2022) == 32.3
        assert one(y, indicator_id="tax_per_mu", year=2027) == 43.2
        # "制造业贷款占全部贷款余额比重（%）→14.5%→14.6%→14.8%→15%"
        assert one(y, indicator_id="manufacturing_loan_share", year=2022) == 14.5
        # "高新技术企业数量（家）→873→1100→1500→1800"
        assert one(y, indicator_id="high_tech_enterprises", year=2025) == 1500

    def test_every_row_has_four_years(self, indicators):
        y = self.y(indicators)
        assert y.groupby("indicator_id").year.nunique().eq(4).all()
        assert y.indicator_id.nunique() == 27


class TestZhenhai:
    """Zhenhai's tables come out of the text run together; data/raw/zhenhai_extraction.csv splits them."""

    def z(self, indicators, section):
        return indicators[(indicators.district == "zhenhai") & (indicators.section == section)]

    def test_table1_run_together_numbers(self, indicators):
        # "二、规上工业亩均税收(万元/亩)83.7103117" under "指标2020年2023年2025年"
        z = self.z(indicators, "表1")
        assert one(z, indicator_id="tax_per_mu", year=2020, role="baseline") == 83.7
        assert one(z, indicator_id="tax_per_mu", year=2023) == 103
        assert one(z, indicator_id="tax_per_mu", year=2025) == 117
        # "一、规上工业增加值率(%)23.324.525"
        assert one(z, indicator_id="industrial_value_added_rate", year=2023) == 24.5

    def test_dash_then_growth_rates(self, indicators):
        # "三、规上工业亩均增加值年均增速(%)-77": 2020 "-" (no value), then 7 and 7 — not -77, not -7
        z = self.z(indicators, "表1")
        g = z[z.indicator_id == "value_added_per_mu_growth"]
        assert sorted(g.year) == [2023, 2025]
        assert set(g.value) == {7.0}
        assert set(g.role) == {"target"}

    def test_bracketed_values_are_cumulative_since_2021(self, indicators):
        # "腾出用能(万吨标准煤)[8][13]" with "注:[]内数据为2021年起的累计值"
        z = self.z(indicators, "表2")
        assert one(z, indicator_id="energy_freed_cumulative", year=2023) == 8
        assert one(z, indicator_id="energy_freed_cumulative", year=2025) == 13
        assert set(z[z.indicator_id == "energy_freed_cumulative"].measure) == {"cumulative"}
        assert one(z, indicator_id="low_efficiency_land_freed_cumulative", year=2025) == 5000

    def test_table2_run_together_pairs(self, indicators):
        # "高新技术企业(家)420583" — the text confirms "推动全区高新技术企业达到583家"
        z = self.z(indicators, "表2")
        assert one(z, indicator_id="high_tech_enterprises", year=2023) == 420
        assert one(z, indicator_id="high_tech_enterprises", year=2025) == 583
        # "累计限额以上工业投资(亿元)6001000"
        assert one(z, indicator_id="industrial_investment_above_quota_cumulative", year=2025) == 1000
        # "两化融合指数107110"
        assert one(z, indicator_id="informatization_index", year=2023) == 107

    def test_narrative_targets(self, indicators):
        z = self.z(indicators, "正文")
        # "新建生产制造、数字经济类小微企业园10个" (plan period → 2025)
        assert one(z, indicator_id="small_micro_parks_newly_built_cumulative", year=2025) == 10
        # "创建100家区级以上绿色工厂"
        assert one(z, indicator_id="green_factories_cumulative", year=2025) == 100


class TestOuhai:
    """Ouhai prints a task list in prose; data/raw/ouhai_extraction.csv carries each number's quote."""

    def o(self, indicators):
        return indicators[(indicators.district == "ouhai") & (indicators.section == "任务清单")]

    def test_levels_for_2021_and_2023(self, indicators):
        o = self.o(indicators)
        # "规上工业亩均税收…48.19万元" (2021) and "…53.13万元" (2023)
        assert one(o, indicator_id="tax_per_mu", year=2021) == 48.19
        assert one(o, indicator_id="tax_per_mu", year=2023) == 53.13
        # "规上工业全员劳动生产率…17.61万元/人" / "19.41万元/人"
        assert one(o, indicator_id="labour_productivity", year=2021) == 17.61
        assert one(o, indicator_id="labour_productivity", year=2023) == 19.41

    def test_reduction_rates(self, indicators):
        # "单位工业增加值能耗下降3%" (2021) and "9%" (2023): reductions versus 2020, lower energy is better
        o = self.o(indicators)
        assert one(o, indicator_id="energy_intensity_reduction", year=2021) == 3
        assert one(o, indicator_id="energy_intensity_reduction", year=2023) == 9
        assert set(o[o.indicator_id == "energy_intensity_reduction"].measure) == {"reduction_rate"}

    def test_cumulative_counts(self, indicators):
        # "淘汰落后产能企业50家" (2021) → "全区累计淘汰落后产能企业100家" (2023)
        o = self.o(indicators)
        assert one(o, indicator_id="backward_capacity_firms_eliminated_cumulative", year=2021) == 50
        assert one(o, indicator_id="backward_capacity_firms_eliminated_cumulative", year=2023) == 100
        # "腾出用能0.849万吨标准煤"
        assert one(o, indicator_id="energy_freed_cumulative", year=2021) == 0.849

    def test_every_year_pledges_give_every_plan_year(self, indicators):
        # "每年培育“品字标”品牌企业6家以上" (序号39, no year printed) → 2021, 2022 and 2023
        o = self.o(indicators)
        p = o[o.indicator_id == "pinzibiao_new_per_year"]
        assert sorted(p.year) == [2021, 2022, 2023] and set(p.value) == {6.0}

    def test_no_baselines(self, indicators):
        # The task list states targets only; nothing is a 2020 base.
        o = self.o(indicators)
        assert set(o.role) == {"target"}
        assert set(o.year) <= {2021, 2022, 2023}
