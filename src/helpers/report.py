"""Building blocks of the district report: Chinese headline text, formatted tables, chart data.

The report notebook (``notebooks/district_report.py``) calls :func:`prepare_report` once and
then displays the pieces; nothing here draws on global state or prints. Tables come back as
DataFrames with Chinese headers and display strings (numbers with their units), and as HTML
through :func:`html_table` (styled by :data:`REPORT_CSS`, no index, readable at laptop width).

Numbers are formatted by :mod:`helpers.formatting` (values with units, rates per year, "—"
for a missing value, never a guess).
"""
from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .districts import District, resolve_district
from .errors import AnalysisError
from .formatting import format_number, format_pct, format_value, is_missing, stat_text
from .values import name_without_unit
from .parsing.curated import is_drafted
from .parsing.entries import ENTRIES_NOTE, entry_sources, is_entry

from .pages import label_table

#: Short Chinese names of the growth rules (helpers.growth.MEASURE_RULES values), from the
#: labels file (helpers/labels/zh.toml, [rule_short]).
RULE_SHORT_ZH = label_table("rule_short")


def implied_change_text(rule: str, implied_annual, change_per_year, unit: str) -> str:
    """The plan's implied yearly change in words, by growth rule (a row of growth_table):

    geometric → ``+18.92%/年`` (CAGR); stated_rate → ``12%/年`` (the printed rate, compounded
    mean); reduction → ``年均降3.43%``; linear (cumulative) → ``+7家/年`` (average addition);
    flow → ``年均5.6家``; percentage_points → ``+2个百分点/年``.
    """
    from .compare import ANNUAL_STAT, RATE_STATS
    if rule not in ANNUAL_STAT:
        raise AnalysisError(f"unknown growth rule {rule!r}")
    stat = ANNUAL_STAT[rule]
    if stat in ("avg_addition", "avg_flow") and unit in COUNT_UNITS:
        words = per_years_text(change_per_year, unit)
        if words:
            return words
    return stat_text(stat, implied_annual if stat in RATE_STATS else change_per_year, unit)


#: Units of things counted one by one: less than one a year reads "约每3年1家", not "+0.33家/年".
COUNT_UNITS = frozenset({"家", "个", "项", "件", "台"})


def per_years_text(per_year, unit: str) -> str:
    """A count below one a year as people write it: 1/3 → "约每3年1家", 2/3 → "约每3年2个"
    (the nearest fraction with a denominator up to 6, within 1 %); "" when the count is one or
    more a year, not positive, or no such fraction is close."""
    from fractions import Fraction
    if is_missing(per_year) or not 0 < float(per_year) < 1:
        return ""
    f = Fraction(float(per_year)).limit_denominator(6)
    if f == 0 or abs(float(f) - float(per_year)) > 0.01 * float(per_year):
        return ""
    return f"约每{f.denominator}年{f.numerator}{unit}"


def printed_rates_text(series: pd.DataFrame) -> str:
    """The growth-rate targets as printed, by year: "12%/年" when one rate holds every year,
    else "2023年5.5%、2024–2027年10%" (consecutive equal years merged)."""
    t = series[series["role"] == "target"].sort_values("year")
    if len(t) == 0:
        return "—"
    unit = str(t["unit"].iloc[0])
    runs: list[tuple[list[int], float]] = []  # printed years in a row with the same rate
    for y, v in zip(t["year"].astype(int), t["value"].astype(float)):
        if runs and runs[-1][1] == v:
            runs[-1][0].append(y)
        else:
            runs.append(([y], v))
    if len(runs) == 1:
        return f"{format_value(runs[0][1], unit)}/年"

    def years(ys: list[int]) -> str:
        if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
            return f"{ys[0]}–{ys[-1]}年"
        return "、".join(map(str, ys)) + "年"
    return "，".join(years(ys) + format_value(v, unit) for ys, v in runs)


# --------------------------------------------------------------------------- HTML pieces
# The markup lives in templates/ (Jinja2, autoescaped) and the styles in templates/report.css;
# the functions below only choose what goes in.


def style_html() -> str:
    """The report stylesheet (templates/report.css) as a ``<style>`` block, for notebooks."""
    from .pages import stylesheet
    return "<style>\n" + stylesheet("report.css") + "\n</style>"


#: The report stylesheet as a ``<style>`` block (read from templates/report.css).
REPORT_CSS = style_html()


def _render(template: str, **context) -> str:
    from .pages import render
    return render(template, **context)


def badge(text: str, css_class: str) -> str:
    """An inline coloured label (HTML), e.g. a progress status or a severity."""
    return _render("badge.html.j2", text=text, css_class=css_class)


def html_table(frame: pd.DataFrame, *, caption: str | None = None, group: str | None = None,
               numeric: Sequence[str] = (), wrap: Sequence[str] = (), quote: Sequence[str] = (),
               raw: Sequence[str] = (), highlight: Sequence[str] = (),
               nowrap: Sequence[str] = (), compact: bool = False) -> str:
    """A DataFrame as an HTML ``<table class="kit">`` without its index (templates/table.html.j2).

    group: a column whose value changes start a full-width group row (the column is not shown).
    numeric: right-aligned columns; wrap / quote: long-text columns (quote in small grey);
    raw: columns already holding HTML (e.g. :func:`badge`), not escaped; highlight: shaded
    columns (e.g. the report's own district); nowrap: columns kept on one line; compact: as
    narrow as the content (small summary tables). Every other cell is escaped text.
    """
    from markupsafe import Markup
    cols = [c for c in frame.columns if c != group]

    def cls(c: str) -> str:
        names = (["num"] if c in numeric else []) + (["wrap"] if c in wrap else []) \
            + (["quote"] if c in quote else []) + (["hl"] if c in highlight else []) \
            + (["nowrap"] if c in nowrap else [])
        return " ".join(names)

    head = [{"text": str(c), "cls": cls(c)} for c in cols]
    rows, current = [], object()
    for _, row in frame.iterrows():
        g = None
        if group is not None and row[group] != current:
            current = g = row[group]
        cells = []
        for c in cols:
            v = row[c]
            text = "—" if is_missing(v) or v == "" else (Markup(str(v)) if c in raw else str(v))
            cells.append({"text": text, "cls": cls(c)})
        rows.append({"group": None if g is None else str(g), "cells": cells})
    return _render("table.html.j2", caption=caption, head=head, rows=rows, compact=compact)


def note_html(text: str) -> str:
    """A grey explanatory paragraph."""
    return _render("note.html.j2", text=text)


# --------------------------------------------------------------------------- the report data


@dataclass
class DistrictReport:
    """Everything one district's report shows, computed once by :func:`prepare_report` (or
    read from the analysis cache, helpers.analysis)."""

    district: District
    plan: pd.DataFrame  # this district's rows of the indicator table
    end_year: int | None  # targets judged up to this year (None: each series' last target)
    method: str  # progress method key (helpers.progress.METHODS)
    actuals: pd.DataFrame  # load_actuals() rows of every district
    actuals_label: str  # where the actuals came from, for the reader
    series_ids: list[str]  # every plan series: table ones in table order, then narrative-only
    narrative_only: list[str]  # indicators printed only in the narrative
    growth: pd.DataFrame
    doubling: pd.DataFrame | None
    leap: pd.DataFrame | None
    pledge_note: str  # why doubling/leap are missing, if they are
    fit: pd.DataFrame
    findings: pd.DataFrame
    tidy: pd.DataFrame  # compare_districts() on the shared concepts this district prints
    progress: pd.DataFrame
    points: pd.DataFrame
    catalogue: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    series: dict[str, pd.DataFrame] = field(repr=False, default_factory=dict)  # collapse_best
    #: indicator_id → why its printed values form no series (copies that disagree: an audit
    #: finding); left out of series_ids and named under the indicator table
    unusable: dict[str, str] = field(default_factory=dict)
    #: the indicator table of every district when the report was computed from it (see df)
    table: pd.DataFrame | None = field(repr=False, default=None)
    #: level_comparison(tidy) when read from the analysis cache (see levels)
    cached_levels: pd.DataFrame | None = field(repr=False, default=None)

    @property
    def slug(self) -> str:
        return self.district.slug

    @property
    def df(self) -> pd.DataFrame:
        """The indicator table of every district (load_indicators()): the table the report was
        computed from, or — for a report read from the analysis cache, which needs only its
        own rows (``plan``) — loaded on first use."""
        if self.table is None:
            from . import load_indicators
            self.table = load_indicators()
        return self.table

    @cached_property
    def levels(self) -> pd.DataFrame:
        """helpers.compare.level_comparison of ``tidy`` (levels at a common year, ranked),
        computed once (standing table and chart)."""
        if self.cached_levels is not None:
            return self.cached_levels
        from .compare import level_comparison
        return level_comparison(self.tidy)

    def name_of(self, indicator_id: str) -> str:
        """Chinese name of an indicator for this district's readers: exactly as this district
        prints it (table first, then narrative, trailing unit dropped, qualifiers kept —
        "累计完成年耗5000吨标煤以上企业碳账户建设", not the catalogue's shorter name); the
        catalogue name only for an indicator the district does not print."""
        if indicator_id in self.printed_names:
            return self.printed_names[indicator_id]
        return str(self.catalogue.loc[indicator_id, "name_zh"])

    @cached_property
    def standing(self) -> pd.DataFrame:
        """:func:`standing_table` of this report, computed once (headline, table and chart)."""
        return _standing_table(self)

    @cached_property
    def printed_names(self) -> dict[str, str]:
        """indicator_id → this district's printed name (table printing first)."""
        from .series import is_table
        plan = self.plan
        first = pd.concat([plan[is_table(plan)], plan[~is_table(plan)]]).drop_duplicates("indicator_id")
        return {iid: name_without_unit(n) for iid, n in zip(first["indicator_id"], first["indicator"])}


def concepts_of_district(df: pd.DataFrame, slug: str) -> list[str]:
    """Shared concepts (plan values in two or more districts) that this district prints —
    all a report compares, so the other concepts need not be computed."""
    from .compare import concept_of, shared_concepts
    from .series import is_narrative, is_table
    mine = (df["district"] == slug) & (is_table(df) | is_narrative(df))
    own = {concept_of(i) for i in df.loc[mine, "indicator_id"]}
    return [c for c in shared_concepts(df) if c in own]


def target_years(df: pd.DataFrame, district: str) -> list[int]:
    """Years in which the district's plan (tables, or the text for what no table prints)
    sets targets, ascending."""
    from .series import is_narrative, is_table
    slug = resolve_district(district).slug
    rows = df[(df["district"] == slug) & (is_table(df) | is_narrative(df))
              & (df["role"] == "target")]
    return sorted(int(y) for y in rows["year"].unique())


def check_end_year(df: pd.DataFrame, district: str, end_year) -> int | None:
    """Validate the end_year parameter: None, or a year in which the district prints targets.
    Raises AnalysisError naming the valid years."""
    if end_year is None:
        return None
    years = target_years(df, district)
    try:
        year = int(end_year)
    except (TypeError, ValueError):
        raise AnalysisError(f"end_year must be a year, got {end_year!r}") from None
    if year not in years:
        raise AnalysisError(f"end_year {year}: {resolve_district(district).name} prints targets "
                            f"only for {', '.join(map(str, years))}")
    return year


def pledge_tables(df: pd.DataFrame, district: str):
    """(doubling_check, leap_check, note) for a district; both None with a Chinese note when the
    district prints no base values (nothing can be checked against a base). When some series
    with a printed base cannot be checked (a base with no target, a zero base for a growth
    rate), the others are checked and the note names the ones left out."""
    from .errors import NoBaselineError
    from .pledges import doubling_check, leap_check, pledge_row
    slug = resolve_district(district).slug
    try:
        return doubling_check(df, slug), leap_check(df, slug), ""
    except NoBaselineError:
        plan = df[df["district"] == slug]
        where = "方案表格" if (plan["role"] == "baseline").any() else "方案"
        return None, None, f"{where}未印基期值，无法按基期核验翻番或跃升幅度"
    except AnalysisError:
        pass
    from .catalogue import name_zh
    from .series import is_table
    plan = df[(df["district"] == slug) & is_table(df)]
    ok, left = [], []
    for iid in dict.fromkeys(plan.loc[plan["role"] == "baseline", "indicator_id"]):
        try:
            pledge_row(df, slug, iid)
            ok.append(iid)
        except AnalysisError:
            left.append(iid)
    note = (f"另有 {len(left)} 项指标印了基期值但无法核验翻番（无目标值或基期值不宜计算倍数）："
            + "、".join(name_zh(i) for i in left))
    if not ok:
        return None, None, note
    return doubling_check(df, slug, ok), leap_check(df, slug, ok), note


def prepare_report(district: str, end_year: int | None = None,
                   actuals_path: str | Path | None = None, method: str = "opensdg",
                   df: pd.DataFrame | None = None) -> DistrictReport:
    """Run every analysis the report shows for one district.

    district: slug or Chinese name (UnknownDistrictError lists valid ones). end_year: judge
    progress against that year's targets (must be a year the district prints targets for).
    actuals_path: actuals CSV; None → data/actuals/published.csv plus the user's
    data/actuals/actuals.csv (which wins where both give a value); see load_report_actuals.
    method: progress method ("opensdg" or "unsd"). df: the indicator table (default
    load_indicators() for all districts).

    The analyses that need no actuals (series, growth, pledges, milestones, audit, comparison)
    come from the analysis cache (helpers.analysis: computed once for every district, keyed on
    the data version, rebuilt when stale) when ``df`` is None, else are computed from ``df``.
    """
    from . import load_indicators
    from .actuals import load_report_actuals
    from .analysis import compute_district, district_analysis
    from .catalogue import catalogue_frame
    from .progress import actual_points, assess_progress
    from .series import is_table

    d = resolve_district(district)
    tables = district_analysis(d.slug) if df is None else None
    if tables is None:  # computed: the caller's table, or no usable cache
        df = load_indicators() if df is None else df
        if not (df["district"] == d.slug).any():
            raise AnalysisError(f"no indicator rows for {d.name} ({d.slug}) in the indicator table; "
                                "its extraction has not been built (run `make data`)")
        plan = df[df["district"] == d.slug]
    else:
        plan = tables.plan
    end_year = check_end_year(plan, d.slug, end_year)
    actuals, label = load_report_actuals(actuals_path)
    if tables is None:
        tables = compute_district(df, d.slug)
    ids = list(tables.series)
    in_tables = set(plan.loc[is_table(plan), "indicator_id"])
    narrative_only = [i for i in ids if i not in in_tables]
    return DistrictReport(
        district=d, plan=plan, end_year=end_year, method=method, actuals=actuals,
        actuals_label=label, series_ids=ids, narrative_only=narrative_only,
        growth=tables.growth, doubling=tables.doubling, leap=tables.leap,
        pledge_note=tables.pledge_note, fit=tables.fit, findings=tables.findings,
        tidy=tables.tidy,
        progress=assess_progress(plan, actuals, method=method, target_year=end_year),
        points=actual_points(actuals, d.slug, plan), catalogue=catalogue_frame(),
        series=tables.series, unusable=tables.unusable, table=df, cached_levels=tables.levels)


# --------------------------------------------------------------------------- title and headline


def title_html(rep: DistrictReport, data_version: str = "") -> str:
    """The report heading: title, plan (its printed title and years), what progress is judged
    against, and the one line that says when the page was generated (the data version and the
    sources are in the 数据说明 at the end, :func:`data_notes_html`)."""
    from .pages import label_table
    d = rep.district
    scope = f"进展按 {rep.end_year} 年目标评估" if rep.end_year else "进展按各指标最后一个目标年评估"
    return _render("title.html.j2",
                   title=label_table("page")["report_title"].format(name=d.full_name),
                   plan=f"{d.plan_title}（基期 {d.base_year} 年，目标至 {d.end_year} 年）",
                   scope=scope, generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"))


def _names(rep: DistrictReport, ids: Iterable[str], limit: int = 4) -> str:
    names = [rep.name_of(i) for i in ids]
    more = f"等 {len(names)} 项" if len(names) > limit else ""
    return "、".join(names[:limit]) + more


def pledge_facts(rep: DistrictReport) -> list[str]:
    """Headline sentences on the doubling (四倍增) and leap (五跃升) pledges, like for like."""
    if rep.doubling is None:
        return [rep.pledge_note]
    left = [rep.pledge_note] if rep.pledge_note else []  # series that could not be checked
    dbl = rep.doubling
    n = len(dbl)
    holds = dbl[dbl["doubles_like_for_like"].fillna(False).astype(bool)]
    pace = format_pct(dbl["doubling_pace"].iloc[0])
    unknown = dbl[dbl["doubles_like_for_like"].isna()]
    reworked = dbl[~dbl["like_for_like"].astype(bool) & dbl["doubles_like_for_like"].notna()]
    district = resolve_district(rep.slug)
    if district.pledge_ids("doubling"):
        label = district.pledge_label("doubling") or "翻番目标"
        leap_label = district.pledge_label("leap") or "跃升目标"
        text = f"{label}（{n} 项）：按同口径核算翻一番 {len(holds)} 项"
        text += f"（{_names(rep, holds['indicator_id'])}）" if len(holds) else ""
        if len(unknown):
            text += f"，无基数无法核验 {len(unknown)} 项（{_names(rep, unknown['indicator_id'])}）"
        if len(reworked):
            text += (f"；{_names(rep, reworked['indicator_id'])}的方案对比口径不同"
                     "（累计值对单年基数），已按当年数重算")
        facts = [text]
        leap = rep.leap
        if leap is None or not len(leap) or not district.pledge_ids("leap"):
            return facts
        fast = leap[leap["faster_than_doubling"].fillna(False).astype(bool)]
        rates = leap["implied_annual"].dropna()
        facts.append(f"{leap_label}（{len(leap)} 项）：隐含年均增速 {format_pct(rates.min())}–"
                     f"{format_pct(rates.max())}，"
                     + (f"{len(fast)} 项快于翻番所需的 {pace}/年" if len(fast)
                        else f"均低于翻番所需的 {pace}/年"))
        return facts + left
    return [f"方案未设“四倍增/五跃升”；{n} 项有基数的指标中，同口径到期末翻一番的 {len(holds)} 项"
            + (f"（{_names(rep, holds['indicator_id'])}）" if len(holds) else "")
            + f"（翻番需年均 {pace}）"] + left


def steepest_growth(rep: DistrictReport) -> pd.Series | None:
    """The growth_table row with the highest compound annual growth the plan requires
    (geometric rule, from a printed base or first target to the end target); None if none."""
    g = rep.growth[(rep.growth["rule"] == "geometric") & rep.growth["implied_annual"].notna()]
    if len(g) == 0:
        return None
    return g.loc[g["implied_annual"].idxmax()]


def headline_facts(rep: DistrictReport) -> list[str]:
    """The headline summary, one Chinese sentence per fact: indicator count, pledges,
    steepest required growth, milestone loading, audit findings, progress statuses."""
    from .milestones import milestone_summary
    from .progress import METHODS, progress_summary

    n_text = len(rep.narrative_only)
    n_table = len(rep.series_ids) - n_text
    if not rep.series_ids:
        facts = ["方案未印可量化的指标"]
    elif n_table == 0:
        facts = [f"量化指标 {n_text} 项，均见于正文（方案无指标表）"]
    else:
        entered = set(rep.plan.loc[is_entry(rep.plan), "indicator_id"])
        n_entered = sum(1 for i in rep.series_ids if i in entered)
        where = "（表格所列）" if n_entered == 0 else \
            f"（{ENTRIES_NOTE}）" if n_entered == n_table else f"（其中 {n_entered} 项{ENTRIES_NOTE}）"
        facts = [f"量化指标 {n_table} 项{where}"
                 + (f"，另有 {n_text} 项仅见于正文" if n_text else "")]
    drafted = rep.plan[is_drafted(rep.plan)]
    if len(drafted):
        facts.append(f"其中 {len(drafted)} 个数值由程序从正文起草、尚未人工复核（见数据说明）")
    facts += pledge_facts(rep)
    top = steepest_growth(rep)
    if top is not None:
        facts.append(f"要求最陡的增长：{rep.name_of(top['indicator_id'])}，{format_value(top['base_value'], top['unit'])}"
                     f"（{int(top['base_year'])}）→ {format_value(top['end_value'], top['unit'])}"
                     f"（{int(top['end_year'])}），年均 {format_pct(top['implied_annual'], signed=True)}")
    if len(rep.fit):
        s = milestone_summary(rep.fit).iloc[0]
        years = "、".join(str(int(y)) for y in sorted(rep.fit["year"].unique()))
        facts.append(f"中期目标（{years}年）与平滑路径相比：超前 {s['ahead']} 项、符合路径 {s['on_path']} 项、"
                     f"滞后 {s['behind']} 项，整体{s['loading_zh']}")
    f = rep.findings
    found = f[f["status"] == "finding"]
    if len(found):
        sev = found["severity"].value_counts()
        facts.append(f"文件核查：{len(f)} 项检查，发现问题 {len(found)} 项（高 {int(sev.get('high', 0))}、"
                     f"中 {int(sev.get('medium', 0))}、低 {int(sev.get('low', 0))}）")
    elif len(f) == 0:
        facts.append("文件核查：无可核查项（方案中没有可相互核对的数字）")
    else:
        facts.append(f"文件核查：{len(f)} 项检查全部通过，未发现前后矛盾")
    if has_actuals(rep):
        summ = progress_summary(rep.progress)
        parts = "、".join(f"{r['状态']} {r['指标数']}" for _, r in summ.iterrows())
        facts.append(f"实际进展（{METHODS[rep.method]}）：{parts}")
    else:
        facts.append("实际进展：无实际数据（未提供本区实际值，所有指标状态为“无数据”）")
    st = standing_table(rep)
    for part, what in ((st[st["_statistic"] != "level"], "年均变化"),
                       (st[st["_statistic"] == "level"], "同年水平")):
        if len(part):
            first = int((part["_rank"] == 1).sum())
            last = int((part["_rank"] == part["_n"]).sum())
            facts.append(f"与其他区可比的共同指标（{what}）{len(part)} 项：居首 {first} 项、居末 {last} 项")
    return facts


def facts_html(facts: Iterable[str]) -> str:
    """Sentences as a highlighted box with one bullet each (text escaped)."""
    return _render("facts.html.j2", facts=list(facts))


def headline_html(rep: DistrictReport) -> str:
    """The headline facts as a highlighted box."""
    return facts_html(headline_facts(rep))


def headline_display(rep: DistrictReport):
    """The headline box as an IPython HTML object that also carries the facts as output
    metadata (helpers.pages.HEADLINE_KEY), so the runner can put them in the index."""
    from IPython.display import HTML

    from .pages import HEADLINE_KEY
    facts = headline_facts(rep)
    return HTML(facts_html(facts), metadata={HEADLINE_KEY: facts})


# --------------------------------------------------------------------------- indicator table


def has_actuals(rep: DistrictReport) -> bool:
    """True when at least one actual value of this district was loaded."""
    return bool(len(rep.actuals)) and bool((rep.actuals["district"] == rep.slug).any())


def _first_table_rows(rep: DistrictReport) -> pd.DataFrame:
    """Each series' first plan row (a table row where there is one, else a narrative row),
    indexed by indicator_id: category, lead agency, section."""
    from .series import is_narrative, is_table
    plan = rep.plan
    first = pd.concat([plan[is_table(plan)], plan[is_narrative(plan)]])
    return first.drop_duplicates("indicator_id").set_index("indicator_id")


#: Group of an indicator printed only in the text and given no category.
NARRATIVE_GROUP_ZH = "正文所列指标"


def group_label(row) -> str:
    """The group an indicator is shown under: its printed category (指标类别) cleaned by
    :func:`clean_label`; rows printed without one go under 主要指标 (Zhenhai's 表1), or under
    正文所列指标 when they come from the text."""
    from .data import NARRATIVE_SECTION
    clean, _ = clean_label(row["category"])
    if clean:
        return clean
    return NARRATIVE_GROUP_ZH if row["section"] == NARRATIVE_SECTION else label_table("report")["uncategorised"]


def status_badge(status: str) -> str:
    """The Chinese progress label of a status key, as a coloured badge."""
    from .progress import STATUS_ZH
    return badge(STATUS_ZH[status], f"st-{status}")


def indicator_table(rep: DistrictReport) -> pd.DataFrame:
    """One row per table series: 类别, 指标, 基期, each target year, 隐含年均变化, 测算口径,
    进展状态 (badge HTML), 牵头单位 — every number with its unit, "—" where nothing is printed."""
    years = target_years(rep.plan, rep.slug)
    first = _first_table_rows(rep)
    growth = rep.growth.set_index("indicator_id")
    status = dict(zip(rep.progress["indicator_id"], rep.progress["status"]))
    rows = []
    for iid in rep.series_ids:
        s = rep.series[iid]
        unit = str(s["unit"].iloc[0])
        base = s[s["role"] == "baseline"]
        targ = dict(zip(s.loc[s["role"] == "target", "year"].astype(int), s.loc[s["role"] == "target", "value"]))
        row = {"类别": group_label(first.loc[iid]), "指标": rep.name_of(iid)}
        row["基期值"] = (f"{format_value(base['value'].iloc[0], unit)}（{int(base['year'].iloc[0])}）"
                      if len(base) else "—")
        if len(base) and iid in growth.index and growth.loc[iid, "base_kind"] == "implicit_zero":
            # a cumulative series whose printed base is one year's amount (Beilun 高技术制造业投资
            # 22.6 亿元 in 2020): say so, the yearly change counts from 0
            row["基期值"] = row["基期值"].replace("）", "年单年值）")
        for y in years:
            row[f"{y}年"] = format_value(targ[y], unit) if y in targ else "—"
        if iid in growth.index:
            g = growth.loc[iid]
            if g["rule"] == "stated_rate":
                # a printed rate target shows the printed rate; the compounded mean is the
                # labelled second figure
                row["隐含年均变化"] = printed_rates_text(s)
                span = f"{int(g['base_year']) + 1}–{int(g['end_year'])}"
                single = row["隐含年均变化"].endswith("/年")
                row["测算期间"] = span if single else \
                    f"复合年均 {format_pct(g['implied_annual'])}/年，{span}"
            else:
                row["隐含年均变化"] = implied_change_text(g["rule"], g["implied_annual"],
                                                    g["change_per_year"], unit)
                row["测算期间"] = period_text(g)
            row["测算口径"] = RULE_SHORT_ZH[g["rule"]]
        else:
            row["隐含年均变化"], row["测算期间"], row["测算口径"] = "—", "", "仅一个数值"
        row["进展状态"] = status_badge(status.get(iid, "no_data"))
        row["牵头单位"] = clean_label(first.loc[iid, "lead_agency"])[0] or "—"
        rows.append(row)
    cols = ["类别", "指标", "基期值", *[f"{y}年" for y in years], "隐含年均变化", "测算期间",
            "测算口径", "进展状态", "牵头单位"]
    return group_by_first_appearance(pd.DataFrame(rows, columns=cols), "类别")


def period_text(g) -> str:
    """The years an implied yearly change is computed over, from the growth_table row:
    "2020–2025" from a printed base; "2021–2025（自首个目标）" when the series has no base and
    starts from its first target; "2020–2025（自0起）" for a cumulative count from zero."""
    span = f"{int(g['base_year'])}–{int(g['end_year'])}"
    kind = str(g.get("base_kind", "baseline"))
    if kind == "implicit_zero":
        return span + "（自0起）"
    if kind == "first_target":
        return span + "（自首个目标）"
    return span


def group_by_first_appearance(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows reordered so equal values of ``column`` are adjacent, groups in order of first
    appearance, rows within a group in their original order (a stable sort)."""
    order = {v: i for i, v in enumerate(dict.fromkeys(frame[column]))}
    return frame.iloc[
        frame[column].map(order).reset_index(drop=True).sort_values(kind="stable").index
    ].reset_index(drop=True)


def indicator_table_html(rep: DistrictReport) -> str:
    """The indicator table as HTML, one group row per category."""
    from markupsafe import Markup, escape
    t = indicator_table(rep)
    left = (note_html(f"另有 {len(rep.unusable)} 项指标的各处数值不一致，未列入本表（见“文件核查”）："
                      f"{_names(rep, rep.unusable, limit=len(rep.unusable))}。")
            if rep.unusable else "")
    if len(t) == 0:
        return note_html("方案未印可量化的指标（没有基期值或目标值），本节无内容。") + left
    if not has_actuals(rep):
        # every status would read 无数据: the column goes (section 七 says so) and the page
        # keeps room for the target years
        t = t.drop(columns=["进展状态"])
    # the base year on its own line, so the column stays narrow on A4
    t["基期值"] = [Markup('{}<span class="sub">（{}</span>').format(*v.split("（", 1)) if "（" in v
                else escape(v) for v in t["基期值"]]
    # the period (or the compounded mean of a printed rate) under the yearly change
    t["隐含年均变化"] = [escape(v) + (Markup('<span class="sub">') + escape(p) + Markup("</span>") if p else "")
                    for v, p in zip(t["隐含年均变化"], t.pop("测算期间"))]
    if (t["牵头单位"] == "—").all():
        t = t.drop(columns=["牵头单位"])  # the plan names no agencies (Zhenhai's tables)
    numeric = ["基期值", *[c for c in t.columns if c.endswith("年") and c[:4].isdigit()], "隐含年均变化"]
    entered = rep.plan[is_entry(rep.plan)]
    entered_note = (note_html(f"本表 {entered['indicator_id'].nunique()} 项指标的数值{ENTRIES_NOTE}"
                              "（方案原文未存档为文本，来源网页见文末数据说明）。")
                    if len(entered) else "")
    return entered_note + html_table(t, group="类别", numeric=numeric, wrap=["指标", "牵头单位"],
                                     raw=["进展状态", "基期值", "隐含年均变化"],
                                     nowrap=["测算口径", "进展状态"]) + left


# --------------------------------------------------------------------------- charts


def chart_series(rep: DistrictReport) -> pd.DataFrame:
    """Points of every table series for helpers.plotting.trajectory_grid: indicator_id, label
    (Chinese name), unit, year, value, role, category."""
    first = _first_table_rows(rep)
    parts = []
    for iid in rep.series_ids:
        s = rep.series[iid][["year", "value", "role", "unit"]].copy()
        s.insert(0, "indicator_id", iid)
        s["label"] = rep.name_of(iid)
        s["category"] = group_label(first.loc[iid])
        parts.append(s)
    if not parts:
        return pd.DataFrame(columns=["indicator_id", "year", "value", "role", "unit", "label",
                                     "category"])
    return group_by_first_appearance(pd.concat(parts, ignore_index=True), "category")


def fit_paths(rep: DistrictReport) -> pd.DataFrame:
    """The smooth path each milestone is judged against (helpers.growth.required_path from the
    fit's start point to its end target), one row per indicator × year: indicator_id, year, value."""
    from .growth import required_path
    if len(rep.fit) == 0:
        return pd.DataFrame(columns=["indicator_id", "year", "value"])
    parts = []
    for iid, r in rep.fit.drop_duplicates("indicator_id").set_index("indicator_id").iterrows():
        p = required_path(r["start_value"], r["end_value"], int(r["start_year"]),
                          int(r["end_year"]), r["measure"])
        parts.append(p.assign(indicator_id=iid)[["indicator_id", "year", "value"]])
    return pd.concat(parts, ignore_index=True)


def fit_notes(rep: DistrictReport) -> dict[str, str]:
    """Per indicator, the milestone verdicts as a short chart label, e.g. ``2023超前 · 2025滞后``
    (超前 ahead of / 符合 on / 滞后 behind the smooth path)."""
    short = label_table("milestone_short")
    notes: dict[str, str] = {}
    for iid, grp in rep.fit.groupby("indicator_id", sort=False):
        notes[iid] = " · ".join(f"{int(r['year'])}{short[r['status']]}" for _, r in grp.iterrows())
    return notes


def chart_groups(categories: Sequence[str], counts: dict[str, int],
                 max_panels: int = 12) -> list[list[str]]:
    """Categories packed into figures, in order: consecutive categories share a figure while
    their panels total at most ``max_panels``; a larger category gets a figure of its own.
    (Task lists such as Ouhai's have twenty small sections; one figure each would be absurd.)"""
    groups: list[list[str]] = []
    for cat in categories:
        if groups and sum(counts[c] for c in groups[-1]) + counts[cat] <= max_panels:
            groups[-1].append(cat)
        else:
            groups.append([cat])
    return groups


def charted_ids(rep: DistrictReport) -> list[str]:
    """Series worth a trajectory panel: two or more printed points, or any actual value.
    A lone target (no base, one year) is shown in the table only."""
    with_actuals = set(rep.points["indicator_id"]) if len(rep.points) else set()
    return [i for i in rep.series_ids if len(rep.series[i]) >= 2 or i in with_actuals]


def trajectory_note_html(rep: DistrictReport) -> str:
    """A note naming the indicators left out of the charts (a single printed value each)."""
    shown = set(charted_ids(rep))
    left = [i for i in rep.series_ids if i not in shown]
    if not rep.series_ids:
        return note_html("方案未印可量化的指标，没有轨迹可画。")
    if not shown:
        return note_html(f"本区 {len(left)} 项指标都只印了一个年份的数值，没有轨迹可画，"
                         f"见上方指标一览：{_names(rep, left, limit=len(left))}。")
    if not left:
        return ""
    return note_html(f"另有 {len(left)} 项指标只印了一个年份的数值，"
                     f"没有轨迹可画，见上方指标一览：{_names(rep, left, limit=len(left))}。")


@dataclass
class Chart:
    """A report chart: its title (also the HTML heading above it), the Figure, and alt text
    saying what it shows."""

    title: str
    figure: object
    alt: str


def behind_ids(rep: DistrictReport) -> list[str]:
    """Series a reader should see first: a milestone behind the smooth path to the end
    target, or actual progress that needs acceleration, is limited or goes backwards."""
    late = set(rep.fit.loc[rep.fit["status"] == "behind", "indicator_id"]) if len(rep.fit) else set()
    if len(rep.progress):
        late |= set(rep.progress.loc[rep.progress["status"].isin(
            ["needs_acceleration", "limited", "backwards"]), "indicator_id"])
    return [i for i in charted_ids(rep) if i in late]


def trajectory_charts(rep: DistrictReport, ids: Sequence[str] | None = None, *, ncols: int = 3,
                      max_panels: int = 9, title: str | None = None) -> list[Chart]:
    """Small-multiple trajectory charts (base, targets, the milestone fit path, actuals) of
    ``ids`` (default: every charted series), one figure per category; small consecutive
    categories share a figure, their panel titles then start with the category in 〔〕 and the
    figure title counts them instead of running the category names together. ``title``
    replaces the per-category titles (one figure for all ``ids``)."""
    from .plotting import trajectory_grid
    pts = chart_series(rep)
    keep = charted_ids(rep) if ids is None else [i for i in ids if i in set(charted_ids(rep))]
    pts = pts[pts["indicator_id"].isin(keep)]
    if len(pts) == 0:
        return []
    fits, notes = fit_paths(rep), fit_notes(rep)
    actual = rep.points[["indicator_id", "year", "value"]] if len(rep.points) else None
    cats = list(dict.fromkeys(pts["category"]))
    counts = pts.drop_duplicates("indicator_id")["category"].value_counts().to_dict()

    def chunked(frame: pd.DataFrame) -> list[pd.DataFrame]:
        order = list(dict.fromkeys(frame["indicator_id"]))
        return [frame[frame["indicator_id"].isin(order[i:i + max_panels])]
                for i in range(0, len(order), max_panels)]

    # (title, points) per figure; no figure has more than max_panels panels (a page at most)
    parts: list[tuple[str, pd.DataFrame]] = []
    if title:  # one titled run of figures over the ids
        subs = chunked(pts)
        parts = [(title + (f"（{k}/{len(subs)}）" if len(subs) > 1 else ""), s)
                 for k, s in enumerate(subs, 1)]
    else:
        for group in chart_groups(cats, counts, max_panels):
            sub = pts[pts["category"].isin(group)]
            if len(group) > 1:  # packed small categories: each panel names its category
                sub = sub.assign(label="〔" + sub["category"] + "〕" + sub["label"])
                parts.append((f"{rep.district.name} · {group[0]}等 {len(group)} 类", sub))
                continue
            subs = chunked(sub)  # a large category is split into numbered parts
            parts += [(f"{rep.district.name} · {group[0]}"
                       + (f"（{k}/{len(subs)}）" if len(subs) > 1 else ""), s)
                      for k, s in enumerate(subs, 1)]
    out = []
    for head, sub in parts:
        names = list(dict.fromkeys(sub["label"]))
        alt = (f"{head}：{len(names)} 项指标的基期值、逐年目标和从起点到期末目标的平滑路径"
               + ("及实际值" if actual is not None else "") + "，依次为" + "、".join(names))
        fig = trajectory_grid(sub, fits=fits, actuals=actual, notes=notes, ncols=ncols,
                              title=wrap_title(head))
        out.append(Chart(head, fig, alt))
    return out


def trajectory_figures(rep: DistrictReport, ncols: int = 3,
                       max_panels: int = 9) -> list[tuple[str, object]]:
    """:func:`trajectory_charts` of every charted series as (title, Figure) pairs."""
    return [(c.title, c.figure) for c in trajectory_charts(rep, ncols=ncols, max_panels=max_panels)]


def behind_charts(rep: DistrictReport) -> list[Chart]:
    """One chart of the series behind their path (:func:`behind_ids`), [] when none is."""
    ids = behind_ids(rep)
    if not ids:
        return []
    return trajectory_charts(rep, ids, title=f"{rep.district.name} · 滞后于平滑路径的指标")


def behind_note_html(rep: DistrictReport) -> str:
    """What the body's trajectory section shows and where the rest is."""
    ids = behind_ids(rep)
    n = len(charted_ids(rep))
    if not ids and n == 0:  # one printed value per indicator: no trajectory anywhere
        return note_html("本区各项指标只印了一个年份的数值，没有可比较平滑路径的轨迹。")
    if not ids:
        return note_html(f"本区没有中期目标落后于平滑路径的指标；全部 {n} 项指标的轨迹见附录。")
    return note_html(f"以下 {len(ids)} 项指标的中期目标（或实际进展）落后于从起点到期末目标的平滑"
                     f"路径：{_names(rep, ids, limit=len(ids))}。全部 {n} 项指标的轨迹见附录。")


def pledge_chart(rep: DistrictReport) -> Chart | None:
    """The pledges at a glance: each indicator's like-for-like multiple of its base by the end
    target (bars, a dashed line at 2× = 翻一番), and — where the plan has 五跃升 — the implied
    yearly growth against the pace doubling needs. Only like-for-like figures are drawn; an
    indicator without a base is left out (the headline names it). None without pledges."""
    from .plotting import ranking_chart
    if rep.doubling is None or len(rep.doubling) == 0:
        return None
    d = rep.doubling[rep.doubling["lfl_multiple"].notna()]
    if len(d) == 0:
        return None
    # drawn where the district declares a doubling pledge (data/districts/<slug>.toml, e.g.
    # Beilun's 四倍增); for other plans the headline's sentence on doubling is enough, a chart
    # of every multiple is noise
    d_label = rep.district.pledge_label("doubling") if rep.district.pledge_ids("doubling") else None
    if not d_label:
        return None
    l_label = rep.district.pledge_label("leap") if rep.district.pledge_ids("leap") else None
    with_leap = bool(l_label) and rep.leap is not None and len(rep.leap) > 0
    g1 = f"{d_label}：期末目标为基期的倍数（同口径）"
    rows = [{"group": g1, "label": rep.name_of(r["indicator_id"]), "value": float(r["lfl_multiple"]),
             "text": f"{r['lfl_multiple']:.2f}倍"} for _, r in d.iterrows()]
    ref = {g1: (2.0, "翻一番")}
    if with_leap:
        pace = float(rep.doubling["doubling_pace"].iloc[0])
        g2 = f"{l_label}：隐含年均增速（%）"
        for _, r in rep.leap[rep.leap["implied_annual"].notna()].iterrows():
            inverse = "（按其倒数）" if r["rule"] == "reduction" else ""
            rows.append({"group": g2, "label": rep.name_of(r["indicator_id"]) + inverse,
                         "value": 100 * float(r["implied_annual"]), "text": ""})
        ref[g2] = (100 * pace, f"翻番所需 {format_pct(pace)}/年")
    frame = pd.DataFrame(rows)
    fig = ranking_chart(frame, value="value", label="label", group="group", ncols=1,
                        panel_size=(3.6, 0.36), left=2.6, label_width=14, title_width=30,
                        value_format="{:.2f}", highlight=set(frame["label"]), reference=ref)
    names = "、".join(f"{r['label']} {r['value']:.2f}" for r in rows)
    return Chart(f"{rep.district.name} · 翻番与跃升", fig,
                 f"{rep.district.name}各指标期末目标相对基期的倍数与隐含年均增速：{names}")


def wrap_title(text: str, width: int = 34) -> str:
    """A figure title broken into lines of at most ``width`` characters."""
    from .plotting import wrap_label
    return wrap_label(text, width)


# --------------------------------------------------------------------------- audit

#: Chinese severity labels (labels file, [severity]).
SEVERITY_ZH = label_table("severity")


def audit_findings_table(rep: DistrictReport) -> pd.DataFrame:
    """The district's audit findings (checks that found something), most severe first:
    严重程度 (badge), 核查类型, 指标, 年份, 说明, 原文."""
    from .audit import KIND_ZH
    f = rep.findings[rep.findings["status"] == "finding"].copy()
    order = {"high": 0, "medium": 1, "low": 2, "none": 3}
    f = f.assign(_o=f["severity"].map(order)).sort_values(["_o", "kind"], kind="stable")
    return pd.DataFrame({
        "严重程度": [badge(SEVERITY_ZH[s], f"sev-{s}") for s in f["severity"]],
        "核查类型": [KIND_ZH.get(k, k) for k in f["kind"]],
        "指标": [rep.name_of(i) if i in rep.catalogue.index else i for i in f["indicator_id"]],
        "年份": ["—" if is_missing(y) else str(int(y)) for y in f["year"]],
        "说明": list(f["detail"]),
        "原文": list(f["quotes"]),
    })


def audit_summary_table(rep: DistrictReport) -> pd.DataFrame:
    """Checks per kind with Chinese headers: 核查类型, 检查数, 通过, 发现问题, 高, 中, 低."""
    from .audit import audit_summary
    s = audit_summary(rep.findings)
    return pd.DataFrame({"核查类型": s["kind_zh"], "检查数": s["checks"], "通过": s["passed"],
                         "发现问题": s["findings"], "高": s["high"], "中": s["medium"], "低": s["low"]})


def audit_html(rep: DistrictReport) -> str:
    """Findings table (or a plain statement that every check passed) and the per-kind summary."""
    from .audit import KIND_ZH
    if len(rep.findings) == 0:
        return note_html("无可核查项：本区方案中没有可相互核对的数字（正文与表格、逐年数与合计、"
                         "累计与存量、增速与总量），未作任何核查。")
    t = audit_findings_table(rep)
    summary = html_table(audit_summary_table(rep), caption="各类核查", compact=True,
                         numeric=["检查数", "通过", "发现问题", "高", "中", "低"])
    if len(t) == 0:
        kinds = "、".join(KIND_ZH.get(k, k) for k in dict.fromkeys(rep.findings["kind"]))
        return note_html(f"本区 {len(rep.findings)} 项核查全部通过（{kinds}）。") + summary
    return html_table(t, raw=["严重程度"], wrap=["说明"], quote=["原文"],
                      nowrap=["核查类型", "年份"], caption=f"发现的问题（{len(t)} 项）") + summary


# --------------------------------------------------------------------------- standing


def _years(a, b) -> str:
    return f"（{int(a)}）" if int(a) == int(b) else f"（{int(a)}–{int(b)}）"


def standing_table(rep: DistrictReport) -> pd.DataFrame:
    """Where the district stands among the others on shared indicators (see _standing_table);
    computed once per report."""
    return rep.standing


def _standing_table(rep: DistrictReport) -> pd.DataFrame:
    """Where the district stands among the others on shared indicators: for each indicator
    (same indicator_id, hence same unit and measure) and annualised statistic that this district
    and at least one other plan, the rank of this district's planned yearly change
    (1 = fastest progress; for a lower-is-better level the fastest fall ranks first).
    Then the levels at a common year (helpers.compare.level_comparison: single printed values
    included, e.g. 亩均税收 2023), 比较口径 ``2023年水平``, rank 1 = highest (lowest for a
    lower-is-better indicator).
    Columns: 指标, 比较口径, 本区, 排名, 其他区; helper columns _rank, _n, _indicator_id,
    _statistic (``level`` for a level row), _value, _year (the level's year), _listed (the
    districts listed, this one included: all of them up to helpers.compare.COMPARISON_LIMIT,
    else the first and last three and the two either side, see listed_ranks) for charts and
    the headline."""
    from .compare import PLAN_STATS, STATISTICS, level_text, listed_ranks
    t = rep.tidy[rep.tidy["statistic"].isin(PLAN_STATS)]
    t = t[_pairs_of(t, rep.slug, ["indicator_id", "statistic"])]
    rows = []
    for (iid, stat), grp in t.groupby(["indicator_id", "statistic"], sort=False):
        per = grp.groupby("district").size()
        if rep.slug not in per.index or len(per) < 2 or per.max() > 1:
            continue
        lower = str(rep.catalogue.loc[iid, "direction"]) == "lower" and stat == "cagr"
        grp = grp.assign(_score=(-1.0 if lower else 1.0) * grp["value"].astype(float))
        grp = grp.sort_values("_score", ascending=False).assign(_rank=range(1, len(grp) + 1))
        me = grp[grp["district"] == rep.slug].iloc[0]
        unit = str(me["unit"])
        listed = grp[grp["_rank"].isin(listed_ranks(len(grp), int(me["_rank"])))]
        others = others_text(listed, rep.slug, len(grp), "_rank", lambda r, unit=unit, stat=stat: (
            f"{r['district_name']} {stat_text(stat, r['value'], unit)}"
            + _years(r["year_from"], r["year_to"])))
        rows.append({"指标": rep.name_of(iid), "比较口径": STATISTICS[stat][0],
                     "本区": stat_text(stat, me["value"], unit) + _years(me["year_from"], me["year_to"]),
                     "排名": f"{int(me['_rank'])}/{len(grp)}", "其他区": others,
                     "_rank": int(me["_rank"]), "_n": len(grp), "_indicator_id": iid,
                     "_statistic": stat, "_value": float(me["value"]), "_year": pd.NA,
                     "_listed": tuple(listed["district"])})
    levels = rep.levels
    levels = levels[_pairs_of(levels, rep.slug, ["indicator_id"])]
    for iid, grp in levels.groupby("indicator_id", sort=False):
        me = grp[grp["district"] == rep.slug].iloc[0]
        listed = grp[grp["rank"].isin(listed_ranks(int(me["n"]), int(me["rank"])))]
        others = others_text(listed, rep.slug, int(me["n"]), "rank", lambda r: (
            f"{r['district_name']} {level_text(r['value'], r['unit'], r['role'], r['origin'])}"))
        rows.append({"指标": rep.name_of(iid), "比较口径": f"{int(me['year'])}年水平",
                     "本区": level_text(me["value"], me["unit"], me["role"], me["origin"]),
                     "排名": f"{int(me['rank'])}/{int(me['n'])}", "其他区": others,
                     "_rank": int(me["rank"]), "_n": int(me["n"]), "_indicator_id": iid,
                     "_statistic": "level", "_value": float(me["value"]), "_year": int(me["year"]),
                     "_listed": tuple(listed["district"])})
    cols = ["指标", "比较口径", "本区", "排名", "其他区", "_rank", "_n", "_indicator_id",
            "_statistic", "_value", "_year", "_listed"]
    return pd.DataFrame(rows, columns=cols)


def _pairs_of(frame: pd.DataFrame, slug: str, keys: list[str]) -> pd.Series:
    """Rows of ``frame`` whose ``keys`` values (an indicator, a statistic) district ``slug``
    also has: the groups its standing ranks, found in one pass whatever the number of
    districts."""
    index = pd.MultiIndex.from_frame(frame[keys])
    return pd.Series(index.isin(index[(frame["district"] == slug).to_numpy()]), index=frame.index)


def others_text(listed: pd.DataFrame, own: str, n: int, rank: str, text_of) -> str:
    """The 其他区 cell of a standing row: ``text_of(row)`` of each listed district but ``own``
    (``listed``: rows in rank order, column ``rank`` holds the rank, of ``n`` in all), joined
    by "；". When not all ``n`` are listed, each entry starts with its rank, "…" marks the ranks
    left out and a last note says what is listed."""
    from .compare import LISTED_AROUND, LISTED_ENDS
    if len(listed) == n:
        return "；".join(text_of(r) for _, r in listed.iterrows() if r["district"] != own)
    parts, previous = [], 0
    for _, r in listed.iterrows():
        k = int(r[rank])
        if k > previous + 1:
            parts.append("…")
        previous = k
        if r["district"] != own:
            parts.append(f"第{k}名 {text_of(r)}")
    if previous < n:
        parts.append("…")
    return ("；".join(parts) + f"（共 {n} 区，列出前{LISTED_ENDS}名、后{LISTED_ENDS}名"
            f"和本区前后各{LISTED_AROUND}名）")


def listed_note(n: int, drawn: int) -> str:
    """What a comparison chart panel of ``drawn`` of ``n`` districts leaves out, for its title:
    '' when every district is drawn."""
    return "" if drawn >= n else f"（{n}区中的{drawn}区）"


def standing_html(rep: DistrictReport) -> str:
    """The standing table as HTML (or a note when nothing is comparable)."""
    t = standing_table(rep)
    if len(t) == 0:
        return note_html("本区没有与其他区口径一致的共同指标，既无同年水平也无年均变化可比较。")
    return html_table(t[["指标", "比较口径", "本区", "排名", "其他区"]], wrap=["指标", "其他区"],
                      numeric=["排名"], highlight=["本区"])


def shared_rates(tidy: pd.DataFrame, indicator_ids: Iterable[str] | None = None, *,
                 listed: dict[tuple[str, str], Iterable[str]] | None = None) -> pd.DataFrame:
    """Planned annual growth rates (cagr and stated rates, in % per year) of indicators that at
    least two districts print with the same indicator_id, for ranking charts. ``listed``
    ((indicator_id, statistic) → district slugs) keeps only those rates, and of each only
    those districts, its group named with how many of how many are drawn (:func:`listed_note`).
    Columns: indicator_id, group (Chinese name), district, label (district name and years),
    value (%/yr)."""
    from .catalogue import name_zh
    t = tidy[tidy["statistic"].isin(["cagr", "stated_rate"])]
    if indicator_ids is not None:
        t = t[t["indicator_id"].isin(list(indicator_ids))]
    rows = []
    for (iid, stat), grp in t.groupby(["indicator_id", "statistic"], sort=False):
        if grp["district"].nunique() < 2 or grp.groupby("district").size().max() > 1:
            continue
        note = ""
        if listed is not None:
            if (iid, stat) not in listed:  # a rate of the others only: not this report's
                continue
            n = len(grp)
            grp = grp[grp["district"].isin(set(listed[(iid, stat)]))]
            note = listed_note(n, len(grp))
        for _, r in grp.iterrows():
            rows.append({"indicator_id": iid,
                         "group": name_zh(iid) + ("（增速目标）" if stat == "stated_rate" else "") + note,
                         "district": r["district"],
                         "label": f"{r['district_name']}\n{int(r['year_from'])}–{int(r['year_to'])}",
                         "value": 100 * float(r["value"])})
    return pd.DataFrame(rows, columns=["indicator_id", "group", "district", "label", "value"])


def _rates_options(data: pd.DataFrame, highlight_district: str | None) -> dict:
    """ranking_chart's arguments for shared_rates data, one district highlighted."""
    mine = set(data.loc[data["district"] == highlight_district, "label"])
    return dict(value="value", label="label", group="group", highlight=mine,
                value_format="{:+.1f}%", xlabel="年均增速（%）")


def shared_rates_figure(tidy: pd.DataFrame, highlight_district: str | None = None,
                        indicator_ids: Iterable[str] | None = None, *,
                        listed: dict[tuple[str, str], Iterable[str]] | None = None):
    """Bars of the planned annual growth each district sets on shared indicators (one panel per
    indicator; ``listed``: see :func:`shared_rates`), one district highlighted; None when no
    indicator is shared."""
    from .plotting import ranking_chart
    data = shared_rates(tidy, indicator_ids, listed=listed)
    if len(data) == 0:
        return None
    return ranking_chart(data, **_rates_options(data, highlight_district))


def _levels_data(levels: pd.DataFrame) -> pd.DataFrame:
    """Levels (helpers.compare.level_comparison with name_zh) as ranking_chart data: group
    "name（year年，unit）", label the district marked （基数）/（正文） where it is one."""
    return levels.assign(
        group=[f"{n}（{y}年，{u}）" for n, y, u in zip(levels["name_zh"], levels["year"], levels["unit"])],
        label=[n + ("（基数）" if r == "baseline" else "") + ("（正文）" if o == "narrative" else "")
               for n, r, o in zip(levels["district_name"], levels["role"], levels["origin"])])


def _levels_options(data: pd.DataFrame, highlight_district: str | None) -> dict:
    """ranking_chart's arguments for _levels_data, one district highlighted."""
    mine = set(data.loc[data["district"] == highlight_district, "label"])
    return dict(value="value", label="label", group="group", highlight=mine,
                value_format="{:g}", xlabel="同年数值（单位见标题）")


def shared_levels_figure(levels: pd.DataFrame, highlight_district: str | None = None):
    """Bars of each district's value at the common year (helpers.compare.level_comparison),
    one panel per indicator titled with the year and unit, bars of a base value or a value read
    from the text marked （基数）/（正文）, one district highlighted; None when nothing is
    compared."""
    from .plotting import ranking_chart
    if len(levels) == 0:
        return None
    data = _levels_data(levels)
    return ranking_chart(data, **_levels_options(data, highlight_district))


def standing_levels(rep: DistrictReport) -> pd.DataFrame:
    """The levels the standing charts draw: those of the indicators this district ranks on at a
    common year, only the districts its standing lists, name_zh as it prints them with what
    the panel leaves out (:func:`listed_note`). Empty when there is none."""
    st = standing_table(rep)
    rows = st[st["_statistic"] == "level"]
    if len(rows) == 0:
        return pd.DataFrame()
    levels = rep.levels
    levels = levels[levels["indicator_id"].isin(set(rows["_indicator_id"]))]
    listed = rows.set_index("_indicator_id")["_listed"]
    keep = [d in listed[i] for i, d in zip(levels["indicator_id"], levels["district"])]
    drawn = levels[keep].copy()
    counts = drawn.groupby("indicator_id").size()
    drawn["name_zh"] = [rep.name_of(i) + listed_note(int(n), int(counts[i]))
                        for i, n in zip(drawn["indicator_id"], drawn["n"])]
    return drawn


def standing_level_figure(rep: DistrictReport):
    """Bars of the levels at a common year on the shared indicators this district prints,
    this district highlighted, in one figure (on screen; reports use :func:`standing_charts`);
    None if there is nothing to draw."""
    drawn = standing_levels(rep)
    return shared_levels_figure(drawn, rep.slug) if len(drawn) else None


def standing_charts(rep: DistrictReport) -> list[Chart]:
    """The report's comparison charts, each no taller than a printed page
    (helpers.plotting.ranking_pages): the planned growth rates, then the levels at a common
    year, each with its title and alt text naming the indicators it draws; [] if nothing is
    shared."""
    from .plotting import ranking_pages
    name = rep.district.name
    charts = []
    st = standing_table(rep)
    listed = listed_rates(st)
    data = shared_rates(rep.tidy, [iid for iid, _ in listed], listed=listed) if listed else None
    if data is not None and len(data):
        for fig, groups in ranking_pages(data, **_rates_options(data, rep.slug)):
            charts.append(Chart(f"{name} · 与其他区比较", fig,
                                f"各区在共同指标上的计划年均增速，{name}以蓝色标出：{'、'.join(groups)}"))
    drawn = standing_levels(rep)
    if len(drawn):
        printed = st[st["_statistic"] == "level"].set_index("_indicator_id")["指标"]
        data = _levels_data(drawn)
        for fig, groups in ranking_pages(data, **_levels_options(data, rep.slug)):
            ids = dict.fromkeys(data.loc[data["group"].isin(groups), "indicator_id"])
            names = "、".join(dict.fromkeys(printed[i] for i in ids))
            charts.append(Chart(f"{name} · 同年水平比较", fig,
                                f"各区在同一年份的指标数值，{name}以蓝色标出：{names}"))
    return charts


def standing_figure(rep: DistrictReport):
    """Bars of the planned annual growth on the shared indicators this district ranks on
    (rates only), this district highlighted; None if there is nothing to draw."""
    listed = listed_rates(standing_table(rep))
    if not listed:
        return None
    return shared_rates_figure(rep.tidy, rep.slug, [iid for iid, _ in listed], listed=listed)


def listed_rates(standing: pd.DataFrame) -> dict[tuple[str, str], tuple[str, ...]]:
    """(indicator_id, statistic) → the districts listed, of the growth-rate rows (cagr, stated
    rate) of a standing table, which the rates chart draws."""
    rates = standing[standing["_statistic"].isin(["cagr", "stated_rate"])]
    return dict(zip(zip(rates["_indicator_id"], rates["_statistic"]), rates["_listed"]))


# --------------------------------------------------------------------------- progress


#: Name and explanation of the ratio_or_score column per progress method.
RATIO_LABEL = {"opensdg": "实际/所需", "unsd": "外推得分"}
RATIO_NOTE = {
    "opensdg": "“实际/所需”为实际年均变化与所需年均变化之比（≥0.95 进度正常，0.6–0.95 需加快，"
               "0–0.6 进展有限，<0 倒退；达到目标时直接判为已达标）。无目标的指标按观测年均增速判定"
               "（≥1.5% 进度正常，0.5%–1.5% 需加快，0–0.5% 进展有限，<0 倒退）。",
    "unsd": "“外推得分”为按实际年均增速外推到目标年的值占计划变化的比例（≥0.95 进度正常，"
            "0.10–0.95 需加快，0–0.10 进展有限，<0 倒退；达到目标时直接判为已达标）。无目标的指标"
            "按联合国统计司2023年进展图技术说明的阈值判定（观测年均增速≥2% 进度正常，0.5%–2% 需加快，"
            "0–0.5% 进展有限，<0 倒退）。",
}
#: How the forms of a result are judged, for the reader.
FORMS_NOTE = ("实际值按发布形式判定：水平值与目标直接比较；同比增速与方案路径当年所需增速比较；"
              "当年新增在各年齐全时合计为累计值，否则与方案路径当年所需新增比较，从不与存量目标比较。"
              "口径（全区/区本级/规上等）与方案指标不同的数值列出来源但不计入状态。")


def progress_summary_table(rep: DistrictReport) -> pd.DataFrame:
    """Counts per status (all seven, in report order): 状态 (badge), 指标数, 占比."""
    from .progress import progress_summary
    s = progress_summary(rep.progress)
    return pd.DataFrame({"状态": [status_badge(k) for k in s.index], "指标数": s["指标数"],
                         "占比": [f"{format_number(p, 1)}%" for p in s["占比"]]})


def _progress_actual_text(r: pd.Series) -> str:
    """The judged actual as the reader sees it: value with unit (or % growth / yearly addition)
    and year."""
    if is_missing(r["latest_actual"]):
        return "—"
    unit = "%" if r["form"] == "growth_rate" else r["unit"]
    return f"{format_value(r['latest_actual'], unit)}（{int(r['latest_actual_year'])}）"


def progress_table(rep: DistrictReport) -> pd.DataFrame:
    """Indicators with at least one actual (judged, or shown but not counted): 指标, 进展状态,
    实际值形式, 最新实际, 当年目标, 评估目标, 实际/所需, 判定方法, 实际值来源, 未计入的实际值 —
    numbers with units. 当年目标 is "所需新增 …" (the plan path's required addition) for the
    added_in_year form and "所需增速 …%" for the growth_rate form."""
    p = rep.progress[(rep.progress["status"] != "no_data") | (rep.progress["excluded"] != "")]
    rows = []
    for _, r in p.iterrows():
        unit = r["unit"]
        year_target = "—" if r["form"] == "growth_rate" else format_value(r["year_target"], unit)
        if r["form"] == "growth_rate" and not is_missing(r["required"]):
            year_target = f"所需增速 {format_number(100 * r['required'], 2)}%"
        elif r["form"] == "added_in_year" and r["base_kind"] == "plan_path":
            year_target = f"所需新增 {year_target}"
        rows.append({
            "指标": rep.name_of(r["indicator_id"]) if r["indicator_id"] in rep.catalogue.index
            else r["indicator"],
            "进展状态": status_badge(r["status"]),
            "实际值形式": (r["form_zh"] or "—") + (f"（口径：{r['scope']}）" if r["scope"] else ""),
            "最新实际": _progress_actual_text(r),
            "当年目标": year_target,
            "评估目标": (f"{format_value(r['target_value'], unit)}（{int(r['target_year'])}）"
                     if not is_missing(r["target_value"]) else "—"),
            RATIO_LABEL[rep.method]: ("—" if is_missing(r["ratio_or_score"])
                                     else format_number(r["ratio_or_score"], 2)),
            "判定方法": r["rule_zh"], "实际值来源": r["actual_source"] or "—",
            "未计入的实际值": r["excluded"] or "—",
        })
    return pd.DataFrame(rows, columns=["指标", "进展状态", "实际值形式", "最新实际", "当年目标",
                                       "评估目标", RATIO_LABEL[rep.method], "判定方法",
                                       "实际值来源", "未计入的实际值"])


def progress_unused_notes(rep: DistrictReport) -> list[str]:
    """Actual rows of this district that no status uses and no table row shows: indicators its
    plan does not contain, published rows without a catalogue indicator, published rows replaced
    by the user's file — each with file and line (reported, never silently dropped)."""
    from .progress import unplanned_actuals
    mine = rep.actuals[rep.actuals["district"] == rep.slug] if len(rep.actuals) else rep.actuals
    notes = [f"{r.source} {r.year}年 {r.value:g}{r.unit}：{r.reason}"
             for r in unplanned_actuals(rep.plan, mine).itertuples()]
    name = rep.district.name
    notes += [n for n in rep.actuals.attrs.get("notices", []) if name in n or rep.slug in n]
    return notes


def actuals_source_text(label: str) -> str:
    """Where the actuals came from, as a reader would say it (no file paths): the kit's
    collection of published results, the user's own file, or the file a run was given."""
    from pathlib import PurePath
    names = {"published.csv": "公开发布的结果汇编（各值来源见下表）", "actuals.csv": "研究人员录入的实际值"}
    parts = [names.get(PurePath(p.strip()).name, f"文件 {PurePath(p.strip()).name}")
             for p in str(label).split("+") if p.strip()]
    return "与".join(parts)


def progress_html(rep: DistrictReport) -> str:
    """Status summary, the per-indicator statuses with the form and source of each actual and
    the actuals not counted, actual rows no indicator uses, and the list of indicators without
    data ("无数据") — or a plain statement that no actuals were given."""
    from .progress import METHODS
    no_data = rep.progress[(rep.progress["status"] == "no_data") & (rep.progress["excluded"] == "")]
    unused = progress_unused_notes(rep)
    unused_html = (note_html("未用于评估的实际值（列出以免遗漏）：" + "；".join(unused)) if unused else "")
    if not has_actuals(rep):
        where = f"（{actuals_source_text(rep.actuals_label)}中没有本区的数据）" if rep.actuals_label \
            else "（未找到公开发布的结果，也未录入实际值）"
        return (note_html(f"无实际数据{where}：方案文件只有基期与目标，实际完成情况需按统计公报、"
                          "政府工作报告等公开发布的数值录入。以下全部指标状态为“无数据”，不作推测。")
                + html_table(progress_summary_table(rep), raw=["状态"], numeric=["指标数", "占比"],
                            compact=True) + unused_html)
    t = progress_table(rep)
    missing = "、".join(rep.name_of(i) if i in rep.catalogue.index else i
                       for i in no_data["indicator_id"].astype(str))
    return (note_html(f"方法：{METHODS[rep.method]}；实际值来自{actuals_source_text(rep.actuals_label)}。"
                      + RATIO_NOTE[rep.method] + FORMS_NOTE)
            + html_table(progress_summary_table(rep), raw=["状态"], numeric=["指标数", "占比"],
                            compact=True)
            + html_table(t, raw=["进展状态"],
                         numeric=["最新实际", "当年目标", "评估目标", RATIO_LABEL[rep.method]],
                         wrap=["指标", "判定方法", "未计入的实际值"], quote=["实际值来源"],
                         caption=f"有实际值的指标（{len(t)} 项）")
            + unused_html
            + (note_html(f"无数据（{len(no_data)} 项，无公开发布或录入的实际值，不作推测）：{missing}")
               if len(no_data) else ""))


# --------------------------------------------------------------------------- as printed

#: Words printed before a number that belong to the target as the reader should see it.
PREFIX_QUALIFIERS = ("不少于", "不低于", "超过", "突破", "至少", "每年")
#: Words printed right after a number (and its unit) that belong to it.
SUFFIX_QUALIFIERS = ("以上（含）", "以上(含)", "以上", "以内", "以下", "左右", "多")
#: A label that is only a table's number (Zhenhai's category "表1"), not a category.
_TABLE_LABEL = __import__("re").compile(r"^\s*(表|附件|附表)\s*[0-9一二三四五六七八九十]+\s*$")
#: Marks and punctuation trimmed from the ends of a printed category or agency.
_EDGE_MARKS = "*＊※△▲—－-–·•、，,；;：:。. \u3000\t"


def printed_value(row) -> str:
    """A value as the document prints it, qualifiers kept: the characters read (value_text)
    with a qualifier printed right before (不少于, 突破, 每年…) or after (以上, 左右…) it in
    the quote — "50家以上", "不少于60家", "每年100家以上"; value_text alone when the quote
    has none, the formatted value when nothing was recorded."""
    vt = "" if is_missing(row.get("value_text")) else str(row.get("value_text")).strip()
    if not vt:
        return format_value(row["value"], row["unit"])
    quote = "" if is_missing(row.get("quote")) else str(row.get("quote"))
    i = quote.find(vt)
    if i < 0:
        return vt
    before, after = quote[:i].rstrip(), quote[i + len(vt):]
    pre = next((q for q in PREFIX_QUALIFIERS if before.endswith(q)), "")
    post = next((q for q in SUFFIX_QUALIFIERS if after.startswith(q)), "")
    return f"{pre}{vt}{post}"


def clean_label(text) -> tuple[str, str]:
    """A printed category or lead agency cleaned for display: a bare table number ("表1") is
    no category; footnote marks ("*") and stray punctuation ("——", trailing "。") at either
    end are dropped. Returns (clean text, what was dropped, "" if nothing) so the report can
    say how it read the document."""
    raw = "" if is_missing(text) else str(text)
    if _TABLE_LABEL.match(raw):
        return "", raw.strip()
    clean = raw.strip(_EDGE_MARKS)
    # keep a closing bracket or quote that belongs to the text
    dropped = raw.replace(clean, "", 1).strip() if clean != raw.strip() else ""
    return clean, dropped


def cleaning_notes(rep: DistrictReport) -> list[str]:
    """Sentences on how printed categories and agencies were read for display (for the
    数据说明): which marks and table numbers were dropped, how often."""
    from collections import Counter

    from .series import is_table
    notes = []
    tab = rep.plan[is_table(rep.plan)]
    bare = tab[tab["category"].fillna("").astype(str).str.strip() == ""]
    if len(bare):
        where = "、".join(dict.fromkeys(bare["section"].astype(str)))
        notes.append(f"{where}的 {len(bare)} 个数值原文未印类别，归入“"
                     f"{label_table('report')['uncategorised']}”（不以表格编号作类别）")
    for col, what in (("category", "类别"), ("lead_agency", "牵头单位")):
        dropped: Counter = Counter()
        for v in rep.plan[col].dropna().astype(str).unique():
            clean, gone = clean_label(v)
            if gone:
                n = int((rep.plan[col] == v).sum())
                dropped["表格编号" if not clean else gone] += n
        for mark, n in dropped.items():
            if mark == "表格编号":
                notes.append(f"{what}栏印作表格编号（如“表1”）的 {n} 个数值，归入“"
                             f"{label_table('report')['uncategorised']}”")
            else:
                notes.append(f"{what}首尾的“{mark}”（{n} 个数值，原文未说明含义）未显示，文字照原文")
    return notes


# --------------------------------------------------------------------------- narrative targets

def narrative_rows(rep: DistrictReport) -> pd.DataFrame:
    """The district's narrative (正文) values, in document order."""
    from .series import is_narrative
    plan = rep.plan
    n = plan[is_narrative(plan)]
    if "source_line" in n.columns:
        n = n.sort_values(["source_line", "year"], kind="stable")
    return n


def narrative_agreement(rep: DistrictReport, row) -> tuple[str, str]:
    """How a narrative value compares with the district's tables: (key, Chinese text) with key
    agrees | differs | not_comparable | table_only. A lower bound (以上…) the table exceeds is
    a difference the text explains, not a contradiction."""
    from .audit import is_lower_bound
    from .series import is_table, same_value
    plan = rep.plan
    t = plan[is_table(plan) & (plan["indicator_id"] == row["indicator_id"])]
    texts = label_table("agreement")
    if len(t) == 0:
        return "table_only", texts["table_only"]
    same = t[t["year"].astype(int) == int(row["year"])]
    if len(same) == 0:
        years = "、".join(str(y) for y in sorted(t["year"].astype(int).unique()))
        return "not_comparable", f"{texts['not_comparable']}（表列 {years} 年）"
    tv, tu = float(same["value"].iloc[0]), str(same["unit"].iloc[0])
    if tu == str(row["unit"]) and same_value(float(row["value"]), tv):
        return "agrees", texts["agrees"]
    table_text = format_value(tv, tu)
    if tu == str(row["unit"]) and is_lower_bound(row) and tv > float(row["value"]):
        return "differs", f"{texts['differs']}：表格为 {table_text}（正文为下限，表格更高）"
    return "differs", f"{texts['differs']}：表格为 {table_text}"


def narrative_table(rep: DistrictReport) -> pd.DataFrame:
    """Every narrative (正文) value of the district: 类别 (group), 指标 (as printed), 年份,
    数值 (as printed, qualifiers kept), 与表格 (badge), 原文 (the quote)."""
    rows = []
    for _, r in narrative_rows(rep).iterrows():
        key, text = narrative_agreement(rep, r)
        cat, _ = clean_label(r["category"])
        role = "基期" if r["role"] == "baseline" else "目标"
        rows.append({"类别": cat or label_table("report")["uncategorised"],
                     "指标": name_without_unit(str(r["indicator"])),
                     "年份": f"{int(r['year'])}年{role}", "数值": printed_value(r),
                     "与表格": badge(text, f"agree-{'yes' if key == 'agrees' else 'no' if key == 'differs' else 'none'}"),
                     "原文": str(r["quote"])})
    cols = ["类别", "指标", "年份", "数值", "与表格", "原文"]
    frame = pd.DataFrame(rows, columns=cols)
    return group_by_first_appearance(frame, "类别") if len(frame) else frame


def narrative_html(rep: DistrictReport) -> str:
    """The narrative targets table with a count line, or a note that the plan prints none."""
    t = narrative_table(rep)
    if len(t) == 0:
        where = "、".join(dict.fromkeys(rep.plan["section"].astype(str))) or "表格"
        return note_html(f"正文没有另列数值：本区的量化目标均来自{where}。")
    keys = [narrative_agreement(rep, r)[0] for _, r in narrative_rows(rep).iterrows()]
    from collections import Counter
    c = Counter(keys)
    head = (f"正文共印 {len(t)} 个数值：与表格一致 {c['agrees']} 个，与表格不同 {c['differs']} 个，"
            f"表格无同年数值 {c['not_comparable']} 个，仅见于正文 {c['table_only']} 个。")
    return note_html(head) + html_table(t, group="类别", raw=["与表格"], wrap=["指标"],
                                        quote=["原文"], nowrap=["年份", "数值"])


# --------------------------------------------------------------------------- data notes

def data_notes(rep: DistrictReport, data_version: str) -> list[tuple[str, str]]:
    """The 数据说明 at the end of the report, as (term, explanation) pairs: the plan and its
    documents (title, 文号, date where the registry has them), the files each value was read
    from, values drafted by the prose extractor and not yet reviewed, values entered from a
    web page, how printed labels were cleaned, and the data version."""
    d = rep.district
    notes = [("方案", f"{d.plan_title}（基期 {d.base_year} 年，目标至 {d.end_year} 年）")]
    for doc in d.documents:
        printed = [x for x in (doc.title, doc.doc_no, doc.date and f"{doc.date}印发") if x]
        notes.append(("文件", f"{doc.file}：" + ("，".join(printed) if printed
                                                 else "原文未印文号与日期")))
    plan = rep.plan
    for f, grp in plan.groupby("source_file", sort=False):
        sections = "、".join(dict.fromkeys(grp["section"].astype(str)))
        how = "每个数值附来源网页及其位置" if is_entry(grp).all() else "每个数值附原文引文"
        notes.append(("来源", f"{f}：{len(grp)} 个数值（{sections}），{how}"))
    drafted = plan[is_drafted(plan)]
    if len(drafted):
        names = "、".join(dict.fromkeys(drafted["indicator"].astype(str)))
        notes.append(("待复核", f"{len(drafted)} 个数值由程序从正文起草、尚未人工复核：{names}"))
    for text in entry_source_notes(plan):
        notes.append(("网页录入", text))
    for text in cleaning_notes(rep):
        notes.append(("读法", text))
    notes.append(("数据版本", f"{data_version}（指标数据表的校验值：两份报告此值相同，所用数据即相同）"))
    return notes


def entry_source_notes(plan: pd.DataFrame) -> list[str]:
    """One sentence per source page of the values entered from a web page or scan (section
    网页录入): how many values, the document's title, 文号 and date where printed, the URL (and
    whether it is a repost), each marked 据原文录入，未与原文逐字核对."""
    entered = plan[is_entry(plan)]
    out = []
    for f, grp in entered.groupby("source_file", sort=False):
        sources = entry_sources(str(f))
        by_page: dict[tuple, int] = {}
        for line in grp["source_line"].astype(int):
            src = sources[line]
            key = (src["source_title"], src["source_doc_no"], src["source_date"], src["source_url"],
                   src["mirror"])
            by_page[key] = by_page.get(key, 0) + 1
        for (title, doc_no, date, url, mirror), n in by_page.items():
            meta = "，".join(x for x in (doc_no, date) if x)
            out.append(f"{n} 个数值{ENTRIES_NOTE}：{title}" + (f"（{meta}）" if meta else "")
                       + f"，{url}" + ("（转载页）" if mirror == "mirror" else ""))
    return out


def data_notes_html(rep: DistrictReport, data_version: str) -> str:
    """The 数据说明 as a definition list (templates/notes.html.j2)."""
    return _render("notes.html.j2", notes=data_notes(rep, data_version))
