"""A CJK font for matplotlib that comes from a pinned package, not from the host system.

The font file is Noto Sans CJK SC, shipped inside the ``mplfonts`` wheel (pinned in
requirements.txt). :func:`setup_cjk` registers that file with matplotlib's font manager and puts
its family first in ``font.sans-serif`` so Chinese chart labels render the same on any machine,
without "Glyph … missing from font(s)" warnings. Call it after any ``seaborn.set_theme()`` /
``set_style()`` (those reset ``font.sans-serif``); calling it again is cheap and harmless.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from .errors import KitError

#: The font file used for Chinese text, inside the mplfonts package's ``fonts/`` folder.
FONT_FILE = "NotoSansCJKsc-Regular.otf"
#: Its family name as matplotlib reads it from the file.
FONT_FAMILY = "Noto Sans CJK SC"
#: Latin fallback, always bundled with matplotlib.
FALLBACK_FAMILY = "DejaVu Sans"


def cjk_font_path() -> Path:
    """Path of the Noto Sans CJK SC file inside the installed ``mplfonts`` package.

    Found without importing mplfonts (its import pulls in more than we need).
    Raises KitError naming the package if it or the file is missing.
    """
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise KitError("the CJK font package 'mplfonts' is not installed; "
                       "run `make setup` (it is pinned in requirements.txt)")
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / FONT_FILE
    if not path.is_file():
        raise KitError(f"mplfonts is installed but {FONT_FILE} is missing from {path.parent}")
    return path


def _registered(path: Path) -> bool:
    from matplotlib import font_manager
    target = str(path)
    return any(entry.fname == target for entry in font_manager.fontManager.ttflist)


def setup_cjk() -> str:
    """Register the packaged CJK font with matplotlib and make it the default sans-serif font.

    Sets ``font.family = sans-serif``, ``font.sans-serif = [Noto Sans CJK SC, DejaVu Sans]`` and
    ``axes.unicode_minus = False`` (the CJK font has no U+2212 minus; "-" is used instead).
    Idempotent: the file is added to the font manager only once per process.
    Returns the family name now in use.
    """
    import matplotlib
    from matplotlib import font_manager

    path = cjk_font_path()
    if not _registered(path):
        font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    if family != FONT_FAMILY:  # a different mplfonts release shipping another file
        raise KitError(f"{path.name} reads as family {family!r}, expected {FONT_FAMILY!r}")
    matplotlib.rcParams["font.family"] = ["sans-serif"]
    matplotlib.rcParams["font.sans-serif"] = [FONT_FAMILY, FALLBACK_FAMILY]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return FONT_FAMILY


# --------------------------------------------------------------------------- HTML reports

#: Family name of the subset web font embedded in rendered reports.
WEB_FONT_FAMILY = "Kit Noto Sans CJK SC"
#: Fallback stack after the embedded font (what JupyterLab's theme uses, plus common CJK fonts).
WEB_FONT_STACK = ('system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", '
                  '"Noto Sans CJK SC", sans-serif')


def font_subset(text: str) -> bytes:
    """The packaged CJK font cut down to the characters of ``text`` plus printable ASCII, as
    OpenType (CFF) bytes: outlines only (no hinting, no OpenType layout tables, which Chinese
    running text does not need). A report page needs about 500 characters → about 75 KB."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    chars = {ord(ch) for ch in page_characters(text)}
    chars |= set(range(0x20, 0x7F))
    opts = subset.Options()
    opts.layout_features = []
    opts.hinting = False
    opts.name_IDs = [1, 2]
    opts.notdef_outline = True
    opts.drop_tables += ["GSUB", "GPOS", "VORG", "vhea", "vmtx"]
    # recalcTimestamp=False: the subset keeps the file's own 'head' dates, so the same
    # characters give the same bytes on every run (a re-rendered page is byte-identical)
    font = TTFont(str(cjk_font_path()), lazy=True, recalcTimestamp=False)
    subsetter = subset.Subsetter(opts)
    subsetter.populate(unicodes=sorted(chars))
    subsetter.subset(font)
    buf = io.BytesIO()
    font.save(buf)
    return buf.getvalue()


#: Cached subsets kept (files of about 75 KB each).
FONT_CACHE_SIZE = 64


def font_cache_dir():
    """Folder for cached font subsets: ``data/clean/fontcache`` (a build artifact like the
    clean tables; safe to delete)."""
    from . import paths
    return paths.CLEAN_DIR / "fontcache"


def page_characters(text: str) -> str:
    """The characters a page needs from the CJK font beyond printable ASCII (which every subset
    has): each non-ASCII, non-space character of ``text`` once, sorted — the subset's cache key.
    (The distinct characters are taken first, so a page of several MB with inlined charts costs
    one pass in C, not one Python step per character.)"""
    return "".join(sorted(ch for ch in set(text) if ord(ch) > 0x7E and not ch.isspace()))


def _font_identity() -> str:
    """The font file as the cache knows it (name, size, modification time): a different file
    (another mplfonts release) never reuses the subsets of this one."""
    path = cjk_font_path()
    st = path.stat()
    return f"{path.name}|{st.st_size}|{st.st_mtime_ns}"


#: Subsets of this process, by cache key (a worker rendering many pages reads each file once).
_MEMORY: dict[str, bytes] = {}


def cached_font_subset(text: str) -> bytes:
    """:func:`font_subset` of ``text``, cached by the set of characters it needs
    (:func:`page_characters`; not their order or number, so a report re-rendered from the same
    data, or another page with the same characters, reuses the subset): in this process's
    memory and on disk in :func:`font_cache_dir` (about 0.5 s saved per page)."""
    import hashlib

    from .files import atomic_write
    chars = page_characters(text)
    key = hashlib.sha1(f"{_font_identity()}|v3|{chars}".encode("utf-8")).hexdigest()[:20]
    hit = _MEMORY.get(key)
    if hit is not None:
        return hit
    folder = font_cache_dir()
    path = folder / f"{key}.otf"
    if path.is_file():
        data = _MEMORY[key] = path.read_bytes()
        return data
    data = font_subset(chars)
    if len(_MEMORY) >= FONT_CACHE_SIZE:
        _MEMORY.pop(next(iter(_MEMORY)))
    _MEMORY[key] = data
    try:
        atomic_write(path, data)
        old = sorted(folder.glob("*.otf"), key=lambda p: p.stat().st_mtime)
        for stale in old[:-FONT_CACHE_SIZE]:
            stale.unlink(missing_ok=True)
    except OSError:  # a read-only checkout: no cache, same result
        pass
    return data


def web_font_css(text: str) -> str:
    """A ``<style>`` block embedding :func:`font_subset` of ``text`` as a data-URI web font and
    making it the page's first font (JupyterLab theme variables and plain elements), so the
    Chinese in a rendered report shows on a machine without any CJK font installed."""
    import base64
    data = base64.b64encode(cached_font_subset(text)).decode("ascii")
    stack = f'"{WEB_FONT_FAMILY}", {WEB_FONT_STACK}'
    return ("<style>\n"
            f'@font-face {{ font-family: "{WEB_FONT_FAMILY}"; font-style: normal; '
            f'font-weight: 100 900; src: url(data:font/otf;base64,{data}) format("opentype"); }}\n'
            f":root {{ --jp-content-font-family: {stack}; --jp-ui-font-family: {stack}; }}\n"
            f"body, table, .jp-RenderedHTMLCommon, .kit-report {{ font-family: {stack}; }}\n"
            "</style>")


def embed_web_font(page: str) -> str:
    """``page`` (a full HTML document) with :func:`web_font_css` of its own text inserted just
    before ``</head>``. Raises KitError when the page has no head."""
    if "</head>" not in page:
        raise KitError("cannot embed a font: the HTML page has no </head>")
    css = web_font_css(page)
    head, _, rest = page.partition("</head>")
    return head + css + "\n</head>" + rest
