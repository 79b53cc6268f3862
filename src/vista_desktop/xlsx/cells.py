"""A stored value to a typed cell, and a cell back to a stored value.

Written: dates as Excel dates (shown dd/mm/yyyy), month periods as the first day of the month (shown mm/yyyy),
money and integers as numbers (money shown grouped: "#,##0", which Excel in a Vietnamese locale shows with dots),
everything else as text cells with the Text format, so that a citizen ID's leading zero survives a clerk's edit.
Read: the same, plus what clerks type: dd/mm/yyyy text dates, "1.250.000" text amounts, choices without accents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from vista_desktop.forms.model import Field, FieldType
from vista_desktop.forms.values import (
    ISO_MONTH_RE,
    ValueParseError,
    clean_text,
    iso_to_date,
    parse_date,
    parse_integer,
    parse_month,
)

TEXT_FORMAT = "@"
DATE_FORMAT = "DD/MM/YYYY"
MONTH_FORMAT = "MM/YYYY"
MONEY_FORMAT = "#,##0"
INTEGER_FORMAT = "0"
# Excel keeps at most this many characters in a cell; longer texts continue in the next cells of the row.
CELL_TEXT_LIMIT = 32_767
MULTI_SEPARATOR = "; "


@dataclass(frozen=True)
class CellValue:
    value: Any
    number_format: str


def to_cell(field: Field, value: Any) -> CellValue:
    """The typed cell for a stored value; values of the wrong kind are written as the text they are."""
    if value is None or value == "" or value == []:
        return CellValue(None, _format_of(field))
    if field.type is FieldType.DATE and isinstance(value, str) and (day := iso_to_date(value)) is not None:
        return CellValue(day, DATE_FORMAT)
    if field.type is FieldType.MONTH and isinstance(value, str) and ISO_MONTH_RE.fullmatch(value):
        return CellValue(date(int(value[:4]), int(value[5:7]), 1), MONTH_FORMAT)
    if field.type in (FieldType.MONEY, FieldType.INTEGER, FieldType.YEAR) and _is_int(value):
        return CellValue(value, MONEY_FORMAT if field.type is FieldType.MONEY else INTEGER_FORMAT)
    if field.type is FieldType.MULTI_CHOICE and isinstance(value, list):
        return CellValue(MULTI_SEPARATOR.join(str(v) for v in value), TEXT_FORMAT)
    return CellValue(str(value), TEXT_FORMAT)


def _format_of(field: Field) -> str:
    return {
        FieldType.DATE: DATE_FORMAT,
        FieldType.MONTH: MONTH_FORMAT,
        FieldType.MONEY: MONEY_FORMAT,
        FieldType.INTEGER: INTEGER_FORMAT,
        FieldType.YEAR: INTEGER_FORMAT,
    }.get(field.type, TEXT_FORMAT)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- reading ------------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """A key that forgives accents, case, punctuation and spacing: 'HỌ VÀ TÊN', ' họ  và tên ', 'Ho va ten' all
    give 'ho va ten'."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in bare).split())


@dataclass(frozen=True)
class ReadCell:
    """A cell read for a field: the stored value (the text as written when it cannot be read, so that nothing the
    user gave is dropped) and, when it could not be read, why (an i18n key and its parameters)."""

    value: Any
    problem: str | None = None
    params: tuple[tuple[str, str], ...] = ()


_ID_DIGITS = {FieldType.CITIZEN_ID: (12,), FieldType.TAX_CODE: (10, 13)}


def from_cell(field: Field, raw: Any) -> ReadCell:
    """The stored value of one cell for `field` (never a table field)."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return ReadCell(None)
    if isinstance(raw, datetime | date):
        return _from_date(field, raw)
    if isinstance(raw, bool):
        raw = "TRUE" if raw else "FALSE"
    if isinstance(raw, int | float):
        return _from_number(field, raw)
    text = clean_text(str(raw)).strip()
    try:
        return _from_text(field, text)
    except ValueParseError as exc:
        return ReadCell(text, exc.code)


# Distinct values remembered per column: lists repeat their roles, organisations and degrees, while names and IDs
# are distinct (remembering all of those would only cost memory).
REMEMBERED_VALUES = 4096


def column_reader(field: Field) -> Callable[[Any], ReadCell]:
    """`from_cell` for the cells of one column, each distinct value read once."""
    known: dict[tuple[type, Any], ReadCell] = {}

    def read(raw: Any) -> ReadCell:
        # The type is part of the key: 1, 1.0 and True are equal as keys but read differently.
        key = (raw.__class__, raw)
        try:
            found = known.get(key)
        except TypeError:  # unhashable (not a cell value openpyxl gives)
            return from_cell(field, raw)
        if found is None:
            found = from_cell(field, raw)
            if len(known) < REMEMBERED_VALUES:
                known[key] = found
        return found

    return read


def _from_date(field: Field, raw: date) -> ReadCell:
    day = raw.date() if isinstance(raw, datetime) else raw
    if field.type is FieldType.DATE:
        return ReadCell(day.isoformat())
    if field.type is FieldType.MONTH:
        return ReadCell(f"{day.year:04d}-{day.month:02d}")
    if field.type is FieldType.YEAR:
        return ReadCell(day.year)
    return ReadCell(day.strftime("%d/%m/%Y"))  # a date in a text column: as a clerk reads it


def _from_number(field: Field, raw: float) -> ReadCell:
    whole = int(raw) if isinstance(raw, int) or raw.is_integer() else None
    if field.type in (FieldType.MONEY, FieldType.INTEGER, FieldType.YEAR):
        if whole is None:
            return ReadCell(raw, "xlsx.cell.not_whole")
        return ReadCell(whole)
    if field.type in (FieldType.DATE, FieldType.MONTH):
        return ReadCell(str(raw), "xlsx.cell.number_not_date")
    text = str(whole) if whole is not None else str(raw)
    if whole is None and field.type in (FieldType.CITIZEN_ID, FieldType.TAX_CODE, FieldType.PHONE):
        return ReadCell(text, "xlsx.cell.id_as_number")
    if field.type is FieldType.PHONE or len(text) not in _ID_DIGITS.get(field.type, (len(text),)):
        # Excel stored the ID as a number and dropped its leading zero
        return ReadCell(text, "xlsx.cell.lost_leading_zero")
    return ReadCell(text)


def _from_text(field: Field, text: str) -> ReadCell:
    t = field.type
    if t in (FieldType.MONEY, FieldType.INTEGER, FieldType.YEAR):
        return ReadCell(parse_integer(text))
    if t is FieldType.DATE:
        return ReadCell(parse_date(text))
    if t is FieldType.MONTH:
        return ReadCell(parse_month(text))
    if t in (FieldType.CITIZEN_ID, FieldType.TAX_CODE):
        return ReadCell("".join(text.split()))
    if t is FieldType.CHOICE:
        return _choice(field, text)
    if t is FieldType.MULTI_CHOICE:
        return _multi_choice(field, text)
    return ReadCell(text)


def match_choice(field: Field, text: str) -> str | None:
    """The choice `text` names: exactly, then ignoring case, then ignoring accents and spacing (only when that
    names one choice); its English label too. None when it names none."""
    for key in (lambda s: s, str.casefold, fold):
        wanted = key(text)
        found = {c.value for c in field.choices if wanted in (key(c.value), key(c.label.en))}
        if len(found) == 1:
            return found.pop()
    return None


def _choice(field: Field, text: str) -> ReadCell:
    found = match_choice(field, text)
    if found is None:
        allowed = ", ".join(c.value for c in field.choices)
        return ReadCell(text, "xlsx.cell.not_a_choice", (("value", text), ("allowed", allowed)))
    return ReadCell(found)


def _multi_choice(field: Field, text: str) -> ReadCell:
    values: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        found = match_choice(field, part)
        if found is None:
            allowed = ", ".join(c.value for c in field.choices)
            return ReadCell(text, "xlsx.cell.not_a_choice", (("value", part), ("allowed", allowed)))
        if found not in values:
            values.append(found)
    return ReadCell(values or None)
