"""Document audit: real findings and agreements in the plans, and each check on made-up rows."""
from __future__ import annotations

import pytest
from conftest import make_rows as synthetic_rows

from helpers.audit import (FINDING_COLUMNS, audit, audit_summary, check_duplicates,
                           check_falling, check_flow_totals, check_narrative_vs_table,
                           check_new_vs_stock, check_rate_vs_level, check_same_name_conflicts,
                           counted_item, is_lower_bound, same_indicator)


def make_rows(*rows: dict):
    return synthetic_rows(*rows, unit="家", section="附件2")


@pytest.fixture(scope="module")
def findings(indicators):
    return audit(indicators)


def pick(findings, district, indicator_id, kind, year=None):
    sub = findings[(findings.district == district) & (findings.indicator_id == indicator_id)
                   & (findings.kind == kind)]
    if year is not None:
        sub = sub[sub.year == year]
    return sub


class TestRealDocuments:
    def test_columns_and_statuses(self, findings):
        assert list(findings.columns) == FINDING_COLUMNS
        assert set(findings.status) == {"passed", "finding"}
        assert (findings.loc[findings.status == "passed", "severity"] == "none").all()
        assert findings["quotes"].str.len().gt(0).all()

    def test_beilun_flow_totals_all_agree(self, findings):
        # 附件2 新增“品字标浙江制造” 5 5 6 6 6 = 28 vs 正文 "新增“品字标浙江制造” 28 家以上";
        # 标准制（修）订 30 × 5 = 150 vs "制（修）订 150 项以上"; 重大项目 1, 2, 3 per year vs
        # "5个总投资超百亿元、10个…超50亿元、15个…超20亿元"; 储备 30+30+40+30+30 = 160 vs "160个以上"
        expected = {"pinzibiao_new_per_year": 28, "standards_led_per_year": 150,
                    "projects_over_100yi_new": 5, "projects_over_50yi_new": 10,
                    "projects_over_20yi_new": 15, "major_projects_reserve_new": 160}
        for fid, total in expected.items():
            r = pick(findings, "beilun", fid, "flow_total")
            assert len(r) == 1, fid
            assert r.status.item() == "passed", r.detail.item()
            assert f"={total}" in r.detail.item()
        assert "5+5+6+6+6=28" in pick(findings, "beilun", "pinzibiao_new_per_year",
                                      "flow_total").detail.item()

    def test_ouhai_yearly_pledges_against_cumulative_totals(self, findings):
        # "每年培育“品字标”品牌企业6家以上" vs "2023年：…培育“品字标”品牌企业18家": 6+6+6 = 18
        r = pick(findings, "ouhai", "pinzibiao_new_per_year", "flow_total", 2023)
        assert r.status.item() == "passed" and "6+6+6=18" in r.detail.item()
        # …and vs "2021年：…培育“品字标”品牌企业8家": 8 ≥ 6 以上, a difference, not a contradiction
        r = pick(findings, "ouhai", "pinzibiao_new_per_year", "flow_total", 2021)
        assert r.severity.item() == "low" and "不矛盾" in r.detail.item()

    def test_ouhai_energy_saving_items_are_different_items_not_a_contradiction(self, findings):
        # 序号37 "每年实施30个以上节能改造项目" and 加快构建绿色制造体系 "到2023年…实施30项节能减碳技术
        # 绿色改造项目" count different things (节能改造项目 个 / 节能减碳技术绿色改造项目 项): the audit
        # once summed the first to 30+30+30 = 90 against the second's 30 and called it high
        for kind in ("flow_total", "flow_vs_cumulative"):
            assert pick(findings, "ouhai", "energy_saving_retrofit_projects_per_year", kind).empty
        ouhai = findings[findings.district == "ouhai"]
        assert not (ouhai.severity == "high").any(), ouhai[ouhai.severity == "high"].detail.tolist()
        assert not ouhai.detail.str.contains("30+30+30=90").any()

    def test_yinzhou_prints_one_cluster_with_two_values(self, findings):
        # 正文 line 32 (——节能环保与新能源装备): "…节能环保与新能源装备产业集群产值突破100亿元";
        # line 36 (2.新型功能材料产业集群) repeats the name: "…节能环保与新能源装备产业集群产值突破500亿元".
        # The curated extraction reads the second as the 新型功能材料 cluster; the audit still
        # shows that the document contradicts itself, with both quotes.
        from helpers.paths import RAW_DIR
        q100 = "力争到2027年节能环保与新能源装备产业集群产值突破100亿元"
        q500 = "力争到2027年节能环保与新能源装备产业集群产值突破500亿元"
        lines = (RAW_DIR / "yinzhou_plan_2022-2027.txt").read_text(encoding="utf-8").splitlines()
        assert q100 in lines[31] and q500 in lines[35]
        r = pick(findings, "yinzhou", "cluster_output_energy_saving_equipment", "same_name_conflict")
        assert len(r) == 1 and r.status.item() == "finding" and r.severity.item() == "high"
        assert r.year.item() == 2027
        assert r.quotes.item() == f"[正文] {q100} ‖ [正文] {q500}"
        detail = r.detail.item()
        assert "原文同一名称“节能环保与新能源装备产业集群产值”2027年印有2个不同数值（100亿元、500亿元）" in detail
        assert "100亿元（正文第32行）读作“节能环保与新能源装备产业集群产值”" in detail
        assert "500亿元（正文第36行）读作“新型功能材料产业集群产值”" in detail
        assert "cluster_output_functional_materials" in r.detail_en.item()
        # nowhere else does a printed name carry two values
        conflicts = findings[(findings.kind == "same_name_conflict") & (findings.status == "finding")]
        assert len(conflicts) == 1

    def test_narrative_restates_beilun_targets(self, findings):
        # 二、行动目标 "规上工业亩均税收达到55万元" and 三(三)1 "亩均税收达到55万元/亩以上" = 附件 55
        r = pick(findings, "beilun", "tax_per_mu", "narrative_vs_table", 2025)
        assert len(r) >= 2 and set(r.status) == {"passed"}
        # "国家专精特新“小巨人”企业与国家单项冠军企业数累计达到50家以上" = 附件1 50 家
        assert pick(findings, "beilun", "little_giants_and_champions_national",
                    "narrative_vs_table", 2025).status.tolist() == ["passed"]

    def test_no_cumulative_or_stock_series_falls(self, findings):
        falls = findings[findings.kind == "falling_series"]
        assert len(falls) > 30 and set(falls.status) == {"passed"}

    def test_yinzhou_value_added_per_mu_rate_contradicts_levels(self, findings):
        # 附件1 亩均增加值 164 172 185 200 vs 亩均增加值年均增速 -0.4 5.5 6 6:
        # 2023–2025 (185/172)^(1/2) − 1 = 3.71 % against 6 % → medium finding
        r = pick(findings, "yinzhou", "value_added_per_mu_growth", "rate_vs_level")
        mid = r[r.detail.str.contains("2023–2025")]
        assert mid.status.item() == "finding" and mid.severity.item() == "medium"
        assert f"{((185 / 172) ** 0.5 - 1) * 100:.2f}%" in mid.detail.item()
        # whole span: 164 → 200 is 4.05 %/yr; 5.5 %, 6 %, 6 % compound to 5.90 %/yr (218.43 by 2027)
        whole = r[r.detail.str.contains("全期")]
        assert whole.status.item() == "finding"
        assert f"{((200 / 164) ** 0.2 - 1) * 100:.2f}%" in whole.detail.item()
        assert "218.43" in whole.detail.item()

    def test_yinzhou_investment_rate_vs_levels(self, findings):
        # 工业投资 66.4 → 90.6 is +36.45 % in 2023 against the 30 % target; 90.6 → 110 is
        # 10.19 %/yr against 10 % (within 0.5 pp)
        r = pick(findings, "yinzhou", "industrial_investment_growth", "rate_vs_level", 2023)
        assert r.status.item() == "finding" and "36.45%" in r.detail.item()
        r = pick(findings, "yinzhou", "industrial_investment_growth", "rate_vs_level", 2025)
        assert r.status.item() == "passed"

    def test_yinzhou_value_added_growth_agrees_with_levels(self, findings):
        # 全部工业增加值 512.4 → 540.6 = +5.50 %, 540.6 → 654.1 = 10.0 %/yr, 654.1 → 790 = 9.90 %/yr,
        # against 规上工业增加值年均增速 5.5, 10, 10: every span within 0.5 pp
        r = pick(findings, "yinzhou", "industrial_value_added_growth", "rate_vs_level")
        assert len(r) == 4 and set(r.status) == {"passed"}

    def test_yinzhou_new_energy_about_20_percent(self, findings):
        # "突破100 亿元（2022年40.82亿元，年均约20%）": (100/40.82)^(1/5) − 1 = 19.62 %, so "约20%"
        # is 0.38 pp off — within the 0.5 pp tolerance
        exact = (100 / 40.82) ** 0.2 - 1
        assert exact == pytest.approx(0.1962, abs=1e-4)
        r = findings[(findings.district == "yinzhou") & (findings.kind == "rate_vs_level")
                     & findings.quotes.str.contains("40.82")]
        assert len(r) == 1 and r.status.item() == "passed"
        assert f"{exact * 100:.2f}%" in r.detail.item() and "约20%" in r.detail.item()

    def test_summary_counts(self, findings):
        s = audit_summary(findings).set_index("kind")
        assert s.loc["total", "checks"] == len(findings)
        assert s.loc["total", "passed"] == (findings.status == "passed").sum()
        assert s.loc["total", "findings"] == s.loc["total", ["high", "medium", "low"]].sum()
        assert s.loc["flow_total", "passed"] >= 6
        assert s.loc["rate_vs_level", "findings"] >= 5

    def test_one_district(self, indicators):
        a = audit(indicators, "北仑区")
        assert set(a.district) == {"beilun"}


class TestChecksOnMadeUpRows:
    def test_flow_sum_disagrees(self):
        # yearly 5+5+6+6+6 = 28 against a stated total of 30 (no bound word) → high
        flows = [dict(indicator_id="pinzibiao_new_per_year", measure="flow", year=y, value=v)
                 for y, v in zip(range(2021, 2026), (5, 5, 6, 6, 6))]
        total = dict(indicator_id="pinzibiao_new_cumulative", measure="cumulative", year=2025,
                     value=30, section="正文", quote="新增 30 家", value_text="30 家")
        out = check_flow_totals(make_rows(*flows, total), "beilun")
        assert len(out) == 1 and out[0]["status"] == "finding" and out[0]["severity"] == "high"
        # a missing year cannot be summed
        out = check_flow_totals(make_rows(*flows[:-1], total), "beilun")
        assert out[0]["severity"] == "low" and "2025" in out[0]["detail"]

    def test_narrative_disagreement_and_bound(self):
        table = dict(indicator_id="tax_per_mu", unit="万元/亩", value=55)
        out = check_narrative_vs_table(make_rows(table, dict(
            table, section="正文", value=60, quote="达到60万元/亩", value_text="60万元/亩")), "beilun")
        assert out[0]["status"] == "finding" and out[0]["severity"] == "high"
        # "50万元/亩以上" is a minimum the table's 55 exceeds → low
        out = check_narrative_vs_table(make_rows(table, dict(
            table, section="正文", value=50, quote="达到50万元/亩以上", value_text="50万元/亩")), "beilun")
        assert out[0]["severity"] == "low"
        out = check_narrative_vs_table(make_rows(table, dict(table, section="正文", unit="万元/人")),
                                       "beilun")
        assert out[0]["severity"] == "medium" and "单位" in out[0]["detail"]

    def test_falling_cumulative(self):
        rows = [dict(indicator_id="green_factories_cumulative", measure="cumulative", year=y, value=v)
                for y, v in ((2021, 40), (2022, 60), (2023, 50))]
        out = check_falling(make_rows(*rows), "beilun")
        assert out[0]["status"] == "finding" and out[0]["severity"] == "high"
        assert out[0]["year"] == 2023

    def test_narrative_copies_disagree(self):
        rows = [dict(indicator_id="tax_per_mu", section="正文", value=v, quote=f"q{v}")
                for v in (55, 56)]
        out = check_duplicates(make_rows(*rows), "beilun")
        assert out[0]["status"] == "finding" and out[0]["severity"] == "medium"

    def test_new_vs_stock(self):
        # 鄞州: "新增主导或参与制（修）订国际、国家标准45项" vs 附件1 running total 295 → 340
        stock = [dict(district="yinzhou", district_name="鄞州区", unit="项", measure="stock",
                      indicator_id="standards_national_international_stock", year=y, value=v,
                      role="baseline" if y == 2022 else "target", section="附件1")
                 for y, v in ((2022, 295), (2027, 340))]
        new = dict(district="yinzhou", district_name="鄞州区", unit="项", measure="cumulative",
                   indicator_id="standards_revised_new_cumulative", year=2027, value=45,
                   section="正文", quote="国家标准45项", value_text="45项")
        out = check_new_vs_stock(make_rows(*stock, new), "yinzhou")
        assert len(out) == 1 and out[0]["status"] == "passed" and "45" in out[0]["detail"]

    def test_rate_vs_level_single_span(self):
        # a level 40.82 → 100 over 2022–2027 with a stated 25 %/yr: 19.62 % is 5.4 pp off → medium
        lv = dict(district="yinzhou", district_name="鄞州区", indicator_id="industrial_investment",
                  unit="亿元", section="附件1")
        rows = [dict(lv, year=2022, value=40.82, role="baseline"), dict(lv, year=2027, value=100),
                dict(lv, indicator_id="industrial_investment_growth", measure="growth_rate",
                     unit="%", year=2027, value=25)]
        out = check_rate_vs_level(make_rows(*rows), "yinzhou")
        assert len(out) == 1 and out[0]["severity"] == "medium"

    def test_same_indicator_compares_what_is_counted(self):
        assert counted_item("新增“品字标浙江制造”企业（每年）") == counted_item("累计新增“品字标浙江制造”企业")
        assert counted_item("新增储备优质重大项目数量（个）") == "储备优质重大项目"
        assert counted_item("企业主导参与标准制（修）订（每年）") == "企业主导参与标准制（修）订"
        assert same_indicator("pinzibiao_new_per_year", "pinzibiao_new_cumulative")
        assert same_indicator("projects_over_100yi_new", "projects_over_100yi_new_cumulative")
        assert same_indicator("standards_led_per_year", "standards_led_cumulative")
        # Ouhai: 节能改造项目（个） vs 节能减碳技术绿色改造项目（项）: different items (and units)
        assert not same_indicator("energy_saving_retrofit_projects_per_year",
                                  "energy_saving_retrofit_projects_cumulative")
        # uncatalogued ids: the printed names decide
        assert same_indicator("new_x_per_year", "new_x_cumulative", [{"indicator": "每年新建厂房"}],
                              [{"indicator": "累计新建厂房（个）"}])
        assert not same_indicator("new_x_per_year", "new_x_cumulative", [{"indicator": "每年新建厂房"}],
                                  [{"indicator": "累计改造厂房"}])

    def test_flows_are_not_summed_against_a_different_item(self):
        # a total whose id shares the flow's stem but counts another item is not compared
        ouhai = dict(district="ouhai", district_name="瓯海区", section="任务清单")
        flows = [dict(ouhai, indicator_id="energy_saving_retrofit_projects_per_year", measure="flow",
                      year=y, value=30, unit="个", indicator="节能改造项目") for y in (2021, 2022, 2023)]
        total = dict(ouhai, indicator_id="energy_saving_retrofit_projects_cumulative",
                     measure="cumulative", year=2023, value=30, unit="项",
                     indicator="节能减碳技术绿色改造项目")
        assert check_flow_totals(make_rows(*flows, total), "ouhai") == []
        # the same item under both ids is summed: 6+6+6 = 18 against 培育“品字标”品牌企业18家
        flows = [dict(f, indicator_id="pinzibiao_new_per_year", unit="家", value=6,
                      indicator="培育“品字标”品牌企业") for f in flows]
        total = dict(total, indicator_id="pinzibiao_new_cumulative", unit="家", value=18,
                     indicator="培育“品字标”品牌企业")
        out = check_flow_totals(make_rows(*flows, total), "ouhai")
        assert len(out) == 1 and out[0]["status"] == "passed" and "6+6+6=18" in out[0]["detail"]

    def test_same_name_with_two_values(self):
        base = dict(district="yinzhou", district_name="鄞州区", section="正文", unit="亿元",
                    measure="level", year=2027, indicator="某产业集群产值")
        rows = [dict(base, indicator_id="cluster_output_energy_saving_equipment", value=100,
                     quote="某产业集群产值突破100亿元", source_line=3),
                dict(base, indicator_id="cluster_output_functional_materials", value=500,
                     quote="某产业集群产值突破500亿元", source_line=9)]
        out = check_same_name_conflicts(make_rows(*rows), "yinzhou")
        assert len(out) == 1 and out[0]["severity"] == "high"
        assert "“某产业集群产值”2027年印有2个不同数值（100亿元、500亿元）" in out[0]["detail"]
        assert out[0]["quotes"] == "[正文] 某产业集群产值突破100亿元 ‖ [正文] 某产业集群产值突破500亿元"
        # the same value under both readings: a passed check
        out = check_same_name_conflicts(make_rows(*rows[:1], dict(rows[1], value=100)), "yinzhou")
        assert out[0]["status"] == "passed"
        # one indicator printed twice is check_duplicates' business; other years are not compared
        assert check_same_name_conflicts(make_rows(rows[0], dict(rows[0], value=500)), "yinzhou") == []
        assert check_same_name_conflicts(make_rows(rows[0], dict(rows[1], year=2025)), "yinzhou") == []

    def test_lower_bound_words(self):
        assert is_lower_bound({"quote": "新增“品字标浙江制造” 28 家以上", "value_text": "28 家",
                               "note": ""})
        assert is_lower_bound({"quote": "全区上市企业突破31家", "value_text": "31家", "note": ""})
        assert not is_lower_bound({"quote": "达743个", "value_text": "743个", "note": ""})
