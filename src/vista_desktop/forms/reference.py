"""Reference data shipped as CSV files: citizen-ID province codes and the provincial Departments of S&T."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

from vista_desktop.resources import resource_path


@cache
def citizen_id_province_codes() -> dict[str, str]:
    """Three-digit birth-registration code -> province (63 codes of Circular 07/2016/TT-BCA)."""
    with resource_path("reference", "cccd_province_codes.csv").open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["province_before_2025"] for row in csv.DictReader(fh)}


@dataclass(frozen=True)
class Department:
    agency: str
    province_before_2025: str
    province_from_2025: str


@cache
def departments_of_science() -> tuple[Department, ...]:
    with resource_path("reference", "dost_2023.csv").open(encoding="utf-8", newline="") as fh:
        return tuple(
            Department(row["agency"], row["province_before_2025"], row["province_from_2025"])
            for row in csv.DictReader(fh)
        )


def current_provinces() -> list[str]:
    """The 34 provincial units since the 2025 reorganisation."""
    return sorted({d.province_from_2025 for d in departments_of_science()})
