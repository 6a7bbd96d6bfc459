"""Fonts, charts and the report's building blocks (no kernel; fast).

Numbers are checked against the plan documents, computed by hand in the comments.
"""
from __future__ import annotations

import re
import warnings

import matplotlib
import pandas as pd
import pytest

from helpers import AnalysisError, UnknownDistrictError
from helpers import fonts, plotting, report
from helpers.compare import compare_districts

FIXTURE = "tests/fixtures/actuals_synthetic.csv"


@pytest.fixture(scope="module")
def beilun(indicators):
    from helpers.paths import ROOT
    return report.prepare_report("beilun", df=indicators, actuals_path=ROOT / FIXTURE)


@pytest.fixture(scope="module")
def beilun_no_actuals(indicators, tmp_path_factory):
    empty = tmp_path_factory.mktemp("act") / "actuals.csv"
    from helpers.actuals import ACTUALS_COLUMNS
    empty.write_text(",".join(ACTUALS_COLUMNS) + "\n", encoding="utf-8")
    return report.prepare_report("beilun", df=indicators, actuals_path=empty)


def glyph_warnings(record) -> list[str]:
    return [str(w.message) for w in record if "Glyph" in str(w.message)]


# --------------------------------------------------------------------------- fonts

def test_cjk_font_comes_from_the_mplfonts_package():
    path = fonts.cjk_font_path()
    assert path.name == "NotoSansCJKsc-Regular.otf"
    assert "mplfonts" in path.parts


def test_setup_cjk_is_idempotent_and_survives_seaborn():
    from matplotlib import font_manager
    fonts.setup_cjk()
    n = len(font_manager.fontManager.ttflist)
    import seaborn as sns
    sns.set_theme(style="whitegrid")  # resets font.sans-serif to Arial, DejaVu Sans, …
    assert matplotlib.rcParams["font.sans-serif"][0] != fonts.FONT_FAMILY
    assert fonts.setup_cjk() == fonts.FONT_FAMILY
    assert len(font_manager.fontManager.ttflist) == n  # not registered twice
    assert matplotlib.rcParams["font.sans-serif"][:2] == ["Noto Sans CJK SC", "DejaVu Sans"]
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    matplotlib.rcdefaults()
    fonts.setup_cjk()


def _draw_chinese(family: list[str]) -> list[str]:
    from matplotlib.figure import Figure
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.set_title("规上工业亩均税收（万元/亩）−3")
    with matplotlib.rc_context({"font.sans-serif": family, "font.family": ["sans-serif"]}):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            plotting.figure_png(fig)
    return glyph_warnings(record)


def test_chinese_renders_without_glyph_warnings_only_with_the_cjk_font():
    fonts.setup_cjk()
    assert _draw_chinese(["Noto Sans CJK SC", "DejaVu Sans"]) == []
    # the check can fail: DejaVu Sans alone lacks the Chinese glyphs
    assert any("missing from font" in w for w in _draw_chinese(["DejaVu Sans"]))


def test_font_subset_covers_the_page_and_is_small():
    from io import BytesIO

    from fontTools.ttLib import TTFont
    data = fonts.font_subset("北仑区亩均税收 38.4万元/亩")
    cmap = TTFont(BytesIO(data)).getBestCmap()
    assert {ord(c) for c in "北仑区亩均税收万元"} <= set(cmap)
    assert ord("A") in cmap and ord("龘") not in cmap
    assert len(data) < 200_000 < fonts.cjk_font_path().stat().st_size


def test_embed_web_font_inserts_a_font_face_before_head_end():
    page = fonts.embed_web_font("<html><head><title>t</title></head><body>鄞州区</body></html>")
    assert page.index("@font-face") < page.index("</head>")
    assert "data:font/otf;base64," in page
    with pytest.raises(fonts.KitError):
        fonts.embed_web_font("<p>no head</p>")


# --------------------------------------------------------------------------- formatting

@pytest.mark.parametrize("value, unit, text", [
    (200.0, "亿元", "200亿元"), (16.0, "%", "16%"), (50.97, "万人", "50.97万人"),
    (1290.8, "亿元", "1,290.8亿元"), (121.54, "指数", "121.54"), (float("nan"), "家", "—"),
    (None, "家", "—"), (-0.4, "%", "-0.4%"),
    # printed digits are kept: Ouhai "腾出用能0.849万吨标准煤"; an intensity actual 0.546
    (0.849, "万吨标准煤", "0.849万吨标准煤"), (0.546, "吨标准煤/万元", "0.546吨标准煤/万元"),
])
def test_format_value(value, unit, text):
    assert report.format_value(value, unit) == text


def test_implied_change_text_per_rule():
    # 亩均税收 38.4 → 55 万元/亩, 2020–2025: (55/38.4)^(1/5) − 1 = 0.07450 → +7.45%/年
    assert report.implied_change_text("geometric", (55 / 38.4) ** 0.2 - 1, None, "万元/亩") == "+7.45%/年"
    # 能耗累计降低 16% over 5 years: 1 − 0.84^(1/5) = 0.03427 → 年均降3.43%
    assert report.implied_change_text("reduction", 1 - 0.84 ** 0.2, None, "%") == "年均降3.43%"
    # 累计新增数字化车间 35家 by 2025 from 0 at end-2020: 35/5 = 7 → +7家/年
    assert report.implied_change_text("linear", None, 7.0, "家") == "+7家/年"
    # 品字标 5+5+6+6+6 = 28 over 5 years → 年均5.6家
    assert report.implied_change_text("flow", None, 5.6, "家") == "年均5.6家"
    # 数字经济占GDP比重 8% (2021) → 16% (2025): 8/4 = 2 points a year
    assert report.implied_change_text("percentage_points", None, 2.0, "%") == "+2个百分点/年"
    assert report.implied_change_text("stated_rate", 0.12, None, "%") == "12%/年"
    with pytest.raises(AnalysisError):
        report.implied_change_text("astrology", 0.1, 0.1, "%")


def test_wrap_label_keeps_words_and_brackets_together():
    assert plotting.wrap_label("数字经济核心产业增加值占GDP比重（%）", 14) == "数字经济核心产业增加值占GDP\n比重（%）"
    assert plotting.wrap_label("区级以上人才计划累计数量（个）", 14) == "区级以上人才计划累计数量\n（个）"
    assert all(not line.startswith("）") for line in
               plotting.wrap_label("企业主导参与国际、国家、行业和“浙江制造”标准等制（修）订（项）", 8).split("\n"))


def test_html_table_escapes_hides_index_and_groups():
    df = pd.DataFrame({"类别": ["甲", "甲", "乙"], "指标": ["<b>x</b>", "y", "z"], "值": ["1家", "2家", "—"],
                       "状态": [report.badge("无数据", "st-no_data")] * 3}, index=[7, 8, 9])
    html = report.html_table(df, group="类别", numeric=["值"], raw=["状态"])
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert html.count('class="group"') == 2 and ">7<" not in html
    assert '<span class="badge st-no_data">无数据</span>' in html
    assert "<th>类别</th>" not in html


# --------------------------------------------------------------------------- charts

def _series(iid="tax_per_mu"):
    # Beilun 附件1: 规上工业亩均税收 2020 base 38.4, targets 2021–2025 … 55 万元/亩
    return pd.DataFrame({"indicator_id": iid, "label": "规上工业亩均税收", "unit": "万元/亩",
                         "year": [2020, 2023, 2025], "value": [38.4, 46.8, 55.0],
                         "role": ["baseline", "target", "target"]})


def test_trajectory_grid_draws_base_targets_fit_and_actuals():
    fits = pd.DataFrame({"indicator_id": "tax_per_mu", "year": [2020, 2025], "value": [38.4, 55.0]})
    acts = pd.DataFrame({"indicator_id": "tax_per_mu", "year": [2023], "value": [45.0]})
    fig = plotting.trajectory_grid(_series(), fits=fits, actuals=acts, notes={"tax_per_mu": "2023年目标滞后"})
    ax = fig.axes[0]
    markers = {line.get_marker(): list(line.get_ydata()) for line in ax.get_lines()}
    assert markers["s"] == [38.4] and markers["D"] == [45.0] and markers["o"] == [46.8, 55.0]
    assert any(line.get_linestyle() == "--" for line in ax.get_lines())
    texts = [t.get_text() for t in ax.texts]
    assert "55万元/亩" in texts and "38.4万元/亩" in texts and "2023年目标滞后" in texts
    assert ax.get_title(loc="left").endswith("（万元/亩）")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["基期值", "目标值", "里程碑拟合", "实际值"]
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        png = plotting.figure_png(fig)
    assert png.startswith(b"\x89PNG") and glyph_warnings(record) == []


def test_chart_functions_refuse_empty_or_malformed_input():
    with pytest.raises(AnalysisError):
        plotting.trajectory_grid(_series().iloc[0:0])
    with pytest.raises(AnalysisError, match="lacks columns"):
        plotting.trajectory_grid(_series().drop(columns="role"))
    with pytest.raises(AnalysisError):
        plotting.ranking_chart(pd.DataFrame({"v": [], "l": [], "g": []}), value="v", label="l", group="g")


def test_ranking_chart_highlights_the_district():
    df = pd.DataFrame({"g": "亩均税收", "l": ["北仑区", "鄞州区"], "v": [7.45, 5.99]})
    fig = plotting.ranking_chart(df, value="v", label="l", group="g", highlight="北仑区")
    bars = fig.axes[0].patches
    colours = {b.get_width(): matplotlib.colors.to_hex(b.get_facecolor()) for b in bars}
    assert colours[7.45] == plotting.COLOURS["highlight"].lower()
    assert colours[5.99] == plotting.COLOURS["other"].lower()


def test_ranking_chart_labels_each_bar_once():
    # A numeric tick locator on the category axis once put ticks between bars and repeated labels.
    df = pd.DataFrame({"g": "小巨人", "l": ["北仑区\n2021–2025", "鄞州区\n2022–2027"], "v": [18.9, 16.8]})
    fig = plotting.ranking_chart(df, value="v", label="l", group="g")
    fig.canvas.draw()
    assert plotting.bar_names(fig.axes[0]) == ["鄞州区\n2022–2027", "北仑区\n2021–2025"]
    assert list(fig.axes[0].get_yticks()) == []  # names beside the bars, no category ticks
    assert [round(b.get_y() + b.get_height() / 2, 6) for b in fig.axes[0].patches] == [0, 1]


# --------------------------------------------------------------------------- report pieces

def test_unknown_district_and_bad_end_year_are_refused(indicators):
    with pytest.raises(UnknownDistrictError, match="beilun"):
        report.prepare_report("atlantis", df=indicators)
    with pytest.raises(AnalysisError, match="2021, 2022, 2023, 2024, 2025"):
        report.prepare_report("beilun", df=indicators, end_year=2030)


def test_indicator_table_row_for_tax_per_mu(beilun):
    t = report.indicator_table(beilun).set_index("指标")
    row = t.loc["规上工业亩均税收"]
    # Beilun: 2020 base 38.4, 2025 target 55 万元/亩 → +7.45%/年 (see above)
    assert row["基期值"] == "38.4万元/亩（2020）"
    assert row["2025年"] == "55万元/亩"
    assert row["隐含年均变化"] == "+7.45%/年" and row["测算口径"] == "复合增速"
    # synthetic actual 45 (2023): CAGR (45/38.4)^(1/3) − 1 = 5.43 %, ratio 5.43/7.45 = 0.73 → 需加快
    assert "需加快" in row["进展状态"]
    assert list(report.indicator_table(beilun).columns) == [
        "类别", "指标", "基期值", "2021年", "2022年", "2023年", "2024年", "2025年",
        "隐含年均变化", "测算期间", "测算口径", "进展状态", "牵头单位"]
    # every printed number carries its unit (or is an index); blanks are an explicit dash
    assert all(v == "—" or re.fullmatch(r"[-\d,.]+\D+", v) for v in t["2025年"])


def test_headline_facts_for_beilun(beilun, beilun_no_actuals):
    facts = "\n".join(report.headline_facts(beilun))
    # steepest: 专精特新“小巨人”与单项冠军 16家 (2020) → 50家 (2025): (50/16)^(1/5) − 1 = 25.59 %
    assert "16家（2020）→ 50家（2025），年均 +25.59%" in facts
    # 五跃升: slowest 能耗 1/0.84^(1/5) − 1 = 3.55 %, fastest the stated 12 % loan growth,
    # all below the doubling pace 2^(1/5) − 1 = 14.87 %
    assert "五跃升（5 项）：隐含年均增速 3.55%–12%，均低于翻番所需的 14.87%/年" in facts
    assert "四倍增（4 项）" in facts
    assert "倒退 1" in facts  # synthetic 制造业贷款增速 −2 % against a 12 % target
    assert "实际进展：无实际数据" in "\n".join(report.headline_facts(beilun_no_actuals))


def test_progress_table_names_the_source_of_every_actual(beilun):
    t = report.progress_table(beilun).set_index("指标")
    assert len(t) and t["实际值来源"].str.contains("SYNTHETIC TEST FIXTURE").all()
    assert t.loc["规上工业亩均税收", "最新实际"] == "45万元/亩（2023）"
    assert t.loc["规上工业亩均税收", "实际/所需"] == "0.73"


def test_standing_ranks_beilun_first_on_tax_per_mu(beilun, four):
    # ranks computed by hand among the four documented plans: their report, on their table
    from helpers.paths import ROOT
    st = report.standing_table(report.prepare_report("beilun", df=four,
                                                     actuals_path=ROOT / FIXTURE))
    rates = st[st["_statistic"] != "level"].set_index("指标")
    row = rates.loc["规上工业亩均税收"]
    # Beilun +7.45 %/yr vs Yinzhou 32.3 → 43.2 (2022–2027): (43.2/32.3)^(1/5) − 1 = 5.99 %
    assert row["本区"] == "+7.45%/年（2020–2025）" and row["_rank"] == 1
    assert "鄞州区 +5.99%/年（2022–2027）" in row["其他区"]
    # as a 2023 level it ranks third: 镇海 103, 瓯海 53.13, 北仑 46.8, 鄞州 34.2
    level = st[st["_statistic"] == "level"].set_index("指标").loc["规上工业亩均税收"]
    assert (level["比较口径"], level["本区"], level["排名"]) == ("2023年水平", "46.8万元/亩", "3/4")
    # on the whole table the province's plan stands beside it: 亩均税收 37万元 by 2023,
    # http://zsjj.org/policyInfo.aspx?id=1674 二、实施目标 第1段 第1句 (data/raw/zhejiang_entries.csv)
    every = report.standing_table(beilun)
    level = every[every["_statistic"] == "level"].set_index("指标").loc["规上工业亩均税收"]
    assert (level["比较口径"], level["本区"]) == ("2023年水平", "46.8万元/亩")
    assert "浙江省 37万元/亩" in level["其他区"].split("；")
    assert "镇海区 103万元/亩" in level["其他区"].split("；")
    others = [float(re.search(r" (\d+(?:\.\d+)?)万元/亩", o).group(1))
              for o in level["其他区"].split("；")]
    assert level["排名"] == f"{1 + sum(v > 46.8 for v in others)}/{len(others) + 1}"


def test_trajectory_figures_show_actual_points(beilun):
    figs = report.trajectory_figures(beilun)
    assert figs and all(t.startswith("北仑区 · ") for t, _ in figs)
    diamonds = [list(line.get_ydata()) for _, fig in figs for ax in fig.axes
                for line in ax.get_lines() if line.get_marker() == "D"]
    assert [45.0] in diamonds  # the synthetic 亩均税收 actual
    assert report.trajectory_note_html(beilun).count("规模以上工业万元增加值能耗降低率") == 1  # a base only, named as printed


def test_chart_groups_pack_small_categories():
    counts = {"a": 16, "b": 3, "c": 4, "d": 9, "e": 1}
    assert report.chart_groups(list(counts), counts, 12) == [["a"], ["b", "c"], ["d", "e"]]


def test_fit_notes_and_paths_for_tax_per_mu(beilun):
    # 亩均税收 38.4 → 55 (2020–2025): smooth path in 2023 = 38.4·(55/38.4)^(3/5) = 47.64;
    # the printed 2023 target 46.8 is below it by more than 5 % of the planned change → 滞后
    assert report.fit_notes(beilun)["tax_per_mu"] == "2023滞后"
    path = report.fit_paths(beilun)
    p2023 = path[(path["indicator_id"] == "tax_per_mu") & (path["year"] == 2023)]["value"].iloc[0]
    assert p2023 == pytest.approx(38.4 * (55 / 38.4) ** 0.6, abs=1e-9)
    assert round(p2023, 2) == 47.64


def test_zhenhai_table_in_document_order_with_its_own_names(indicators):
    t = report.indicator_table(report.prepare_report("zhenhai", df=indicators))
    # 表1 first, then 表2's seven actions in the order printed (一、… 七、)
    assert t["指标"].iloc[0] == "规上工业增加值率"
    actions = [c for c in dict.fromkeys(t["类别"]) if c[0] in "一二三四五六七"]
    assert [a[0] for a in actions] == list("一二三四五六七")
    # Shared indicators keep Zhenhai's wording: "高新技术企业(家)420583", "腾出用地(亩)[4000][5000]",
    # "“品字标”品牌企业(家)3550" — not Yinzhou's "累计培育“品字标”品牌企业"
    names = set(t["指标"])
    assert {"腾出用地", "高新技术企业", "“品字标”品牌企业"} <= names
    assert not names & {"累计培育“品字标”品牌企业", "累计“浙江制造”等省级以上标准"}


def test_standing_counts_a_share_once(indicators):
    # 研发费用占营业收入比重 (Yinzhou 2.88 → 3.45 %, Ouhai 2.7 → 2.85 %) is compared in
    # percentage points only; its relative growth must not make it a second 共同指标.
    for slug in ("yinzhou", "ouhai"):
        st = report.standing_table(report.prepare_report(slug, df=indicators))
        st = st[st["_statistic"] != "level"]  # a level at a common year is a separate row
        assert st["_indicator_id"].is_unique
        assert list(st.loc[st["_indicator_id"] == "rd_share_of_revenue", "_statistic"]) == ["pp_per_year"]
    # …and the growth-rate bars (03_compare, reports) never draw a share's relative growth as a rate
    tidy = compare_districts(indicators)
    assert "rd_share_of_revenue" not in set(report.shared_rates(tidy)["indicator_id"])


def test_one_year_base_of_a_cumulative_series_is_labelled(indicators):
    # 附件1 "累计新增高技术制造业投资 22.6亿 … 180 亿": 22.6 is 2020's own investment, not a
    # cumulative start; the table says so and the implied change counts from 0 (180/5 = 36/年)
    t = report.indicator_table(report.prepare_report("beilun", df=indicators)).set_index("指标")
    row = t.loc["累计新增高技术制造业投资"]
    assert row["基期值"] == "22.6亿元（2020年单年值）" and row["隐含年均变化"] == "+36亿元/年"


# --------------------------------------------------------------------------- literal text (no mathtext)

MATH_NAMES = ["规上工业产值$10^2$亿元", "a$b", r"比重$\alpha_1$与$x_{2}$", r"分数$\frac{1$"]


def drawn(text_artist) -> str:
    """The string matplotlib draws for a Text artist, failing if it would set it as mathtext."""
    s, ismath = text_artist._preprocess_math(text_artist.get_text())
    assert ismath is False, f"{text_artist.get_text()!r} would be drawn as mathtext"
    return s


def all_drawn_texts(fig) -> list[str]:
    from matplotlib.text import Text
    # line breaks that wrap_label inserts to fit a panel are not part of the name
    return [drawn(t).replace("\n", "") for t in fig.findobj(Text) if t.get_text()]


def test_mathtext_would_garble_or_fail_these_names():
    # the witness: without escaping, matplotlib sets $10^2$ as 10² and cannot draw \frac{1
    from matplotlib import cbook
    from matplotlib.figure import Figure
    assert cbook.is_math_text(MATH_NAMES[0]) and cbook.is_math_text(MATH_NAMES[2])
    import io
    fig = Figure()
    fig.subplots().set_title(MATH_NAMES[3])
    with pytest.raises(ValueError):
        fig.savefig(io.BytesIO(), format="png")  # plain matplotlib: the whole figure fails


def test_literal_escapes_every_dollar_and_nothing_else():
    assert plotting.literal("亩均税收") == "亩均税收"
    assert plotting.literal("$10^2$") == r"\$10^2\$"
    assert plotting.literal(r"a\$b") == r"a\\$b"  # a printed backslash before $ stays
    for name in [*MATH_NAMES, r"a\$b", "$$", "x^2_y"]:
        assert plotting.unescape(plotting.literal(name)) == name


def test_trajectory_chart_shows_names_with_dollar_signs_literally():
    series = pd.concat([_series().assign(label=name, indicator_id=f"i{k}")
                        for k, name in enumerate(MATH_NAMES)], ignore_index=True)
    notes = {"i0": "$2023$年目标滞后", "i1": "注$x^2$"}
    acts = pd.DataFrame({"indicator_id": "i0", "year": [2023], "value": [45.0]})
    fig = plotting.trajectory_grid(series, actuals=acts, notes=notes, title="北仑区 · $10^2$ 指标")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning of any kind, and no exception
        png = plotting.figure_png(fig)
    assert png.startswith(b"\x89PNG")
    texts = all_drawn_texts(fig)  # after the draw: titles, ticks, annotations, notes, legend
    assert "规上工业产值$10^2$亿元（万元/亩）" in texts
    assert "a$b（万元/亩）" in texts
    assert any(t.startswith("比重$\\alpha_1$与") for t in texts)
    assert any(t.startswith("分数$\\frac{1$") for t in texts)
    assert "$2023$年目标滞后" in texts and "注$x^2$" in texts
    assert "北仑区 · $10^2$ 指标" in texts and "55万元/亩" in texts and "基期值" in texts
    assert 'alt="北仑区 · $10^2$ 指标"' in plotting.figure_html(fig)


def test_ranking_chart_shows_names_with_dollar_signs_literally():
    df = pd.DataFrame({"g": "$10^2$组", "l": ["a$b", "北仑区$10^2$", r"镇海$\beta$区"],
                       "v": [1.0, 2.0, 3.0]})
    fig = plotting.ranking_chart(df, value="v", label="l", group="g", highlight="a$b",
                                 value_format="{:.1f}$", xlabel="年均$增速$", title="$x_1$图")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plotting.figure_png(fig)
    assert plotting.bar_names(fig.axes[0]) == ["a$b", "北仑区$10^2$", r"镇海$\beta$区"]
    texts = all_drawn_texts(fig)
    for text in ("$10^2$组", "年均$增速$", "$x_1$图", "1.0$", "3.0$"):
        assert text in texts, text
    colours = {b.get_width(): matplotlib.colors.to_hex(b.get_facecolor()) for b in fig.axes[0].patches}
    assert colours[1.0] == plotting.COLOURS["highlight"].lower()  # highlight matched the raw name


def test_figure_png_escapes_text_set_outside_the_chart_functions():
    from matplotlib.figure import Figure
    fig = Figure()
    ax = fig.subplots()
    ax.set_title("产值$10^2$")
    ax.annotate(r"分数$\frac{1$", (0.5, 0.5))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plotting.figure_png(fig)
    assert ax.get_title() and drawn(ax.title) == "产值$10^2$"
    assert drawn(ax.texts[0]) == r"分数$\frac{1$"


def test_report_charts_show_a_printed_name_with_dollar_signs_literally(indicators):
    df = indicators.copy()
    mask = (df["district"] == "beilun") & (df["indicator_id"] == "tax_per_mu")
    df.loc[mask, "indicator"] = "规上工业亩均税收$10^2$"
    rep = report.prepare_report("beilun", df=df)
    figs = [fig for _, fig in report.trajectory_figures(rep)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fig in figs:
            plotting.figure_png(fig)
    texts = [t for fig in figs for t in all_drawn_texts(fig)]
    assert rep.name_of("tax_per_mu") == "规上工业亩均税收$10^2$"  # charts use the printed name
    assert any(t.startswith("规上工业亩均税收$10^2$") for t in texts)


def test_ranking_pages_cut_a_tall_chart_into_page_high_figures():
    """SYNTHETIC: 9 indicators × 11 districts in two columns would be about 5 × 4.1 in tall;
    cut into figures of whole rows, none taller than a printed page, every panel once, in order."""
    import matplotlib.pyplot as plt
    import pandas as pd
    from helpers import plotting
    frame = pd.DataFrame([{"group": f"指标{g}", "label": f"合成区{k}", "value": float(k)}
                          for g in range(9) for k in range(11)])
    pages = plotting.ranking_pages(frame, value="value", label="label", group="group")
    assert [names for _, names in pages] == [[f"指标{g}" for g in range(i, min(i + 4, 9))]
                                             for i in (0, 4, 8)]
    assert all(fig.get_figheight() <= plotting.PRINT_HEIGHT_IN for fig, _ in pages)
    # what fits on a page stays one figure, the one ranking_chart draws
    (fig, names), = plotting.ranking_pages(frame[frame["group"] == "指标0"], value="value",
                                          label="label", group="group")
    one = plotting.ranking_chart(frame[frame["group"] == "指标0"], value="value", label="label",
                                 group="group")
    assert names == ["指标0"] and fig.get_size_inches().tolist() == one.get_size_inches().tolist()
    for f in [one, *(f for f, _ in pages)]:
        plt.close(f)


def test_figure_png_is_the_figure_on_white_without_an_alpha_channel():
    """The PNG is RGB (the PDF writer would otherwise split and re-compress an alpha channel)
    and shows exactly what matplotlib's own PNG of the figure shows, pixel for pixel."""
    import io

    import numpy as np
    from PIL import Image
    fig = plotting.trajectory_grid(_series(), title="北仑区 · 亩均")
    png = Image.open(io.BytesIO(plotting.figure_png(fig)))
    own = io.BytesIO()
    fig.savefig(own, format="png", facecolor="white")
    reference = Image.open(own)
    assert png.mode == "RGB" and reference.mode == "RGBA"
    assert png.size == reference.size == (round(fig.get_figwidth() * fig.dpi),
                                           round(fig.get_figheight() * fig.dpi))
    assert np.array_equal(np.asarray(png), np.asarray(reference.convert("RGB")))


def test_a_grid_makes_axes_only_for_its_panels():
    four = pd.concat([_series().assign(indicator_id=f"i{k}", label=f"指标{k}") for k in range(4)],
                     ignore_index=True)
    fig = plotting.trajectory_grid(four, ncols=3)  # 2 rows × 3 columns, 4 panels
    assert len(fig.axes) == 4
    assert [ax.get_title(loc="left") for ax in fig.axes] == [f"指标{k}（万元/亩）" for k in range(4)]
    assert fig.axes[3].get_position().y0 < fig.axes[0].get_position().y0  # on the second row
