"""Frozen, typed objects a form definition loads into."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from vista_desktop.forms.label import Label as Label  # re-exported: part of the model


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    MONEY = "money"
    DATE = "date"
    MONTH = "month"
    YEAR = "year"
    CHOICE = "choice"
    MULTI_CHOICE = "multi_choice"
    CITIZEN_ID = "citizen_id"
    PHONE = "phone"
    EMAIL = "email"
    TAX_CODE = "tax_code"
    CLASSIFICATION = "classification"
    TABLE = "table"


@dataclass(frozen=True)
class Choice:
    value: str  # the Vietnamese label, which is also the stored value (forms.md JSON format)
    label: Label


@dataclass(frozen=True)
class Derived:
    """A value computed from others, shown but never typed: `minuend - subtrahend`."""

    minuend: str
    subtrahend: str


@dataclass(frozen=True)
class Field:
    id: str
    type: FieldType
    label: Label
    required: bool = False
    help: Label | None = None
    choices: tuple[Choice, ...] = ()
    columns: tuple[Field, ...] = ()  # table fields only
    pattern: str | None = None
    pattern_hint: Label | None = None
    min_value: int | None = None
    max_value: int | None = None
    max_length: int | None = None  # None: the default of the type in forms.limits
    min_rows: int = 0
    max_rows: int | None = None  # table fields only; None: limits.DEFAULT_MAX_ROWS
    derived: Derived | None = None
    completer: str | None = None  # a reference table offered while typing (services.reference.COMPLETERS)

    @property
    def is_table(self) -> bool:
        return self.type is FieldType.TABLE

    def column(self, column_id: str) -> Field:
        for col in self.columns:
            if col.id == column_id:
                return col
        raise KeyError(column_id)


@dataclass(frozen=True)
class Section:
    id: str
    label: Label
    fields: tuple[Field, ...]
    help: Label | None = None
    printed: bool = True  # False for sections that only feed the document's header or date line


@dataclass(frozen=True)
class Rule:
    """A cross-field rule. `kind` selects the check; `fields` are its operands in the check's order."""

    kind: str
    fields: tuple[str, ...]
    table: str | None = None  # when set, the rule runs on every row, operands being column ids


@dataclass(frozen=True)
class SignatureBlock:
    role: str
    title: Label
    note: Label | None = None
    name_field: str | None = None  # field whose value is printed under the signature space
    repeat_for: str | None = None  # a table: one block per row (every co-PI signs), roles `<role>_<row>`
    name_column: str | None = None  # with `repeat_for`: the row's column printed as the name
    title_field: str | None = None  # its value (upper case) replaces `title` when filled
    prefix_field: str | None = None  # an authority prefix (TM., KT., TL., TUQ.) printed before the title


@dataclass(frozen=True)
class DocumentLayout:
    """What the renderers need beyond the sections: headers and the blocks around the body."""

    number_prefix: str = ""
    title: Label = field(default_factory=lambda: Label("", ""))
    subtitle: Label | None = None
    recipient: Label | None = None
    issuer_superior_field: str = "host_org.superior_body"
    issuer_name_field: str = "host_org.name"
    place_field: str | None = None
    date_field: str | None = None
    number_field: str | None = None  # the document's own number, printed "Số: …" under the issuer


@dataclass(frozen=True)
class FormDefinition:
    form_id: str
    version: str
    title: Label
    short_title: Label
    sections: tuple[Section, ...]
    rules: tuple[Rule, ...] = ()
    signatures: tuple[SignatureBlock, ...] = ()
    layout: DocumentLayout = field(default_factory=DocumentLayout)
    summary_field: str | None = None  # the value that names a draft in lists
    migrates_from: tuple[str, ...] = ()

    def all_fields(self) -> tuple[Field, ...]:
        return tuple(f for section in self.sections for f in section.fields)

    def field(self, field_id: str) -> Field:
        for f in self.all_fields():
            if f.id == field_id:
                return f
        raise KeyError(field_id)

    def has_field(self, field_id: str) -> bool:
        return any(f.id == field_id for f in self.all_fields())

    def section_of(self, field_id: str) -> Section:
        head = field_id.split("[", 1)[0]
        for section in self.sections:
            if any(f.id == head for f in section.fields):
                return section
        raise KeyError(field_id)
