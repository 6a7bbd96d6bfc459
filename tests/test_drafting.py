"""The prose draft extractor (helpers.drafting): hand-written clauses with the rows a person
reads from them, the clauses it must skip, and its precision and recall on the kit's own
hand-curated narrative rows."""
from __future__ import annotations

import csv

import pytest

from helpers.catalogue import CATALOGUE_COLUMNS, DIRECTIONS, MEASURES, load_catalogue
from helpers.districts import DISTRICTS
from helpers.drafting import DRAFT_COLUMNS, Draft, Skipped, draft_extraction, score_draft
from helpers.parsing.curated import CURATED_COLUMNS, read_curated
from helpers.parsing.document import RawDocument
from helpers.paths import RAW_DIR
from helpers.values import UNITS, parse_value_text


def draft(text: str, base: int | None = 2020, end: int | None = 2025) -> Draft:
    return draft_extraction(text, district="demo", source_file="demo.txt", base_year=base,
                            end_year=end)


def rows(d: Draft) -> list[tuple]:
    """(indicator, year, value, unit, role, value_text, quote) of each drafted row."""
    return [(r["indicator"], r["year"], r["value"], r["unit"], r["role"], r["value_text"],
             r["quote"]) for r in d.rows]


def reasons(d: Draft) -> list[tuple[str, str]]:
    return [(s.clause, s.reason) for s in d.skipped]


# --- what a drafted row is ------------------------------------------------------------------

def test_rows_have_the_curated_columns_a_verbatim_quote_and_a_readable_value_text():
    text = "到2025年，全市规上工业亩均税收达到30万元，亩均增加值达到150万元。"
    d = draft(text)
    assert DRAFT_COLUMNS == CURATED_COLUMNS + ["review"]
    assert len(d.rows) == 2
    for r in d.rows:
        assert list(r) == DRAFT_COLUMNS
        assert r["review"] == "drafted" and r["section"] == "正文"
        assert r["district"] == "demo" and r["source_file"] == "demo.txt"
        assert r["quote"] in text and r["value_text"] in r["quote"]
        assert parse_value_text(r["value_text"])[0] == r["value"]
        assert r["unit"] in UNITS


def test_the_issue_sentence_year_carried_several_targets_units_from_context():
    d = draft("到2025年，全市规上工业亩均税收达到30万元，亩均增加值达到150万元，"
              "规上工业全员劳动生产率达到35万元/人，累计整治提升企业500家以上。")
    assert rows(d) == [
        ("全市规上工业亩均税收", 2025, 30.0, "万元/亩", "target", "30万元", "全市规上工业亩均税收达到30万元"),
        ("亩均增加值", 2025, 150.0, "万元/亩", "target", "150万元", "亩均增加值达到150万元"),
        ("规上工业全员劳动生产率", 2025, 35.0, "万元/人", "target", "35万元/人",
         "规上工业全员劳动生产率达到35万元/人"),
        ("累计整治提升企业", 2025, 500.0, "家", "target", "500家", "累计整治提升企业500家以上"),
    ]
    ids = [r["indicator_id"] for r in d.rows]
    assert ids[0] == "tax_per_mu" and ids[2] == "labour_productivity"
    assert ids[3] == "inefficient_firms_rectified_cumulative"
    assert d.rows[3]["note"] == "以上; 累计"
    assert d.skipped == []


def test_year_expressions():
    d = draft("到2023年，新增“小升规”企业80家；2025年前，高新技术企业突破600家。"
              "“十四五”末，研发投入占GDP比重达到3.5%。五年内累计腾出低效工业用地3000亩以上。")
    assert [(r[0], r[1], r[2], r[3]) for r in rows(d)] == [
        ("新增“小升规”企业", 2023, 80.0, "家"),
        ("高新技术企业", 2025, 600.0, "家"),
        ("研发投入占GDP比重", 2025, 3.5, "%"),
        ("五年内累计腾出低效工业用地", 2025, 3000.0, "亩"),
    ]


def test_the_year_carries_within_a_sentence_only_and_defaults_to_the_plan_end():
    d = draft("到2023年，亩均税收达到32万元，高新技术企业达到300家。科技型中小企业达到900家。",
              end=2025)
    assert [(r[0], r[1]) for r in rows(d)] == [("亩均税收", 2023), ("高新技术企业", 2023),
                                               ("科技型中小企业", 2025)]


def test_spans_count_from_the_base_year():
    d = draft("三年内新增工业用地供给1200亩。", base=2022, end=2027)
    assert rows(d)[0][1] == 2025


def test_a_year_in_brackets_stays_in_the_brackets():
    d = draft("到2027年，累计完成5000亩以上低效工业区块的治理提升（其中2023年不少于2000亩），"
              "累计完成1300家“三类企业”的整治提升。", base=2022, end=2027)
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows(d)] == [
        ("低效工业区块的治理提升", 2027, 5000.0, "亩", "5000亩"),
        ("低效工业区块的治理提升", 2023, 2000.0, "亩", "2000亩"),
        ("“三类企业”的整治提升", 2027, 1300.0, "家", "1300家"),
    ]
    assert rows(d)[1][6] == "其中2023年不少于2000亩"


def test_qualifiers_stay_out_of_value_text_and_go_to_the_note():
    d = draft("每年新增“品字标浙江制造”企业5家以上，五年累计实施清洁生产企业不少于60家，"
              "每年出让土地总量中工业用地比例不低于30%，集成电路产业产值超过150亿元，"
              "制造业贷款年均增速达到12%以上。")
    assert [(r[0], r[2], r[3], r[5]) for r in rows(d)] == [
        ("每年新增“品字标浙江制造”企业", 5.0, "家", "5家"),
        ("五年累计实施清洁生产企业", 60.0, "家", "60家"),
        ("每年出让土地总量中工业用地比例", 30.0, "%", "30%"),
        ("集成电路产业产值", 150.0, "亿元", "150亿元"),
        ("制造业贷款年均增速", 12.0, "%", "12%"),
    ]
    assert [r["note"] for r in d.rows] == ["以上; 每年; 新增", "不少于; 累计", "不低于; 每年",
                                           "超过", "以上; 年均"]
    assert [r["indicator_id"] for r in d.rows] == [
        "pinzibiao_new_per_year", "clean_production_firms_cumulative", "industrial_land_share_min",
        "cluster_output_integrated_circuits", "manufacturing_loan_growth"]


def test_percentages_growth_reduction_and_raised_to():
    d = draft("2020年，全区规上工业亩均税收为38.4万元。到2025年，规上工业增加值年均增长8%，"
              "单位工业增加值能耗降低16%，新增工业用地“标准地”出让比例提高到100%。")
    assert rows(d) == [
        ("全区规上工业亩均税收", 2020, 38.4, "万元/亩", "baseline", "38.4万元",
         "全区规上工业亩均税收为38.4万元"),
        ("规上工业增加值年均增速", 2025, 8.0, "%", "target", "8%", "规上工业增加值年均增长8%"),
        ("单位工业增加值能耗", 2025, 16.0, "%", "target", "16%", "单位工业增加值能耗降低16%"),
        ("新增工业用地“标准地”出让比例", 2025, 100.0, "%", "target", "100%",
         "新增工业用地“标准地”出让比例提高到100%"),
    ]
    assert [r["indicator_id"] for r in d.rows][1:3] == ["industrial_value_added_growth",
                                                        "energy_intensity_reduction"]


def test_growth_in_one_year_and_approximate_values():
    d = draft("2021年，全区规上工业增加值增长10%以上，规上工业增加值达到500亿元左右。", end=2023)
    assert [(r[0], r[1], r[2], r[3]) for r in rows(d)] == [
        ("全区规上工业增加值增速", 2021, 10.0, "%"), ("规上工业增加值", 2021, 500.0, "亿元")]
    assert d.rows[0]["indicator_id"] == "industrial_value_added_growth"
    assert d.rows[1]["note"] == "左右"


def test_growth_rate_after_a_value_belongs_to_that_value():
    d = draft("2025年，规上工业增加值突破1000亿元，年均增长8%。")
    assert [(r[0], r[1], r[2], r[3]) for r in rows(d)] == [
        ("规上工业增加值", 2025, 1000.0, "亿元"), ("规上工业增加值年均增速", 2025, 8.0, "%")]


def test_lists_counted_objects_and_thresholds_inside_names():
    d = draft("到2025年建设“未来工厂”5家、数字化车间35家，培育20家管理标杆企业，"
              "力争五年内促成5个总投资超百亿元、10个总投资超50亿元的重大项目落地。")
    assert [(r[0], r[2], r[3], r[5]) for r in rows(d)] == [
        ("“未来工厂”", 5.0, "家", "5家"),
        ("数字化车间", 35.0, "家", "35家"),
        ("管理标杆企业", 20.0, "家", "20家"),
        ("总投资超百亿元", 5.0, "个", "5个"),
        ("总投资超50亿元的重大项目落地", 10.0, "个", "10个"),   # 50亿元 is a threshold
    ]


def test_a_shared_object_and_each():
    d = draft("到2025年，每年实施2项、谋划2项产业链协同创新项目，"
              "累计培育三星级以上小微企业园和四星级以上小微企业园各2个。")
    assert [(r[0], r[2], r[3]) for r in rows(d)] == [
        ("每年实施产业链协同创新项目", 2.0, "项"), ("产业链协同创新项目", 2.0, "项"),
        ("累计培育三星级以上小微企业园", 2.0, "个"), ("四星级以上小微企业园", 2.0, "个")]


def test_respectively_pairs_names_and_values_in_order():
    d = draft("到2023年，规上工业亩均税收、亩均增加值分别达到35万元、170万元。")
    assert [(r[0], r[1], r[2], r[3], r[5]) for r in rows(d)] == [
        ("规上工业亩均税收", 2023, 35.0, "万元/亩", "35万元"), ("亩均增加值", 2023, 170.0, "万元/亩", "170万元")]
    assert {r["quote"] for r in d.rows} == {"规上工业亩均税收、亩均增加值分别达到35万元、170万元"}
    assert [r["indicator_id"] for r in d.rows] == ["tax_per_mu", "value_added_per_mu"]


def test_list_markers_and_colons_are_not_part_of_names():
    d = draft("主要目标：\n1.亩均税收：达到30万元。\n（2）研发投入：达到90亿元。\n"
              "3.企业培育：新增国家级专精特新“小巨人”企业10家以上。")
    assert [(r[0], r[2], r[3]) for r in rows(d)] == [
        ("亩均税收", 30.0, "万元/亩"), ("研发投入", 90.0, "亿元"), ("新增国家级专精特新“小巨人”企业", 10.0, "家")]


def test_name_with_bracketed_value_and_a_bracketed_baseline():
    d = draft("到2027年，区本级规上工业总产值（3200亿元）、规上工业亩均税收（43.2万元/亩）、"
              "两化融合指数(127%)。力争到2027年新能源产业集群产值突破100亿元（2022年40.82亿元，年均约20%）。",
              base=2022, end=2027)
    assert rows(d) == [
        ("区本级规上工业总产值", 2027, 3200.0, "亿元", "target", "3200亿元", "区本级规上工业总产值（3200亿元）"),
        ("规上工业亩均税收", 2027, 43.2, "万元/亩", "target", "43.2万元/亩", "规上工业亩均税收（43.2万元/亩）"),
        ("两化融合指数", 2027, 127.0, "指数", "target", "127%", "两化融合指数(127%)"),
        ("新能源产业集群产值", 2027, 100.0, "亿元", "target", "100亿元", "力争到2027年新能源产业集群产值突破100亿元"),
        ("新能源产业集群产值", 2022, 40.82, "亿元", "baseline", "40.82亿元", "2022年40.82亿元"),
        ("新能源产业集群产值年均增速", 2027, 20.0, "%", "target", "20%", "年均约20%"),
    ]


def test_an_index_needs_no_printed_unit():
    d = draft("到2025年，两化融合指数达到110，规上工业亩均税收达到30。")
    assert rows(d) == [("两化融合指数", 2025, 110.0, "指数", "target", "110", "两化融合指数达到110")]
    assert d.rows[0]["indicator_id"] == "informatization_index"
    assert reasons(d) == [("规上工业亩均税收达到30", "number 30 without a unit")]


def test_a_soft_line_break_stays_in_the_quote():
    text = "二、主要目标\n\n到2025年，规上工业亩均税收达\n\n到55万元，研发投入达到 90 亿元以上。\n"
    d = draft(text)
    assert [(r[0], r[2], r[5], r[6]) for r in rows(d)] == [
        ("规上工业亩均税收", 55.0, "55万元", "规上工业亩均税收达\n\n到55万元"),
        ("研发投入", 90.0, "90 亿元", "研发投入达到 90 亿元以上"),
    ]
    assert all(r["quote"] in text for r in d.rows)


def test_full_width_digits_read_and_the_quote_stays_as_printed():
    d = draft("到２０２５年，亩均税收达到３０万元，研发投入占比达到３．５％。")
    assert rows(d) == [("亩均税收", 2025, 30.0, "万元/亩", "target", "３０万元", "亩均税收达到３０万元"),
                       ("研发投入占比", 2025, 3.5, "%", "target", "３．５％", "研发投入占比达到３．５％")]


def test_a_page_number_inside_a_sentence_is_not_text():
    text = "到2025年，规上工业亩均税收达到\n\n— 3 —\n\n55万元，研发投入达到90亿元。"
    d = draft(text)
    assert [(r[0], r[2], r[5]) for r in rows(d)] == [("规上工业亩均税收", 55.0, "55万元"),
                                                    ("研发投入", 90.0, "90亿元")]
    assert d.rows[0]["quote"] == "规上工业亩均税收达到\n\n— 3 —\n\n55万元"


def test_ids_by_similarity_and_a_short_name_needs_a_close_match():
    d = draft("到2025年，全区上市企业达到20家，新增规上企业300家，工业投资达到100亿元，"
              "国家级专精特新“小巨人”企业达到30家。")
    assert [(r["indicator"], r["indicator_id"]) for r in d.rows] == [
        ("全区上市企业", "listed_companies_stock"),
        ("新增规上企业", "demo_draft_01"),          # not 新增上市企业 (listed firms)
        ("工业投资", "industrial_investment"),
        ("国家级专精特新“小巨人”企业", "little_giants_national"),
    ]


def test_new_names_get_proposed_catalogue_rows():
    # names no catalogue holds (invented): each gets a proposed id with the wording's measure
    d = draft("到2025年，新增海洋协作机械臂500台，每年实施亿元以上海洋装备改造项目50个以上，"
              "单位海洋装备产值氨氮排放下降20%，海洋装备配套企业达到40家。")
    proposed = {p["indicator_id"]: p for p in d.proposed_ids}
    assert [r["indicator_id"] for r in d.rows] == ["demo_draft_01", "demo_draft_02", "demo_draft_03",
                                                   "demo_draft_04"]
    assert [(p["name_zh"], p["unit"], p["measure"], p["direction"]) for p in proposed.values()] == [
        ("新增海洋协作机械臂", "台", "cumulative", "higher"),
        ("每年实施亿元以上海洋装备改造项目", "个", "flow", "higher"),
        ("单位海洋装备产值氨氮排放", "%", "reduction_rate", "lower"),
        ("海洋装备配套企业", "家", "stock", "higher"),
    ]
    for p in proposed.values():
        assert list(p) == CATALOGUE_COLUMNS
        assert p["unit"] in UNITS and p["measure"] in MEASURES and p["direction"] in DIRECTIONS
        assert p["indicator_id"] not in load_catalogue()
        assert "demo.txt line 1" in p["notes"]


# --- what is skipped, with its reason --------------------------------------------------------

@pytest.mark.parametrize("text, clause, reason", [
    ("到2025年，全市规上工业亩均税收达到30.", "全市规上工业亩均税收达到30.",
     "the text stops at the number 30 (cut off mid-number?)"),
    ("到2025年，全市规上工业亩均税收达到3", "全市规上工业亩均税收达到3",
     "the text stops at the number 3 (cut off mid-number?)"),
    ("到2025年，亩均增加值达到150，其他。", "亩均增加值达到150", "number 150 without a unit"),
    ("到2025年，研发投入达到30万。", "研发投入达到30万", "unit '万' is not in the kit's vocabulary"),
    ("到2025年，研发投入强度提高1个百分点。", "研发投入强度提高1个百分点",
     "unit '个百分点' is not in the kit's vocabulary"),
    ("到2023年谋划实施1-2项产业链协同创新项目。", "到2023年谋划实施1-2项",
     "a range of values (such as 1-2项), not one target"),
    ("亩均税收不得低于70万元/亩。", "亩均税收不得低于70万元/亩",
     "a rule for projects or land (不得, 上限, 原则上…), not a district target"),
    ("比例上限由7%提高到15%。", "比例上限由7%提高到15%",
     "a rule for projects or land (不得, 上限, 原则上…), not a district target"),
    ("亩均产出由500万元提高到600万元。", "亩均产出由500万元提高到600万元",
     "a change from one printed value to another (由…到…)"),
    ("研发投入提高20亿元。", "研发投入提高20亿元",
     "an increase by an amount (提高/增加/增长 N, not 提高到 N): by or to? read it by hand"),
    ("工业投资增长20亿元。", "工业投资增长20亿元",
     "an increase by an amount (提高/增加/增长 N, not 提高到 N): by or to? read it by hand"),
    ("对新引进的产值100亿元以上的制造业企业奖励1000万元。",
     "对新引进的产值100亿元以上的制造业企业奖励1000万元", "a subsidy or award (奖励, 补助…), not a target"),
    ("加快推进汽车零部件产业园项目（总投资50亿元）建设。", "总投资50亿元",
     "one project's size or projection (总投资, 占地, 建成后…), not a district target"),
    ("项目建成后年产值可达80亿元。", "项目建成后年产值可达80亿元",
     "one project's size or projection (总投资, 占地, 建成后…), not a district target"),
    ("确保制造业项目数不低于三分之一。", "确保制造业项目数不低于三分之一",
     "a target written in words (三分之一): read it by hand"),
    ("培育十家以上链主企业。", "培育十家以上链主企业", "a target written in words (培育十家): read it by hand"),
    ("2019年以来已累计建成小微园20个。", "2019年以来已累计建成小微园20个",
     "no year, and the sentence reports the past (已, 同比, 以来…)"),
    ("2018年全区规上工业亩均税收为20万元。", "2018年全区规上工业亩均税收为20万元",
     "year 2018 is before the plan's base year 2020"),
    ("到2030年，亩均税收达到60万元。", "亩均税收达到60万元", "year 2030 is after the plan's end year 2025"),
    ("省、市级企业分别达到5家、10家、20家。", "省、市级企业分别达到5家、10家、20家",
     "分别 pairs 2 names with 3 values: read it by hand"),
    ("培育规上企业1,200家。", "培育规上企业1,200家",
     "a number with a thousands separator (1,000): read it by hand"),
    ("规上工业增加值比2020年增长50%。", "规上工业增加值比2020年增长50%",
     "growth against a base year (比2020年增长 N): not a yearly rate nor a level; read it by hand"),
    ("整改期限为3个月。", "整改期限为3个月", "unit '个月' is not in the kit's vocabulary"),
    ("对亩均税收8万元以下的企业开展整治。", "对亩均税收8万元以下的企业开展整治",
     "numbers read as part of a name (a threshold such as 超50亿元), no value in a target position"),
])
def test_skipped_clauses(text, clause, reason):
    d = draft(text)
    assert d.rows == []
    assert reasons(d) == [(clause, reason)]


def test_past_section_is_skipped_and_a_base_year_value_is_a_baseline():
    text = ("一、发展基础\n“十三五”期间，全县累计淘汰落后产能企业300家。2020年，全县规上工业亩均税收为25万元。\n"
            "二、主要目标\n到2023年，全县规上工业亩均税收达到32万元以上。\n")
    d = draft(text, base=2020, end=2023)
    assert [(r[1], r[2], r[4]) for r in rows(d)] == [(2020, 25.0, "baseline"), (2023, 32.0, "target")]
    assert d.skipped == [Skipped(2, "全县累计淘汰落后产能企业300家",
                                 "no year, and the section reviews the past (发展基础, 现状…)")]


def test_results_after_the_base_year_in_a_past_section_are_not_targets():
    text = ("一、发展基础\n2021年，全区规上工业增加值达到300亿元，亩均税收为30万元。\n"
            "二、主要目标\n到2025年，亩均税收达到40万元。\n三、预期成效\n到2025年，高新技术企业达到500家。\n"
            "1.关键基础件产业集群。到2025年，关键基础件产值突破250亿元。")
    d = draft(text)
    assert [(r[1], r[2], r[4]) for r in rows(d)] == [(2025, 40.0, "target"), (2025, 500.0, "target"),
                                                     (2025, 250.0, "target")]
    assert reasons(d) == [
        ("全区规上工业增加值达到300亿元", "year 2021 in a section about the past: a result, not a target"),
        ("亩均税收为30万元", "year 2021 in a section about the past: a result, not a target")]


def test_no_year_and_no_plan_end_is_skipped():
    d = draft("全区上市企业达到30家。", base=None, end=None)
    assert d.rows == []
    assert reasons(d) == [("全区上市企业达到30家", "no year in the clause and no plan end year given")]


def test_without_a_base_year_an_earlier_year_is_not_guessed():
    d = draft("2020年全区亩均税收为25万元。到2025年，亩均税收达到30万元。", base=None, end=2025)
    assert [(r[1], r[2], r[4]) for r in rows(d)] == [(2025, 30.0, "target")]
    assert reasons(d) == [("2020年全区亩均税收为25万元",
                           "year 2020 and no base year given: a baseline or a target? read it by hand")]


def test_skipped_lines_are_lines_of_the_text():
    d = draft("一、主要目标\n\n到2025年，亩均税收达到30万元。\n\n研发投入强度提高1个百分点。\n")
    assert [s.line for s in d.skipped] == [5]
    assert len(d.rows) == 1


def test_table_cells_are_left_to_the_table_readers():
    d = draft("指标\t2020年\t2025年\n规上工业亩均税收（万元/亩）\t38.4\t55\n")
    assert d.rows == []


# --- a whole invented county plan (the shape of an unseen plan) ------------------------------

MOCK_PLAN = """某某县新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动实施方案（2021—2023年）

一、发展现状
近年来，我县制造业发展取得明显成效。2020年，全县实现规上工业增加值256.3亿元，同比增长6.2%；规上工业亩均税收28.6万元，亩均增加值142万元。“十三五”期间累计淘汰落后产能企业156家。

二、实施目标
到2023年，全县规上工业亩均税收达到35万元以上，亩均增加值达到170万元以上，规上工业全员劳动生产率达到30万元/人，单位工业增加值能耗较2020年下降9%，制造业投资年均增长10%以上。累计整治提升高耗低效企业500家，淘汰落后产能企业100家，腾出低效工业用地3000亩、用能5万吨标准煤，减少碳排放12万吨。2021年，亩均税收达到30万元，高新技术企业数量达到200家。

三、主要任务
（一）实施企业梯队培育。每年新增“小升规”企业30家以上，到2023年累计培育国家级专精特新“小巨人”企业5家、省级隐形冠军企业8家，新增上市企业2家。对年营业收入首次突破10亿元的企业给予50万元奖励。
（二）推进数字化改造。实施智能化技术改造项目150项，建成数字化车间（智能工厂）20个，新增工业机器人800台，规上工业企业数字化改造覆盖率达到90%。
（三）优化空间布局。新建小微企业园6个，入园企业达到300家以上；新增工业用地中“标准地”出让比例达到100%。原则上新出让工业用地容积率不低于1.5。
四、保障措施
县财政每年安排不少于1亿元专项资金，用于支持企业技术改造。
"""


def test_a_whole_invented_county_plan():
    d = draft(MOCK_PLAN, base=2020, end=2023)
    assert [(r["year"], r["value"], r["unit"], r["role"]) for r in d.rows] == [
        # 一、发展现状: the base year's values are baselines; 同比 and 十三五期间 are not drafted
        (2020, 256.3, "亿元", "baseline"), (2020, 28.6, "万元/亩", "baseline"),
        (2020, 142.0, "万元/亩", "baseline"),
        # 二、实施目标
        (2023, 35.0, "万元/亩", "target"), (2023, 170.0, "万元/亩", "target"),
        (2023, 30.0, "万元/人", "target"), (2023, 9.0, "%", "target"), (2023, 10.0, "%", "target"),
        (2023, 500.0, "家", "target"), (2023, 100.0, "家", "target"), (2023, 3000.0, "亩", "target"),
        (2023, 5.0, "万吨标准煤", "target"), (2023, 12.0, "万吨", "target"),
        (2021, 30.0, "万元/亩", "target"), (2021, 200.0, "家", "target"),
        # 三、主要任务 (no year of their own: the plan end)
        (2023, 30.0, "家", "target"), (2023, 5.0, "家", "target"), (2023, 8.0, "家", "target"),
        (2023, 2.0, "家", "target"), (2023, 150.0, "项", "target"), (2023, 20.0, "个", "target"),
        (2023, 800.0, "台", "target"), (2023, 90.0, "%", "target"), (2023, 6.0, "个", "target"),
        (2023, 300.0, "家", "target"), (2023, 100.0, "%", "target"),
    ]
    assert d.rows[19]["indicator"] == "智能化技术改造项目"
    assert d.rows[20]["indicator"] == "数字化车间（智能工厂）"
    assert [(s.line, s.reason) for s in d.skipped] == [
        (4, "a change on the year before (同比): read it by hand"),
        (4, "no year, and the section reviews the past (发展基础, 现状…)"),
        (10, "numbers read as part of a name (a threshold such as 超50亿元), no value in a target position"),
        (12, "number 1.5 without a unit"),
        (14, "numbers read as part of a name (a threshold such as 超50亿元), no value in a target position"),
    ]


# --- measuring a draft -----------------------------------------------------------------------

def _row(**kw) -> dict:
    base = dict(district="demo", source_file="demo.txt", year=2025, unit="万元/亩", indicator_id="x")
    return {**base, **kw}


def test_score_pairs_printed_numbers_one_to_one():
    text = "到2025年，亩均税收达到30万元，亩均增加值达到150万元。其他目标达到9家。"
    curated = [_row(value=30.0, value_text="30万元", quote="亩均税收达到30万元", indicator_id="tax_per_mu"),
               _row(value=150.0, value_text="150万元", quote="亩均税收达到30万元，亩均增加值达到150万元")]
    drafted = [_row(value=30.0, value_text="30万元", quote="亩均税收达到30万元", indicator_id="tax_per_mu"),
               _row(value=150.0, value_text="150万元", quote="亩均增加值达到150万元", year=2023),  # wrong year
               _row(value=9.0, unit="家", value_text="9家", quote="其他目标达到9家")]  # no curated row there
    s = score_draft(drafted, curated, {"demo.txt": text})
    assert (s["matched"], len(s["wrong"]), len(s["unjudged"])) == (1, 1, 1)
    assert s["recall"] == 0.5 and s["precision"] == 0.5 and s["id_agreement"] == 1.0
    assert s["missed"] == [curated[1]]


# --- precision and recall on the kit's hand-curated narrative rows ---------------------------

CURATED_DISTRICTS = ("beilun", "yinzhou", "zhenhai")


@pytest.fixture(scope="module")
def documents():
    return {p.name: RawDocument(p) for p in RAW_DIR.glob("*.txt")}


def _measure(documents, districts, section=None):
    curated = []
    for path in sorted(RAW_DIR.glob("*_extraction.csv")):
        curated += [r for r in read_curated(path, documents)
                    if r["district"] in districts and (section is None or r["section"] == section)]
    drafted = []
    for district, source_file in sorted({(r["district"], r["source_file"]) for r in curated}):
        plan = DISTRICTS[district]
        d = draft_extraction(documents[source_file].text, district=district, source_file=source_file,
                             base_year=plan.base_year, end_year=plan.end_year)
        drafted += d.rows
        for r in d.rows:
            assert r["quote"] in documents[source_file].text
            assert parse_value_text(r["value_text"])[0] == r["value"]
    return score_draft(drafted, curated, {k: v.text for k, v in documents.items()})


def test_precision_and_recall_on_curated_narrative_rows(documents):
    s = _measure(documents, CURATED_DISTRICTS, section="正文")
    assert s["curated"] == 177                       # Beilun 51, Yinzhou 86, Zhenhai 40 rows
    assert s["wrong"] == [], "a drafted value contradicts a curated row"
    assert s["precision"] == 1.0
    assert s["recall"] >= 0.90, [(m["quote"], m["value_text"]) for m in s["missed"]]
    assert s["matched"] >= 175                       # measured 175 of 177 (README)
    assert s["id_agreement"] >= 0.80                 # measured 150/175 = 0.86 (README)
    assert len(s["unjudged"]) <= 2                   # drafted where no curated quote is


def test_no_wrong_value_on_ouhai_task_list_held_out(documents):
    """Ouhai's task list was not used to build the rules: same check, other document shape.
    Its curated rows repeat a 每年 pledge for every plan year; the drafter writes the one
    statement once at the plan end, as 正文 rows do, so recall is lower by design."""
    s = _measure(documents, ("ouhai",))
    assert s["curated"] == 110
    assert s["wrong"] == []
    assert s["matched"] >= 81


def test_csv_text_is_an_extraction_file(tmp_path):
    text = "到2025年，规上工业亩均税收达到30万元，新能源产业集群产值突破40.82亿元，新增工业机器人500台。"
    d = draft(text)
    path = tmp_path / "demo_extraction.csv"
    path.write_text(d.csv_text(), encoding="utf-8")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as f:
        back = list(csv.DictReader(f))
    assert list(back[0]) == DRAFT_COLUMNS
    assert [(r["value"], r["unit"], r["year"], r["review"]) for r in back] == [
        ("30", "万元/亩", "2025", "drafted"), ("40.82", "亿元", "2025", "drafted"),
        ("500", "台", "2025", "drafted")]
    for r in back:   # what the build checks of a curated row
        assert r["quote"] in text and r["value_text"] in r["quote"]
        assert parse_value_text(r["value_text"])[0] == float(r["value"])
    assert d.proposed_csv_text().splitlines()[0] == "\ufeff" + ",".join(CATALOGUE_COLUMNS)
