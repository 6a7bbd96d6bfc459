"""Reports a leader can print: charts sized for A4, pages from templates, labels in one file,
JupyterLab opening the paired scripts as notebooks (the rendered PDFs are checked in
test_notebooks.py, where the report batch runs)."""
from __future__ import annotations

import json
import re

import pytest

from helpers import pages, plotting, report
from helpers.paths import ROOT


@pytest.fixture(scope="module")
def reports(indicators):
    return {slug: report.prepare_report(slug, df=indicators) for slug in ("beilun", "ouhai", "deqing")}


def _texts(fig):
    """Every visible text artist of a figure with its size in points."""
    from matplotlib.text import Text
    return [(t.get_text(), t.get_fontsize()) for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip()]


def test_report_charts_print_at_8pt_or_more_on_a4(reports):
    figs = []
    for rep in reports.values():
        figs += [fig for _, fig in report.trajectory_figures(rep)]
        figs += [c.figure for c in report.behind_charts(rep)]
        figs.append(getattr(report.pledge_chart(rep), "figure", None))
        figs += [c.figure for c in report.standing_charts(rep)]
    figs = [f for f in figs if f is not None]
    assert len(figs) >= 4
    # 北仑's levels at a common year (8 panels of up to 10 bars) are cut into two page-high charts
    levels = [c for c in report.standing_charts(reports["beilun"]) if "同年水平" in c.title]
    assert len(levels) == 2 and "规上工业亩均税收" in levels[0].alt and "上市企业" in levels[1].alt
    for fig in figs:
        # shown at its own width (figure_html), so the point sizes are the printed sizes
        assert fig.get_figwidth() <= plotting.PRINT_WIDTH_IN, fig.get_figwidth()
        # and fits an A4 page's text height (297 − 38 mm margins ≈ 10.2 in) with a heading above
        assert fig.get_figheight() <= plotting.PRINT_HEIGHT_IN == 9.0, fig.get_figheight()
        small = [(t, s) for t, s in _texts(fig) if s < 8]
        assert small == [], small[:5]


def test_figure_html_sets_the_physical_width_and_alt_text(reports):
    title, fig = report.trajectory_figures(reports["ouhai"])[0]
    tag = plotting.figure_html(fig)
    width = float(re.search(r"width:([0-9.]+)in", tag).group(1))
    assert width == pytest.approx(fig.get_figwidth(), abs=0.01)
    assert 'alt="瓯海区' in tag


def test_labels_live_in_one_file():
    raw = (ROOT / "src" / "helpers" / "labels" / "zh.toml").read_text(encoding="utf-8")
    assert 'high = "高"' in raw and 'geometric = "复合增速"' in raw
    assert report.SEVERITY_ZH == pages.label_table("severity")
    assert plotting.LEGEND_ZH["fit"] == "里程碑拟合"
    with pytest.raises(Exception, match=r"zh.toml has no \[nonsense\] table"):
        pages.label_table("nonsense")


def test_report_css_comes_from_the_stylesheet_file():
    css = (ROOT / "src" / "helpers" / "templates" / "report.css").read_text(encoding="utf-8")
    assert report.REPORT_CSS == "<style>\n" + css + "\n</style>"
    src = (ROOT / "src" / "helpers" / "report.py").read_text(encoding="utf-8")
    assert not re.search(r"\{\s*[a-z-]+\s*:\s*[^;{}]+;", src)  # no CSS rule left in Python
    assert "<td" not in src and "<li>" not in src  # table and list markup are in templates


def test_page_stylesheet_is_a4_with_running_heads_and_kept_headings():
    css = pages.stylesheet("page.css")
    assert "size: A4 portrait" in css and "counter(page)" in css and "counter(pages)" in css
    assert "string(doctitle)" in css and "string(plan)" in css
    assert re.search(r"h2, h3[^{]*\{ break-after: avoid", css)
    assert "display: table-header-group" in css  # table headers repeat on every page


def test_templates_escape_text():
    t = report.html_table(__import__("pandas").DataFrame({"指标": ["<i>x</i>"]}), caption="<b>")
    assert "&lt;i&gt;x&lt;/i&gt;" in t and "<caption>&lt;b&gt;</caption>" in t
    assert report.note_html("a < b") == '<p class="kit-note">a &lt; b</p>'


def test_jupyterlab_opens_py_notebooks_as_notebooks():
    settings = json.loads((ROOT / "jupyterlab" / "overrides.json").read_text(encoding="utf-8"))
    viewers = settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"]
    assert viewers["python"] == "Jupytext Notebook"
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "share/jupyter/lab/settings/overrides.json" in make
    assert re.search(r"^lab:.*\$\(LAB_SETTINGS\)\n\t.*jupyter lab notebooks/.*--allow-root", make, re.M)


# --------------------------------------------------------------------------- as printed

def _narr(indicators, slug, indicator_id):
    from helpers.series import is_narrative
    rows = indicators[(indicators["district"] == slug) & is_narrative(indicators)
                      & (indicators["indicator_id"] == indicator_id)]
    assert len(rows) >= 1, indicator_id
    return rows.iloc[0]


def test_printed_values_keep_their_qualifiers(indicators):
    # Beilun 二、行动目标: "…企业数累计达到50家以上"
    assert report.printed_value(_narr(indicators, "beilun", "little_giants_and_champions_national")) == "50家以上"
    # Beilun (一): "五年累计实施清洁生产企业不少于 60 家"
    row = indicators[(indicators["district"] == "beilun") & indicators["quote"].str.contains("不少于 60 家")].iloc[0]
    assert report.printed_value(row) == "不少于60 家"
    # a value printed without qualifier stays as printed: Yinzhou "区本级规上工业总产值（3200亿元）"
    assert report.printed_value(_narr(indicators, "yinzhou", "industrial_output_above_scale")) == "3200亿元"


def test_labels_are_cleaned_of_table_numbers_marks_and_dashes():
    assert report.clean_label("*区经信局、区发改局") == ("区经信局、区发改局", "*")
    assert report.clean_label("表1") == ("", "表1")
    assert report.clean_label("——规模质量能级跃升") == ("规模质量能级跃升", "——")
    assert report.clean_label("“浙江制造”标准") == ("“浙江制造”标准", "")  # quotes belong to the text
    assert report.clean_label(None) == ("", "")


def test_tables_show_categories_and_agencies_as_printed_without_scaffolding(indicators):
    zh = report.indicator_table(report.prepare_report("zhenhai", df=indicators))
    assert "表1" not in set(zh["类别"]) and "主要指标" in set(zh["类别"])
    oh_rep = report.prepare_report("ouhai", df=indicators)
    oh = report.indicator_table(oh_rep)
    assert not oh["牵头单位"].str.startswith("*").any()
    # Ouhai task list line 24 prints "*区经信局、区发改局"; the reading is stated in the notes
    assert "区经信局、区发改局" in set(oh["牵头单位"])
    notes = report.cleaning_notes(oh_rep)
    assert any("“*”" in n and "牵头单位" in n for n in notes)
    zh_notes = report.cleaning_notes(report.prepare_report("zhenhai", df=indicators))
    # 表1: 增加值率 23.3/24.5/25, 亩均税收 83.7/103/117, two growth rates -/7/7 → 3+3+2+2 = 10
    assert any(n.startswith("表1的 10 个数值原文未印类别") for n in zh_notes), zh_notes


def test_names_are_the_districts_own_printing_with_qualifiers(reports):
    name = reports["beilun"].name_of("carbon_accounts_cumulative").replace(" ", "")
    assert name == "累计完成年耗5000吨标煤以上企业碳账户建设"  # not the catalogue's shorter name


def test_narrative_targets_are_listed_with_their_agreement(indicators):
    rep = report.prepare_report("yinzhou", df=indicators)
    t = report.narrative_table(rep)
    assert len(t) == len(report.narrative_rows(rep)) == 86  # every 正文 value of Yinzhou
    row = t[t["指标"] == "区本级规上工业总产值"].iloc[0]  # the headline 3200亿元 by 2027
    assert row["数值"] == "3200亿元" and row["年份"] == "2027年目标" and "仅见于正文" in row["与表格"]
    assert "到2027年，区本级规上工业总产值（3200亿元）" in row["原文"]
    agree = t[t["指标"] == "全部工业增加值"].iloc[0]  # 790亿元 in 附件1 too
    assert "与表格一致" in agree["与表格"]
    html = report.narrative_html(rep)
    assert "正文共印 86 个数值" in html


def test_counts_per_year_read_as_people_write_them(indicators):
    assert report.per_years_text(1 / 3, "个") == "约每3年1个"
    assert report.per_years_text(2 / 3, "家") == "约每3年2家"
    assert report.per_years_text(1.67, "项") == "" and report.per_years_text(0.37, "项") == ""
    t = report.indicator_table(report.prepare_report("ouhai", df=indicators)).set_index("指标")
    # Ouhai: one 100亿元以上 project by 2023, counted from 0 at 2020 → 1/3 a year
    assert t.loc["100亿元以上重大制造业项目", "隐含年均变化"] == "约每3年1个"
    assert t.loc["100亿元以上重大制造业项目", "测算期间"] == "2020–2023（自0起）"


def test_printed_rate_targets_show_the_printed_rate_first(indicators):
    t = report.indicator_table(report.prepare_report("yinzhou", df=indicators)).set_index("指标")
    row = t.loc["规上工业增加值年均增速"]
    # 附件1: 2023 5.5 %, 2025 10 %, 2027 10 %; compounded (1.055 × 1.1⁴)^(1/5) − 1 = 9.08 %
    assert row["隐含年均变化"] == "2023年5.5%，2025、2027年10%"
    assert row["测算期间"] == "复合年均 9.08%/年，2023–2027"
    oh = report.indicator_table(report.prepare_report("ouhai", df=indicators)).set_index("指标")
    assert oh.loc["制造业（含技改）投资增长", "隐含年均变化"] == "12%/年"


def test_amount_axes_start_at_zero(reports):
    chart = report.trajectory_charts(reports["beilun"])[0]
    for ax in chart.figure.axes:
        if ax.get_visible() and ax.has_data():
            assert ax.get_ylim()[0] <= 0


def test_pledge_chart_only_where_the_plan_pledges(reports, indicators):
    c = report.pledge_chart(reports["beilun"])
    assert c is not None and "3.12" in c.alt  # 16 → 50 家 = 3.125×, like for like
    assert report.pledge_chart(reports["ouhai"]) is None


def test_data_notes_name_sources_drafted_and_entered_rows(indicators):
    from helpers.parsing.curated import DRAFTED_NOTE, is_drafted
    from helpers.parsing.entries import is_entry
    # drafted rows as the build writes them from a curated file with review = drafted: the
    # note gains "drafted: not yet reviewed"; here Beilun's two 正文 亩均税收 rows
    df = indicators.copy()
    drafted = df.index[(df["district"] == "beilun") & (df["indicator_id"] == "tax_per_mu")
                       & (df["section"] == "正文")]
    assert len(drafted) == 2
    df.loc[drafted, "note"] = ["; ".join(x for x in (n, DRAFTED_NOTE) if x)
                               for n in df.loc[drafted, "note"]]
    assert list(df.index[is_drafted(df)]) == list(drafted)
    rep = report.prepare_report("beilun", df=df)
    notes = dict(report.data_notes(rep, "abc123"))
    assert notes["方案"].startswith("北仑区新一轮制造业")
    assert notes["待复核"] == "2 个数值由程序从正文起草、尚未人工复核：规上工业亩均税收"
    assert "网页录入" not in notes  # Beilun's values are all read from its documents
    assert notes["数据版本"].startswith("abc123")
    html = report.data_notes_html(rep, "abc123")
    assert "<dt>待复核</dt>" in html
    # entered rows are the build's own (section 网页录入) from data/raw/<slug>_entries.csv: one
    # note per source page with title, 文号, date and URL. 建德市: 11 rows, all from
    # http://www.jiande.gov.cn/art/2022/6/8/art_1229641569_59115914.html (official, 建政函〔2022〕19号,
    # 2022-01-30); 浙江省: 14 rows from the repost http://zsjj.org/policyInfo.aspx?id=1674 (no 文号, no date)
    jiande = "http://www.jiande.gov.cn/art/2022/6/8/art_1229641569_59115914.html"
    province = "http://zsjj.org/policyInfo.aspx?id=1674"
    for slug, n, url, source in [
            ("jiande", 11, jiande, "建德市新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动实施方案"
                                   f"（建政函〔2022〕19号，2022-01-30），{jiande}"),
            ("zhejiang", 14, province, "浙江省新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案(2021—2023年)，"
                                       f"{province}（转载页）")]:
        plan = indicators[indicators["district"] == slug]
        assert is_entry(plan).sum() == n == len(plan)
        rep = report.prepare_report(slug, df=indicators)
        pairs = report.data_notes(rep, "abc123")
        notes = dict(pairs)
        assert [t for t, _ in pairs].count("网页录入") == 1
        assert notes["网页录入"] == f"{n} 个数值据原文录入，未与原文逐字核对：{source}"
        assert notes["来源"] == f"{slug}_entries.csv：{n} 个数值（网页录入），每个数值附来源网页及其位置"
        assert "待复核" not in notes
        assert url in report.data_notes_html(rep, "abc123")
    # the table as built has neither note for Beilun
    plain = dict(report.data_notes(report.prepare_report("beilun", df=indicators), "v"))
    assert "待复核" not in plain and "网页录入" not in plain