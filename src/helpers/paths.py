"""Where the kit's files live, relative to the project root."""
from __future__ import annotations

import os
from pathlib import Path

#: Project root; override with DISTRICT_KIT_ROOT to point the kit at another checkout. A
#: relative DISTRICT_KIT_ROOT is made absolute here and in the environment, so kernels and
#: workers started from another folder (notebooks/) see the same root.
ROOT = Path(os.environ.get("DISTRICT_KIT_ROOT", Path(__file__).resolve().parents[2])).resolve()
if "DISTRICT_KIT_ROOT" in os.environ:
    os.environ["DISTRICT_KIT_ROOT"] = str(ROOT)
RAW_DIR = ROOT / "data" / "raw"
CLEAN_DIR = ROOT / "data" / "clean"
CATALOGUE_DIR = ROOT / "data" / "catalogue"
DISTRICTS_DIR = ROOT / "data" / "districts"
NOTEBOOK_DIR = ROOT / "notebooks"
REPORT_DIR = ROOT / "reports"

INDICATORS_CSV = CLEAN_DIR / "indicators.csv"
MANIFEST_JSON = CLEAN_DIR / "manifest.json"
CATALOGUE_CSV = CATALOGUE_DIR / "indicators.csv"
ALIASES_CSV = CATALOGUE_DIR / "aliases.csv"
