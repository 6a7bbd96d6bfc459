"""The districts the kit knows, with their plan periods."""
from __future__ import annotations

from dataclasses import dataclass

from .errors import UnknownDistrictError


@dataclass(frozen=True)
class District:
    slug: str
    name: str  # 北仑区
    city: str  # 宁波市
    base_year: int  # year of the baseline column
    end_year: int  # final target year of the plan
    plan_title: str

    @property
    def full_name(self) -> str:
        return f"{self.city}{self.name}"


DISTRICTS: dict[str, District] = {
    d.slug: d
    for d in (
        District("beilun", "北仑区", "宁波市", 2020, 2025,
                 "北仑区新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案（2021—2025年）"),
        District("yinzhou", "鄞州区", "宁波市", 2022, 2027,
                 "鄞州区“224X”先进制造业集群培育促进制造业高质量发展行动（2023—2027年）"),
        District("zhenhai", "镇海区", "宁波市", 2020, 2025,
                 "镇海区新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动方案(2021-2025年)"),
        District("ouhai", "瓯海区", "温州市", 2020, 2023,
                 "瓯海区新一轮制造业“腾笼换鸟、凤凰涅槃”攻坚行动任务清单"),
    )
}


def resolve_district(name_or_slug: str, parameter: str = "district") -> District:
    """Return the District for a slug (``beilun``) or Chinese name (``北仑区``, ``北仑``).

    Raises UnknownDistrictError naming the parameter and listing the valid slugs.
    """
    key = str(name_or_slug).strip()
    if key.lower() in DISTRICTS:
        return DISTRICTS[key.lower()]
    for d in DISTRICTS.values():
        if key in (d.name, d.name.rstrip("区"), d.full_name):
            return d
    valid = ", ".join(f"{d.slug} ({d.name})" for d in DISTRICTS.values())
    raise UnknownDistrictError(f"unknown {parameter} {name_or_slug!r}; valid: {valid}")
