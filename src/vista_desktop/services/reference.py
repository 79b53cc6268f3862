"""Reference tables the wizard completes from: the 34 provincial units since mid-2025 with their Departments of S&T
and the provinces merged into them, and the S&T field classification.

Data, not code: each table is a CSV in `resources/reference/`, and a file of the same name in the user's data
folder (`<data>/reference/`) replaces it without a release (a newer classification, a renamed department). A
definition field names its table with `completer: <name>` (see `COMPLETERS`).
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

from vista_desktop.i18n import current_language

log = logging.getLogger(__name__)

PROVINCES_FILE = "provinces_2025.csv"
FIELDS_FILE = "st_fields_2008.csv"


def _candidates(name: str) -> list[Path]:
    """The user's newer table first, then the shipped one."""
    from vista_desktop.paths import data_dir
    from vista_desktop.resources import resource_path

    return [data_dir() / "reference" / name, resource_path("reference", name)]


def _read(path: Path, columns: set[str]) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = columns - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"missing columns {sorted(missing)}")
        return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]


def _rows(name: str, columns: set[str]) -> list[dict[str, str]]:
    """The first readable table of that name: a damaged newer file is logged and the shipped one used."""
    for path in _candidates(name):
        if not path.is_file():
            continue
        try:
            return _read(path, columns)
        except (OSError, ValueError) as exc:
            log.warning("reference table %s not used: %s", path, exc)
    return []


@dataclass(frozen=True)
class ProvinceUnit:
    name: str
    kind: str  # tỉnh, or thành phố trực thuộc trung ương
    department: str  # its Department of Science and Technology, the usual recipient of the sheets
    merged_from: tuple[str, ...]  # the provinces before 1 July 2025 that form it


def provinces_2025() -> list[ProvinceUnit]:
    return [
        ProvinceUnit(r["name"], r["kind"], r["department"], tuple(p for p in r["merged_from"].split(";") if p))
        for r in _rows(PROVINCES_FILE, {"name", "kind", "department", "merged_from"})
    ]


def province_after_2025(old_name: str) -> str | None:
    """The provincial unit a province of before 1 July 2025 belongs to (None when unknown)."""
    for unit in provinces_2025():
        if old_name == unit.name or old_name in unit.merged_from:
            return unit.name
    return None


@dataclass(frozen=True)
class FieldClass:
    code: str
    name_vi: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_vi


def field_classification() -> list[FieldClass]:
    """The S&T field classification in use (codes and names; the shipped table has its first two levels, a deeper
    one in the data folder is used instead: see `services.st_fields`)."""
    from vista_desktop.services.st_fields import classification

    return [FieldClass(e.code, e.name_vi, e.name_en) for e in classification()]


@dataclass(frozen=True)
class Completion:
    value: str  # what goes into the field
    label: str  # what the list shows


def _field_codes() -> list[Completion]:
    language = current_language()
    return [Completion(c.code, f"{c.code} – {c.name(language)}") for c in field_classification()]


def _recipients() -> list[Completion]:
    return [Completion(u.department, u.department) for u in provinces_2025()]


def _provinces() -> list[Completion]:
    return [Completion(u.name, u.name) for u in provinces_2025()]


COMPLETERS = {"st_field": _field_codes, "recipient": _recipients, "province": _provinces}


def completions(name: str) -> list[Completion]:
    """The entries of a named completer (empty for an unknown name: a completer only ever helps)."""
    source = COMPLETERS.get(name)
    return source() if source is not None else []
