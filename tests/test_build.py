"""The build: bad input gets a clear error naming file and line; good output is never lost."""
from __future__ import annotations

import csv

import pytest

from helpers.build import build_table, rebuild, table_csv_bytes
from helpers.errors import (ConflictError, KitError, ProblemList, QuoteNotFoundError,
                            SourceError, UnknownUnitError, ValueParseError)
from helpers.paths import INDICATORS_CSV

PLAN = "beilun_plan_2021-2025.txt"
ANNEX2 = "beilun_annex2_targets.txt"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_rebuild_is_byte_identical(indicators):
    assert table_csv_bytes(indicators) == INDICATORS_CSV.read_bytes()
    assert INDICATORS_CSV.read_bytes().startswith("\ufeff".encode("utf-8")), "UTF-8 BOM for Excel"


def problems(raw_copy) -> list[KitError]:
    """Every problem a build of raw_copy reports (an edited document also fails its checksum)."""
    with pytest.raises(ProblemList) as err:
        build_table(raw_copy)
    return err.value.problems


def one_problem(found, cls, pattern):
    """The one problem of class ``cls`` whose message matches ``pattern``."""
    import re
    hits = [p for p in found if isinstance(p, cls) and re.search(pattern, str(p))]
    assert len(hits) == 1, [str(p) for p in found]
    return hits[0]


def test_unknown_unit_names_file_and_line(raw_copy):
    edit(raw_copy / ANNEX2, "\t100亿元\n", "\t100亿斤\n")
    one_problem(problems(raw_copy), UnknownUnitError,
                r"beilun_annex2_targets\.txt, line 23: unknown unit '亿斤'")


def test_unparseable_value_names_file_and_line(raw_copy):
    edit(raw_copy / PLAN, "38.4 万元/亩", "三十八 万元/亩")
    one_problem(problems(raw_copy), ValueParseError,
                r"beilun_plan_2021-2025\.txt, line \d+: cannot read a number from '三十八 万元/亩'")


def test_conflicting_copies_of_a_series_fail_loudly(raw_copy):
    # the standalone Annex 2 says 亩均税收 2023 is 46.8; make it disagree with the whole plan
    edit(raw_copy / ANNEX2, "\t46.8万元/亩\n", "\t47.8万元/亩\n")
    one_problem(problems(raw_copy), ConflictError, r"tax_per_mu 2023 target: .*47\.8.*46\.8")


def test_unknown_printed_name_asks_for_an_alias(raw_copy):
    edit(raw_copy / ANNEX2, "累计新增未来工厂（家）", "累计新增未来车间（家）")
    one_problem(problems(raw_copy), SourceError,
                r"line \d+: no indicator_id for '累计新增未来车间（家）'")


def _curated_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _write_rows(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def curated_file(raw_copy):
    return raw_copy / "zhenhai_extraction.csv"


def test_curated_quote_not_found(raw_copy):
    path = curated_file(raw_copy)
    rows = _curated_rows(path)
    rows[0]["quote"] = rows[0]["quote"] + "（此句不在原文）"
    _write_rows(path, rows)
    with pytest.raises(QuoteNotFoundError, match=rf"{path.name}, line 2: quote not found verbatim"):
        build_table(raw_copy)


def test_curated_value_that_will_not_parse(raw_copy):
    path = curated_file(raw_copy)
    rows = _curated_rows(path)
    rows[1]["value"] = "约五十"
    _write_rows(path, rows)
    with pytest.raises(ValueParseError, match=rf"{path.name}, line 3: value '约五十' is not a number"):
        build_table(raw_copy)


def test_curated_value_must_match_its_quote(raw_copy):
    path = curated_file(raw_copy)
    rows = _curated_rows(path)
    rows[0]["value"] = str(float(rows[0]["value"]) + 1)
    _write_rows(path, rows)
    with pytest.raises(SourceError, match=rf"{path.name}, line 2: value .* does not match value_text"):
        build_table(raw_copy)


def test_curated_conflicting_duplicate(raw_copy):
    path = curated_file(raw_copy)
    rows = _curated_rows(path)
    twin = dict(rows[0], value=str(float(rows[0]["value"]) * 2), value_text=rows[0]["value_text"])
    _write_rows(path, rows + [twin])
    with pytest.raises(SourceError, match=path.name):
        build_table(raw_copy)


def test_failed_build_leaves_previous_clean_data_intact(raw_copy, tmp_path):
    clean = tmp_path / "clean"
    rebuild(raw_copy, clean)
    before = {p.name: p.read_bytes() for p in clean.iterdir()}
    edit(raw_copy / ANNEX2, "\t100亿元\n", "\t100亿斤\n")
    with pytest.raises(KitError, match="unknown unit"):
        rebuild(raw_copy, clean)
    after = {p.name: p.read_bytes() for p in clean.iterdir()}
    assert after == before, "a failed build must not touch data/clean"


def test_two_builds_give_identical_bytes(raw_copy, tmp_path):
    rebuild(raw_copy, tmp_path / "a")
    rebuild(raw_copy, tmp_path / "b")
    for name in ("indicators.csv", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_clean_files_are_readable_by_everyone_the_umask_allows(raw_copy, tmp_path):
    # written through a temp file (mkstemp makes 0600), then given the usual 0666 & ~umask
    from helpers.files import current_umask
    rebuild(raw_copy, tmp_path / "c")
    for name in ("indicators.csv", "manifest.json"):
        assert (tmp_path / "c" / name).stat().st_mode & 0o777 == 0o666 & ~current_umask()
