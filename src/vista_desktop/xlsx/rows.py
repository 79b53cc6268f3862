"""The values of a read-only sheet, row by row, read straight from the sheet's XML.

`sheet.iter_rows(values_only=True)` builds a dictionary per cell and, for inline strings (what openpyxl itself and
some other tools write), a descriptor object per text: about half the time of importing a 10,000-row list. Here each
`<row>` element is turned into a tuple of values directly, with openpyxl's own rules (numbers as int or float, the
workbook's date styles as dates, shared and inline strings, booleans, errors as their text, formulas as their cached
values) and the workbook's parts as openpyxl parsed them (shared strings, date styles, epoch). The differences are
of width only: a row is as wide as its last cell, and a missing row is an empty tuple.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from vista_desktop.xlsx.strings import text_of

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE, _INLINE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v", f"{_MAIN}is"
# What this reads of openpyxl's read-only objects (not public API: checked, with openpyxl's reading as fallback).
_SHEET_PARTS = ("_get_source", "_shared_strings")
_WORKBOOK_PARTS = ("_date_formats", "_timedelta_formats", "epoch")


def _column(reference: str) -> int:
    """'C7' → 3, 'AA1' → 27."""
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        else:
            break
    return number


class _CellReader:
    def __init__(self, sheet: Any) -> None:
        from openpyxl.utils.datetime import from_excel, from_ISO8601

        workbook = sheet.parent
        self.shared: list[str] = sheet._shared_strings
        self.date_styles: set[int] = workbook._date_formats
        self.duration_styles: set[int] = workbook._timedelta_formats
        self.epoch = workbook.epoch
        self.from_excel: Callable[..., Any] = from_excel
        self.from_iso: Callable[..., Any] = from_ISO8601

    def value(self, cell: Any) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            return None if inline is None else text_of(inline)
        raw = cell.findtext(_VALUE) or None
        if raw is None:
            return None
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            style = int(cell.get("s", 0) or 0)
            if style in self.date_styles:
                try:
                    return self.from_excel(number, self.epoch, timedelta=style in self.duration_styles)
                except (OverflowError, ValueError):
                    return "#VALUE!"  # as openpyxl: a date style on a serial beyond the calendar
            return number
        if kind == "s":
            return self.shared[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return self.from_iso(raw)
        return raw  # "str" (a formula's text), "e" (an error such as #N/A)


def sheet_values(sheet: Any, min_row: int = 1, max_row: int | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows `min_row`..`max_row` (or the last) of a read-only worksheet as tuples of values, counted as Excel
    counts them (a row missing from the file is an empty tuple)."""
    from openpyxl.xml.functions import iterparse

    if not hasattr(sheet, "iter_rows"):
        return  # a chart sheet: no cells
    if not all(hasattr(sheet, name) for name in _SHEET_PARTS) or not all(
        hasattr(sheet.parent, name) for name in _WORKBOOK_PARTS
    ):
        # Another openpyxl than the one this was written for: its own (slower) reading, same values.
        yield from sheet.iter_rows(min_row=min_row, max_row=max_row, values_only=True)
        return
    reader = _CellReader(sheet)
    expected = min_row  # the next row number to give
    number = 0
    with sheet._get_source() as source:
        for _event, element in iterparse(source):
            if element.tag != _ROW:
                continue
            given = element.get("r")
            number = int(float(given)) if given else number + 1
            if max_row is not None and number > max_row:
                # As openpyxl: the rows missing before a later one are given up to `max_row`
                for _ in range(expected, max_row + 1):
                    yield ()
                break
            if number >= min_row:
                while expected < number:
                    expected += 1
                    yield ()
                yield _row_values(reader, element)
                expected = number + 1
            element.clear()


def _row_values(reader: _CellReader, row: Any) -> tuple[Any, ...]:
    values: list[Any] = []
    column = 0
    for cell in row:
        if cell.tag != _CELL:
            continue
        reference = cell.get("r")
        column = _column(reference) if reference else column + 1
        if column < 1:
            continue  # a reference without a column letter: no cell openpyxl would give either
        while len(values) < column - 1:
            values.append(None)
        value = reader.value(cell)
        if len(values) == column - 1:
            values.append(value)
        else:  # a cell given twice or out of order: the later one wins, as openpyxl
            values[column - 1] = value
    return tuple(values)
