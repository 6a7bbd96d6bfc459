"""The pandera schema accepts the real table and rejects broken ones."""
from __future__ import annotations

import numpy as np
import pandera.errors
import pytest

from helpers.schema import COLUMNS, validate


def test_real_table_is_valid(indicators):
    assert list(indicators.columns) == COLUMNS
    validate(indicators)


@pytest.mark.parametrize("breakage, message", [
    (lambda df: df.assign(unit=df.unit.where(df.index != 0, "斤")), "unit"),
    (lambda df: df.assign(value=df.value.where(df.index != 0, np.nan)), "value"),
    (lambda df: df.assign(role=df.role.where(df.index != 0, "guess")), "role"),
    (lambda df: df.assign(district=df.district.where(df.index != 0, "hangzhou")), "district"),
    (lambda df: df.assign(measure=df.measure.where(df.index != 0, "vibes")), "measure"),
    (lambda df: df.assign(quote=df.quote.where(df.index != 0, "")), "quote"),
    (lambda df: df.assign(extra=1), "extra"),
    (lambda df: df.drop(columns="lead_agency"), "lead_agency"),
    (lambda df: df.iloc[[0, 0]].reset_index(drop=True), "duplicate"),
])
def test_schema_rejects_broken_tables(indicators, breakage, message):
    broken = breakage(indicators.copy())
    with pytest.raises(pandera.errors.SchemaErrors) as exc:
        validate(broken)
    assert message in str(exc.value).lower() or message in str(exc.value)


def test_edited_catalogue_is_read_again(tmp_path):
    # an edit (e.g. a renamed indicator) must reach the next build in the same process
    import os
    import shutil

    from helpers.catalogue import load_catalogue
    from helpers.paths import CATALOGUE_CSV
    path = tmp_path / "indicators.csv"
    shutil.copy(CATALOGUE_CSV, path)
    assert load_catalogue(path)["tax_per_mu"]["name_zh"] == "规上工业亩均税收"
    path.write_text(path.read_text(encoding="utf-8-sig").replace("规上工业亩均税收,", "亩均税收（改）,", 1),
                    encoding="utf-8-sig")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert load_catalogue(path)["tax_per_mu"]["name_zh"] == "亩均税收（改）"


def test_csv_rows_keep_dictreaders_rules(tmp_path):
    # read_csv_rows (every CSV the kit reads by hand): cells stripped, a short row's missing cells
    # empty, blank and all-empty lines skipped, each row with its file line; a long row an error
    from helpers.catalogue import read_csv_rows
    from helpers.errors import SourceError
    path = tmp_path / "t.csv"
    path.write_text("\ufeffa,b,c\n 1 , 2 ,3\n\n,,\n4,5\n\"x\ny\",,z\n", encoding="utf-8")
    assert read_csv_rows(path, ["a", "c"]) == [
        {"a": "1", "b": "2", "c": "3", "_line": 2}, {"a": "4", "b": "5", "c": "", "_line": 5},
        {"a": "x\ny", "b": "", "c": "z", "_line": 7}]
    path.write_text("a,b\n1,2\n1,2,3\n", encoding="utf-8")
    with pytest.raises(SourceError, match=r"t\.csv, line 3: more cells than header columns: \['3'\]"):
        read_csv_rows(path, ["a"])
    path.write_text("", encoding="utf-8")
    with pytest.raises(SourceError, match=r"t\.csv, line 1: missing columns \['a'\]; header is None"):
        read_csv_rows(path, ["a"])
