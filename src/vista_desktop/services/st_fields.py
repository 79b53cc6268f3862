"""The S&T field classification as a tree of codes of any depth.

The shipped table (`resources/reference/st_fields_2008.csv`, Decision 12/2008/QĐ-BKHCN) has its first two levels
(1, 101…). A newer or deeper table is data: a CSV named `st_fields*.csv` dropped into `<data>/reference/` is used
instead (the last by name when there are several, so `st_fields_2025.csv` wins over `st_fields_2008.csv`), with the
columns `code`, `name_vi` and optionally `name_en` and `parent`. Codes may have any number of digits (dots and
spaces are ignored: "401.07" is 40107); a row's parent is its `parent` cell or, when empty, the longest other code
that begins its code (40107 → 401 → 4). A table that cannot be read (a missing column, a code that is not digits,
a repeated code, a parent that is not in it) is logged and the next one is used, down to the shipped table.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SHIPPED_FILE = "st_fields_2008.csv"
USER_PATTERN = "st_fields*.csv"


class ClassificationFileError(ValueError):
    """A classification table that cannot be used (the message says where)."""


@dataclass(frozen=True)
class FieldEntry:
    code: str
    name_vi: str
    name_en: str
    parent: str | None  # None for a top-level field
    level: int  # 1 for a top-level field


def _code(raw: str) -> str:
    return "".join(raw.replace(".", " ").split())


def _parents(codes: list[str], explicit: dict[str, str]) -> dict[str, str | None]:
    known = set(codes)
    parents: dict[str, str | None] = {}
    for code in codes:
        given = explicit.get(code)
        if given:
            if given not in known or given == code:
                raise ClassificationFileError(f"code {code}: parent {given} is not in the table")
            parents[code] = given
            continue
        # The longest proper prefix that is a code of the table
        parents[code] = next((code[:n] for n in range(len(code) - 1, 0, -1) if code[:n] in known), None)
    return parents


def _levels(parents: dict[str, str | None]) -> dict[str, int]:
    levels: dict[str, int] = {}
    for code in parents:
        chain: list[str] = []
        node: str | None = code
        while node is not None and node not in levels:
            if node in chain:
                raise ClassificationFileError(f"code {code}: its parents go round in a circle")
            chain.append(node)
            node = parents[node]
        depth = levels[node] if node is not None else 0
        for member in reversed(chain):
            depth += 1
            levels[member] = depth
    return levels


def parse_classification(rows: list[dict[str, str]]) -> list[FieldEntry]:
    """Entries in the table's order, each with its parent and level (raises `ClassificationFileError`)."""
    codes: list[str] = []
    names: dict[str, tuple[str, str]] = {}
    explicit: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        code = _code(row.get("code", ""))
        if not code:
            continue  # a blank line
        if not code.isascii() or not code.isdigit():
            raise ClassificationFileError(f"line {line}: code {row.get('code')!r} is not digits")
        if code in names:
            raise ClassificationFileError(f"line {line}: code {code} is repeated")
        name_vi = row.get("name_vi", "").strip()
        if not name_vi:
            raise ClassificationFileError(f"line {line}: code {code} has no name")
        codes.append(code)
        names[code] = (name_vi, row.get("name_en", "").strip())
        if parent := _code(row.get("parent", "")):
            explicit[code] = parent
    parents = _parents(codes, explicit)
    levels = _levels(parents)
    return [FieldEntry(c, names[c][0], names[c][1], parents[c], levels[c]) for c in codes]


def read_classification(path: Path) -> list[FieldEntry]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"code", "name_vi"} - {(n or "").strip() for n in reader.fieldnames or ()}
            if missing:
                raise ClassificationFileError(f"missing columns {sorted(missing)}")
            rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ClassificationFileError(str(exc)) from exc
    entries = parse_classification(rows)
    if not entries:
        raise ClassificationFileError("no codes")
    return entries


def candidate_files() -> list[Path]:
    """The user's tables (last name first), then the shipped one."""
    from vista_desktop.paths import data_dir
    from vista_desktop.resources import resource_path

    folder = data_dir() / "reference"
    users = sorted(folder.glob(USER_PATTERN), reverse=True) if folder.is_dir() else []
    return [*(p for p in users if p.is_file()), resource_path("reference", SHIPPED_FILE)]


def classification() -> list[FieldEntry]:
    """The classification in use: the first table that can be read."""
    for path in candidate_files():
        try:
            return read_classification(path)
        except ClassificationFileError as exc:
            log.warning("S&T field classification %s not used: %s", path, exc)
    return []


def lineage(entries: list[FieldEntry], code: str) -> list[FieldEntry]:
    """A code and its ancestors, the top-level field first (empty for an unknown code)."""
    by_code = {e.code: e for e in entries}
    found: list[FieldEntry] = []
    node = by_code.get(code)
    while node is not None and len(found) < len(by_code):
        found.append(node)
        node = by_code.get(node.parent) if node.parent else None
    return found[::-1]
