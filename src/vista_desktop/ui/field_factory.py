"""The editor of a field: a table grid for repeating tables, a typed line editor otherwise."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from vista_desktop.forms.model import Field
from vista_desktop.ui.field_widgets import WIDGETS, DerivedField, FieldWidget
from vista_desktop.ui.table_editor import TableField


def create_field_widget(field: Field, parent: QWidget | None = None) -> FieldWidget:
    if field.derived is not None:
        return DerivedField(field, parent)
    if field.is_table:
        return TableField(field, parent)
    return WIDGETS[field.type](field, parent)
