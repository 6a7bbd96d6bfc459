"""Reading numbers and units out of printed cells, and normalising names.

Every value the kit shows passes through :func:`parse_value_text`, so the rules for what
counts as a number live in one place.
"""
from __future__ import annotations

import math
import re
import unicodedata

from .errors import UnknownUnitError, ValueParseError

#: Printed unit → normalised unit. Anything not here is an error, never a guess.
UNIT_ALIASES: dict[str, str] = {
    "亿元": "亿元", "亿": "亿元", "亿美元": "亿美元",
    "万元": "万元", "万元/亩": "万元/亩", "万元/人": "万元/人",
    "家": "家", "个": "个", "项": "项", "件": "件", "台": "台", "人次": "人次",
    "亩": "亩", "平方公里": "平方公里", "万人": "万人",
    "万吨标煤": "万吨标准煤", "万吨标准煤": "万吨标准煤", "万吨": "万吨",
    "吨标煤": "吨标准煤", "吨标准煤": "吨标准煤",
    "tce/万元": "吨标准煤/万元", "吨标准煤/万元": "吨标准煤/万元",
    "%": "%", "指数": "指数",
}
UNITS: frozenset[str] = frozenset(UNIT_ALIASES.values())

#: Cells that mean "no value".
EMPTY_MARKERS = frozenset({"", "——", "—", "-", "--", "/"})

_NUMBER = re.compile(r"^(\[?)\s*([-+]?[0-9]+(?:\.[0-9]+)?)\s*(\]?)\s*(.*?)\s*$")
_PLAIN = re.compile(r"^[-+]?[0-9]+(?:\.[0-9]+)?$")
#: Significant digits a float holds exactly; a longer printed number is refused, not rounded.
MAX_DIGITS = 15
_CJK_SPACE = re.compile(r"\s*([\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’（）])\s*")


def normalise_unit(raw: str, *, file=None, line=None) -> str:
    """Map a printed unit (``万吨标煤``, ``亿 美元``, ``％``) to the kit's vocabulary."""
    key = unicodedata.normalize("NFKC", raw).replace(" ", "").strip()
    if key in UNIT_ALIASES:
        return UNIT_ALIASES[key]
    raise UnknownUnitError(f"unknown unit {raw!r} (known: {', '.join(sorted(UNITS))})", file, line)


def is_empty_cell(text: str) -> bool:
    return text.strip() in EMPTY_MARKERS


def _digit_lookalike(text: str) -> str | None:
    """A character that NFKC would turn into a digit but is not one as printed: superscripts
    (10²), subscripts, circled (①) or parenthesised (⑴) numbers. Full-width ０–９ are digits."""
    for ch in text:
        if "0" <= ch <= "9" or "\uff10" <= ch <= "\uff19":
            continue
        if any(c.isdigit() for c in unicodedata.normalize("NFKC", ch)) or ch.isdigit():
            return ch
    return None


def _checked_number(digits: str, text: str, file, line) -> float:
    significant = digits.lstrip("+-").replace(".", "").lstrip("0")
    if len(significant) > MAX_DIGITS:
        shown = text if len(text) <= 24 else f"{text[:12]}…{text[-4:]}"
        raise ValueParseError(f"{shown!r} has {len(significant)} digits; at most {MAX_DIGITS} "
                              "can be held exactly", file, line)
    value = float(digits)
    if not math.isfinite(value):
        raise ValueParseError(f"{text!r} is not a finite number", file, line)
    return value


def parse_value_text(text: str, *, file=None, line=None) -> tuple[float, str]:
    """Split a printed value such as ``38.4 万元/亩``, ``[13]``, ``-0.4`` or ``16%``.

    Returns ``(value, printed_unit)``; the unit is returned as printed (possibly empty).
    Raises ValueParseError naming file and line when the text is not a number: superscripts
    (``10²``), circled digits (``①``), a bracket not closed (``[13``), more digits than a
    float holds, NaN or infinity are refused, never read as 102, 1, 13 or inf.
    """
    odd = _digit_lookalike(str(text))
    if odd:
        raise ValueParseError(f"cannot read a number from {text!r}: {odd!r} is not a plain digit",
                              file, line)
    s = unicodedata.normalize("NFKC", text).strip()
    m = _NUMBER.match(s)
    if not m:
        raise ValueParseError(f"cannot read a number from {text!r}", file, line)
    if bool(m.group(1)) != bool(m.group(3)):
        raise ValueParseError(f"cannot read a number from {text!r}: bracket not closed", file, line)
    return _checked_number(m.group(2), text, file, line), m.group(4)


def parse_plain_number(text: str, *, what: str = "value", file=None, line=None) -> float:
    """A plain decimal as curated files write it (``48.19``, ``-0.4``): NaN, inf, ``1e3``,
    superscripts and over-long numbers are refused with ValueParseError naming file and line."""
    s = str(text).strip()
    if not _PLAIN.match(s):
        raise ValueParseError(f"{what} {text!r} is not a number", file, line)
    return _checked_number(s, text, file, line)


def normalise_name(name: str) -> str:
    """Whitespace-normalise an indicator name as printed: drop spaces next to CJK text."""
    s = re.sub(r"\s+", " ", name).strip()
    return _CJK_SPACE.sub(r"\1", s)


def name_key(name: str) -> str:
    """Lookup key for a printed name: NFKC (full/half-width parentheses alike), no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


_UNIT_IN_NAME = re.compile(r"[（(]([^（）()]+)[）)]\s*$")


def unit_in_name(name: str) -> str | None:
    """The unit printed in a trailing parenthesis of an indicator name, if it is a unit."""
    m = _UNIT_IN_NAME.search(name)
    if not m:
        return None
    try:
        return normalise_unit(m.group(1))
    except UnknownUnitError:
        return None


def name_without_unit(name: str) -> str:
    """A printed indicator name without its trailing unit parenthesis:
    "规上工业亩均税收（万元/亩）" → "规上工业亩均税收"; other parentheses stay ("…（含PCT）")."""
    if unit_in_name(name) is None:
        return name
    return _UNIT_IN_NAME.sub("", name).rstrip()
