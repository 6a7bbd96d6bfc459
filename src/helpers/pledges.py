"""Headline pledges: Beilun's 四倍增 (four doublings) and 五跃升 (five leaps), or any set.

`doubling_check` reproduces the plan's own comparison (end target against the 2020 base) and
flags where it is not like for like; `leap_check` sizes each leap against the doubling pace
``2 ** (1/n) - 1`` (14.87 %/yr over 2020–2025).
"""
from __future__ import annotations

import math

import pandas as pd

from .catalogue import name_zh
from .districts import resolve_district
from .errors import AnalysisError, NoBaselineError
from .formatting import format_pct
from .growth import (annual_reduction, cagr, compound_rates, doubling_rate, find_underlying,
                     plan_points, reduced_level, rule_for, segment_changes)
from .series import is_table, table_series

#: A district's headline pledge sets are data: ``[pledges.<key>]`` with ``kind = "doubling"``
#: or ``"leap"`` in data/districts/<slug>.toml (Beilun declares its 四倍增 and 五跃升 lists).


DOUBLING_COLUMNS = [
    "district", "indicator_id", "name_zh", "measure", "unit", "rule", "base_year", "base_value",
    "end_year", "end_value", "years", "multiple", "implied_cagr", "doubles", "like_for_like",
    "lfl_basis", "lfl_multiple", "lfl_cagr", "doubles_like_for_like", "doubling_pace",
    "caveat_zh", "caveat_en",
]
LEAP_COLUMNS = [
    "district", "indicator_id", "name_zh", "measure", "unit", "rule", "base_year", "base_value",
    "end_year", "end_value", "years", "leap_multiple", "leap_pct", "implied_annual",
    "annual_reduction", "reduction_pct", "doubling_pace", "vs_doubling", "faster_than_doubling",
    "leap_zh", "note_zh", "note_en",
]


def _base_printed_as_dash(df: pd.DataFrame, district: str, indicator_id: str) -> bool:
    rows = df[(df["district"] == district) & (df["indicator_id"] == indicator_id) & is_table(df)]
    return rows["quote"].str.contains("——", regex=False).any()


def _rates_text(seg: pd.DataFrame) -> str:
    """'2021–2025年每年12%' / '2023年30%、2024–2027年每年10%' from stated-rate segments."""
    runs: list[list] = []  # [first_year, last_year, rate]
    for r in seg.itertuples():
        first = int(r.from_year) + 1
        if runs and math.isclose(runs[-1][2], r.change) and runs[-1][1] == first - 1:
            runs[-1][1] = int(r.to_year)
        else:
            runs.append([first, int(r.to_year), float(r.change)])
    return "、".join(f"{a}年{g * 100:g}%" if a == b else f"{a}–{b}年每年{g * 100:g}%"
                    for a, b, g in runs)


def pledge_row(df: pd.DataFrame, district: str, indicator_id: str, factor: float = 2.0) -> dict:
    """Base, end target, multiple and implied growth of one pledge, with like-for-like flags.

    The plan's own comparison: multiple = end / base, implied_cagr = (end/base)^(1/n) - 1,
    n = end_year - base_year (district's base and end years). Like for like:
      level/stock/index/flow with a base — the same comparison;
      cumulative (累计新增) with a printed base — the base is one year's amount: compare the
        end year's own amount (C_T - C_{T-1}) with it, and report the yearly average C_T / n;
      growth_rate — the rate compounded, (1 + g)^n, is the level multiple;
      reduction_rate — the underlying level falls to (1 - r); its inverse (e.g. 单位能耗工业
        增加值, value added per unit of energy) rises 1/(1 - r) times;
      share — the relative multiple, with the percentage-point change in the caveat;
      no base printed — no multiple (stated in the caveat, never a silent blank).
    factor: the multiple pledged (2 for 翻一倍). Raises AnalysisError for a series with no
    table values, mixed units, or a non-positive base for a geometric rate.
    """
    d = resolve_district(district)
    s = table_series(df, d.slug, indicator_id)
    measure, unit = s["measure"].iloc[0], s["unit"].iloc[0]
    rule = rule_for(measure)
    targets = s[s["role"] == "target"]
    if targets.empty:
        raise AnalysisError(f"{d.slug}/{indicator_id}: no target")
    end = targets[targets["year"] == d.end_year]
    end = end.iloc[0] if not end.empty else targets.iloc[-1]
    end_year, end_value = int(end["year"]), float(end["value"])
    bases = s[(s["role"] == "baseline") & (s["year"] < end_year)]
    base = bases.iloc[-1] if not bases.empty else None
    base_year = int(base["year"]) if base is not None else d.base_year
    n = end_year - base_year
    if n <= 0:
        raise AnalysisError(f"{d.slug}/{indicator_id}: end year {end_year} not after base {base_year}")
    pace = doubling_rate(n, factor)
    nan = math.nan
    row = dict(district=d.slug, indicator_id=indicator_id, name_zh=name_zh(indicator_id),
               measure=measure, unit=unit, rule=rule, base_year=base_year,
               base_value=float(base["value"]) if base is not None else nan,
               end_year=end_year, end_value=end_value, years=n, multiple=nan, implied_cagr=nan,
               doubles=pd.NA, like_for_like=False, lfl_basis="", lfl_multiple=nan, lfl_cagr=nan,
               doubles_like_for_like=pd.NA, doubling_pace=pace, caveat_zh="", caveat_en="",
               annual_reduction=nan, reduction_pct=nan)
    times = "翻一番" if factor == 2 else f"达到{factor:g}倍"

    if rule == "stated_rate":
        pts, _, _ = plan_points(s[s["year"] <= end_year], measure, d.base_year)
        seg = segment_changes(pts.fillna(0.0), measure, unit)
        m = compound_rates(seg["change"], seg["years"])
        n_rate = int(seg["years"].sum())
        row.update(base_year=int(pts["year"].iloc[0]), years=n_rate, lfl_multiple=m,
                   lfl_cagr=m ** (1 / n_rate) - 1, doubles_like_for_like=bool(m >= factor),
                   lfl_basis="增速复合：∏(1+g)^年数", doubling_pace=doubling_rate(n_rate, factor))
        rates = _rates_text(seg)
        row["caveat_zh"] = (f"增速目标（{rates}）本身是年增速，不能按倍数比较；按增速复合，"
                            f"{n_rate}年后规模为基期的{m:.3f}倍（年均{format_pct(row['lfl_cagr'])}），"
                            f"{times}需年均{format_pct(row['doubling_pace'])}")
        row["caveat_en"] = (f"a growth-rate target ({rates}) is already a yearly rate; compounded "
                            f"over {n_rate} years the underlying grows {m:.3f}x "
                            f"({format_pct(row['lfl_cagr'])}/yr); x{factor:g} needs "
                            f"{format_pct(row['doubling_pace'])}/yr")
        if base is None:
            row["caveat_zh"] += "；未给出基数"
            row["caveat_en"] += "; no base given"
        return row

    if rule == "reduction":
        r = end_value / 100
        row.update(annual_reduction=annual_reduction(r, n), lfl_multiple=1 / (1 - r),
                   lfl_cagr=(1 / (1 - r)) ** (1 / n) - 1, doubles_like_for_like=bool(1 / (1 - r) >= factor),
                   lfl_basis="底层指标的倒数（如单位能耗工业增加值）：1/(1−r)")
        under = find_underlying(df, d.slug, indicator_id, d.base_year)
        if under:
            uid, uv, uu = under
            row.update(base_value=uv, end_value=reduced_level(uv, r), multiple=1 - r, unit=uu)
            lvl = (f"{name_zh(uid)}{uv:g}→{reduced_level(uv, r):.4g}{uu}")
            lvl_en = f"{uid} {uv:g} → {reduced_level(uv, r):.4g} {uu}"
        else:
            row.update(multiple=1 - r)
            lvl, lvl_en = "底层指标", "the underlying level"
            row.update(base_value=0.0, unit="%")  # the reduction itself: 0 % → r %
        row["caveat_zh"] = (f"降低率目标：{lvl}（累计降{end_value:g}%，年均降"
                            f"{format_pct(row['annual_reduction'])}）；其倒数提高到{row['lfl_multiple']:.3f}倍"
                            f"（年均{format_pct(row['lfl_cagr'])}），不适用“翻番”")
        row["caveat_en"] = (f"a reduction target: {lvl_en} (-{end_value:g}% in total, "
                            f"{format_pct(row['annual_reduction'])}/yr); its inverse rises "
                            f"{row['lfl_multiple']:.3f}x ({format_pct(row['lfl_cagr'])}/yr); doubling does not apply")
        row["reduction_pct"] = end_value
        return row

    if base is None:
        dash = _base_printed_as_dash(df, d.slug, indicator_id)
        row["caveat_zh"] = (f"未给出{d.base_year}年基数" + ("（基数栏印为“——”）" if dash else "")
                            + f"，无法核验是否{times}")
        row["caveat_en"] = (f"no {d.base_year} base given" + (" (printed as '——')" if dash else "")
                            + f"; whether it reaches x{factor:g} cannot be checked")
        if rule == "linear":
            pts, _, _ = plan_points(s[s["year"] <= end_year], measure, d.base_year)
            seg = segment_changes(pts, measure, unit)
            yearly = "/".join(f"{v:g}" for v in seg["change"])
            row["caveat_zh"] += f"；逐年新增{yearly}{unit}"
            row["caveat_en"] += f"; yearly additions {yearly} {unit}"
        return row

    b = float(base["value"])
    if b <= 0:
        raise AnalysisError(f"{d.slug}/{indicator_id}: base {b:g} is not positive; no multiple")
    row.update(multiple=end_value / b, implied_cagr=cagr(b, end_value, n),
               doubles=bool(end_value / b >= factor))

    if rule == "linear":
        # the printed base is one year's amount; the target is a sum over the plan years
        pts, _, _ = plan_points(s[s["year"] <= end_year], measure, d.base_year)
        seg = segment_changes(pts, measure, unit)
        avg = end_value / n
        last = seg.iloc[-1]
        if int(last["years"]) == 1:
            f_t = float(last["change"])
            row.update(lfl_multiple=f_t / b, lfl_cagr=cagr(b, f_t, n),
                       doubles_like_for_like=bool(f_t / b >= factor),
                       lfl_basis=f"{end_year}年当年新增（{last['to_value']:g}−{last['from_value']:g}）"
                                 f" vs {base_year}年当年")
            lfl_zh = (f"按年度同口径比较：{end_year}年当年{f_t:g}{unit}为{base_year}年的"
                      f"{f_t / b:.2f}倍")
            lfl_en = (f"like for like, {end_year}'s own amount {f_t:g} is {f_t / b:.2f}x "
                      f"{base_year}'s")
        else:
            row.update(lfl_multiple=avg / b, lfl_cagr=nan, doubles_like_for_like=bool(avg / b >= factor),
                       lfl_basis="年均新增 vs 基期年度")
            lfl_zh = lfl_en = ""
        row["caveat_zh"] = (f"口径不同：{end_value:g}{unit}为{base_year + 1}–{end_year}年{n}年累计，"
                            f"基数{b:g}{unit}为{base_year}年一年数额，{end_value / b:.2f}倍不是同口径；"
                            + (lfl_zh + "；" if lfl_zh else "")
                            + f"{n}年年均{avg:g}{unit}为基期的{avg / b:.2f}倍")
        row["caveat_en"] = (f"not like for like: {end_value:g} is a {n}-year total "
                            f"({base_year + 1}–{end_year}), the base {b:g} one year's amount; "
                            + (lfl_en + "; " if lfl_en else "")
                            + f"the yearly average {avg:g} is {avg / b:.2f}x the base")
        return row

    row.update(like_for_like=True, lfl_basis="基期与目标同口径", lfl_multiple=row["multiple"],
               lfl_cagr=row["implied_cagr"], doubles_like_for_like=row["doubles"])
    if rule == "percentage_points":
        row["caveat_zh"] = (f"占比指标：倍数为相对口径，变化{end_value - b:+.2f}个百分点"
                            f"（年均{(end_value - b) / n:+.2f}个百分点）")
        row["caveat_en"] = (f"a share: the multiple is relative; {end_value - b:+.2f} percentage "
                            f"points ({(end_value - b) / n:+.2f} pp/yr)")
    return row


def declared_ids(district: str, kind: str) -> tuple[str, ...] | None:
    """The indicator ids of the district's declared pledge set of ``kind`` (doubling, leap),
    None when its data file declares none."""
    return resolve_district(district).pledge_ids(kind)


def _ids(df: pd.DataFrame, district: str, indicator_ids, kind: str) -> list[str]:
    slug = resolve_district(district).slug
    if indicator_ids is not None:
        return [indicator_ids] if isinstance(indicator_ids, str) else list(indicator_ids)
    declared = declared_ids(slug, kind)
    if declared:
        return list(declared)
    rows = df[(df["district"] == slug) & is_table(df) & (df["role"] == "baseline")]
    ids = list(dict.fromkeys(rows["indicator_id"]))
    if not ids:
        raise NoBaselineError(f"{slug}: no series with a printed base; name the indicators")
    return ids


def doubling_check(df: pd.DataFrame, district: str, indicator_ids=None,
                   factor: float = 2.0) -> pd.DataFrame:
    """四倍增 check: does each indicator at least double (``factor``) from base to end target?

    Default indicators: the district's declared doubling set (Beilun's 四倍增 in
    data/districts/beilun.toml); for a district that declares none every table series with a
    printed base. One row per indicator, columns DOUBLING_COLUMNS:
    multiple = end/base as the plan compares them, implied_cagr = multiple^(1/n) - 1,
    doubles = multiple >= factor (pd.NA when no base), like_for_like (False when the base is
    not the same kind of number as the target, or missing), lfl_basis / lfl_multiple /
    lfl_cagr / doubles_like_for_like (the like-for-like comparison, see `pledge_row`),
    doubling_pace = factor^(1/n) - 1, caveat_zh / caveat_en.
    """
    slug = resolve_district(district).slug
    rows = [pledge_row(df, slug, iid, factor) for iid in _ids(df, slug, indicator_ids, "doubling")]
    out = pd.DataFrame(rows)
    return out[DOUBLING_COLUMNS]


def leap_check(df: pd.DataFrame, district: str, indicator_ids=None) -> pd.DataFrame:
    """五跃升 table: the size of each leap against the doubling pace.

    Default indicators: the district's declared leap set (Beilun's 五跃升), else every series
    with a printed base.
    Columns LEAP_COLUMNS: leap_multiple (end/base; growth rates compounded (1+g)^n;
    reductions: 1/(1 - r), the rise of the inverse, e.g. 单位能耗工业增加值), leap_pct =
    leap_multiple - 1, implied_annual = leap_multiple^(1/n) - 1 (for growth-rate targets the
    compounded mean of the printed yearly rates, not the last printed rate),
    annual_reduction = 1 - (1 - r)^(1/n) for reductions, doubling_pace = 2^(1/n) - 1,
    vs_doubling = implied_annual / doubling_pace, faster_than_doubling, leap_zh (text).
    """
    slug = resolve_district(district).slug
    rows = []
    for iid in _ids(df, slug, indicator_ids, "leap"):
        p = pledge_row(df, slug, iid)
        if p["rule"] in ("geometric", "percentage_points") and not math.isnan(p["multiple"]):
            m, g = p["multiple"], p["implied_cagr"]
        else:
            m, g = p["lfl_multiple"], p["lfl_cagr"]
        r = dict(p, leap_multiple=m, leap_pct=m - 1, implied_annual=g,
                 vs_doubling=g / p["doubling_pace"] if not math.isnan(g) else math.nan,
                 faster_than_doubling=bool(g >= p["doubling_pace"]) if not math.isnan(g) else pd.NA,
                 note_zh=p["caveat_zh"], note_en=p["caveat_en"])
        if math.isnan(m):
            r["leap_zh"] = "无基数，无法度量跃升幅度"
        elif p["rule"] == "reduction":
            lvl = (f"{p['base_value']:g}→{p['end_value']:.4g}{p['unit']}"
                   if p["unit"] != "%" else "")
            r["leap_zh"] = (f"{lvl}（累计降低{p['reduction_pct']:g}%，年均降{format_pct(p['annual_reduction'])}），"
                            f"其倒数（单位能耗产出）提高{(m - 1) * 100:.1f}%（年均{format_pct(g)}）")
        elif p["rule"] == "stated_rate":
            r["leap_zh"] = (f"逐年增速目标复合后年均{format_pct(g)}（末年目标{p['end_value']:g}%），"
                            f"{p['years']}年累计增长{(m - 1) * 100:.1f}%"
                            + ("（无基数）" if math.isnan(p["base_value"]) else ""))
        else:
            r["leap_zh"] = (f"{p['base_value']:g}→{p['end_value']:g}{p['unit']}，增长"
                            f"{(m - 1) * 100:.1f}%，年均{format_pct(g)}")
        rows.append(r)
    return pd.DataFrame(rows)[LEAP_COLUMNS]
