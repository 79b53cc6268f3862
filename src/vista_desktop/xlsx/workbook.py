"""A whole draft as a workbook, and back.

Layout (format 1):
- one sheet per section: hidden column A holds each field's id, B its Vietnamese label, C its value (a text longer
  than an Excel cell continues in D, E…); a table field's row points to its own sheet;
- one sheet per table, right after its section's: row 1 the Vietnamese column labels, hidden row 2 the column ids,
  one row per table row from row 3 (a clerk may reorder or add columns: ids, not positions, are read);
- a hidden sheet `_vista` with the form id, the definition version and which sheet holds which section or table.
Derived values are written for the reader and ignored on import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vista_desktop.fileio import atomic_path
from vista_desktop.forms.data import Data, set_path, value_of
from vista_desktop.forms.model import Field, FieldType, FormDefinition, Section
from vista_desktop.tasks import TaskContext
from vista_desktop.xlsx.cells import CELL_TEXT_LIMIT, TEXT_FORMAT, column_reader, from_cell, to_cell
from vista_desktop.xlsx.errors import CellProblem, XlsxError, XlsxImportError
from vista_desktop.xlsx.rows import sheet_values
from vista_desktop.xlsx.safety import open_workbook

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

META_SHEET = "_vista"
FORMAT_VERSION = 1
SECTION, TABLE = "section", "table"
ID_ROW, FIRST_DATA_ROW = 2, 3
# Problems of a whole-draft import that do not stop it: the value is kept and the wizard's validation explains it
# (a draft may hold an unfinished choice; its own export must import back).
_KEPT_AS_TYPED = frozenset({"xlsx.cell.not_a_choice"})
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class SheetPlan:
    title: str
    kind: str  # SECTION or TABLE
    id: str  # section id or table field id
    section: Section
    table: Field | None = None


def _shortened(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word (and before a dangling bracket or comma) when one is near."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1].rsplit(" ", 1)[0] if " " in text[: limit + 1] else text[:limit]
    cut = cut if len(cut) >= limit // 2 else text[:limit]
    return cut.rstrip(" ,;:-(")


def plan_sheets(definition: FormDefinition) -> list[SheetPlan]:
    """The sheets of a draft of `definition`, with unique names Excel accepts (31 characters, no []:*?/\\)."""
    used: set[str] = {META_SHEET.casefold()}
    plans: list[SheetPlan] = []

    def name(label: str) -> str:
        base = _shortened(" ".join(_SHEET_NAME_BAD.sub(" ", label).split()), 31).strip("' ") or "Sheet"
        candidate, n = base, 2
        while candidate.casefold() in used:
            suffix = f" ({n})"
            candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(candidate.casefold())
        return candidate

    for section in definition.sections:
        plans.append(SheetPlan(name(section.label.vi), SECTION, section.id, section))
        for f in section.fields:
            if f.is_table:
                plans.append(SheetPlan(name(f.label.vi), TABLE, f.id, section, f))
    return plans


# --- export -------------------------------------------------------------------------------------------------


def write_draft(definition: FormDefinition, data: Data, path: Path, context: TaskContext | None = None) -> None:
    """Write the draft's workbook to `path` atomically (a failure or a cancel leaves no file)."""
    from openpyxl import Workbook

    context = context or TaskContext()
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    plans = plan_sheets(definition)
    for index, plan in enumerate(plans):
        context.progress(index / (len(plans) + 1))
        sheet = workbook.create_sheet(plan.title)
        if plan.table is None:
            _write_section(sheet, definition, data, plan, plans)
        else:
            _write_table(sheet, plan.table, value_of(definition, data, plan.table.id), context)
    _write_meta(workbook, definition, plans)
    context.progress(len(plans) / (len(plans) + 1))
    with atomic_path(path, ".xlsx") as working:
        workbook.save(working)
    context.progress(1.0)


def _put(sheet: Worksheet, row: int, column: int, value: Any, number_format: str) -> None:
    cell = sheet.cell(row=row, column=column, value=value)
    cell.number_format = number_format
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would take a text starting with "=" for a formula


def _header(sheet: Worksheet, row: int, column: int, text: str) -> None:
    from openpyxl.styles import Font

    cell = sheet.cell(row=row, column=column, value=text)
    cell.data_type = "s"
    cell.font = Font(bold=True)


def _write_section(
    sheet: Worksheet, definition: FormDefinition, data: Data, plan: SheetPlan, plans: list[SheetPlan]
) -> None:
    from openpyxl.styles import Alignment

    _header(sheet, 1, 1, "id")
    _header(sheet, 1, 2, "Mục")
    _header(sheet, 1, 3, "Giá trị")
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, f in enumerate(plan.section.fields, start=2):
        _put(sheet, row, 1, f.id, TEXT_FORMAT)
        _put(sheet, row, 2, f.label.vi + (" *" if f.required else ""), TEXT_FORMAT)
        if f.is_table:
            table_sheet = next(p.title for p in plans if p.id == f.id)
            _put(sheet, row, 3, f"→ {table_sheet}", TEXT_FORMAT)
            continue
        cell = to_cell(f, value_of(definition, data, f.id))
        for offset, piece in enumerate(_pieces(cell.value)):
            _put(sheet, row, 3 + offset, piece, cell.number_format)
        if f.type is FieldType.LONG_TEXT:
            sheet.cell(row=row, column=3).alignment = wrap
    sheet.column_dimensions["A"].hidden = True
    sheet.column_dimensions["B"].width = 48
    sheet.column_dimensions["C"].width = 70
    sheet.freeze_panes = "C2"


def _pieces(value: Any) -> list[Any]:
    if isinstance(value, str) and len(value) > CELL_TEXT_LIMIT:
        return [value[i : i + CELL_TEXT_LIMIT] for i in range(0, len(value), CELL_TEXT_LIMIT)]
    return [value]


def _write_table(sheet: Worksheet, table: Field, rows: Any, context: TaskContext) -> None:
    from openpyxl.utils import get_column_letter

    for column, col in enumerate(table.columns, start=1):
        _header(sheet, 1, column, col.label.vi + (" *" if col.required else ""))
        _put(sheet, ID_ROW, column, col.id, TEXT_FORMAT)
        letter = get_column_letter(column)
        sheet.column_dimensions[letter].width = 14 if col.type in (FieldType.DATE, FieldType.MONTH) else 24
    sheet.row_dimensions[ID_ROW].hidden = True
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    for index, row in enumerate(rows if isinstance(rows, list) else []):
        if index % 1000 == 0:
            context.check()
        if not isinstance(row, dict):
            continue
        for column, col in enumerate(table.columns, start=1):
            cell = to_cell(col, row.get(col.id))
            if cell.value is not None:
                _put(sheet, FIRST_DATA_ROW + index, column, cell.value, cell.number_format)


def _write_meta(workbook: Workbook, definition: FormDefinition, plans: list[SheetPlan]) -> None:
    meta = workbook.create_sheet(META_SHEET)
    meta.append(["form", definition.form_id])
    meta.append(["version", definition.version])
    meta.append(["format", FORMAT_VERSION])
    for plan in plans:
        meta.append(["sheet", plan.title, plan.kind, plan.id])
    meta.sheet_state = "hidden"


# --- import -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DraftWorkbook:
    form_id: str
    version: str
    sheets: list[tuple[str, str, str]]  # (sheet title, kind, id)


def read_draft(
    path: Path, definitions: Any, form_id: str | None = None, context: TaskContext | None = None
) -> tuple[FormDefinition, Data]:
    """Read a workbook written by `write_draft` into (definition, data). `definitions(form_id, version)` finds
    the definition (raises `XlsxError` when unknown). Raises `XlsxImportError` naming every cell that cannot be
    read; nothing is returned in part."""
    context = context or TaskContext()
    with open_workbook(path) as workbook:
        meta = _read_meta(workbook, path.name)
        if form_id is not None and meta.form_id != form_id:
            raise XlsxError("xlsx.form_mismatch", file=path.name, found=meta.form_id, form=form_id)
        definition: FormDefinition = definitions(meta.form_id, meta.version)
        data: Data = {}
        problems: list[CellProblem] = []
        for index, (title, kind, item_id) in enumerate(meta.sheets):
            context.progress(index / max(len(meta.sheets), 1))
            if title not in workbook.sheetnames:
                problems.append(CellProblem(title, 0, "", "xlsx.sheet_missing"))
                continue
            sheet = workbook[title]
            if kind == SECTION:
                _read_section(sheet, title, definition, data, problems)
            elif kind == TABLE and definition.has_field(item_id) and definition.field(item_id).is_table:
                rows = _read_table(sheet, title, definition.field(item_id), problems, context)
                if rows:
                    set_path(data, item_id, rows)
    if problems:
        raise XlsxImportError(problems)
    context.progress(1.0)
    return definition, data


def _read_meta(workbook: Workbook, file: str) -> DraftWorkbook:
    if META_SHEET not in workbook.sheetnames:
        raise XlsxError("xlsx.not_a_draft", file=file)
    values: dict[str, Any] = {}
    sheets: list[tuple[str, str, str]] = []
    for row in sheet_values(workbook[META_SHEET]):
        cells = [("" if v is None else str(v)) for v in row]
        if len(cells) >= 4 and cells[0] == "sheet":
            sheets.append((cells[1], cells[2], cells[3]))
        elif len(cells) >= 2 and cells[0]:
            values[cells[0]] = cells[1]
    if not values.get("form") or not values.get("version"):
        raise XlsxError("xlsx.not_a_draft", file=file)
    return DraftWorkbook(values["form"], values["version"], sheets)


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _read_section(sheet: Any, title: str, definition: FormDefinition, data: Data, problems: list[CellProblem]) -> None:
    for number, row in enumerate(sheet_values(sheet, min_row=2), start=2):
        if not row or row[0] is None:
            continue
        field_id = str(row[0]).strip()
        if not definition.has_field(field_id):
            problems.append(CellProblem(title, number, "A", "xlsx.unknown_field", {"id": field_id}))
            continue
        f = definition.field(field_id)
        if f.is_table or f.derived is not None:
            continue
        raw = _joined(row[2:])
        read = from_cell(f, raw)
        if read.problem is not None and read.problem not in _KEPT_AS_TYPED:
            problems.append(CellProblem(title, number, "C", read.problem, dict(read.params), f.label.vi))
        elif read.value is not None:
            set_path(data, field_id, read.value)


def _joined(cells: Iterable[Any]) -> Any:
    values = [c for c in cells if c is not None]
    if len(values) > 1 and all(isinstance(v, str) for v in values):
        return "".join(values)  # a long text continued in the next cells
    return values[0] if values else None


def _read_table(
    sheet: Any, title: str, table: Field, problems: list[CellProblem], context: TaskContext
) -> list[dict[str, Any]]:
    rows_iter: Iterator[tuple[Any, ...]] = sheet_values(sheet, min_row=ID_ROW)
    ids = next(rows_iter, ())
    known = {c.id: c for c in table.columns}
    columns: list[tuple[int, Field]] = []
    for position, raw_id in enumerate(ids):
        if raw_id is None or str(raw_id).strip() == "":
            continue
        column_id = str(raw_id).strip()
        if column_id not in known:
            problems.append(CellProblem(title, ID_ROW, _letter(position + 1), "xlsx.unknown_column", {"id": column_id}))
            continue
        columns.append((position, known[column_id]))
    readers = [(position, col, column_reader(col)) for position, col in columns]
    rows: list[dict[str, Any]] = []
    for number, cells in enumerate(rows_iter, start=FIRST_DATA_ROW):
        if number % 1000 == 0:
            context.check()
        row: dict[str, Any] = {}
        width = len(cells)
        for position, col, read_cell in readers:
            read = read_cell(cells[position] if position < width else None)
            if read.problem is not None and read.problem not in _KEPT_AS_TYPED:
                where = _letter(position + 1)
                problems.append(CellProblem(title, number, where, read.problem, dict(read.params), col.label.vi))
            elif read.value is not None:
                row[col.id] = read.value
        if row:
            rows.append(row)
    return rows
