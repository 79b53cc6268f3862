"""Build the document model of a draft from its form definition: no per-form code."""

from __future__ import annotations

from typing import Any

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
from vista_desktop.forms.model import Field, FieldType, FormDefinition
from vista_desktop.forms.values import display, nfc, vietnamese_date_line
from vista_desktop.i18n import tr

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


def _text(value: Any) -> str:
    return nfc(str(value)) if value is not None else ""


# Wider tables do not fit an A4 column legibly: their rows are printed as one paragraph each.
MAX_TABLE_COLUMNS = 6


def _record_blocks(field: Field, rows: list[Any], number: str, lang: str) -> list[Block]:
    label = field.label.text(lang)
    if not rows:
        return [KeyValue(number, label, "")]
    blocks: list[Block] = [KeyValue(number, label, "", caption_only=True)]
    for i, row in enumerate(rows, start=1):
        parts = [
            f"{c.label.text(lang)}: {_text(display(c, row.get(c.id)))}"
            for c in field.columns
            if row.get(c.id) is not None
        ]
        blocks.append(KeyValue(f"{number}{i}.", f"{label} ({i})", "; ".join(parts)))
    return blocks


def _field_blocks(definition: FormDefinition, data: Data, field: Field, number: str, lang: str) -> list[Block]:
    label = field.label.text(lang)
    if field.is_table:
        rows = [r for r in get_path(data, field.id) or [] if isinstance(r, dict)]
        if len(field.columns) > MAX_TABLE_COLUMNS:
            return _record_blocks(field, rows, number, lang)
        headers = (tr("doc.table.number", lang), *tuple(c.label.text(lang) for c in field.columns))
        body = tuple(
            (str(i), *tuple(_text(display(c, row.get(c.id))) for c in field.columns))
            for i, row in enumerate(rows, start=1)
            if isinstance(row, dict)
        )
        widths = (0.6, *tuple(COLUMN_WEIGHT.get(c.type, 1.5) for c in field.columns))
        return [TableBlock(number, label, headers, body, widths)]
    value = display(field, value_of(definition, data, field.id))
    return [KeyValue(number, label, _text(value), long=field.type in LONG_TYPES)]


def _signature_rows(definition: FormDefinition, data: Data, lang: str) -> list[SignatureRow]:
    boxes = [
        SignatureBox(
            role=s.role,
            title=s.title.text(lang),
            note=s.note.text(lang) if s.note else "",
            name=_text(get_path(data, s.name_field)) if s.name_field else "",
        )
        for s in definition.signatures
    ]
    # Two signers side by side, as on paper; a last odd one is centred on its own row.
    return [SignatureRow(tuple(boxes[i : i + 2])) for i in range(0, len(boxes), 2)]


def build_document(definition: FormDefinition, data: Data, language: str = "vi") -> Document:
    layout = definition.layout
    place = _text(get_path(data, layout.place_field)) if layout.place_field else ""
    date = get_path(data, layout.date_field) if layout.date_field else None
    blocks: list[Block] = [
        Header(
            superior=_text(get_path(data, layout.issuer_superior_field)).upper(),
            issuer=_text(get_path(data, layout.issuer_name_field)).upper(),
            form_number=layout.number_prefix,
            date_line=vietnamese_date_line(place, date if isinstance(date, str) else None),
        ),
        Title(layout.title.text(language), layout.subtitle.text(language) if layout.subtitle else ""),
    ]
    if layout.recipient:
        blocks.append(Recipient(layout.recipient.text(language)))
    printed = [s for s in definition.sections if s.printed]
    for s_index, section in enumerate(printed, start=1):
        blocks.append(Heading(f"{s_index}.", section.label.text(language).upper()))
        for f_index, field in enumerate(section.fields, start=1):
            blocks.extend(_field_blocks(definition, data, field, f"{s_index}.{f_index}.", language))
    blocks.extend(_signature_rows(definition, data, language))
    return Document(title=layout.title.text(language), blocks=tuple(blocks), language=language)
