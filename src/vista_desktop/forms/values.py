"""Typed values: normalising what a user or a file gives, and showing values the Vietnamese way.

Stored forms (the JSON draft format of forms.md): text NFC, integers and money as int (đồng),
dates "YYYY-MM-DD", months "YYYY-MM", years int, choices by their Vietnamese label, multi-choice a list.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from vista_desktop.forms.model import Field, FieldType

TEXT_TYPES = frozenset(
    {
        FieldType.TEXT,
        FieldType.LONG_TEXT,
        FieldType.CHOICE,
        FieldType.CITIZEN_ID,
        FieldType.PHONE,
        FieldType.EMAIL,
        FieldType.TAX_CODE,
        FieldType.CLASSIFICATION,
        FieldType.DATE,
        FieldType.MONTH,
    }
)
NUMBER_TYPES = frozenset({FieldType.INTEGER, FieldType.MONEY, FieldType.YEAR})


class ValueParseError(ValueError):
    """A typed-in value cannot be read as the field's type; `code` is an i18n key."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def normalise_tree(value: Any) -> Any:
    """NFC every string inside a JSON-like value (keys too); trims surrounding white space of strings."""
    if isinstance(value, str):
        return nfc(value).strip()
    if isinstance(value, list):
        return [normalise_tree(v) for v in value]
    if isinstance(value, dict):
        return {nfc(str(k)): normalise_tree(v) for k, v in value.items()}
    return value


def is_empty(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip() == ""
    return value is None or value == [] or value == {}


# --- money and integers -------------------------------------------------------------------------------------


def format_money(amount: int) -> str:
    """1250000000 -> '1.250.000.000' (Vietnamese grouping with dots)."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", ".")


def parse_integer(text: str) -> int:
    """Reads '1.250.000.000', '1 250 000 000' or '1250000000'; a decimal part is refused (đồng are whole)."""
    cleaned = re.sub(r"[\s.\u00a0]", "", text.strip())
    if cleaned.endswith(("đ", "đồng")):
        cleaned = cleaned.removesuffix("đồng").removesuffix("đ")
    if not re.fullmatch(r"-?\d+", cleaned):
        raise ValueParseError("value.not_integer")
    return int(cleaned)


# --- dates --------------------------------------------------------------------------------------------------


def parse_date(text: str) -> str:
    """Reads 'dd/mm/yyyy' (or d/m/yyyy, with - or .) or ISO 'yyyy-mm-dd'; returns ISO."""
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if m:
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if not m:
            raise ValueParseError("value.not_date")
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:
        raise ValueParseError("value.not_date") from exc


def parse_month(text: str) -> str:
    """Reads 'mm/yyyy' or ISO 'yyyy-mm'; returns 'YYYY-MM'."""
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text)
    if m:
        month, year = int(m[1]), int(m[2])
    else:
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if not m:
            raise ValueParseError("value.not_month")
        year, month = int(m[1]), int(m[2])
    if not 1 <= month <= 12 or year < 1900:
        raise ValueParseError("value.not_month")
    return f"{year:04d}-{month:02d}"


def iso_to_date(iso: str) -> date | None:
    try:
        return date.fromisoformat(iso)
    except (TypeError, ValueError):
        return None


def format_date(iso: str) -> str:
    d = iso_to_date(iso)
    return d.strftime("%d/%m/%Y") if d else iso


def format_month(iso: str) -> str:
    m = re.fullmatch(r"(\d{4})-(\d{2})", iso)
    return f"{m[2]}/{m[1]}" if m else iso


def vietnamese_date_line(place: str, iso: str | None) -> str:
    """'Hà Nội, ngày 05 tháng 02 năm 2025'; without a date, the blanks that are filled by hand."""
    d = iso_to_date(iso) if iso else None
    if d is None:
        return f"{place}, ngày     tháng     năm 20   " if place else "ngày     tháng     năm 20   "
    line = f"ngày {d.day:02d} tháng {d.month:02d} năm {d.year}"
    return f"{place}, {line}" if place else line


# --- one entry point per direction -------------------------------------------------------------------------


def parse_input(field: Field, text: str) -> Any:
    """Turn what a user typed into the stored value of `field`; empty text gives None."""
    text = nfc(text).strip()
    if text == "":
        return None
    if field.type in (FieldType.INTEGER, FieldType.MONEY, FieldType.YEAR):
        return parse_integer(text)
    if field.type is FieldType.DATE:
        return parse_date(text)
    if field.type is FieldType.MONTH:
        return parse_month(text)
    if field.type in (FieldType.CITIZEN_ID, FieldType.TAX_CODE):
        return re.sub(r"\s", "", text)
    if field.type is FieldType.CHOICE:
        return match_choice(field, text)
    return text


def match_choice(field: Field, text: str) -> str:
    """The choice `text` names, ignoring case and accepting the English label; `text` itself when none does."""
    wanted = text.casefold()
    for choice in field.choices:
        if wanted in (choice.value.casefold(), choice.label.en.casefold()):
            return choice.value
    return text


def coerce_stored(field: Field, value: Any) -> Any:
    """Bring a value read from JSON or a spreadsheet to the stored form, keeping what cannot be read as is
    (validation then reports it, so that nothing the user gave is silently dropped)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = nfc(value).strip()
        if value == "":
            return None
        try:
            return parse_input(field, value)
        except ValueParseError:
            return value
    if field.type is FieldType.DATE and isinstance(value, date):
        return value.isoformat()
    if field.type in (FieldType.CITIZEN_ID, FieldType.TAX_CODE, FieldType.PHONE) and isinstance(value, int):
        return str(value)  # a number in a JSON file or spreadsheet: validation then explains a lost leading zero
    if field.type in NUMBER_TYPES and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def display(field: Field, value: Any, *, mask_citizen_id: bool = False) -> str:
    """How a stored value is shown outside its editor (lists, documents, summaries)."""
    if is_empty(value):
        return ""
    if field.type is FieldType.MONEY and isinstance(value, int):
        return format_money(value)
    if field.type is FieldType.DATE and isinstance(value, str):
        return format_date(value)
    if field.type is FieldType.MONTH and isinstance(value, str):
        return format_month(value)
    if field.type is FieldType.MULTI_CHOICE and isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if field.type is FieldType.CITIZEN_ID and mask_citizen_id:
        return mask(str(value))
    return str(value)


def mask(citizen_id: str) -> str:
    """Personal data: show the first three and last three digits only."""
    if len(citizen_id) <= 6:
        return "•" * len(citizen_id)
    return citizen_id[:3] + "•" * (len(citizen_id) - 6) + citizen_id[-3:]
