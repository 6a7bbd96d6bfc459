"""Reports for every plan shape (issue 9.4), on SYNTHETIC plans.

Every plan below is a SYNTHETIC TEST FIXTURE: invented districts with invented values, built
with the real indicator table's columns (helpers.schema.COLUMNS) and the catalogue's units and
measures, added to the real table of the four documented districts (conftest.FOUR) so the
comparison has real districts beside them and the hand-computed ranks ("3/5") stay exact when a
district is registered. Nothing here is a figure of any real plan; the real values checked
(亩均税收 2023) come from the clean table and are quoted in tests/test_compare.py.
"""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import FOUR
from helpers import load_indicators
from helpers.catalogue import catalogue_entry
from helpers.districts import District
from helpers.schema import COLUMNS

SYNTHETIC = "SYNTHETIC TEST FIXTURE — not real data"


def real_table(districts=FOUR) -> pd.DataFrame:
    """The clean table of ``districts`` (None: every registered district)."""
    df = load_indicators()
    return df if districts is None else df[df["district"].isin(districts)]


def _row(slug: str, name: str, iid: str, year: int, value: float, role: str = "target",
         section: str = "表1", category: str = "主要指标", lead: str = "经信局") -> dict:
    e = catalogue_entry(iid)
    return dict(district=slug, district_name=name, indicator=e["name_zh"], indicator_id=iid,
                category=category, lead_agency=lead, year=year, value=float(value),
                unit=e["unit"], role=role, measure=e["measure"], direction=e["direction"],
                source_file=f"{slug}_synthetic.txt", section=section, source_line=1,
                value_text=f"{value:g}{e['unit']}", quote=f"{SYNTHETIC}: {e['name_zh']} {value:g}",
                note=SYNTHETIC)


def _district(slug: str, name: str, base: int, end: int) -> District:
    return District(slug, name, "测试市", base, end, f"{name}合成测试方案（{SYNTHETIC}）")


def build_shape(shape: str) -> tuple[District, pd.DataFrame]:
    """(District, its synthetic rows) for one plan shape of SHAPES."""
    if shape == "prose_only":  # every value in the text: section 正文, no category, no agency
        d = _district("syn_prose", "合成甲区", 2020, 2025)
        p = dict(section="正文", category="", lead="")
        rows = [_row(d.slug, d.name, "tax_per_mu", 2023, 27, **p),
                _row(d.slug, d.name, "tax_per_mu", 2025, 30, **p),
                _row(d.slug, d.name, "value_added_per_mu", 2025, 150, **p),
                _row(d.slug, d.name, "inefficient_firms_rectified_cumulative", 2025, 500, **p),
                _row(d.slug, d.name, "labour_productivity", 2020, 28, role="baseline", **p),
                _row(d.slug, d.name, "labour_productivity", 2025, 35, **p)]
    elif shape == "no_baseline":  # a table of targets without a base column
        d = _district("syn_nobase", "合成乙区", 2020, 2025)
        rows = [_row(d.slug, d.name, "tax_per_mu", 2023, 40), _row(d.slug, d.name, "tax_per_mu", 2025, 45),
                _row(d.slug, d.name, "labour_productivity", 2023, 30),
                _row(d.slug, d.name, "labour_productivity", 2025, 34),
                _row(d.slug, d.name, "low_efficiency_land_freed_cumulative", 2023, 500),
                _row(d.slug, d.name, "low_efficiency_land_freed_cumulative", 2025, 1000)]
    elif shape == "one_year":  # targets for 2023 only, no base values
        d = _district("syn_2023", "合成丙县", 2020, 2023)
        rows = [_row(d.slug, d.name, "tax_per_mu", 2023, 50),
                _row(d.slug, d.name, "energy_intensity_reduction", 2023, 9),
                _row(d.slug, d.name, "pinzibiao_new_per_year", 2023, 5),
                _row(d.slug, d.name, "manufacturing_loan_growth", 2023, 10)]
    elif shape == "end_2027":  # a plan running 2022 → 2027
        d = _district("syn_2027", "合成丁市", 2022, 2027)
        rows = [_row(d.slug, d.name, "tax_per_mu", 2022, 30, role="baseline"),
                _row(d.slug, d.name, "tax_per_mu", 2025, 35), _row(d.slug, d.name, "tax_per_mu", 2027, 40),
                _row(d.slug, d.name, "future_factories_new_cumulative", 2025, 3),
                _row(d.slug, d.name, "future_factories_new_cumulative", 2027, 6),
                _row(d.slug, d.name, "digital_economy_core_share_of_gdp", 2022, 5, role="baseline"),
                _row(d.slug, d.name, "digital_economy_core_share_of_gdp", 2027, 8)]
    elif shape == "single_value":  # the whole plan is one level
        d = _district("syn_single", "合成戊区", 2020, 2025)
        rows = [_row(d.slug, d.name, "tax_per_mu", 2025, 60)]
    elif shape == "no_category":  # a table whose rows have empty category and lead agency
        d = _district("syn_nocat", "合成己区", 2020, 2025)
        p = dict(category="", lead="")
        rows = [_row(d.slug, d.name, "tax_per_mu", 2020, 35, role="baseline", **p),
                _row(d.slug, d.name, "tax_per_mu", 2023, 40, **p),
                _row(d.slug, d.name, "tax_per_mu", 2025, 45, **p),
                _row(d.slug, d.name, "listed_companies_stock", 2020, 10, role="baseline", **p),
                _row(d.slug, d.name, "listed_companies_stock", 2025, 20, **p)]
    elif shape == "text_disagrees":  # a prose plan printing one target twice, differently
        d = _district("syn_clash", "合成庚区", 2020, 2025)
        p = dict(section="正文", category="", lead="")
        clash = _row(d.slug, d.name, "tax_per_mu", 2025, 32, **p)
        clash["quote"], clash["source_line"] = clash["quote"] + "（第二处）", 9
        rows = [_row(d.slug, d.name, "tax_per_mu", 2025, 30, **p), clash,
                _row(d.slug, d.name, "value_added_per_mu", 2025, 150, **p)]
    elif shape == "base_only_rows":  # a table with a base column and a target left blank
        d = _district("syn_base", "合成辛区", 2020, 2025)
        rows = [_row(d.slug, d.name, "tax_per_mu", 2020, 35, role="baseline"),
                _row(d.slug, d.name, "tax_per_mu", 2025, 45),
                _row(d.slug, d.name, "energy_intensity", 2020, 0.5, role="baseline")]
    else:
        raise KeyError(shape)
    return d, pd.DataFrame(rows, columns=COLUMNS)


SHAPES = ["prose_only", "no_baseline", "one_year", "end_2027", "single_value", "no_category",
          "text_disagrees", "base_only_rows"]


def with_real(rows: pd.DataFrame, districts=FOUR) -> pd.DataFrame:
    """The real indicator table (of FOUR; None: every district) with the synthetic rows appended."""
    return pd.concat([real_table(districts), rows], ignore_index=True)[COLUMNS]


SECTIONS = ["headline_html", "indicator_table_html", "trajectory_note_html", "audit_html",
            "standing_html", "progress_html"]


@pytest.fixture
def shape_report(monkeypatch):
    """Registers a synthetic district (monkeypatched into helpers.districts.DISTRICTS) and
    returns prepare_report for it."""
    from helpers import report
    from helpers.districts import DISTRICTS

    def make(shape: str):
        d, rows = build_shape(shape)
        monkeypatch.setitem(DISTRICTS, d.slug, d)
        return report.prepare_report(d.slug, df=with_real(rows))
    return make


@pytest.mark.parametrize("shape", SHAPES)
def test_every_section_renders_for_every_plan_shape(shape_report, shape):
    import matplotlib.pyplot as plt
    from helpers import report
    rep = shape_report(shape)
    for fn in SECTIONS:
        html = getattr(report, fn)(rep)
        assert isinstance(html, str), fn
    figs = report.trajectory_figures(rep)
    # a section with nothing to draw says so in a sentence instead
    if not figs:
        assert "没有轨迹可画" in report.trajectory_note_html(rep)
    st = report.standing_figure(rep), report.standing_level_figure(rep)
    for fig in [f for _, f in figs] + [f for f in st if f is not None]:
        plt.close(fig)
    audit = report.audit_html(rep)
    headline = report.headline_html(rep)
    if len(rep.findings) == 0:  # nothing could be checked: never "all passed"
        assert "无可核查项" in audit and "无可核查项" in headline
        assert "全部通过" not in audit and "全部通过" not in headline
    else:
        assert "无可核查项" not in audit


def test_prose_only_plan_reports_its_text_values(shape_report):
    from helpers import report
    rep = shape_report("prose_only")
    assert rep.narrative_only == rep.series_ids and len(rep.series_ids) == 4
    t = report.indicator_table(rep)
    assert set(t["类别"]) == {"正文所列指标"} and set(t["牵头单位"]) == {"—"}
    tax = t[t["指标"] == "规上工业亩均税收"].iloc[0]
    assert (tax["2023年"], tax["2025年"], tax["基期值"]) == ("27万元/亩", "30万元/亩", "—")
    # 28 → 35 万元/人 over 2020–2025 from the text's own base value
    lp = t[t["指标"] == "规上工业全员劳动生产率"].iloc[0]
    assert lp["基期值"] == "28万元/人（2020）"
    assert lp["隐含年均变化"] == f"+{((35 / 28) ** 0.2 - 1) * 100:.2f}%/年"
    # a cumulative count read from the text: 500 家 by 2025, from 0 at 2020 → 100 家/年
    firms = t[t["指标"].str.contains("整治提升")].iloc[0]
    assert firms["隐含年均变化"] == "+100家/年"
    assert "均见于正文（方案无指标表）" in report.headline_html(rep)
    # the text prints a base value (28 万元/人, 2020), so the note must not say none is printed
    assert rep.pledge_note == "方案表格未印基期值，无法按基期核验翻番或跃升幅度"
    assert "无可核查项" in report.audit_html(rep)
    # two panels (亩均税收 2023/2025, 劳动生产率 2020/2025); the other two have one value each
    assert report.charted_ids(rep) == ["tax_per_mu", "labour_productivity"]
    assert "另有 2 项指标只印了一个年份的数值" in report.trajectory_note_html(rep)
    # its 2023 level stands beside the real districts' 2023 targets (103 53.13 46.8 34.2)
    st = report.standing_table(rep).set_index(["_indicator_id", "_statistic"])
    row = st.loc[("tax_per_mu", "level")]
    assert (row["比较口径"], row["本区"], row["排名"]) == ("2023年水平", "27万元/亩（正文）", "5/5")
    assert "镇海区 103万元/亩" in row["其他区"] and "瓯海区 53.13万元/亩" in row["其他区"]


def test_plan_without_baseline(shape_report):
    from helpers import report
    rep = shape_report("no_baseline")
    t = report.indicator_table(rep)
    assert set(t["基期值"]) == {"—"}
    assert rep.pledge_note == "方案未印基期值，无法按基期核验翻番或跃升幅度"
    g = rep.growth.set_index("indicator_id")
    assert (g.loc["tax_per_mu", "base_kind"], g.loc["tax_per_mu", "base_year"]) == ("first_target", 2023)
    assert g.loc["tax_per_mu", "implied_annual"] == pytest.approx((45 / 40) ** 0.5 - 1)
    # the cumulative land count still counts from 0 at the plan's base year 2020: 1000/5
    assert g.loc["low_efficiency_land_freed_cumulative", "change_per_year"] == pytest.approx(200)


def test_plan_with_targets_for_2023_only(shape_report):
    from helpers import report
    rep = shape_report("one_year")
    t = report.indicator_table(rep)
    assert [c for c in t.columns if c.endswith("年")] == ["2023年"]
    assert report.trajectory_figures(rep) == []
    assert "都只印了一个年份的数值，没有轨迹可画" in report.trajectory_note_html(rep)
    assert len(rep.fit) == 0 and "中期目标" not in report.headline_html(rep)
    st = report.standing_table(rep).set_index(["_indicator_id", "_statistic"])
    # 50 among 2023 亩均税收 103, 53.13, 46.8, 34.2 → third of five
    assert st.loc[("tax_per_mu", "level"), "排名"] == "3/5"
    assert report.check_end_year(rep.df, rep.slug, 2023) == 2023


def test_plan_ending_2027(shape_report):
    from helpers import report
    rep = shape_report("end_2027")
    t = report.indicator_table(rep)
    assert [c for c in t.columns if c.endswith("年")] == ["2025年", "2027年"]
    fit = rep.fit.set_index("indicator_id")
    # 30 (2022) → 35 (2025) → 40 (2027): path in 2025 = 30·(40/30)^(3/5)
    assert fit.loc["tax_per_mu", "path_value"] == pytest.approx(30 * (40 / 30) ** 0.6)
    assert report.check_end_year(rep.df, rep.slug, 2027) == 2027


def test_plan_with_a_single_value(shape_report):
    from helpers import report
    rep = shape_report("single_value")
    t = report.indicator_table(rep)
    assert len(t) == 1 and t["测算口径"].item() == "仅一个数值" and t["2025年"].item() == "60万元/亩"
    assert len(rep.growth) == 0 and report.steepest_growth(rep) is None
    assert "都只印了一个年份的数值" in report.trajectory_note_html(rep)
    st = report.standing_table(rep)
    # no growth rate to rank, but its 2025 level is compared: 117 (镇海), 60, 55 (北仑), 38.5 (鄞州)
    assert list(st["_statistic"]) == ["level"]
    assert (st["比较口径"].item(), st["排名"].item()) == ("2025年水平", "2/4")
    assert report.standing_figure(rep) is None and report.standing_level_figure(rep) is not None
    assert "无可核查项" in report.audit_html(rep)


def test_rows_without_category_or_agency(shape_report):
    from helpers import report
    rep = shape_report("no_category")
    t = report.indicator_table(rep)
    # a table label such as 表1 is scaffolding, not a category (issue 11): the rows go under 主要指标
    assert set(t["类别"]) == {"主要指标"} and set(t["牵头单位"]) == {"—"}
    assert set(report.chart_series(rep)["category"]) == {"主要指标"}


def test_no_plan_rows_is_a_clear_error(monkeypatch):
    from helpers import AnalysisError, report
    from helpers.districts import DISTRICTS
    d, _ = build_shape("single_value")
    monkeypatch.setitem(DISTRICTS, d.slug, d)
    with pytest.raises(AnalysisError, match="no indicator rows for 合成戊区"):
        report.prepare_report(d.slug, df=real_table())


def test_report_notebook_runs_on_a_prose_only_plan(tmp_path):
    """The whole report notebook through papermill on the SYNTHETIC prose-only plan: a copy of
    the notebook with one cell after the parameters that registers the district and hands
    prepare_report the table with its rows (the kernel cannot see the test's monkeypatch)."""
    import nbformat
    from helpers import runner
    from test_notebooks import problems
    d, rows = build_shape("prose_only")
    table = tmp_path / "table.pkl"
    with_real(rows).to_pickle(table)
    setup = (
        "# %%\n"
        "import functools, pandas as _pd\n"
        "from helpers import report as _report\n"
        "from helpers.districts import DISTRICTS as _D, District as _District\n"
        f"_D[{d.slug!r}] = _District(*{tuple(d.__dict__.values())!r})\n"
        f"_report.prepare_report = functools.partial(_report.prepare_report, "
        f"df=_pd.read_pickle({str(table)!r}))\n\n")
    text = runner.REPORT_NOTEBOOK.read_text(encoding="utf-8")
    params = text.index('tags=["parameters"]')
    cut = text.index("\n# %%", params) + 1  # the cell after the parameters
    nb_path = tmp_path / "district_report.py"
    nb_path.write_text(text[:cut] + setup + text[cut:], encoding="utf-8")
    runner.execute(nb_path, tmp_path / "out.ipynb", {"district": d.slug})
    nb = nbformat.read(tmp_path / "out.ipynb", as_version=4)
    assert problems(nb) == []
    page = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells
                   for o in c.get("outputs", []))
    assert "合成甲区" in page and "无可核查项" in page and "全部通过" not in page
    assert "正文所列指标" in page and "27万元/亩（正文）" in page


def test_text_copies_that_disagree_are_named_not_dropped(shape_report):
    from helpers import report
    rep = shape_report("text_disagrees")
    assert rep.series_ids == ["value_added_per_mu"] and list(rep.unusable) == ["tax_per_mu"]
    assert "printings disagree [30.0, 32.0]" in rep.unusable["tax_per_mu"]
    html = report.indicator_table_html(rep)
    assert "另有 1 项指标的各处数值不一致，未列入本表（见“文件核查”）：规上工业亩均税收。" in html
    found = rep.findings[rep.findings["status"] == "finding"]
    assert list(found["indicator_id"]) == ["tax_per_mu"]
    assert "正文重复印刷数值不同：2025年30/32" in report.audit_html(rep)


def test_a_base_without_target_is_named_not_fatal(shape_report):
    from helpers import report
    rep = shape_report("base_only_rows")
    # 亩均税收 35 → 45 is checked for doubling; 能耗 0.5 (2020) has no target and is named
    assert list(rep.doubling["indicator_id"]) == ["tax_per_mu"]
    assert rep.doubling["multiple"].item() == pytest.approx(45 / 35)
    headline = report.headline_html(rep)
    assert "另有 1 项指标印了基期值但无法核验翻番（无目标值或基期值不宜计算倍数）：规上工业万元增加值能耗" in headline
    t = report.indicator_table(rep).set_index("指标")
    assert t.loc["规上工业万元增加值能耗", "基期值"] == "0.5吨标准煤/万元（2020）"
    assert "只印了一个年份的数值" in report.trajectory_note_html(rep)


@pytest.mark.parametrize("shape", SHAPES)
def test_comparison_table_takes_every_shape(monkeypatch, shape):
    from helpers.compare import comparison_table, level_comparison
    from helpers.districts import DISTRICTS
    d, rows = build_shape(shape)
    monkeypatch.setitem(DISTRICTS, d.slug, d)
    w = comparison_table(with_real(rows))
    assert d.name in w.columns
    tax = level_comparison(with_real(rows), concepts=["tax_per_mu"])
    expected = {"prose_only": "27（正文）", "no_baseline": "40", "one_year": "50",
                "no_category": "40"}
    if shape in expected:  # its 2023 亩均税收 beside 北仑 46.8, 鄞州 34.2, 镇海 103, 瓯海 53.13
        row = w[(w.concept == "tax_per_mu") & (w.comparison == "2023年数值")]
        assert row[d.name].item() == expected[shape]
        assert (row["瓯海区"].item(), row["镇海区"].item()) == ("53.13", "103")
        assert set(tax["year"]) == {2023} and tax["n"].iloc[0] == 5
    # beside every registered district, too: the province's 2023 亩均税收 37 万元/亩
    # (http://zsjj.org/policyInfo.aspx?id=1674 二、实施目标 第1段 第1句, data/raw/zhejiang_entries.csv)
    every = comparison_table(with_real(rows, districts=None))
    assert d.name in every.columns
    if shape in expected:
        row = every[(every.concept == "tax_per_mu") & (every.comparison == "2023年数值")]
        assert row[d.name].item() == expected[shape] and row["浙江省"].item() == "37"
        assert (row["瓯海区"].item(), row["镇海区"].item()) == ("53.13", "103")
