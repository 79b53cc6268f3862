"""Completers from the reference tables (`completer: <name>` in a definition): the list shows "code – name" and
matches any part of it; choosing an entry puts its value (the code, the department's name) in the field."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QCompleter, QLineEdit

from vista_desktop.services.reference import completions


def attach_completer(edit: QLineEdit, name: str, chosen: Callable[[], None]) -> QCompleter | None:
    """Give `edit` the named completer; `chosen` runs once an entry's value is in the field."""
    entries = completions(name)
    if not entries:
        return None
    model = QStandardItemModel(edit)
    values: dict[str, str] = {}
    for entry in entries:
        model.appendRow(QStandardItem(entry.label))
        values[entry.label] = entry.value
    completer = QCompleter(model, edit)
    completer.setObjectName(f"completer:{name}")
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setMaxVisibleItems(12)
    edit.setCompleter(completer)

    def put_value(label: str) -> None:
        edit.setText(values.get(label, label))
        chosen()

    # Queued: QLineEdit writes the chosen label itself after this signal; the value replaces it afterwards.
    completer.activated.connect(put_value, Qt.ConnectionType.QueuedConnection)
    return completer
