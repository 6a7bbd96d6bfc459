"""The districts the kit knows: one TOML file per district in data/districts/.

Everything that describes a district is data (``data/districts/<slug>.toml``): its name, city,
plan title and period, milestone years, headline pledge sets, the raw documents with their
SHA-256 checksums and expected row counts, the table layouts inside them, and the curated
extraction and entries files. See data/districts/README.md for the format.
``python -m helpers.district add|register`` writes these files; nothing in Python names a
district.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import SourceError, UnknownDistrictError

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
#: Administrative suffixes a user may omit: 宁海 = 宁海县, 嵊州 = 嵊州市, 北仑 = 北仑区.
NAME_SUFFIXES = ("区", "县", "市")


@dataclass(frozen=True)
class Document:
    """A raw document in data/raw/: its checksum, the rows its tables yield, its layouts."""
    file: str
    sha256: str
    rows: int = 0  # table rows the build reads from it (curated rows are counted per file)
    sections: tuple[str, ...] = ()  # sections curated rows may name (besides 正文)
    tables: tuple[dict, ...] = field(default=(), hash=False)  # layouts, see helpers.parsing.tables
    #: provenance as the document prints it (each string must stand verbatim in the text; the
    #: build checks): its title, 文号 and date — shown in the report's 数据说明
    title: str = ""
    doc_no: str = ""
    date: str = ""


@dataclass(frozen=True)
class RowFile:
    """A curated extraction file or an entries file, with the rows it holds for the district."""
    file: str
    rows: int
    sha256: str = ""  # entries files are immutable copies: checked like documents


@dataclass(frozen=True)
class District:
    slug: str
    name: str  # 北仑区
    city: str  # 宁波市
    base_year: int  # year of the baseline column
    end_year: int  # final target year of the plan
    plan_title: str
    milestone_years: tuple[int, ...] | None = None  # None: every intermediate target year
    #: headline pledge sets: key → {"label": "四倍增", "kind": "doubling"|"leap", "indicator_ids": (...)}
    pledges: dict = field(default_factory=dict, hash=False, compare=False)
    documents: tuple[Document, ...] = ()
    extractions: tuple[RowFile, ...] = ()
    entries: tuple[RowFile, ...] = ()
    order: int = 1000
    source: str = ""  # the TOML file it was read from
    #: links the audit's generic rules cannot resolve: indicator_id → the series it is checked
    #: against (several candidates share the concept); the reason stands in the TOML
    audit_links: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def full_name(self) -> str:
        return f"{self.city}{self.name}"

    def pledge_ids(self, kind: str) -> tuple[str, ...] | None:
        """indicator ids of the district's declared pledge set of this kind (doubling, leap)."""
        for p in self.pledges.values():
            if p.get("kind") == kind:
                return tuple(p["indicator_ids"])
        return None

    def pledge_label(self, kind: str) -> str | None:
        for p in self.pledges.values():
            if p.get("kind") == kind:
                return p.get("label") or None
        return None

    def document(self, name: str) -> Document | None:
        return next((d for d in self.documents if d.file == name), None)


def _need(data: dict, key: str, kind, path: Path):
    if key not in data:
        raise SourceError(f"missing key {key!r}", path)
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise SourceError(f"{key} must be {kind.__name__}, got {value!r}", path)
    return value


def _row_files(data: dict, key: str, path: Path) -> tuple[RowFile, ...]:
    out = []
    for item in data.get(key, []):
        out.append(RowFile(file=_need(item, "file", str, path), rows=_need(item, "rows", int, path),
                           sha256=item.get("sha256", "")))
    return tuple(out)


def read_district(path: Path) -> District:
    """One district from its TOML file; SourceError naming the file on a bad or missing key."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"not valid TOML: {exc}", path) from None
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 ({exc.reason})", path) from None
    slug = _need(data, "slug", str, path)
    if not SLUG_RE.match(slug) or path.stem != slug:
        raise SourceError(f"slug {slug!r} must be lower-case ascii and match the file name", path)
    base, end = _need(data, "base_year", int, path), _need(data, "end_year", int, path)
    if not 2000 <= base < end <= 2050:
        raise SourceError(f"base_year {base} / end_year {end}: need 2000 <= base < end <= 2050", path)
    milestones = data.get("milestone_years")
    if milestones is not None:
        bad = [y for y in milestones if not isinstance(y, int) or not base < y < end]
        if bad:
            raise SourceError(f"milestone_years {bad} are not years between {base} and {end}", path)
        milestones = tuple(milestones)
    pledges = {}
    for key, p in data.get("pledges", {}).items():
        ids = p.get("indicator_ids")
        if p.get("kind") not in ("doubling", "leap") or not ids:
            raise SourceError(f"pledges.{key}: need kind = 'doubling' or 'leap' and indicator_ids", path)
        pledges[key] = {"label": p.get("label", ""), "kind": p["kind"], "indicator_ids": tuple(ids)}
    documents = []
    for doc in data.get("documents", []):
        documents.append(Document(
            file=_need(doc, "file", str, path), sha256=_need(doc, "sha256", str, path),
            rows=doc.get("rows", 0), sections=tuple(doc.get("sections", ())),
            tables=tuple(doc.get("tables", ())), title=doc.get("title", ""),
            doc_no=doc.get("doc_no", ""), date=doc.get("date", "")))
    return District(
        slug=slug, name=_need(data, "name", str, path), city=data.get("city", ""),
        base_year=base, end_year=end, plan_title=data.get("plan_title", ""),
        milestone_years=milestones, pledges=pledges, documents=tuple(documents),
        extractions=_row_files(data, "extractions", path), entries=_row_files(data, "entries", path),
        order=data.get("order", 1000), source=path.name,
        audit_links={str(k): str(v) for k, v in data.get("audit_links", {}).items()})


def load_districts(directory: Path | None = None) -> dict[str, District]:
    """slug → District for every data/districts/*.toml, in the files' ``order`` (then slug)."""
    directory = Path(directory or paths.DISTRICTS_DIR)
    found = [read_district(p) for p in sorted(directory.glob("*.toml"))]
    return {d.slug: d for d in sorted(found, key=lambda d: (d.order, d.slug))}


class _Registry(MutableMapping):
    """The registered districts, read from data/districts/ on first use (so a bad data file is
    reported by the command that reads it, with its name, not as an import traceback).
    Item assignment registers a district for this process only (tests, synthetic plans)."""

    def __init__(self):
        self._data: dict[str, District] | None = None

    def _load(self) -> dict[str, District]:
        if self._data is None:
            self._data = load_districts()
        return self._data

    def reload(self) -> None:
        """Read data/districts/ again (after ``python -m helpers.district add`` in this process)."""
        self._data = None

    def __getitem__(self, slug: str) -> District:
        return self._load()[slug]

    def __setitem__(self, slug: str, district: District) -> None:
        self._load()[slug] = district

    def __delitem__(self, slug: str) -> None:
        del self._load()[slug]

    def __iter__(self):
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())

    def __repr__(self) -> str:
        return f"DISTRICTS({list(self)})"


#: slug → District for every registered district (a read-only mapping, loaded on first use).
DISTRICTS: Mapping[str, District] = _Registry()


def _name_forms(name: str) -> set[str]:
    forms = {name}
    if len(name) > 2 and name.endswith(NAME_SUFFIXES):
        forms.add(name[:-1])
    return forms


def resolve_district(name_or_slug: str, parameter: str = "district",
                     districts: Mapping[str, District] | None = None) -> District:
    """Return the District for a slug (``beilun``) or Chinese name with or without its
    区/县/市 suffix (``北仑区``, ``北仑``, ``宁海县``/``宁海``) or with its city (``宁波市北仑区``).

    Raises UnknownDistrictError naming the parameter and listing the valid slugs.
    """
    districts = DISTRICTS if districts is None else districts
    key = str(name_or_slug).strip()
    if key.lower() in districts:
        return districts[key.lower()]
    for d in districts.values():
        forms = _name_forms(d.name)
        if key in forms or key in {d.city + f for f in forms}:
            return d
    valid = ", ".join(f"{d.slug} ({d.name})" for d in districts.values())
    raise UnknownDistrictError(f"unknown {parameter} {name_or_slug!r}; valid: {valid}")
