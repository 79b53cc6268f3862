"""Typed values: normalising what a user or a file gives, and showing values the Vietnamese way.

Stored forms (the JSON draft format of forms.md): text NFC, integers and money as int (đồng),
dates "YYYY-MM-DD", months "YYYY-MM", years int, choices by their Vietnamese label, multi-choice a list.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from vista_desktop.forms.limits import MAX_NUMBER_DIGITS, max_length_of
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


# C0 controls except tab and newline, DEL, C1 controls and the two non-characters XML forbids: none can be typed on
# purpose, all come from pasted or corrupted text, and the DOCX writer (XML 1.0) refuses them.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
# Half of a UTF-16 surrogate pair on its own (JSON "\ud800"): not a character; nothing can store or print it.
LONE_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """NFC, Windows and old Mac line ends as \\n, control characters removed. Lone surrogates are kept, for
    validation to report them (`value.bad_character`): dropping them would change the text unseen."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return nfc(_CONTROL_RE.sub("", text))


def has_bad_characters(text: str) -> bool:
    """Whether `text` holds a lone surrogate or a control character that `clean_text` would remove."""
    return LONE_SURROGATE_RE.search(text) is not None or _CONTROL_RE.search(text) is not None


def normalise_tree(value: Any) -> Any:
    """Clean every string inside a JSON-like value (keys too, `clean_text`) and trim surrounding white space of
    strings. Recursive: callers bound the nesting first (`forms.data.check_depth`)."""
    if isinstance(value, str):
        return clean_text(value).strip()
    if isinstance(value, list):
        return [normalise_tree(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): normalise_tree(v) for k, v in value.items()}
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
    # ASCII digits only: int() would also read Arabic-Indic and fullwidth digits.
    if not _INTEGER_RE.fullmatch(cleaned):
        raise ValueParseError("value.not_integer")
    # Beyond this int() is refused by Python itself (4,300 digits) or is no amount of đồng anyway.
    if len(cleaned.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueParseError("value.number_too_long")
    return int(cleaned)


_INTEGER_RE = re.compile(r"-?[0-9]+")


# --- dates --------------------------------------------------------------------------------------------------


def parse_date(text: str) -> str:
    """Reads 'dd/mm/yyyy' (or d/m/yyyy, with - or .) or ISO 'yyyy-mm-dd'; returns ISO."""
    text = text.strip()
    m = re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", text)
    if m:
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    else:
        m = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text)
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
    m = re.fullmatch(r"([0-9]{1,2})[/.-]([0-9]{4})", text)
    if m:
        month, year = int(m[1]), int(m[2])
    else:
        m = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", text)
        if not m:
            raise ValueParseError("value.not_month")
        year, month = int(m[1]), int(m[2])
    if not 1 <= month <= 12 or year < 1900:
        raise ValueParseError("value.not_month")
    return f"{year:04d}-{month:02d}"


ISO_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_MONTH_RE = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def iso_to_date(iso: str) -> date | None:
    """The date of a stored value, which must be exactly 'YYYY-MM-DD' (Python would also read '20250205')."""
    if not isinstance(iso, str) or not ISO_DATE_RE.fullmatch(iso):
        return None
    try:
        return date.fromisoformat(iso)
    except ValueError:
        return None


def format_date(iso: str) -> str:
    d = iso_to_date(iso)
    return d.strftime("%d/%m/%Y") if d else iso


def format_month(iso: str) -> str:
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", iso)
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
    """Turn what a user typed on screen into the stored value of `field` (dates dd/mm/yyyy, months mm/yyyy, ISO
    also read); empty text gives None."""
    text = clean_text(text).strip()
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
        value = clean_text(value).strip()
        if value == "":
            return None
        # Files carry ISO dates only: '05/02/2025' could be day-first or month-first, '20250205' is no date format
        # of forms.md. Kept as is, validation reports it.
        if field.type in (FieldType.DATE, FieldType.MONTH):
            return value
        if len(value) > max_length_of(field):
            return value  # validation reports the length; parsing megabytes would only delay that
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
