"""Damaged input stops the build with a message naming file and line (issue 10, items 1–3).

Every test works on a copy of data/ (the repo's own data is never touched); the command-line
tests run `python -m helpers.build` / `helpers.district` in a subprocess pointed at the copy
with DISTRICT_KIT_ROOT, and assert what the user sees.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.build import build_table
from helpers.districts import load_districts
from helpers.errors import ProblemList, ValueParseError
from helpers.paths import ROOT
from helpers.values import parse_plain_number, parse_value_text

ANNEX2 = "beilun_annex2_targets.txt"


@pytest.fixture
def kit(tmp_path) -> Path:
    """A writable copy of the kit's data folders (raw, catalogue, districts)."""
    for sub in ("raw", "catalogue", "districts"):
        shutil.copytree(ROOT / "data" / sub, tmp_path / "data" / sub)
    (tmp_path / "data" / "clean").mkdir()
    for p in (tmp_path / "data").rglob("*"):
        if p.is_file():
            p.chmod(0o644)
    return tmp_path


def run(kit: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, DISTRICT_KIT_ROOT=str(kit))
    return subprocess.run([sys.executable, "-m", *args], cwd=kit, env=env, capture_output=True,
                          text=True, timeout=300)


def rows_of(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def write_rows(path: Path, rows: list[dict], fields=None) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields or list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def test_truncated_document_stops_the_build_and_says_how_to_reregister(kit):
    doc = kit / "data" / "raw" / ANNEX2
    doc.write_text("\n".join(doc.read_text(encoding="utf-8").split("\n")[:100]), encoding="utf-8")
    res = run(kit, "helpers.build")
    assert res.returncode == 1
    assert (f"{ANNEX2}: differs from the copy registered for beilun (SHA-256 in "
            "data/districts/beilun.toml)") in res.stderr
    assert "re-register it with `python -m helpers.district register beilun`" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (kit / "data" / "clean" / "indicators.csv").exists()


def test_reregistering_a_replaced_document_records_checksum_and_counts(kit):
    doc = kit / "data" / "raw" / "ouhai_task_list_2021-2023.txt"
    doc.write_bytes(doc.read_bytes() + "\n".encode())  # a re-downloaded copy, one more newline
    assert run(kit, "helpers.build").returncode == 1
    res = run(kit, "helpers.district", "register", "ouhai")
    assert res.returncode == 0, res.stderr
    assert "ouhai_task_list_2021-2023.txt: sha256 861b5ba1b511… →" in res.stdout
    toml = (kit / "data" / "districts" / "ouhai.toml").read_text(encoding="utf-8")
    assert "861b5ba1b511" not in toml and "# Task list" in toml, "comments are kept"
    assert run(kit, "helpers.build").returncode == 0


def test_header_only_extraction_stops_the_build(kit):
    path = kit / "data" / "raw" / "zhenhai_extraction.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").split("\n")[0] + "\n", encoding="utf-8-sig")
    with pytest.raises(Exception, match=r"zhenhai_extraction\.csv: yields 0 rows for zhenhai, 80 "
                                        r"registered in data/districts/zhenhai\.toml \(80 missing\)"):
        build_table(kit / "data" / "raw")


def test_removed_rows_stop_the_build_until_registered(kit):
    path = kit / "data" / "raw" / "ouhai_extraction.csv"
    rows = rows_of(path)
    write_rows(path, rows[:-3])
    res = run(kit, "helpers.build")
    assert res.returncode == 1
    assert "ouhai_extraction.csv: yields 107 rows for ouhai, 110 registered" in res.stderr
    assert run(kit, "helpers.district", "register", "ouhai").returncode == 0
    assert "rows = 107" in (kit / "data" / "districts" / "ouhai.toml").read_text(encoding="utf-8")
    assert run(kit, "helpers.build").returncode == 0


def test_every_bad_value_of_a_curated_file_is_reported_at_once(kit):
    path = kit / "data" / "raw" / "zhenhai_extraction.csv"
    rows = rows_of(path)
    rows[0]["year"] = "2099"            # line 2
    rows[1]["value"] = "NaN"            # line 3
    rows[2]["value"] = "inf"            # line 4
    rows[3]["role"] = "goal"            # line 5
    rows[4]["indicator"] = ""           # line 6
    rows[5]["district"] = "xihu"        # line 7
    rows[6]["section"] = "表 1"         # line 8
    rows[7]["value_text"] = "1" * 310   # line 9
    write_rows(path, rows)
    res = run(kit, "helpers.build")
    assert res.returncode == 1
    err = res.stderr
    name = "zhenhai_extraction.csv"
    for expected in (
        f"{name}, line 2: year 2099 is outside the plan period 2020–2025 of zhenhai",
        f"{name}, line 3: value 'NaN' is not a number",
        f"{name}, line 4: value 'inf' is not a number",
        f"{name}, line 5: unknown role 'goal'; use baseline or target",
        f"{name}, line 6: empty indicator name",
        f"{name}, line 7: unknown district 'xihu'; known: beilun, yinzhou, zhenhai, ouhai",
        f"{name}, line 8: unknown section '表 1' for zhenhai_plan_2021-2025.txt; known: 表1, 表2, 正文",
        f"{name}, line 9: '111111111111…1111' has 310 digits; at most 15 can be held exactly",
    ):
        assert expected in err, f"missing: {expected}\n{err}"
    assert "Traceback" not in err and "pandera" not in err.lower() and "KeyError" not in err


@pytest.mark.parametrize("text, reason", [
    ("10²", "'²' is not a plain digit"),
    ("①", "'①' is not a plain digit"),
    ("[13", "bracket not closed"),
    ("13]", "bracket not closed"),
    ("1" * 310, "310 digits"),
    ("inf", "cannot read a number"),
    ("nan万元", "cannot read a number"),
])
def test_numbers_that_are_not_plain_digits_are_refused(text, reason):
    with pytest.raises(ValueParseError, match=rf"f\.txt, line 4: .*{reason}"):
        parse_value_text(text, file="f.txt", line=4)


def test_printed_values_still_read():
    assert parse_value_text("[13]") == (13.0, "")
    assert parse_value_text("38.4 万元/亩") == (38.4, "万元/亩")
    assert parse_value_text("１２％") == (12.0, "%")  # full-width digits are digits
    assert parse_plain_number("-0.4") == -0.4
    for bad in ("1e3", "NaN", "Infinity", "1_000", ""):
        with pytest.raises(ValueParseError):
            parse_plain_number(bad)


def test_superscript_in_a_curated_value_text_names_file_and_line(kit):
    path = kit / "data" / "raw" / "ouhai_extraction.csv"
    rows = rows_of(path)
    rows[0]["value_text"] = "48.19²"
    write_rows(path, rows)
    with pytest.raises(ProblemList, match=r"ouhai_extraction\.csv, line 2: cannot read a "
                                          r"number from '48\.19²': '²' is not a plain digit"):
        build_table(kit / "data" / "raw")


def test_unregistered_document_is_refused(kit):
    (kit / "data" / "raw" / "stray.txt").write_text("到2025年，亩均税收达到30万元。", encoding="utf-8")
    with pytest.raises(Exception, match=r"stray\.txt: not registered to any district; add it with "
                                        r"`python -m helpers.district add"):
        build_table(kit / "data" / "raw")


def test_bad_table_layout_names_the_data_file(kit):
    toml = kit / "data" / "districts" / "yinzhou.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("columns = 8", "columns = 8\ncolumnz = 3"),
                    encoding="utf-8")
    res = run(kit, "helpers.build")
    assert res.returncode == 1
    assert "yinzhou.toml: table '附件1': unknown keys ['columnz']" in res.stderr
    assert "yinzhou_plan_2022-2027.txt: yields 0 rows for yinzhou, 108 registered" in res.stderr


def test_many_problems_come_as_one_list(kit):
    path = kit / "data" / "raw" / "zhenhai_extraction.csv"
    rows = rows_of(path)
    rows[0]["year"], rows[1]["year"] = "2099", "1999"
    write_rows(path, rows)
    with pytest.raises(ProblemList) as err:
        build_table(kit / "data" / "raw")
    assert [p.line for p in err.value.problems] == [2, 3]


def test_a_broken_district_file_is_named_not_a_traceback(kit):
    toml = kit / "data" / "districts" / "ouhai.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("end_year = 2023", "end_year = 2023x"),
                    encoding="utf-8")
    for cmd in (("helpers.build",), ("helpers.district", "check")):
        res = run(kit, *cmd)
        assert res.returncode == 1
        assert "ouhai.toml: not valid TOML" in res.stderr, res.stderr
        assert "Traceback" not in res.stderr


def test_a_table_year_outside_the_plan_is_refused(kit):
    toml = kit / "data" / "districts" / "yinzhou.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("end_year = 2027", "end_year = 2025")
                    .replace("milestone_years = [2023, 2025]", "milestone_years = [2023]"),
                    encoding="utf-8")
    with pytest.raises(ProblemList, match=r"yinzhou_plan_2022-2027\.txt, line \d+: table '附件1' has a "
                                          r"2027 column, outside the plan period 2022–2025"):
        build_table(kit / "data" / "raw", load_districts(kit / "data" / "districts"))


def test_a_pledge_set_names_catalogued_ids(kit):
    toml = kit / "data" / "districts" / "beilun.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"rd_investment",', '"rd_invest",'),
                    encoding="utf-8")
    res = run(kit, "helpers.district", "check", "beilun")
    assert res.returncode == 1
    assert "beilun.toml: pledges.five_leaps: rd_invest not in data/catalogue/indicators.csv" in res.stdout
