"""Charts for notebooks and reports (matplotlib, Chinese labels in the packaged CJK font).

Every function returns a ``matplotlib.figure.Figure`` built without pyplot (no global figure
state, nothing leaks between cells); show it with ``display(fig)`` in a notebook (after
``%matplotlib inline``) or save it with ``fig.savefig``. The CJK font is registered on import
of this module's functions via :func:`helpers.fonts.setup_cjk`.

Data contract of the trajectory charts (long tables, one row per point):

* ``series``  — indicator_id, label (Chinese name), unit, year, value, role (baseline | target)
* ``fits``    — indicator_id, year, value: the fitted milestone path, drawn as a dashed line
* ``actuals`` — indicator_id, year, value: observed values, drawn as red diamonds

Every text a chart draws (titles, panel titles, axis and tick labels, value annotations,
notes, legends) is shown literally: matplotlib would read ``$…$`` in a printed name as
mathtext (``$10^2$`` set as a superscript, ``\alpha`` as a Greek letter, an unbalanced ``$``
or ``{`` failing the whole figure), so each ``$`` is escaped (:func:`literal`) before it
reaches matplotlib, and :func:`figure_png` escapes any text still readable as mathtext.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd

from .errors import AnalysisError
from .fonts import setup_cjk
from .pages import label_table

#: Colours (colour-blind safe, after Okabe–Ito): targets, baseline, fit, actuals, highlight.
COLOURS = {"target": "#0072B2", "baseline": "#222222", "fit": "#E69F00", "actual": "#D55E00",
           "other": "#9AA5B1", "highlight": "#0072B2"}
#: Legend labels (Chinese), from the labels file (helpers/labels/zh.toml, [legend]).
LEGEND_ZH = label_table("legend")
SERIES_COLUMNS = ["indicator_id", "label", "unit", "year", "value", "role"]
#: Smallest lettering of any chart, in points. Report pages show charts at their own size
#: (figure_html sets the image width in inches), so this is the printed size too.
MIN_FONT_PT = 8.0
#: Widest chart that prints 1:1 on A4 portrait (210 mm − 2 × 15 mm margins), in inches.
PRINT_WIDTH_IN = 7.0
#: Tallest chart a printed A4 page holds (297 mm less its 20 and 18 mm margins ≈ 10.2 in, less
#: room for a heading above it), in inches: a taller image runs over the footer and is cut off.
PRINT_HEIGHT_IN = 9.0
POINT_COLUMNS = ["indicator_id", "year", "value"]


def _require(df: pd.DataFrame | None, columns: Sequence[str], what: str) -> None:
    if df is None:
        return
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalysisError(f"{what} lacks columns {missing}; has {list(df.columns)}")


_CLOSING = set("）)】」』”’，。、；：！？%")
_OPENING = set("（(【「『“‘")


def _label_tokens(text: str) -> list[str]:
    """Unbreakable pieces of a label: runs of ASCII letters/digits stay whole, closing
    punctuation sticks to the piece before it and opening punctuation to the piece after."""
    import re
    pieces = re.findall(r"（[^（）]{1,5}）|\([^()]{1,5}\)|[A-Za-z0-9.+\-/]+|.", text)
    tokens: list[str] = []
    carry = ""
    for piece in pieces:
        if piece in _OPENING:
            carry += piece
        elif piece in _CLOSING and tokens and not carry:
            tokens[-1] += piece
        else:
            tokens.append(carry + piece)
            carry = ""
    if carry:
        tokens.append(carry)
    return tokens


def literal(text) -> str:
    """``text`` as matplotlib must receive it to draw it literally: every ``$`` escaped as
    ``\\$`` (with no unescaped dollar sign matplotlib never parses mathtext, and turns each
    ``\\$`` back into ``$``; a backslash already before a ``$`` stays a backslash). Text
    without ``$`` is returned unchanged."""
    text = str(text)
    return text.replace("$", "\\$") if "$" in text else text


def unescape(text: str) -> str:
    """What matplotlib draws for a :func:`literal` string (for alt text and tests)."""
    return str(text).replace("\\$", "$")


def _literal_texts(fig) -> None:
    """Escape every text artist of ``fig`` that matplotlib would still parse as mathtext
    (text set by code other than this module's chart functions)."""
    from matplotlib import cbook
    from matplotlib.text import Text
    for t in fig.findobj(Text):
        s = t.get_text()
        if "$" not in s or not t.get_parse_math() or t.get_usetex():
            continue
        lines = s.split("\n")  # matplotlib decides line by line whether to parse mathtext
        if any(cbook.is_math_text(line) for line in lines):
            t.set_text("\n".join(literal(ln) if cbook.is_math_text(ln) else ln for ln in lines))


def _display_width(text: str) -> int:
    return sum(1 if ord(ch) < 0x2E80 else 2 for ch in text)


def wrap_label(text: str, width: int = 14) -> str:
    """Break a Chinese label into lines of at most ``width`` Chinese characters (an ASCII
    character counts half), never splitting a Latin word or number and never starting a line
    with closing punctuation such as ``）``."""
    limit = 2 * width
    lines, line = [], ""
    for tok in _label_tokens(str(text)):
        if line and _display_width(line + tok) > limit:
            lines.append(line)
            line = tok
        else:
            line += tok
    if line:
        lines.append(line)
    return "\n".join(lines)


def year_ticks(lo: int, hi: int, max_ticks: int) -> list[int]:
    """At most ``max_ticks`` year ticks from ``lo`` to ``hi``, both always labelled, evenly
    spaced in between (four-digit years at 8 pt need about 0.38 in each)."""
    span = hi - lo
    if span + 1 <= max_ticks:
        return list(range(lo, hi + 1))
    step = math.ceil(span / (max_ticks - 1))
    ticks = list(range(lo, hi, step))
    if hi - ticks[-1] <= step / 2 and len(ticks) > 1:
        ticks.pop()
    return ticks + [hi]


def _format(value: float, unit: str) -> str:
    from .formatting import format_value
    return format_value(value, unit)


def new_figure(width: float, height: float, dpi: int = 110):
    """A pyplot-free Figure with the CJK font set up and a white background (no layout engine:
    the grids below place their axes with fixed margins, which renders twice as fast as
    constrained layout and needs no ``bbox_inches="tight"`` pass)."""
    from matplotlib.figure import Figure
    setup_cjk()
    return Figure(figsize=(width, height), dpi=dpi, facecolor="white")


def grid_axes(nrows: int, ncols: int, panel: tuple[float, float], *, left: float = 0.65,
              right: float = 0.15, top: float = 0.0, bottom: float = 0.0, wgap: float = 0.75,
              hgap: float = 0.85, title_room: float = 0.5, dpi: int = 110,
              panels: int | None = None):
    """A Figure with an nrows × ncols grid of panels, every size in inches: each panel's plot
    area is ``panel`` (w, h); ``wgap``/``hgap`` leave room for tick labels and two-line titles;
    ``top``/``bottom`` for a figure title and legend; ``title_room`` above the first row for
    the panel titles. Axes are made for the first ``panels`` cells only (default: all; the
    cells after them stay blank: an Axes costs about 10 ms to make and draw even when
    hidden). Returns (fig, list of the axes, row by row)."""
    w = left + ncols * panel[0] + (ncols - 1) * wgap + right
    h = grid_height(nrows, panel[1], top=top, bottom=bottom, hgap=hgap, title_room=title_room)
    fig = new_figure(w, h, dpi)
    grid = fig.add_gridspec(nrows, ncols, left=left / w, right=1 - right / w,
                            top=1 - (top + title_room) / h, bottom=(bottom + 0.45) / h,
                            wspace=wgap / panel[0], hspace=hgap / panel[1])
    count = nrows * ncols if panels is None else min(panels, nrows * ncols)
    axes = [fig.add_subplot(grid[k // ncols, k % ncols]) for k in range(count)]
    return fig, axes


def grid_height(nrows: int, panel_height: float, *, top: float = 0.0, bottom: float = 0.0,
                hgap: float = 0.85, title_room: float = 0.5) -> float:
    """Height in inches of a :func:`grid_axes` figure of ``nrows`` rows of panels."""
    return top + title_room + nrows * panel_height + (nrows - 1) * hgap + bottom + 0.45


def _style_axes(ax, value_axis: str = "y") -> None:
    """Light styling; at most ~4 ticks on the numeric ``value_axis`` (never on a categorical
    one, where a numeric locator would put ticks between the categories and repeat labels)."""
    from matplotlib.ticker import MaxNLocator
    getattr(ax, f"{value_axis}axis").set_major_locator(MaxNLocator(nbins=4))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis=value_axis, color="#e5e7eb", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=MIN_FONT_PT)


def trajectory_grid(series: pd.DataFrame, *, fits: pd.DataFrame | None = None,
                    actuals: pd.DataFrame | None = None, notes: dict[str, str] | None = None,
                    ncols: int = 3,
                    title: str | None = None, panel_size: tuple[float, float] = (1.6, 1.25),
                    label_width: int = 12, dpi: int = 110):
    """Small multiples, one panel per indicator: base (black square), yearly targets (blue line
    and dots, final target labelled with its unit), milestone fit (orange dashed) and actuals
    (red diamonds). The unit is part of each panel title; a flat series is drawn from zero.
    ``notes`` (indicator_id → short text, e.g. the milestone verdict) is written
    in the panel's upper left corner. Panels appear in the order indicators first occur in ``series``.

    Sized for print: three panels fit an A4 text width (7 in) at 1:1, and no lettering is
    smaller than 8 pt (MIN_FONT_PT). Raises AnalysisError for an empty series table or missing
    columns.
    """
    _require(series, SERIES_COLUMNS, "series")
    _require(fits, POINT_COLUMNS, "fits")
    _require(actuals, POINT_COLUMNS, "actuals")
    if len(series) == 0:
        raise AnalysisError("trajectory_grid needs at least one indicator")
    panels = _split_by_indicator(series)
    ids = list(panels)
    fit_of, actual_of = _split_by_indicator(fits), _split_by_indicator(actuals)
    titles = {iid: wrap_label(_panel_title(s), label_width) for iid, s in panels.items()}
    ncols = max(1, min(ncols, len(ids)))
    nrows = math.ceil(len(ids) / ncols)
    top = 0.15 + 0.25 * (title.count("\n") + 1) if title else 0.0
    # room above each row for the longest wrapped panel title (8.5 pt lines, ~0.16 in each)
    lines = max(t.count("\n") + 1 for t in titles.values())
    fig, axes = grid_axes(nrows, ncols, panel_size, left=0.6, wgap=0.62, top=top, bottom=0.35,
                          hgap=0.5 + 0.16 * lines, title_room=0.18 + 0.16 * lines, dpi=dpi,
                          panels=len(ids))
    present: set[str] = set()
    empty = series.iloc[0:0]
    for ax, iid in zip(axes, ids):
        s = panels[iid]
        unit = str(s["unit"].iloc[0])
        years = set(s["year"].astype(int))
        base = s[s["role"] == "baseline"]
        targ = s[s["role"] == "target"]
        a = actual_of.get(iid, empty)
        if fits is not None:
            f = fit_of.get(iid, empty)
            if len(f):
                ax.plot(f["year"], f["value"], ls="--", lw=1.3, color=COLOURS["fit"], zorder=2)
                years |= set(f["year"].astype(int))
                present.add("fit")
        if len(targ):
            path = pd.concat([base, targ]).sort_values("year")
            ax.plot(path["year"], path["value"], color=COLOURS["target"], lw=1.4, alpha=0.35,
                    zorder=1)
            ax.plot(targ["year"], targ["value"], "o", ms=4.5, color=COLOURS["target"], zorder=3)
            last = targ.iloc[-1]
            # right-aligned at the last point, so the label never runs off the panel
            ax.annotate(literal(_format(last["value"], unit)), (last["year"], last["value"]),
                        textcoords="offset points", xytext=(4, 6), ha="right",
                        fontsize=MIN_FONT_PT, color=COLOURS["target"])
            present.add("target")
        if len(base):
            ax.plot(base["year"], base["value"], "s", ms=5.5, color=COLOURS["baseline"], zorder=4)
            b = base.iloc[0]
            ax.annotate(literal(_format(b["value"], unit)), (b["year"], b["value"]),
                        textcoords="offset points", xytext=(-2, -12), ha="left",
                        fontsize=MIN_FONT_PT, color=COLOURS["baseline"])
            present.add("baseline")
        if len(a):
            ax.plot(a["year"], a["value"], "D", ms=5.5, color=COLOURS["actual"], zorder=5)
            years |= set(a["year"].astype(int))
            present.add("actual")
        if notes and notes.get(iid):
            ax.text(0.02, 0.97, literal(notes[iid]), transform=ax.transAxes, ha="left", va="top",
                    fontsize=MIN_FONT_PT, color="#8a5a00")
        ax.set_title(literal(titles[iid]), fontsize=8.5, loc="left")
        values = pd.concat([s["value"], a["value"]]) if len(a) else s["value"]
        if values.max() - values.min() <= 1e-9 * max(abs(values.max()), 1.0) and values.max() > 0:
            ax.set_ylim(0, values.max() * 1.4)  # a flat plan: show it flat, not as noise
        lo, hi = min(years), max(years)
        ax.set_xlim(lo - 0.5, hi + 0.5)
        ax.set_xticks(year_ticks(lo, hi, max(2, int(panel_size[0] / 0.38))))
        if ax.get_autoscaley_on():
            ax.margins(y=0.22)
            if values.min() >= 0:  # an amount's axis starts at zero: the bar of the eye is honest
                ax.set_ylim(bottom=0)
        _style_axes(ax)
        # the panels have no axis labels: fixed (empty) label positions spare matplotlib
        # measuring every tick label to place them at each draw
        ax.xaxis.set_label_coords(0.5, 0.0)
        ax.yaxis.set_label_coords(0.0, 0.5)
    _legend(fig, present)
    if title:
        fig.suptitle(literal(title), fontsize=12, x=0.01, y=1 - 0.1 / fig.get_figheight(),
                     ha="left", va="top")
    _literal_texts(fig)
    return fig


def _split_by_indicator(points: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The rows of each indicator_id, sorted by year (stable), in the order the ids first
    occur: one pass over the table instead of one filter per panel. {} for None."""
    if points is None or len(points) == 0:
        return {}
    return {iid: g.sort_values("year", kind="stable")
            for iid, g in points.groupby("indicator_id", sort=False, dropna=False)}


def _panel_title(s: pd.DataFrame) -> str:
    """A trajectory panel's title, from the panel's rows: the indicator's label with its unit
    (none for an index)."""
    unit = str(s["unit"].iloc[0])
    return str(s["label"].iloc[0]) + (f"（{unit}）" if unit not in ("指数", "") else "")


def figure_png(fig) -> bytes:
    """The figure rendered once as PNG bytes at its own dpi (no tight-bbox second pass) on
    white, as an RGB image: a chart on white has no transparency, and an alpha channel would
    only make the PDF writer split it off and compress it again. Any text that matplotlib would
    read as mathtext is escaped first (drawn literally)."""
    import io

    from PIL import Image
    _literal_texts(fig)
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", facecolor="white")
    size = fig.canvas.get_width_height(physical=True)
    pixels = raw.getvalue()
    if len(pixels) != 4 * size[0] * size[1]:  # (never seen: the raw buffer is width × height)
        raise AnalysisError(f"figure_png: matplotlib drew {len(pixels)} bytes for a "
                            f"{size[0]}×{size[1]} image")
    png = io.BytesIO()
    Image.frombuffer("RGBA", size, pixels, "raw", "RGBA", 0, 1).convert("RGB").save(
        png, format="png", compress_level=3)
    return png.getvalue()


def figure_html(fig, alt: str | None = None) -> str:
    """An ``<img>`` tag with the figure inlined as ``data:image/png;base64`` and alternative text
    (``alt``, else the figure's title, else "图表"), scaled down to the page width if wider."""
    import base64
    import html
    if alt is None:
        title = unescape(fig._suptitle.get_text()) if fig._suptitle is not None else ""
        alt = title.replace("\n", "") or "图表"
    data = base64.b64encode(figure_png(fig)).decode("ascii")
    width = fig.get_figwidth()
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" '
            f'style="width:{width:.2f}in; max-width:100%; height:auto;">')


def show(fig, alt: str | None = None) -> None:
    """Display a figure in a notebook as an embedded PNG with alternative text (works under any
    matplotlib backend; the HTML report keeps it as ``data:image/png;base64``). None is ignored."""
    if fig is None:
        return
    from IPython.display import HTML, display
    display(HTML(figure_html(fig, alt)))


def _legend(fig, present: set[str]) -> None:
    from matplotlib.lines import Line2D
    styles = {
        "baseline": dict(marker="s", ls="none", color=COLOURS["baseline"], ms=6),
        "target": dict(marker="o", ls="-", color=COLOURS["target"], ms=5),
        "fit": dict(ls="--", color=COLOURS["fit"], lw=1.5),
        "actual": dict(marker="D", ls="none", color=COLOURS["actual"], ms=6),
    }
    keys = [k for k in ("baseline", "target", "fit", "actual") if k in present]
    if keys:
        handles = [Line2D([], [], **styles[k]) for k in keys]
        fig.legend(handles, [literal(LEGEND_ZH[k]) for k in keys], loc="lower center",
                   ncols=len(keys), fontsize=8.5, frameon=False)


#: gid of the bar names of a ranking chart (see bar_names).
BAR_NAME_GID = "bar-name"


def _name_bars(ax, names: Sequence[str]) -> None:
    """Each name beside its horizontal bar (bars at y = 0, 1, …), where a category axis puts
    its tick labels, and no y ticks: a category axis makes a tick of five artists for every bar
    and measures every label at each draw, which at 11 districts a panel was most of what a
    comparison chart cost."""
    from matplotlib import rcParams
    ax.set_yticks([])
    offset = -(rcParams["ytick.major.size"] + rcParams["ytick.major.pad"])
    for y, name in enumerate(names):
        ax.annotate(name, (0, y), xycoords=ax.get_yaxis_transform(), xytext=(offset, 0),
                    textcoords="offset points", ha="right", va="center_baseline",
                    fontsize=MIN_FONT_PT, gid=BAR_NAME_GID)


def bar_names(ax) -> list[str]:
    """The names a ranking panel shows beside its bars, bottom to top, as drawn."""
    return [unescape(t.get_text()) for t in ax.texts if t.get_gid() == BAR_NAME_GID]


#: Room between two rows of ranking panels (tick labels, reference note, next titles), inches.
RANKING_HGAP = 0.75
#: Room above the panels of a ranking chart for its title, inches.
RANKING_TITLE_ROOM = 0.4


def _ranking_height(nrows: int, max_bars: int, panel_size: tuple[float, float],
                    titled: bool) -> float:
    """Height in inches of a :func:`ranking_chart` of ``nrows`` rows of panels, the fullest
    with ``max_bars`` bars."""
    return grid_height(nrows, panel_size[1] * max_bars, hgap=RANKING_HGAP,
                       top=RANKING_TITLE_ROOM if titled else 0.0)


def ranking_pages(frame: pd.DataFrame, *, group: str, ncols: int = 2,
                  panel_size: tuple[float, float] = (2.2, 0.3),
                  max_height: float = PRINT_HEIGHT_IN, **options) -> list[tuple[object, list[str]]]:
    """:func:`ranking_chart` split into figures no taller than ``max_height`` inches (a printed
    page), whole rows of panels each, in the order of the groups: [(figure, its groups)]. One
    figure when all fit (the same as ranking_chart's); a row taller than a page gets a figure
    of its own. ``options`` are ranking_chart's (a title goes on the first figure only)."""
    _require(frame, [group], "frame")
    if len(frame) == 0:
        raise AnalysisError("ranking_pages needs at least one row")
    groups = list(dict.fromkeys(frame[group]))
    ncols = max(1, min(ncols, len(groups)))
    bars = frame.groupby(group, sort=False).size()
    rows = [groups[i:i + ncols] for i in range(0, len(groups), ncols)]
    pages: list[list[list[str]]] = [[]]
    for row in rows:
        trial = pages[-1] + [row]
        tallest = max(int(bars[g]) for r in trial for g in r)
        titled = bool(options.get("title")) and len(pages) == 1
        if pages[-1] and _ranking_height(len(trial), tallest, panel_size, titled) > max_height:
            pages.append([row])
        else:
            pages[-1] = trial
    out = []
    for k, page in enumerate(pages):
        names = [g for r in page for g in r]
        opts = options if k == 0 else {**options, "title": None}
        fig = ranking_chart(frame[frame[group].isin(names)], group=group, ncols=ncols,
                            panel_size=panel_size, **opts)
        out.append((fig, names))
    return out


def ranking_chart(frame: pd.DataFrame, *, value: str, label: str, group: str,
                  highlight: str | Iterable[str] | None = None, value_format: str = "{:.1f}%",
                  xlabel: str = "", title: str | None = None, ncols: int = 2,
                  panel_size: tuple[float, float] = (2.2, 0.3), dpi: int = 110,
                  reference: dict[str, tuple[float, str]] | None = None, left: float = 1.0,
                  label_width: int | None = None, title_width: int = 18):
    """Horizontal bars, one panel per ``group`` (e.g. a shared concept), one bar per ``label``
    (e.g. a district), bars of the ``highlight`` label(s) coloured, each bar labelled with
    ``value_format``. ``reference`` (group → (value, text)) draws a labelled dashed line, e.g.
    翻一番 at 2×; ``left`` is the room for bar labels in inches, ``label_width`` wraps them
    (Chinese characters per line). Raises AnalysisError for an empty frame or missing columns."""
    _require(frame, [value, label, group], "frame")
    if len(frame) == 0:
        raise AnalysisError("ranking_chart needs at least one row")
    marked = {highlight} if isinstance(highlight, str) else set(highlight or ())
    groups = list(dict.fromkeys(frame[group]))
    ncols = max(1, min(ncols, len(groups)))
    nrows = math.ceil(len(groups) / ncols)
    max_bars = int(frame.groupby(group, sort=False).size().max())
    fig, axes = grid_axes(nrows, ncols, (panel_size[0], panel_size[1] * max_bars), left=left,
                          wgap=1.35, hgap=RANKING_HGAP, top=RANKING_TITLE_ROOM if title else 0.0,
                          dpi=dpi, panels=len(groups))
    # each group's rows in one pass, not a filter of the frame per panel
    rows_of = dict(tuple(frame.groupby(group, sort=False, dropna=False)))
    for ax, g in zip(axes, groups):
        sub = rows_of[g].sort_values(value)
        colours = [COLOURS["highlight"] if lab in marked else COLOURS["other"]
                   for lab in sub[label]]
        names = sub[label].astype(str)
        if label_width:
            names = names.map(lambda s: wrap_label(s, label_width))
        bars = ax.barh(list(range(len(sub))), sub[value], color=colours, height=0.55)
        _name_bars(ax, [literal(x) for x in names])
        ax.bar_label(bars, labels=[literal(value_format.format(v)) for v in sub[value]],
                     fontsize=MIN_FONT_PT, padding=2)
        ax.axvline(0, color="#555", lw=0.8)
        if reference and g in reference:
            x, text = reference[g]
            ax.axvline(x, color=COLOURS["fit"], lw=1.2, ls="--")
            # under the tick labels, centred on the line: clear of the bars and the title
            ax.annotate(literal(text), (x, 0.0), xycoords=("data", "axes fraction"), xytext=(0, -16),
                        textcoords="offset points", fontsize=MIN_FONT_PT, color="#8a5a00",
                        ha="center", va="top")
        ax.set_title(literal(wrap_label(g, title_width)), fontsize=8.5, loc="left")
        ax.set_xlabel(literal(xlabel), fontsize=MIN_FONT_PT)
        ax.margins(x=0.25)
        _style_axes(ax, value_axis="x")
        ax.grid(False)
    if title:
        fig.suptitle(literal(title), fontsize=12, x=0.01, y=1 - 0.1 / fig.get_figheight(),
                     ha="left", va="top")
    _literal_texts(fig)
    return fig
