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
import html as _html
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

#: Short Chinese names of the growth rules (helpers.growth.MEASURE_RULES values).
RULE_SHORT_ZH = {"geometric": "复合增速", "linear": "累计匀速", "flow": "年度流量",
                 "reduction": "累计降低率", "stated_rate": "增速目标",
                 "percentage_points": "百分点"}


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
    return stat_text(stat, implied_annual if stat in RATE_STATS else change_per_year, unit)


# --------------------------------------------------------------------------- HTML tables

#: CSS for every table and box the report helpers emit (display once, at the top). The doubled
#: class (``table.kit.kit``) outranks JupyterLab's ``:not(.jp-RenderedMarkdown) td`` rules.
REPORT_CSS = """<style>
.kit-report { color: #1f2933; }
.kit-title h1 { font-size: 1.7em; margin: 0 0 .2em 0; }
.kit-title .sub { color: #52606d; font-size: .95em; margin: .1em 0; }
.kit-box { border-left: 4px solid #0072B2; background: #f5f9fc; padding: .6em 1em;
  margin: .6em 0 1em 0; }
.kit-box ul { margin: .2em 0; padding-left: 1.2em; }
.kit-box li { margin: .25em 0; line-height: 1.55; }
.kit-note { color: #52606d; font-size: .9em; margin: .3em 0 .8em 0; }
table.kit.kit.compact { width: auto; min-width: 28em; }
table.kit.kit { border-collapse: collapse; width: 100%; font-size: 12.5px; margin: .4em 0 1em 0;
  table-layout: auto; }
table.kit.kit caption { caption-side: top; text-align: left; font-weight: 600; padding: .3em 0;
  color: #1f2933; }
table.kit.kit th { background: #eef2f6; color: #1f2933; font-weight: 600; text-align: left;
  padding: .4em .55em; border-bottom: 2px solid #cbd2d9; white-space: nowrap;
  position: sticky; top: 0; }
table.kit.kit td { padding: .32em .55em; border-bottom: 1px solid #e4e7eb; text-align: left;
  vertical-align: top; line-height: 1.45; }
table.kit.kit td.nowrap { white-space: nowrap; }
table.kit.kit td.num, table.kit.kit th.num { text-align: right; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
table.kit.kit td.wrap { min-width: 14em; max-width: 34em; white-space: normal; }
table.kit.kit td.quote { max-width: 40em; font-size: 11.5px; color: #52606d; white-space: normal; }
table.kit.kit tr.group td { background: #f7f9fb; font-weight: 600; color: #334e68;
  border-bottom: 1px solid #cbd2d9; padding-top: .55em; }
table.kit.kit tbody tr:hover td { background: #fffbea; }
table.kit.kit td.hl, table.kit.kit th.hl { background: #e6f2fa; font-weight: 600; }
.badge { display: inline-block; padding: 0 .45em; border-radius: 3px; font-size: 11.5px;
  white-space: nowrap; }
.st-met { background: #d3f9d8; color: #1b5e20; }
.st-on_track { background: #e3f2fd; color: #0d47a1; }
.st-needs_acceleration { background: #fff3bf; color: #7c5800; }
.st-limited { background: #ffe8cc; color: #8a3c00; }
.st-backwards { background: #ffe3e3; color: #a61b1b; }
.st-no_data { background: #f1f3f5; color: #616e7c; }
.sev-high { background: #ffe3e3; color: #a61b1b; }
.sev-medium { background: #fff3bf; color: #7c5800; }
.sev-low { background: #e3f2fd; color: #0d47a1; }
</style>"""


def badge(text: str, css_class: str) -> str:
    """An inline coloured label (HTML), e.g. a progress status or a severity."""
    return f'<span class="badge {_html.escape(css_class)}">{_html.escape(text)}</span>'


def html_table(frame: pd.DataFrame, *, caption: str | None = None, group: str | None = None,
               numeric: Sequence[str] = (), wrap: Sequence[str] = (), quote: Sequence[str] = (),
               raw: Sequence[str] = (), highlight: Sequence[str] = (),
               nowrap: Sequence[str] = (), compact: bool = False) -> str:
    """A DataFrame as an HTML ``<table class="kit">`` without its index.

    group: a column whose value changes start a full-width group row (the column is not shown).
    numeric: right-aligned columns; wrap / quote: long-text columns (quote in small grey);
    raw: columns already holding HTML (e.g. :func:`badge`), not escaped; highlight: shaded
    columns (e.g. the report's own district); nowrap: columns kept on one line; compact: as
    narrow as the content (small summary tables). Every other cell is escaped text.
    """
    esc = _html.escape
    cols = [c for c in frame.columns if c != group]

    def cls(c: str) -> str:
        names = (["num"] if c in numeric else []) + (["wrap"] if c in wrap else []) \
            + (["quote"] if c in quote else []) + (["hl"] if c in highlight else []) \
            + (["nowrap"] if c in nowrap else [])
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{cls(c)}>{esc(str(c))}</th>" for c in cols)
    body, current = [], object()
    for _, row in frame.iterrows():
        if group is not None and row[group] != current:
            current = row[group]
            body.append(f'<tr class="group"><td colspan="{len(cols)}">{esc(str(current))}</td></tr>')
        cells = []
        for c in cols:
            v = row[c]
            text = "—" if is_missing(v) or v == "" else (str(v) if c in raw else esc(str(v)))
            cells.append(f"<td{cls(c)}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return (f'<table class="kit{" compact" if compact else ""}">{cap}<thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def note_html(text: str) -> str:
    """A grey explanatory paragraph."""
    return f'<p class="kit-note">{_html.escape(text)}</p>'


# --------------------------------------------------------------------------- the report data


@dataclass
class DistrictReport:
    """Everything one district's report shows, computed once by :func:`prepare_report`."""

    district: District
    df: pd.DataFrame  # load_indicators() for all districts (comparison needs the others)
    end_year: int | None  # targets judged up to this year (None: each series' last target)
    method: str  # progress method key (helpers.progress.METHODS)
    actuals: pd.DataFrame  # load_actuals() rows of every district
    actuals_label: str  # where the actuals came from, for the reader
    series_ids: list[str]  # table series of the district, in table order
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
    series: dict[str, pd.DataFrame] = field(repr=False, default_factory=dict)  # table_series

    @property
    def slug(self) -> str:
        return self.district.slug

    @property
    def plan(self) -> pd.DataFrame:
        return self.df[self.df["district"] == self.slug]

    def name_of(self, indicator_id: str) -> str:
        """Chinese name of an indicator for this district's readers.

        The catalogue name, except for an indicator several districts share: the catalogue
        holds one district's wording for it, so this district's own printing is used (table
        first, then narrative, trailing unit dropped) — Zhenhai's "“浙江制造”团体标准", not
        Yinzhou's "累计“浙江制造”等省级以上标准"."""
        if indicator_id in self.printed_names:
            return self.printed_names[indicator_id]
        return str(self.catalogue.loc[indicator_id, "name_zh"])

    @cached_property
    def standing(self) -> pd.DataFrame:
        """:func:`standing_table` of this report, computed once (headline, table and chart)."""
        return _standing_table(self)

    @cached_property
    def printed_names(self) -> dict[str, str]:
        """indicator_id → this district's printed name, for indicators other districts share."""
        from .series import is_table
        shared = self.df.groupby("indicator_id")["district"].nunique()
        plan = self.plan[self.plan["indicator_id"].map(shared) > 1]
        first = pd.concat([plan[is_table(plan)], plan[~is_table(plan)]]).drop_duplicates("indicator_id")
        return {iid: name_without_unit(n) for iid, n in zip(first["indicator_id"], first["indicator"])}


def concepts_of_district(df: pd.DataFrame, slug: str) -> list[str]:
    """Shared concepts (table values in two or more districts) that this district prints —
    all a report compares, so the other concepts need not be computed."""
    from .compare import concept_of, shared_concepts
    from .series import is_table
    own = {concept_of(i) for i in df.loc[(df["district"] == slug) & is_table(df), "indicator_id"]}
    return [c for c in shared_concepts(df) if c in own]


def target_years(df: pd.DataFrame, district: str) -> list[int]:
    """Years in which the district's tables print targets, ascending."""
    from .series import is_table
    slug = resolve_district(district).slug
    rows = df[(df["district"] == slug) & is_table(df) & (df["role"] == "target")]
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
    district prints no base values (nothing can be checked against a base)."""
    from .errors import NoBaselineError
    from .pledges import doubling_check, leap_check
    slug = resolve_district(district).slug
    try:
        return doubling_check(df, slug), leap_check(df, slug), ""
    except NoBaselineError:
        return None, None, "方案未印基期值，无法按基期核验翻番或跃升幅度"


def prepare_report(district: str, end_year: int | None = None,
                   actuals_path: str | Path | None = None, method: str = "opensdg",
                   df: pd.DataFrame | None = None) -> DistrictReport:
    """Run every analysis the report shows for one district.

    district: slug or Chinese name (UnknownDistrictError lists valid ones). end_year: judge
    progress against that year's targets (must be a year the district prints targets for).
    actuals_path: actuals CSV; None → data/actuals/actuals.csv if it exists, else no actuals.
    method: progress method ("opensdg" or "unsd"). df: the indicator table (default
    load_indicators() for all districts).
    """
    from . import load_indicators
    from .actuals import default_actuals_path, load_actuals
    from .audit import audit
    from .catalogue import catalogue_frame
    from .compare import compare_districts
    from .growth import growth_table
    from .milestones import milestone_fit
    from .progress import actual_points, assess_progress
    from .series import is_narrative, series_keys

    d = resolve_district(district)
    df = load_indicators() if df is None else df
    if not (df["district"] == d.slug).any():
        raise AnalysisError(f"no indicator rows for {d.name} ({d.slug}) in the indicator table; "
                            "its extraction has not been built (run `make data`)")
    end_year = check_end_year(df, d.slug, end_year)
    actuals = load_actuals(actuals_path)
    if actuals_path is not None:
        label = Path(actuals_path).name
    elif default_actuals_path().exists():
        label = "data/actuals/actuals.csv"
    else:
        label = ""
    from .series import collapse_printings, table_groups
    ids = [iid for slug, iid in series_keys(df, d.slug)]
    narr = df[(df["district"] == d.slug) & is_narrative(df)]
    narrative_only = [i for i in dict.fromkeys(narr["indicator_id"]) if i not in ids]
    doubling, leap, pledge_note = pledge_tables(df, d.slug)
    plan = df[df["district"] == d.slug]
    return DistrictReport(
        district=d, df=df, end_year=end_year, method=method, actuals=actuals,
        actuals_label=label, series_ids=ids, narrative_only=narrative_only,
        growth=growth_table(df, d.slug), doubling=doubling, leap=leap, pledge_note=pledge_note,
        fit=milestone_fit(df, d.slug), findings=audit(df, d.slug),
        tidy=compare_districts(df, concepts=concepts_of_district(df, d.slug)),
        progress=assess_progress(plan, actuals, method=method, target_year=end_year),
        points=actual_points(actuals, d.slug), catalogue=catalogue_frame(),
        series={iid: collapse_printings(recs, f"{d.slug}/{iid}")
                for (_, iid), recs in table_groups(df, d.slug).items()})


# --------------------------------------------------------------------------- title and headline


def title_html(rep: DistrictReport, data_version: str) -> str:
    """The report heading: district, plan title, parameters and data version."""
    esc = _html.escape
    d = rep.district
    scope = f"进展按 {rep.end_year} 年目标评估" if rep.end_year else "进展按各指标最后一个目标年评估"
    now = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    return (f'<div class="kit-report kit-title"><h1>{esc(d.full_name)}制造业“腾笼换鸟、凤凰涅槃”指标报告</h1>'
            f'<p class="sub">方案：{esc(d.plan_title)}（基期 {d.base_year} 年，目标至 {d.end_year} 年）</p>'
            f'<p class="sub">{esc(scope)}；数据版本 <code>{esc(data_version)}</code>；生成于 {now}</p></div>')


def _names(rep: DistrictReport, ids: Iterable[str], limit: int = 4) -> str:
    names = [rep.name_of(i) for i in ids]
    more = f"等 {len(names)} 项" if len(names) > limit else ""
    return "、".join(names[:limit]) + more


def pledge_facts(rep: DistrictReport) -> list[str]:
    """Headline sentences on the doubling (四倍增) and leap (五跃升) pledges, like for like."""
    if rep.doubling is None:
        return [rep.pledge_note]
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
        return facts
    return [f"方案未设“四倍增/五跃升”；{n} 项有基数的指标中，同口径到期末翻一番的 {len(holds)} 项"
            + (f"（{_names(rep, holds['indicator_id'])}）" if len(holds) else "")
            + f"（翻番需年均 {pace}）"]


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

    facts = [f"量化指标 {len(rep.series_ids)} 项（表格所列）"
             + (f"，另有 {len(rep.narrative_only)} 项仅见于正文" if rep.narrative_only else "")]
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
    else:
        facts.append(f"文件核查：{len(f)} 项检查全部通过，未发现前后矛盾")
    if has_actuals(rep):
        summ = progress_summary(rep.progress)
        parts = "、".join(f"{r['状态']} {r['指标数']}" for _, r in summ.iterrows())
        facts.append(f"实际进展（{METHODS[rep.method]}）：{parts}")
    else:
        facts.append("实际进展：无实际数据（未提供本区实际值，所有指标状态为“无数据”）")
    st = standing_table(rep)
    if len(st):
        first = int((st["_rank"] == 1).sum())
        last = int((st["_rank"] == st["_n"]).sum())
        facts.append(f"与其他区可比的共同指标 {len(st)} 项：年均变化居首 {first} 项、居末 {last} 项")
    return facts


def facts_html(facts: Iterable[str]) -> str:
    """Sentences as a highlighted box with one bullet each (text escaped)."""
    items = "".join(f"<li>{_html.escape(t)}</li>" for t in facts)
    return f'<div class="kit-report kit-box"><ul>{items}</ul></div>'


def headline_html(rep: DistrictReport) -> str:
    """The headline facts as a highlighted box."""
    return facts_html(headline_facts(rep))


# --------------------------------------------------------------------------- indicator table


def has_actuals(rep: DistrictReport) -> bool:
    """True when at least one actual value of this district was loaded."""
    return bool(len(rep.actuals)) and bool((rep.actuals["district"] == rep.slug).any())


def _first_table_rows(rep: DistrictReport) -> pd.DataFrame:
    from .series import is_table
    plan = rep.plan
    return plan[is_table(plan)].drop_duplicates("indicator_id").set_index("indicator_id")


def group_label(row) -> str:
    """The group an indicator is shown under: its printed category (指标类别), else the table
    it was printed in (Zhenhai's 表1 has no categories)."""
    return row["category"] or row["section"]


def status_badge(status: str) -> str:
    """The Chinese progress label of a status key, as a coloured badge."""
    from .progress import STATUS_ZH
    return badge(STATUS_ZH[status], f"st-{status}")


def indicator_table(rep: DistrictReport) -> pd.DataFrame:
    """One row per table series: 类别, 指标, 基期, each target year, 隐含年均变化, 测算口径,
    进展状态 (badge HTML), 牵头单位 — every number with its unit, "—" where nothing is printed."""
    years = target_years(rep.df, rep.slug)
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
            row["隐含年均变化"] = implied_change_text(g["rule"], g["implied_annual"],
                                                g["change_per_year"], unit)
            row["测算口径"] = RULE_SHORT_ZH[g["rule"]]
        else:
            row["隐含年均变化"], row["测算口径"] = "—", "仅一个数值"
        row["进展状态"] = status_badge(status.get(iid, "no_data"))
        row["牵头单位"] = first.loc[iid, "lead_agency"] or "—"
        rows.append(row)
    return group_by_first_appearance(pd.DataFrame(rows), "类别")


def group_by_first_appearance(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows reordered so equal values of ``column`` are adjacent, groups in order of first
    appearance, rows within a group in their original order (a stable sort)."""
    order = {v: i for i, v in enumerate(dict.fromkeys(frame[column]))}
    return frame.iloc[
        frame[column].map(order).reset_index(drop=True).sort_values(kind="stable").index
    ].reset_index(drop=True)


def indicator_table_html(rep: DistrictReport) -> str:
    """The indicator table as HTML, one group row per category."""
    t = indicator_table(rep)
    numeric = ["基期值", *[c for c in t.columns if c.endswith("年") and c[:4].isdigit()], "隐含年均变化"]
    return html_table(t, group="类别", numeric=numeric, wrap=["指标", "牵头单位"], raw=["进展状态"],
                      nowrap=["测算口径", "进展状态"])


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
    short = {"ahead": "超前", "on_path": "符合", "behind": "滞后"}
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
    if not left:
        return ""
    return note_html(f"另有 {len(left)} 项指标只印了一个年份的数值，"
                     f"没有轨迹可画，见上方指标一览：{_names(rep, left, limit=len(left))}。")


def trajectory_figures(rep: DistrictReport, ncols: int = 4,
                       max_panels: int = 12) -> list[tuple[str, object]]:
    """Small-multiple trajectory charts as (title, Figure): base, targets, the milestone fit
    path and any actual points, one figure per category (small consecutive categories share a
    figure, their panel titles then start with the category in 〔〕)."""
    from .plotting import trajectory_grid
    pts = chart_series(rep)
    pts = pts[pts["indicator_id"].isin(charted_ids(rep))]
    if len(pts) == 0:
        return []
    fits, notes = fit_paths(rep), fit_notes(rep)
    actual = rep.points[["indicator_id", "year", "value"]] if len(rep.points) else None
    cats = list(dict.fromkeys(pts["category"]))
    counts = pts.drop_duplicates("indicator_id")["category"].value_counts().to_dict()
    out = []
    for group in chart_groups(cats, counts, max_panels):
        sub = pts[pts["category"].isin(group)]
        if len(group) > 1:
            sub = sub.assign(label="〔" + sub["category"].str.rstrip("。") + "〕" + sub["label"])
        title = f"{rep.district.name} · " + "、".join(c.rstrip("。") for c in group)
        out.append((title, trajectory_grid(sub, fits=fits, actuals=actual, notes=notes,
                                           ncols=ncols, title=wrap_title(title))))
    return out


def wrap_title(text: str, width: int = 60) -> str:
    """A figure title broken into lines of at most ``width`` characters."""
    from .plotting import wrap_label
    return wrap_label(text, width)


# --------------------------------------------------------------------------- audit

SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低", "none": "—"}


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
    t = audit_findings_table(rep)
    summary = html_table(audit_summary_table(rep), caption="各类核查", compact=True,
                         numeric=["检查数", "通过", "发现问题", "高", "中", "低"])
    if len(t) == 0:
        return note_html(f"本区 {len(rep.findings)} 项核查全部通过：正文数字与表格一致，"
                         "累计与存量序列无下降，逐年数与合计相符。") + summary
    return html_table(t, raw=["严重程度"], wrap=["说明"], quote=["原文"],
                      caption=f"发现的问题（{len(t)} 项）") + summary


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
    Columns: 指标, 比较口径, 本区, 排名, 其他区; helper columns _rank, _n, _indicator_id,
    _statistic, _value for charts and the headline."""
    from .compare import PLAN_STATS, STATISTICS
    t = rep.tidy[rep.tidy["statistic"].isin(PLAN_STATS)]
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
        others = "；".join(f"{r['district_name']} {stat_text(stat, r['value'], unit)}"
                          + _years(r["year_from"], r["year_to"])
                          for _, r in grp[grp["district"] != rep.slug].iterrows())
        rows.append({"指标": rep.name_of(iid), "比较口径": STATISTICS[stat][0],
                     "本区": stat_text(stat, me["value"], unit) + _years(me["year_from"], me["year_to"]),
                     "排名": f"{int(me['_rank'])}/{len(grp)}", "其他区": others,
                     "_rank": int(me["_rank"]), "_n": len(grp), "_indicator_id": iid,
                     "_statistic": stat, "_value": float(me["value"])})
    cols = ["指标", "比较口径", "本区", "排名", "其他区", "_rank", "_n", "_indicator_id",
            "_statistic", "_value"]
    return pd.DataFrame(rows, columns=cols)


def standing_html(rep: DistrictReport) -> str:
    """The standing table as HTML (or a note when nothing is comparable)."""
    t = standing_table(rep)
    if len(t) == 0:
        return note_html("本区没有与其他区口径一致、可比较年均变化的共同指标。")
    return html_table(t[["指标", "比较口径", "本区", "排名", "其他区"]], wrap=["指标", "其他区"],
                      numeric=["排名"], highlight=["本区"])


def shared_rates(tidy: pd.DataFrame, indicator_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Planned annual growth rates (cagr and stated rates, in % per year) of indicators that at
    least two districts print with the same indicator_id, for ranking charts.
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
        for _, r in grp.iterrows():
            rows.append({"indicator_id": iid,
                         "group": name_zh(iid) + ("（增速目标）" if stat == "stated_rate" else ""),
                         "district": r["district"],
                         "label": f"{r['district_name']}\n{int(r['year_from'])}–{int(r['year_to'])}",
                         "value": 100 * float(r["value"])})
    return pd.DataFrame(rows, columns=["indicator_id", "group", "district", "label", "value"])


def shared_rates_figure(tidy: pd.DataFrame, highlight_district: str | None = None,
                        indicator_ids: Iterable[str] | None = None):
    """Bars of the planned annual growth each district sets on shared indicators (one panel per
    indicator), one district highlighted; None when no indicator is shared."""
    from .plotting import ranking_chart
    data = shared_rates(tidy, indicator_ids)
    if len(data) == 0:
        return None
    mine = set(data.loc[data["district"] == highlight_district, "label"])
    return ranking_chart(data, value="value", label="label", group="group", highlight=mine,
                         value_format="{:+.1f}%", xlabel="年均增速（%）")


def standing_figure(rep: DistrictReport):
    """Bars of the planned annual growth on the shared indicators this district ranks on
    (rates only), this district highlighted; None if there is nothing to draw."""
    st = standing_table(rep)
    ids = st.loc[st["_statistic"].isin(["cagr", "stated_rate"]), "_indicator_id"]
    if len(ids) == 0:
        return None
    return shared_rates_figure(rep.tidy, rep.slug, ids)


# --------------------------------------------------------------------------- progress


#: Name and explanation of the ratio_or_score column per progress method.
RATIO_LABEL = {"opensdg": "实际/所需", "unsd": "外推得分"}
RATIO_NOTE = {
    "opensdg": "“实际/所需”为实际年均变化与所需年均变化之比（≥0.95 进度正常，0.6–0.95 需加快，"
               "0–0.6 进展有限，<0 倒退；达到目标时直接判为已达标）。",
    "unsd": "“外推得分”为按实际年均增速外推到目标年的值占计划变化的比例（≥0.95 进度正常，"
            "0.10–0.95 需加快，0–0.10 进展有限，<0 倒退；达到目标时直接判为已达标）。",
}


def progress_summary_table(rep: DistrictReport) -> pd.DataFrame:
    """Counts per status (all six, in report order): 状态 (badge), 指标数, 占比."""
    from .progress import progress_summary
    s = progress_summary(rep.progress)
    return pd.DataFrame({"状态": [status_badge(k) for k in s.index], "指标数": s["指标数"],
                         "占比": [f"{format_number(p, 1)}%" for p in s["占比"]]})


def progress_table(rep: DistrictReport) -> pd.DataFrame:
    """Indicators with at least one actual: 指标, 进展状态, 最新实际, 当年目标, 评估目标,
    实际/所需, 判定方法, 实际值来源 — numbers with units."""
    p = rep.progress[rep.progress["status"] != "no_data"]
    rows = []
    for _, r in p.iterrows():
        unit = r["unit"]
        rows.append({
            "指标": r["indicator"], "进展状态": status_badge(r["status"]),
            "最新实际": f"{format_value(r['latest_actual'], unit)}（{int(r['latest_actual_year'])}）",
            "当年目标": format_value(r["year_target"], unit),
            "评估目标": (f"{format_value(r['target_value'], unit)}（{int(r['target_year'])}）"
                     if not is_missing(r["target_value"]) else "—"),
            RATIO_LABEL[rep.method]: ("—" if is_missing(r["ratio_or_score"])
                                     else format_number(r["ratio_or_score"], 2)),
            "判定方法": r["rule_zh"], "实际值来源": r["actual_source"],
        })
    return pd.DataFrame(rows, columns=["指标", "进展状态", "最新实际", "当年目标", "评估目标",
                                       RATIO_LABEL[rep.method], "判定方法", "实际值来源"])


def progress_html(rep: DistrictReport) -> str:
    """Status summary, the per-indicator statuses with the source of each actual, and the list
    of indicators without data ("无数据") — or a plain statement that no actuals were given."""
    from .progress import METHODS
    no_data = rep.progress[rep.progress["status"] == "no_data"]
    if not has_actuals(rep):
        where = f"（{rep.actuals_label} 中没有本区的数据）" if rep.actuals_label else \
            "（未提供实际值文件 data/actuals/actuals.csv）"
        return (note_html(f"无实际数据{where}：方案文件只有基期与目标，实际完成情况需由研究人员"
                          "按统计公报、政府工作报告等录入。以下全部指标状态为“无数据”，不作推测。")
                + html_table(progress_summary_table(rep), raw=["状态"], numeric=["指标数", "占比"],
                            compact=True))
    t = progress_table(rep)
    missing = "、".join(no_data["indicator"].astype(str))
    return (note_html(f"方法：{METHODS[rep.method]}；实际值文件：{rep.actuals_label}。"
                      + RATIO_NOTE[rep.method])
            + html_table(progress_summary_table(rep), raw=["状态"], numeric=["指标数", "占比"],
                            compact=True)
            + html_table(t, raw=["进展状态"],
                         numeric=["最新实际", "当年目标", "评估目标", RATIO_LABEL[rep.method]],
                         wrap=["指标", "判定方法"], quote=["实际值来源"],
                         caption=f"有实际值的指标（{len(t)} 项）")
            + (note_html(f"无数据（{len(no_data)} 项，未录入实际值，不作推测）：{missing}")
               if len(no_data) else ""))
