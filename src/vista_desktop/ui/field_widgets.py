"""One editor class per field type (`WIDGETS`), built by `field_factory.create_field_widget`: never a hand-made
screen per form."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QRegularExpressionValidator
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from vista_desktop.forms.limits import max_length_of
from vista_desktop.forms.model import Field, FieldType
from vista_desktop.forms.values import ValueParseError, display, format_money, mask, parse_input
from vista_desktop.i18n import current_language, tr


class FieldWidget(QWidget):
    """An editor of one field: reports stored-form values through `valueChanged`."""

    valueChanged = Signal(str, object)  # field id, stored value (or the raw text when it cannot be read)

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._loading = False
        self.box = QHBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def focus_widget(self) -> QWidget:
        return self

    def _emit(self) -> None:
        if not self._loading:
            self.valueChanged.emit(self.field.id, self.value())


def parsed_input(field: Field, text: str) -> Any:
    try:
        return parse_input(field, text)
    except ValueParseError:
        return text.strip()  # kept as typed: validation explains it, and nothing is lost


class LineField(FieldWidget):
    """Text-like fields; subclasses change the placeholder, validator or how the value is shown."""

    placeholder_key: str | None = None

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit(self)
        self.edit.setObjectName(f"edit:{field.id}")
        self.edit.setMaxLength(max_length_of(field))
        if self.placeholder_key:
            self.edit.setPlaceholderText(tr(self.placeholder_key))
        self.box.addWidget(self.edit)
        self.edit.textEdited.connect(lambda _text: self._emit())
        self.edit.editingFinished.connect(self._reformat)
        self.setFocusProxy(self.edit)
        if field.completer:
            from vista_desktop.ui.completers import attach_completer

            attach_completer(self.edit, field.completer, self._emit)

    def value(self) -> Any:
        return parsed_input(self.field, self.edit.text())

    def _show(self, value: Any) -> None:
        self.edit.setText(self._format(value))

    def _format(self, value: Any) -> str:
        return display(self.field, value)

    def _reformat(self) -> None:
        value = self.value()
        if not isinstance(value, str) or self.field.type in (FieldType.TEXT, FieldType.EMAIL):
            self.edit.setText(self._format(value))

    def focus_widget(self) -> QWidget:
        return self.edit


class MoneyField(LineField):
    placeholder_key: str | None = "ui.placeholder.money"

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.edit.setValidator(QRegularExpressionValidator(r"[0-9 .]*", self.edit))


class IntegerField(MoneyField):
    placeholder_key: str | None = None

    def _format(self, value: Any) -> str:
        return str(value) if isinstance(value, int) else display(self.field, value)


class DateField(LineField):
    placeholder_key = "ui.placeholder.date"


class MonthField(LineField):
    placeholder_key = "ui.placeholder.month"


class DigitsField(LineField):
    """Tax codes and phone numbers: a validator keeps letters out."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        pattern = r"[0-9-]*" if field.type is FieldType.TAX_CODE else r"[0-9+ ().-]*"
        self.edit.setValidator(QRegularExpressionValidator(pattern, self.edit))


class _MaskingLineEdit(QLineEdit):
    """Shows the full number only while it has the focus; masked otherwise (personal data)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = ""

    def show_number(self, number: str) -> None:
        self.full_text = number
        self.setText(number if self.hasFocus() else mask(number))

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.setText(self.full_text)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.full_text = self.text()
        super().focusOutEvent(event)
        self.setText(mask(self.full_text) if self.full_text else "")


class CitizenIdField(FieldWidget):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = _MaskingLineEdit(self)
        self.edit.setObjectName(f"edit:{field.id}")
        self.edit.setMaxLength(12)
        self.edit.setPlaceholderText(tr("ui.placeholder.citizen_id"))
        self.edit.setValidator(QRegularExpressionValidator(r"[0-9]{0,12}", self.edit))
        self.edit.textEdited.connect(self._edited)
        self.box.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def _edited(self, text: str) -> None:
        self.edit.full_text = text
        self._emit()

    def value(self) -> Any:
        return parsed_input(self.field, self.edit.full_text)

    def _show(self, value: Any) -> None:
        self.edit.show_number("" if value is None else str(value))

    def focus_widget(self) -> QWidget:
        return self.edit


class LongTextField(FieldWidget):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName(f"edit:{field.id}")
        self.edit.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.edit.setMinimumHeight(80)
        self.edit.setMaximumHeight(160)
        self.edit.textChanged.connect(self._emit)
        self.box.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def value(self) -> Any:
        text = self.edit.toPlainText().strip()
        return parsed_input(self.field, text) if text else None

    def _show(self, value: Any) -> None:
        self.edit.setPlainText("" if value is None else str(value))

    def focus_widget(self) -> QWidget:
        return self.edit


class ChoiceField(FieldWidget):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.combo = QComboBox(self)
        self.combo.setObjectName(f"edit:{field.id}")
        self.combo.addItem(tr("ui.choice.none"), None)
        language = current_language()
        for choice in field.choices:
            label = choice.value if language == "vi" else f"{choice.label.en} ({choice.value})"
            self.combo.addItem(label, choice.value)
        self.combo.currentIndexChanged.connect(lambda _i: self._emit())
        self.box.addWidget(self.combo)
        self.setFocusProxy(self.combo)

    def value(self) -> Any:
        return self.combo.currentData()

    def _show(self, value: Any) -> None:
        index = self.combo.findData(value)
        if index < 0 and value is not None:  # a value from an imported file that is not a choice: keep it visible
            self.combo.addItem(str(value), value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(max(index, 0))

    def focus_widget(self) -> QWidget:
        return self.combo


class MultiChoiceField(FieldWidget):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        box = QVBoxLayout()
        self.box.addLayout(box)
        self.boxes: list[QCheckBox] = []
        for choice in field.choices:
            check = QCheckBox(choice.label.text(current_language()), self)
            check.setProperty("choice", choice.value)
            check.toggled.connect(lambda _on: self._emit())
            box.addWidget(check)
            self.boxes.append(check)
        if self.boxes:
            self.setFocusProxy(self.boxes[0])

    def value(self) -> Any:
        chosen = [b.property("choice") for b in self.boxes if b.isChecked()]
        return chosen or None

    def _show(self, value: Any) -> None:
        chosen = set(value or [])
        for b in self.boxes:
            b.setChecked(b.property("choice") in chosen)


class DerivedField(FieldWidget):
    """A computed value (e.g. other sources = total − state budget): shown, never typed."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.label = QLabel(self)
        self.label.setObjectName(f"derived:{field.id}")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.box.addWidget(self.label)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def value(self) -> Any:
        return None

    def _show(self, value: Any) -> None:
        self.label.setText(format_money(value) if isinstance(value, int) else "—")


WIDGETS: dict[FieldType, type[FieldWidget]] = {
    FieldType.TEXT: LineField,
    FieldType.EMAIL: LineField,
    FieldType.CLASSIFICATION: LineField,
    FieldType.LONG_TEXT: LongTextField,
    FieldType.INTEGER: IntegerField,
    FieldType.YEAR: IntegerField,
    FieldType.MONEY: MoneyField,
    FieldType.DATE: DateField,
    FieldType.MONTH: MonthField,
    FieldType.CHOICE: ChoiceField,
    FieldType.MULTI_CHOICE: MultiChoiceField,
    FieldType.CITIZEN_ID: CitizenIdField,
    FieldType.PHONE: DigitsField,
    FieldType.TAX_CODE: DigitsField,
}
