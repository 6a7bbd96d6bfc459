"""Numbers as a Chinese reader expects them: values with their units, rates per year.

Values carry the catalogue unit (``200亿元``, ``16%``, ``0.849万吨标准煤``; an index is bare);
annual rates are percentages per year (``+7.45%/年``); shares change in percentage points
(``+2个百分点/年``). Missing values show an em dash "—", never a guess.
"""
from __future__ import annotations

import math
import sys


def format_number(value: float, decimals: int = 2) -> str:
    """A number with thousands separators and at most ``decimals`` decimals, trailing zeros cut
    (``1290.8`` → ``"1,290.8"``, ``100.0`` → ``"100"``, ``41.58`` → ``"41.58"``)."""
    text = f"{float(value):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def is_missing(value) -> bool:
    """True for None, pd.NA and NaN (what the tables show as an em dash). (pandas is not
    imported for this: where it is not loaded, no value can be its NA.)"""
    pandas = sys.modules.get("pandas")
    if value is None or (pandas is not None and value is pandas.NA):
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def format_value(value, unit: str, decimals: int = 4) -> str:
    """A value with its unit, as a reader expects it: ``200亿元``, ``16%``, ``38.5万人``,
    ``0.849万吨标准煤``; an index (unit 指数) is shown bare. Missing values (None/NaN) show as an
    em dash. The default keeps every digit a document or an actual prints (up to 4 decimals);
    pass ``decimals=2`` for computed quantities."""
    if is_missing(value):
        return "—"
    number = format_number(value, decimals)
    return number if unit in ("指数", "") else f"{number}{unit}"


def format_pct(fraction, decimals: int = 2, signed: bool = False) -> str:
    """A fraction as a percentage: ``0.0745`` → ``"7.45%"`` (``"+7.45%"`` when signed)."""
    if is_missing(fraction):
        return "—"
    text = format_number(100 * float(fraction), decimals) + "%"
    return f"+{text}" if signed and float(fraction) > 0 else text


def stat_text(statistic: str, value: float, unit: str) -> str:
    """An annualised statistic (helpers.compare.STATISTICS) in words: ``+7.45%/年`` (cagr),
    ``12%/年`` (stated_rate), ``年均降3.43%`` (annual_reduction), ``+1,900亩/年``
    (avg_addition), ``年均5.6家`` (avg_flow), ``+2个百分点/年`` (pp_per_year)."""
    if is_missing(value):
        return "—"
    if statistic in ("cagr", "share_cagr", "stated_rate"):
        return f"{format_pct(value, signed=statistic != 'stated_rate')}/年"
    if statistic == "annual_reduction":
        return f"年均降{format_pct(value)}"
    if statistic == "pp_per_year":
        return f"{value:+.2f}".rstrip("0").rstrip(".") + "个百分点/年"
    if statistic == "avg_addition":
        return f"{'+' if value > 0 else ''}{format_value(value, unit, 2)}/年"
    if statistic == "avg_flow":
        return f"年均{format_value(value, unit, 2)}"
    raise ValueError(f"unknown statistic {statistic!r}")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and fullwidth characters count 2,
    combining marks 0, everything else 1."""
    import unicodedata
    return sum(0 if unicodedata.combining(ch) else
               2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in str(text))


def pad(text: str, width: int) -> str:
    """``text`` padded with spaces to ``width`` terminal columns (see display_width)."""
    return str(text) + " " * max(0, width - display_width(text))
