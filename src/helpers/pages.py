"""Reader pages: the rendered report (HTML and PDF) and the index, from template files.

Everything a reader sees around the report's own content lives in files next to this module:
``templates/`` holds the Jinja2 templates (autoescaped) and the stylesheets (``report.css`` for
tables and boxes, ``page.css`` for the page and its A4 print form), ``templates/nbconvert/
kit-report`` the nbconvert template of the report page, and ``labels/zh.toml`` the Chinese UI
labels. Pages fetch nothing from the network (no script, no CDN; fonts and charts are inlined)
and are byte-identical when re-rendered from the same notebook, apart from the one line that
says when the page was generated (cell ids are numbered, not random).
"""
from __future__ import annotations

import copy
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from .errors import KitError

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
LABELS_FILE = PACKAGE_DIR / "labels" / "zh.toml"
#: nbconvert template of the report page (in TEMPLATE_DIR / "nbconvert").
REPORT_TEMPLATE = "kit-report"
#: Cells with these tags are dropped from the page (papermill's parameter cells, helpers' own).
HIDDEN_CELL_TAGS = ("parameters", "injected-parameters", "remove-cell")
#: Metadata key of the display output holding the report's headline facts (read for the index).
HEADLINE_KEY = "kit-headline"


# --------------------------------------------------------------------------- labels, templates

@lru_cache(maxsize=1)
def labels() -> dict:
    """The Chinese UI labels (``labels/zh.toml``), one table per topic."""
    try:
        with open(LABELS_FILE, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise KitError(f"cannot read the labels file {LABELS_FILE}: {exc}") from None


def label_table(topic: str) -> dict[str, str]:
    """One topic of the labels file, e.g. ``label_table("severity")`` → {"high": "高", …}.
    Raises KitError naming the file and the topic when it is missing."""
    table = labels().get(topic)
    if not isinstance(table, dict):
        raise KitError(f"{LABELS_FILE.name} has no [{topic}] table")
    return dict(table)  # a copy: a caller that edits its labels never changes another's


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of the kit's templates (autoescaped HTML)."""
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
                             autoescape=jinja2.select_autoescape(["html", "j2"],
                                                                 default_for_string=True),
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=False)
    env.globals["L"] = labels()
    return env


def render(template: str, **context) -> str:
    """A template of ``templates/`` rendered with ``context`` (and the labels as ``L``)."""
    return environment().get_template(template).render(**context)


def stylesheet(*names: str) -> str:
    """The text of stylesheets in ``templates/`` (e.g. ``report.css``), concatenated."""
    return "\n".join((TEMPLATE_DIR / n).read_text(encoding="utf-8") for n in names)


# --------------------------------------------------------------------------- the report page

def _heading_id(n: int) -> str:
    return f"sec-{n}"


def _markdown_html(source: str, toc: list[tuple[str, str, str]]) -> str:
    """A markdown cell as HTML; its ``##`` headings get stable ids (sec-1, sec-2, …) and are
    added to ``toc`` as (id, text, css class). A heading ending in 附录/Appendix starts a new
    printed page."""
    from markupsafe import escape
    from nbconvert.filters.markdown_mistune import markdown2html_mistune
    parts, rest = [], []

    def flush():
        if rest:
            parts.append(markdown2html_mistune("\n".join(rest)))
            rest.clear()

    for line in source.splitlines():
        m = re.match(r"^(##)\s+(.+?)\s*$", line)
        if m:
            flush()
            text = m.group(2)
            hid = _heading_id(len(toc) + 1)
            cls = "appendix" if "附录" in text else ""
            toc.append((hid, text, cls))
            parts.append(f'<h2 id="{hid}"' + (f' class="{cls}"' if cls else "") + f">{escape(text)}</h2>")
        else:
            rest.append(line)
    flush()
    return "\n".join(parts)


def prepare_notebook(nb):
    """A copy of an executed report notebook ready for the page: hidden cells dropped, markdown
    cells turned into output-only cells (so no input area remains) with numbered heading ids,
    a table of contents after the first cell, and every cell id numbered (``cell-1`` …) so a
    re-render is byte-identical. Returns (notebook, toc)."""
    from nbformat.v4 import new_code_cell, new_output
    nb = copy.deepcopy(nb)
    hidden = set(HIDDEN_CELL_TAGS)
    cells = [c for c in nb.cells if not set(c.get("metadata", {}).get("tags", [])) & hidden]
    toc: list[tuple[str, str, str]] = []
    out = []
    for c in cells:
        if c.cell_type == "markdown":
            html = _markdown_html(c.source, toc)
            # tagged so the print stylesheet keeps a heading cell with the cell after it
            c = new_code_cell("", outputs=[new_output("display_data", data={"text/html": html})],
                              metadata={"tags": ["kit-text"]})
        elif c.cell_type == "code":
            c.outputs = [o for o in c.get("outputs", [])
                         if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        out.append(c)
    if toc and out:
        nav = render("toc.html.j2", toc=toc)
        out.insert(1, new_code_cell("", outputs=[new_output("display_data", data={"text/html": nav})]))
    for i, c in enumerate(out, 1):
        c["id"] = f"cell-{i}"
        c.execution_count = None
        for o in c.get("outputs", []):
            if "execution_count" in o:
                o["execution_count"] = None
    nb.cells = out
    return nb, toc


def report_page(nb, title: str) -> str:
    """HTML of an executed report notebook for readers: no code, prompts, parameter cells or
    scripts; the kit's stylesheets inlined; charts inlined as PNG by the template; the CJK font
    embedded (a subset, cached by its characters) so the Chinese shows on any machine; nothing
    fetched from the network. ``nb`` is the notebook as it is (the runner passes the one
    papermill returned, not one read back from disk) and is not changed; it is exported once,
    and the PDF is made from this page (:func:`pdf_document`), not from the notebook again."""
    from nbconvert import HTMLExporter

    from .fonts import embed_web_font
    nb, _ = prepare_notebook(nb)
    # optimistic_validation: the notebook is validated once, after the preprocessors, instead
    # of once after each of them (the page is the same)
    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATE_DIR / "nbconvert")],
                            template_name=REPORT_TEMPLATE, exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_anchor_links=True, optimistic_validation=True)
    resources = {"metadata": {"name": title},
                 "kit": {"title": title, "lang": "zh-CN",
                         "css": stylesheet("report.css", "page.css")}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return embed_web_font(body)


def headline_of(nb) -> list[str]:
    """The headline facts the report notebook displayed (output metadata ``kit-headline``);
    [] when the notebook has none."""
    for c in nb.cells:
        for o in c.get("outputs", []):
            md = o.get("metadata", {})
            facts = md.get(HEADLINE_KEY) or md.get("text/html", {}).get(HEADLINE_KEY)
            if facts:
                return [str(f) for f in facts]
    return []


# --------------------------------------------------------------------------- PDF

def _offline_fetcher():
    """A WeasyPrint URL fetcher that only reads ``data:`` URLs: a PDF never waits on or
    leaks to the network."""
    from weasyprint.urls import URLFetcher
    return URLFetcher(allowed_protocols={"data"})


def pdf_document(page: str) -> tuple[bytes, int]:
    """The PDF of a rendered page (HTML with its print stylesheet: A4 portrait, running header
    and footer, page numbers, the embedded CJK font), by WeasyPrint, and its number of pages.
    Raises KitError when WeasyPrint or its system library (Pango) is missing."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: libpango not found
        raise KitError("PDF output needs WeasyPrint and the Pango library "
                       f"(Debian/Ubuntu: apt install libpango-1.0-0 libpangoft2-1.0-0): {exc}") from None
    import logging
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    doc = weasyprint.HTML(string=page, url_fetcher=_offline_fetcher(), media_type="print")
    rendered = doc.render()
    return rendered.write_pdf(), len(rendered.pages)


# --------------------------------------------------------------------------- index

def index_page(entries: list[dict], *, generated: str, data_versions: list[str]) -> str:
    """The reader's index: one entry per district (name, city, headline facts, links to its
    HTML and PDF, a note when this run could not refresh it). ``entries`` are dicts with
    name, city, html, pdf (file names or ""), facts (list of str), note (str)."""
    from .fonts import embed_web_font
    page = render("index.html.j2", entries=entries, generated=generated,
                  data_versions=data_versions, css=stylesheet("index.css"))
    return embed_web_font(page)
