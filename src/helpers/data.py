"""Loading the clean indicator table: `load_indicators()`, `districts()`, `catalogue()`.

pandas and the schema are imported by the functions that need them, not with the module:
``data_version()`` and ``ensure_built()`` (all that the report runner's processes call) need
neither."""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths
from .districts import DISTRICTS, resolve_district

if TYPE_CHECKING:
    import pandas as pd

_CACHE: dict[Path, tuple[float, pd.DataFrame]] = {}
NARRATIVE_SECTION = "正文"


def _inputs_newer_than(target: Path) -> bool:
    built = target.stat().st_mtime
    inputs = [*paths.RAW_DIR.glob("*.txt"), *paths.RAW_DIR.glob("*_extraction.csv"),
              *paths.RAW_DIR.glob("*_entries.csv"), *paths.DISTRICTS_DIR.glob("*.toml"),
              paths.CATALOGUE_CSV, paths.ALIASES_CSV]
    return any(p.stat().st_mtime > built for p in inputs)


def ensure_built() -> Path:
    """Build data/clean/indicators.csv if it is missing or older than its inputs."""
    target = paths.INDICATORS_CSV
    if not target.exists() or _inputs_newer_than(target):
        from .build import rebuild
        rebuild()
    return target


def read_table(path: Path) -> pd.DataFrame:
    """Read and validate an indicator CSV (cached per file modification time)."""
    import pandas as pd

    from .schema import TEXT_COLUMNS, validate
    mtime = path.stat().st_mtime
    hit = _CACHE.get(path)
    if hit and hit[0] == mtime:
        return hit[1]
    df = pd.read_csv(path, encoding="utf-8-sig", dtype={c: str for c in TEXT_COLUMNS},
                     keep_default_na=False, na_values=[])
    df = df.astype({"year": int, "source_line": int, "value": float})
    df = validate(df)
    _CACHE[path] = (mtime, df)
    return df


def _as_list(x) -> list:
    return [x] if isinstance(x, (str, int)) else list(x)


def load_indicators(district: str | Iterable[str] | None = None, *,
                    indicator_id: str | Iterable[str] | None = None,
                    role: str | Iterable[str] | None = None,
                    include_narrative: bool = True,
                    path: Path | None = None) -> pd.DataFrame:
    """The indicator table, one row per value read from a source, validated on load.

    district: slug (``"beilun"``) or Chinese name (``"北仑区"``), or a list; None for all.
    indicator_id / role: filter on those columns. include_narrative=False drops 正文 rows.
    Columns: see helpers.schema.COLUMNS. Unknown districts raise UnknownDistrictError.
    """
    import pandas as pd

    from .schema import COLUMNS
    df = read_table(path or ensure_built())
    mask = pd.Series(True, index=df.index)
    if district is not None:
        slugs = [resolve_district(d).slug for d in _as_list(district)]
        mask &= df["district"].isin(slugs)
    if indicator_id is not None:
        mask &= df["indicator_id"].isin(_as_list(indicator_id))
    if role is not None:
        mask &= df["role"].isin(_as_list(role))
    if not include_narrative:
        mask &= df["section"] != NARRATIVE_SECTION
    return df.loc[mask, COLUMNS].reset_index(drop=True)


def districts() -> pd.DataFrame:
    """The districts with their plan periods (index: slug)."""
    import pandas as pd
    return pd.DataFrame([
        {"district": d.slug, "district_name": d.name, "city": d.city, "base_year": d.base_year,
         "end_year": d.end_year, "plan_title": d.plan_title} for d in DISTRICTS.values()
    ]).set_index("district")


def catalogue() -> pd.DataFrame:
    """The indicator catalogue (index: indicator_id)."""
    from .catalogue import catalogue_frame
    return catalogue_frame(paths.CATALOGUE_CSV)


def data_version() -> str:
    """Short hash of the clean table, as recorded in data/clean/manifest.json."""
    import json
    ensure_built()
    return json.loads(paths.MANIFEST_JSON.read_text(encoding="utf-8"))["data_version"]
