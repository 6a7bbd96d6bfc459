"""A raw document held in memory, with line lookups for quotes and one-cell-per-line tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
import bisect

from ..errors import QuoteNotFoundError, SourceError


@dataclass
class RawDocument:
    path: Path

    @cached_property
    def text(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SourceError("raw file is missing", self.path) from None
        except UnicodeDecodeError as exc:
            raise SourceError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", self.path) from None

    @property
    def name(self) -> str:
        return self.path.name

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @cached_property
    def _line_starts(self) -> list[int]:
        starts, pos = [0], 0
        for line in self.lines[:-1]:
            pos += len(line) + 1
            starts.append(pos)
        return starts

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def offset_of_line(self, line: int) -> int:
        return self._line_starts[line - 1]

    def locate(self, quote: str, *, line: int | None = None, what: str = "quote") -> int:
        """Offset of a verbatim quote; QuoteNotFoundError (naming this file) if absent."""
        pos = self.text.find(quote)
        if pos < 0:
            raise QuoteNotFoundError(f"{what} not found verbatim: {quote!r}", self.path, line)
        return pos

    def find_line(self, needle: str, start_line: int = 1) -> int:
        """First line (1-based, >= start_line) whose text contains needle."""
        for i in range(start_line - 1, len(self.lines)):
            if needle in self.lines[i]:
                return i + 1
        raise SourceError(f"expected text {needle!r} not found", self.path, start_line)


@dataclass
class Cell:
    """One table cell of a one-cell-per-line layout: a tab-led line plus continuation lines."""

    parts: list[str]
    line: int  # 1-based line of the tab-led first line
    start: int  # offset of the first character after the tab
    end: int  # offset just past the last continuation line
    lines: list[int] = field(default_factory=list)

    def text(self, joiner: str = "") -> str:
        return joiner.join(p.strip() for p in self.parts if p.strip())


def tokenize_cells(doc: RawDocument, first_line: int, last_line: int | None = None) -> list[Cell]:
    """Split lines [first_line, last_line] into cells.

    A line starting with a tab opens a new cell; a non-blank line without a tab continues the
    open cell (category names split over lines, "资规分局" / "区经信局"). Blank lines are ignored.
    """
    cells: list[Cell] = []
    last = last_line or len(doc.lines)
    for n in range(first_line, last + 1):
        raw = doc.lines[n - 1]
        start = doc.offset_of_line(n)
        if raw.startswith("\t"):
            cells.append(Cell([raw[1:]], n, start + 1, start + len(raw), [n]))
        elif raw.strip():
            if not cells:
                raise SourceError(f"text outside any table cell: {raw!r}", doc.path, n)
            cells[-1].parts.append(raw)
            cells[-1].end = start + len(raw)
            cells[-1].lines.append(n)
    return cells


def undouble(text: str) -> str:
    """'提质增效提质增效' → '提质增效': a merged category cell printed twice by the converter."""
    half = len(text) // 2
    if len(text) % 2 == 0 and half and text[:half] == text[half:]:
        return text[:half]
    return text


def cell_grid(doc: RawDocument, header_line: int, ncols: int, first: str, last: str | None = None,
              last_line: int | None = None) -> tuple[list[str], list[list[Cell]]]:
    """A one-cell-per-line table from its header line to ``last_line`` (default: the end of the
    file): (header texts, body rows of ``ncols`` cells). The header must start with ``first``
    and, if given, end with ``last``; trailing empty cells are dropped; a body that is not
    whole rows raises SourceError naming the line."""
    cells = tokenize_cells(doc, header_line, last_line)
    header = [c.text() for c in cells[:ncols]]
    if len(header) < ncols or header[0] != first or (last is not None and header[-1] != last):
        raise SourceError(f"unexpected header {header!r}", doc.path, header_line)
    body = cells[ncols:]
    while body and not body[-1].text():
        body.pop()
    if len(body) % ncols:
        raise SourceError(f"{len(body)} cells after the header is not a multiple of {ncols}",
                          doc.path, body[-1].line if body else header_line)
    return header, [body[i:i + ncols] for i in range(0, len(body), ncols)]
