"""Bounds on what a draft may hold: far above any real form, low enough that nothing hangs or exhausts memory.

Every limit here is a default. A definition file may set `max_length` on a text field or column and `max_rows` on a
table to override it (the schema in `forms.schema` checks those keys). Validation reports a value beyond its limit;
`check_limits` refuses it outright, for importers that must not store it at all.
"""

from __future__ import annotations

from vista_desktop.errors import VistaError
from vista_desktop.forms.model import Field, FieldType

# A JSON draft file larger than this is refused before it is parsed. The biggest realistic Mẫu 1 (60 members, long
# texts) is under 1 MB; 20 MiB leaves room for pasted reports without letting a stray file freeze the app.
MAX_DRAFT_FILE_BYTES = 20 * 1024 * 1024

# Nesting of a JSON draft: real drafts nest 4 levels (data → task → budget → total_vnd). Python's own recursion limit
# is about 1,000 frames, and json, copy and our walkers all recurse, so refuse far below it.
MAX_NESTING = 64

# Characters per value, by field type. A task title in practice is under 300 characters, a long text section a few
# pages; 100,000 characters is about 40 printed pages.
DEFAULT_MAX_LENGTH: dict[FieldType, int] = {
    FieldType.TEXT: 2_000,
    FieldType.LONG_TEXT: 100_000,
    FieldType.CHOICE: 500,
    FieldType.MULTI_CHOICE: 500,
    FieldType.EMAIL: 254,  # RFC 5321's limit on a forward path
    FieldType.PHONE: 40,
    FieldType.CITIZEN_ID: 40,
    FieldType.TAX_CODE: 40,
    FieldType.CLASSIFICATION: 100,
    FieldType.DATE: 40,
    FieldType.MONTH: 40,
}
# Integers, money and years: digits of a number in đồng (10^18 is far above any budget).
MAX_NUMBER_DIGITS = 18
MAX_NUMBER = 10**MAX_NUMBER_DIGITS
# Rows per table. Mẫu 1 lists tens of members at most.
DEFAULT_MAX_ROWS = 2_000


def max_length_of(field: Field) -> int:
    """Characters allowed in one value of `field` (its `max_length`, else the default of its type)."""
    if field.max_length is not None:
        return field.max_length
    return DEFAULT_MAX_LENGTH.get(field.type, DEFAULT_MAX_LENGTH[FieldType.TEXT])


def max_rows_of(field: Field) -> int:
    """Rows allowed in a table field (its `max_rows`, else `DEFAULT_MAX_ROWS`)."""
    return field.max_rows if field.max_rows is not None else DEFAULT_MAX_ROWS


class InputLimitError(VistaError):
    """A draft is beyond what the app accepts (too deep, too long, too many rows); nothing of it was stored."""
