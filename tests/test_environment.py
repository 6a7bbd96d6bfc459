"""requirements.in, requirements.txt and environment.yml name the same packages and versions."""
from __future__ import annotations

import re

from helpers.paths import ROOT


def pins(text: str, sep: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        line = line.split("#")[0].strip().lstrip("- ").strip()
        m = re.fullmatch(rf"([A-Za-z0-9_.\-]+)\s*{sep}\s*([0-9][^\s]*)", line)
        if m:
            out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_environment_yml_matches_requirements_in():
    direct = pins((ROOT / "requirements.in").read_text(), "==")
    env_text = (ROOT / "environment.yml").read_text()
    conda = pins(env_text, "=")
    conda.update(pins(env_text, "=="))
    conda.pop("python", None)
    assert conda == direct


def test_requirements_txt_pins_every_direct_dependency():
    direct = pins((ROOT / "requirements.in").read_text(), "==")
    locked = pins((ROOT / "requirements.txt").read_text(), "==")
    for name, version in direct.items():
        assert locked.get(name) == version, name


def test_environment_yml_uses_python_311():
    assert re.search(r"^\s*-\s*python=3\.11\s*$", (ROOT / "environment.yml").read_text(), re.M)
