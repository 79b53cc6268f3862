"""Build the document model of a draft from its form definition: no per-form code.

Official documents are always Vietnamese (Circular 14/2014 forms), so every label is taken in Vietnamese whatever
the interface language is.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from vista_desktop.documents import geometry
from vista_desktop.documents.model import (
    Block,
    Document,
    Header,
    Heading,
    KeyValue,
    Recipient,
    SignatureBox,
    SignatureRow,
    TableBlock,
    Title,
)
from vista_desktop.forms.data import Data, get_path, value_of
from vista_desktop.forms.limits import max_length_of
from vista_desktop.forms.model import Field, FieldType, FormDefinition, SignatureBlock
from vista_desktop.forms.values import display, format_money, iso_to_date, nfc
from vista_desktop.i18n import tr

LANGUAGE = "vi"
LONG_TYPES = frozenset({FieldType.LONG_TEXT})
# Relative column widths by type, so that names and long text get the room and numbers stay narrow.
COLUMN_WEIGHT = {
    FieldType.LONG_TEXT: 3.0,
    FieldType.TEXT: 2.2,
    FieldType.CHOICE: 1.5,
    FieldType.DATE: 1.3,
    FieldType.MONTH: 1.1,
    FieldType.CITIZEN_ID: 1.6,
    FieldType.INTEGER: 0.9,
    FieldType.MONEY: 1.4,
}
# Values that must never wrap inside their cell: the widest value of the type sets the column's minimum.
ONE_LINE_SAMPLE = {
    FieldType.CITIZEN_ID: "000000000000",
    FieldType.DATE: "00/00/0000",
    FieldType.MONTH: "00/0000",
    FieldType.PHONE: "0000 000 0000",
    FieldType.TAX_CODE: "0000000000-000",
}
# Where the recipient and the head's name come from until the definition format names them (see the report).
RECIPIENT_FIELD = "sheet.recipient"
MANAGING_UNIT_FIELD = "task.managing_unit"
HOST_ADDRESS_FIELD = "host_org.address"
# Provinces merged on 1 July 2025: sheets dated from then go to the merged province's department.
MERGER_DAY = date(2025, 7, 1)

# Wider tables do not fit an A4 column legibly: their rows are printed as one paragraph each.
MAX_TABLE_COLUMNS = 6


def _text(value: Any) -> str:
    return nfc(str(value)) if value is not None else ""


def _short(value: Any, limit: int = 500) -> str:
    """A name, title or place for a header or a signature block: what such a line can print, never more."""
    text = _text(value)
    return text if len(text) <= limit else text[:limit] + "…"


def punctuated(number: str, label: str) -> str:
    """'2.6. Thời gian thực hiện: từ tháng' stays as is; other labels get their colon (never two)."""
    label = nfc(label).strip()
    return label if ":" in label else f"{label}:"


def shown(field: Field, value: Any) -> str:
    """A value as printed: every integer a person reads is grouped with dots (quantities as well as money); years,
    identifiers, phone numbers and codes are text and stay as typed."""
    if field.type is FieldType.INTEGER and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value)
    text = _text(display(field, value))
    # Only a working copy of an invalid draft can hold more than a field's limit (official documents need a valid
    # draft): print what fits, so that such a value can never make rendering take minutes.
    limit = max_length_of(field)
    return text if len(text) <= limit else text[:limit] + "…"


def date_line(place: str, iso: str | None) -> str:
    """Decree 30/2020: a leading zero only on days 1–9 and months 1–2 ('ngày 07 tháng 3 năm 2025',
    'ngày 05 tháng 02 năm 2025'); without a date, the blanks that are filled by hand."""
    d = iso_to_date(iso) if iso else None
    if d is None:
        line = "ngày     tháng     năm 20   "
    else:
        month = f"{d.month:02d}" if d.month <= 2 else str(d.month)
        line = f"ngày {d.day:02d} tháng {month} năm {d.year}"
    return f"{place}, {line}" if place else line


PREFIX = re.compile(r"^(tp\.|thành phố|tỉnh)\s*", re.IGNORECASE)


def _province_pattern(name: str) -> re.Pattern[str]:
    """'Tp. Hồ Chí Minh' and 'Thành phố Hồ Chí Minh', 'Thừa Thiên - Huế' and 'Thừa Thiên Huế' match alike."""
    words = re.split(r"[\s\-–]+", PREFIX.sub("", nfc(name)).strip())
    return re.compile(r"(?<!\w)" + r"[\s\-–]+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


def _province_in(text: str) -> tuple[str, str, str] | None:
    """The province named last in `text`: (its name as written there, its name before 2025, the province it
    belongs to from July 2025), by the table of provincial Departments of S&T. The 34 provinces of 2025 all kept
    the name of one of the 63."""
    from vista_desktop.forms.reference import departments_of_science

    text = nfc(text)
    found: tuple[int, str, str, str] | None = None
    for dept in departments_of_science():
        name = dept.province_before_2025
        for match in _province_pattern(name).finditer(text):
            if found is None or match.end() > found[0]:
                written = name if PREFIX.match(name) else match.group(0)
                found = (match.end(), written, name, dept.province_from_2025)
    return found[1:] if found else None


def place_from_address(address: str) -> str:
    """The place for the date line when none is given: the province of the host organisation's address."""
    province = _province_in(address)
    return province[0] if province is not None else ""


def suggested_recipient(data: Data, when: date | None = None) -> str:
    """The focal S&T information organisation a Mẫu 1 goes to, guessed from the managing unit: the provincial
    Department of S&T when the unit names a province; '' when it cannot be told (the definition's default)."""
    unit = _short(get_path(data, MANAGING_UNIT_FIELD))
    province = _province_in(unit) if unit else None
    if province is None:
        return ""
    from vista_desktop.forms.reference import departments_of_science

    _, before, after = province
    current = after if (when or date.today()) >= MERGER_DAY else before
    for dept in departments_of_science():
        if dept.province_before_2025 == current:
            return dept.agency
    return tr("documents.recipient.department", LANGUAGE, province=current)


def _empty_table(field: Field, number: str) -> list[Block]:
    label = punctuated(number, field.label.text(LANGUAGE))
    value = tr("documents.table.none", LANGUAGE) if field.min_rows == 0 else ""
    return [KeyValue(number, label, value)]


def _record_blocks(field: Field, rows: list[dict[str, Any]], number: str) -> list[Block]:
    label = field.label.text(LANGUAGE)
    blocks: list[Block] = [KeyValue(number, punctuated(number, label), "", caption_only=True)]
    for i, row in enumerate(rows, start=1):
        parts = [
            f"{c.label.text(LANGUAGE)}: {shown(c, row.get(c.id))}" for c in field.columns if row.get(c.id) is not None
        ]
        blocks.append(KeyValue(f"{number}{i}.", punctuated("", f"{label} ({i})"), "; ".join(parts)))
    return blocks


def table_widths_mm(field: Field) -> tuple[float, ...]:
    number = tr("documents.table.number", LANGUAGE)
    weights = [0.6, *(COLUMN_WEIGHT.get(c.type, 1.5) for c in field.columns)]
    minimums = [
        geometry.min_column_mm(number, "000"),
        *(geometry.min_column_mm(c.label.text(LANGUAGE), ONE_LINE_SAMPLE.get(c.type, "")) for c in field.columns),
    ]
    return tuple(geometry.column_widths_mm(weights, minimums))


def _field_blocks(definition: FormDefinition, data: Data, field: Field, number: str) -> list[Block]:
    label = punctuated(number, field.label.text(LANGUAGE))
    if field.is_table:
        value = get_path(data, field.id)
        rows = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
        if not rows:
            return _empty_table(field, number)
        if len(field.columns) > MAX_TABLE_COLUMNS:
            return _record_blocks(field, rows, number)
        headers = (tr("documents.table.number", LANGUAGE), *(c.label.text(LANGUAGE) for c in field.columns))
        body = tuple(
            (format_money(i), *(shown(c, row.get(c.id)) for c in field.columns)) for i, row in enumerate(rows, start=1)
        )
        return [TableBlock(number, label, headers, body, table_widths_mm(field))]
    value = shown(field, value_of(definition, data, field.id))
    return [KeyValue(number, label, value, long=field.type in LONG_TYPES)]


def _signature_title(block: SignatureBlock, data: Data) -> str:
    chosen = _short(get_path(data, block.title_field)).strip().upper() if block.title_field else ""
    prefix = _short(get_path(data, block.prefix_field)).strip() if block.prefix_field else ""
    return " ".join(part for part in (prefix, chosen or block.title.text(LANGUAGE)) if part)


def _signature_boxes(block: SignatureBlock, data: Data) -> list[SignatureBox]:
    """One box, or one per row of the `repeat_for` table (every co-PI signs), roles numbered from 1."""
    title = _signature_title(block, data)
    note = block.note.text(LANGUAGE) if block.note else ""
    if block.repeat_for is None:
        name = _short(get_path(data, block.name_field)) if block.name_field else ""
        return [SignatureBox(role=block.role, title=title, note=note, name=name)]
    rows = get_path(data, block.repeat_for)
    rows = [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    column = block.name_column or ""
    return [
        SignatureBox(role=f"{block.role}_{i}", title=title, note=note, name=_short(row.get(column)))
        for i, row in enumerate(rows, start=1)
    ]


def _signature_rows(definition: FormDefinition, data: Data) -> list[SignatureRow]:
    boxes = [box for s in definition.signatures for box in _signature_boxes(s, data)]
    # Two signers side by side, as on paper; a last odd one is centred on its own row.
    step = geometry.SIGN_COLUMNS
    return [SignatureRow(tuple(boxes[i : i + step])) for i in range(0, len(boxes), step)]


def _doc_number(definition: FormDefinition, data: Data) -> str:
    """'Số: 12/XN-VKHTL'; with no number yet, the blank that is filled by hand when the document is issued."""
    if definition.layout.number_field is None:
        return ""
    number = _short(get_path(data, definition.layout.number_field)).strip()
    return f"Số: {number}" if number else "Số:        /"


def _annex(definition: FormDefinition) -> str:
    key = f"documents.annex.{definition.form_id}.{definition.version}"
    text = tr(key, LANGUAGE)
    return "" if text == key else text


def _recipient(definition: FormDefinition, data: Data, when: date | None) -> str:
    chosen = _short(get_path(data, RECIPIENT_FIELD)) if definition.has_field(RECIPIENT_FIELD) else ""
    default = definition.layout.recipient.text(LANGUAGE) if definition.layout.recipient else ""
    recipient = chosen or suggested_recipient(data, when) or default
    if not recipient:
        return ""
    return recipient if recipient.startswith("Kính gửi") else tr("documents.recipient", LANGUAGE, recipient=recipient)


def build_document(definition: FormDefinition, data: Data, *, working_copy: bool = False) -> Document:
    layout = definition.layout
    place = _short(get_path(data, layout.place_field)) if layout.place_field else ""
    if not place:
        place = place_from_address(_short(get_path(data, HOST_ADDRESS_FIELD)))
    raw_date = get_path(data, layout.date_field) if layout.date_field else None
    iso = raw_date if isinstance(raw_date, str) else None
    blocks: list[Block] = [
        Header(
            superior=_short(get_path(data, layout.issuer_superior_field)).upper(),
            issuer=_short(get_path(data, layout.issuer_name_field)).upper(),
            form_number=layout.number_prefix,
            annex=_annex(definition),
            date_line=date_line(place, iso),
            doc_number=_doc_number(definition, data),
        ),
        Title(layout.title.text(LANGUAGE), layout.subtitle.text(LANGUAGE) if layout.subtitle else ""),
    ]
    recipient = _recipient(definition, data, iso_to_date(iso) if iso else None)
    if recipient:
        blocks.append(Recipient(recipient))
    printed = [s for s in definition.sections if s.printed]
    for s_index, section in enumerate(printed, start=1):
        blocks.append(Heading(f"{s_index}.", section.label.text(LANGUAGE).upper()))
        for f_index, field in enumerate(section.fields, start=1):
            blocks.extend(_field_blocks(definition, data, field, f"{s_index}.{f_index}."))
    blocks.extend(_signature_rows(definition, data))
    return Document(title=layout.title.text(LANGUAGE), blocks=tuple(blocks), working_copy=working_copy)
