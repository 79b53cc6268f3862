"""One table from a clerk's own spreadsheet, and rows pasted from the clipboard.

The header row is found by its labels, not its position: each cell is compared, accents, case, punctuation and
spacing forgiven (`cells.fold`), with the column's Vietnamese label, its English label and its id, so "Ho va ten",
"HỌ VÀ TÊN", " họ  và tên " and "Full name" all name `full_name`. The sheet and row holding the most known labels
among the first rows of every sheet win. Nothing is changed here: the caller shows the rows and problems first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vista_desktop.forms.limits import max_rows_of
from vista_desktop.forms.model import Field
from vista_desktop.forms.validation import check_value
from vista_desktop.tasks import TaskContext
from vista_desktop.xlsx.cells import REMEMBERED_VALUES, fold, from_cell
from vista_desktop.xlsx.errors import CellProblem, XlsxError
from vista_desktop.xlsx.rows import sheet_values
from vista_desktop.xlsx.safety import open_workbook
from vista_desktop.xlsx.workbook import META_SHEET

HEADER_SCAN_ROWS = 30
CLIPBOARD = "Clipboard"


@dataclass(frozen=True)
class MatchedColumn:
    position: int  # 0-based position in the spreadsheet row
    letter: str
    header: str  # as the spreadsheet spells it
    column: Field


@dataclass
class TablePreview:
    """What importing would give: the rows (stored values) and every problem, before anything changes."""

    table: Field
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    sheet: str = ""
    header_row: int = 0  # 0: no header row (pasted by position)
    columns: list[MatchedColumn] = field(default_factory=list)

    @property
    def too_many_rows(self) -> bool:
        return len(self.rows) > max_rows_of(self.table)

    @property
    def blocking(self) -> list[CellProblem]:
        return [p for p in self.problems if not p.warning]


def letter(position: int) -> str:
    """0 → A, 25 → Z, 26 → AA (without importing openpyxl: pasting needs it too)."""
    name = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = chr(65 + rest) + name
    return name


def _header_keys(table: Field) -> dict[str, Field]:
    keys: dict[str, Field] = {}
    for col in table.columns:
        for text in (col.label.vi, col.label.en, col.id):
            keys.setdefault(fold(text), col)
    return keys


def match_header(table: Field, cells: Sequence[Any]) -> tuple[list[MatchedColumn], list[tuple[int, str]]]:
    """The columns a row of headers names, and the (position, text) of the header cells that name none."""
    keys = _header_keys(table)
    matched: list[MatchedColumn] = []
    unknown: list[tuple[int, str]] = []
    taken: set[str] = set()
    for position, raw in enumerate(cells):
        if raw is None or not str(raw).strip():
            continue
        text = " ".join(str(raw).split())
        col = keys.get(fold(text))
        if col is None or col.id in taken:
            unknown.append((position, text))
            continue
        taken.add(col.id)
        matched.append(MatchedColumn(position, letter(position), text, col))
    return matched, unknown


def read_table(table: Field, path: Path, context: TaskContext | None = None) -> TablePreview:
    """Read the rows of `table` (a table field) from any sheet of the workbook at `path`."""
    context = context or TaskContext()
    with open_workbook(path) as workbook:
        found = _find_header(workbook, table)
        if found is None:
            labels = ", ".join(c.label.vi for c in table.columns)
            raise XlsxError("xlsx.no_header", file=path.name, table=table.label.vi, labels=labels)
        title, header_row = found
        rows = sheet_values(workbook[title], min_row=header_row)
        return preview_rows(table, rows, title, header_row, context)


def _find_header(workbook: Any, table: Field) -> tuple[str, int] | None:
    best: tuple[int, str, int] | None = None
    for title in workbook.sheetnames:
        if title == META_SHEET:
            continue
        for number, cells in enumerate(sheet_values(workbook[title], max_row=HEADER_SCAN_ROWS), 1):
            score = len(match_header(table, cells)[0])
            if score and (best is None or score > best[0]):
                best = (score, title, number)
    return None if best is None else (best[1], best[2])


def preview_rows(
    table: Field, rows: Iterable[Sequence[Any]], sheet: str, header_row: int, context: TaskContext | None = None
) -> TablePreview:
    """Turn a header row and the rows under it into a preview (rows of stored values and located problems)."""
    context = context or TaskContext()
    iterator = iter(rows)
    matched, unknown = match_header(table, next(iterator, ()))
    preview = TablePreview(table, sheet=sheet, header_row=header_row, columns=matched)
    for position, text in unknown:
        preview.problems.append(
            CellProblem(sheet, header_row, letter(position), "xlsx.column_ignored", {}, text, warning=True)
        )
    taken = {m.column.id for m in matched}
    for col in table.columns:
        if col.id not in taken and col.required:
            preview.problems.append(CellProblem(sheet, header_row, "", "xlsx.column_missing", {"label": col.label}))
    _read_rows(preview, iterator, header_row + 1, context)
    return preview


def _is_id_row(matched: list[MatchedColumn], cells: Sequence[Any]) -> bool:
    """The hidden row of column ids under the labels of a workbook this app wrote."""
    return bool(matched) and all(
        m.position < len(cells) and str(cells[m.position]).strip() == m.column.id for m in matched
    )


# What reading one cell gives: the stored value, its problems as (code, params, warning) with params shared, and
# whether the cell could not be read at all (those are told first in a row, then what the checks found).
_Problems = tuple[tuple[str, dict[str, Any], bool], ...]
_Outcome = tuple[Any, _Problems, bool]


class _ColumnReader:
    """Reads and checks the cells of one matched column; each distinct value is read and checked once."""

    __slots__ = ("_known", "column")

    def __init__(self, column: Field) -> None:
        self.column = column
        self._known: dict[tuple[type, Any], _Outcome] = {}

    def read(self, raw: Any) -> _Outcome:
        # The type is part of the key: 1, 1.0 and True are equal as keys but read differently.
        key = (raw.__class__, raw)
        try:
            outcome = self._known.get(key)
        except TypeError:  # an unhashable value (not from openpyxl): read it every time
            return self._outcome(raw)
        if outcome is None:
            outcome = self._outcome(raw)
            if len(self._known) < REMEMBERED_VALUES:
                self._known[key] = outcome
        return outcome

    def _outcome(self, raw: Any) -> _Outcome:
        read = from_cell(self.column, raw)
        if read.problem is not None:
            return read.value, ((read.problem, dict(read.params), False),), True
        # Problems of the value read on its own (required, format, limits), as the wizard would report them
        checked = tuple((p.code, p.params, p.warning) for p in check_value(self.column, read.value))
        return read.value, checked, False


def _read_rows(preview: TablePreview, rows: Iterable[Sequence[Any]], first: int, context: TaskContext) -> None:
    sheet, matched = preview.sheet, preview.columns
    readers = [(m.position, m.column.id, _ColumnReader(m.column).read) for m in matched]
    out_rows, out_problems = preview.rows, preview.problems
    for number, cells in enumerate(rows, start=first):
        if number % 1000 == 0:
            context.check()
        if number == first and _is_id_row(matched, cells):
            continue
        width = len(cells)
        row: dict[str, Any] = {}
        found: list[tuple[bool, MatchedColumn, _Problems]] = []
        for index, (position, column_id, read) in enumerate(readers):
            value, problems, unreadable = read(cells[position] if position < width else None)
            if value is not None:
                row[column_id] = value
            if problems:
                found.append((unreadable, matched[index], problems))
        if not row:
            continue  # an empty row between blocks, or the blank rows under the list
        out_rows.append(row)
        if found:
            found.sort(key=lambda item: not item[0])  # stable: unreadable cells first, each in column order
            for _unreadable, m, problems in found:
                for code, params, warning in problems:
                    out_problems.append(CellProblem(sheet, number, m.letter, code, dict(params), m.header, warning))
    limit = max_rows_of(preview.table)
    if len(preview.rows) > limit:
        preview.problems.append(
            CellProblem(sheet, preview.header_row, "", "xlsx.too_many_rows", {"count": len(preview.rows), "max": limit})
        )


# --- the clipboard ------------------------------------------------------------------------------------------


def split_clipboard(text: str) -> list[list[str]]:
    """Tab-separated rows as Excel and LibreOffice copy them: a cell holding a tab, a line break or a quote is
    quoted, with quotes doubled inside."""
    rows: list[list[str]] = []
    row: list[str] = []
    cell: list[str] = []
    quoted = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if quoted:
            if c == '"' and i + 1 < n and text[i + 1] == '"':
                cell.append('"')
                i += 1
            elif c == '"':
                quoted = False
            else:
                cell.append(c)
        elif c == '"' and not cell:
            quoted = True
        elif c == "\t":
            row.append("".join(cell))
            cell = []
        elif c in "\r\n":
            if c == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            row.append("".join(cell))
            rows.append(row)
            row, cell = [], []
        else:
            cell.append(c)
        i += 1
    if cell or row:
        row.append("".join(cell))
        rows.append(row)
    return rows


def parse_pasted(table: Field, text: str, start_column: int = 0) -> TablePreview:
    """Rows pasted into a table's grid. When the first line names the columns (as when a clerk copies a list with
    its header), cells go by header; otherwise by position, from `start_column` of the grid."""
    lines = split_clipboard(text)
    if not lines:
        return TablePreview(table, sheet=CLIPBOARD)
    matched, _unknown = match_header(table, lines[0])
    if len(matched) >= min(2, len(table.columns)) or (matched and len(lines[0]) == 1 and len(lines) > 1):
        return preview_rows(table, lines, CLIPBOARD, 1)
    columns = table.columns[start_column:]
    header = [c.id for c in columns]
    preview = preview_rows(table, [header, *lines], CLIPBOARD, 0)
    # Pasting some of the columns is the point here: the others keep what the grid holds.
    preview.problems = [p for p in preview.problems if p.code != "xlsx.column_missing"]
    return preview
