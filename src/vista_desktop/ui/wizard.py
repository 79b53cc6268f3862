"""The wizard of a form, generated from its definition: one page per section, one editor per field."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from vista_desktop.forms.data import value_of
from vista_desktop.forms.model import Field, Section
from vista_desktop.forms.validation import Problem, is_valid
from vista_desktop.i18n import current_language, tr
from vista_desktop.storage.status import STATUS_COMPLETE
from vista_desktop.ui.field_widgets import FieldWidget, create_field_widget
from vista_desktop.ui.mnemonics import MnemonicAllocator
from vista_desktop.ui.table_editor import TableField

if TYPE_CHECKING:
    from vista_desktop.services.drafts import DraftSession
    from vista_desktop.storage.drafts import SaveReceipt

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5300;"
# Letters the wizard's own buttons use (Quay lại, Tiếp theo, Hoàn tất, Đóng).
BUTTON_MNEMONICS = "qthn"


class SessionBridge(QObject):
    """Carries the autosave thread's events to the GUI thread (queued signal connections)."""

    saved = Signal(object)
    failed = Signal(object)

    def __init__(self, session: DraftSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        session.listeners.saved.append(self.saved.emit)
        session.listeners.save_failed.append(self.failed.emit)


class FieldRow:
    def __init__(self, widget: FieldWidget, message: QLabel) -> None:
        self.widget = widget
        self.message = message


class SectionPage(QWizardPage):
    def __init__(self, wizard: FormWizard, section: Section) -> None:
        super().__init__()
        self.form_wizard = wizard
        self.section = section
        self.rows: dict[str, FieldRow] = {}
        self.touched: set[str] = set()
        self.show_all = False
        language = current_language()
        self.setTitle(section.label.text(language))
        if section.help:
            self.setSubTitle(section.help.text(language))
        self.setObjectName(f"page:{section.id}")
        self._build(MnemonicAllocator(BUTTON_MNEMONICS))

    def _build(self, mnemonics: MnemonicAllocator) -> None:
        body = QWidget()
        form = QFormLayout(body)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for field in self.section.fields:
            form.addRow(*self._row(field, mnemonics))
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _row(self, field: Field, mnemonics: MnemonicAllocator) -> tuple[QLabel, QWidget]:
        text = field.label.text_current() + (" *" if field.required else "")
        label = QLabel(mnemonics.label(text))
        label.setWordWrap(True)
        label.setMinimumWidth(190)
        label.setMaximumWidth(260)
        widget = create_field_widget(field)
        label.setBuddy(widget.focus_widget())
        column = QWidget()
        box = QVBoxLayout(column)
        box.setContentsMargins(0, 0, 0, 4)
        box.setSpacing(2)
        box.addWidget(widget)
        if field.help:
            hint = QLabel(field.help.text_current())
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #5f6368; font-size: 9pt;")
            box.addWidget(hint)
        message = QLabel()
        message.setObjectName(f"message:{field.id}")
        message.setWordWrap(True)
        message.hide()
        box.addWidget(message)
        widget.valueChanged.connect(self._changed)
        self.rows[field.id] = FieldRow(widget, message)
        return label, column

    def load(self, session: DraftSession) -> None:
        for field_id, row in self.rows.items():
            row.widget.set_value(value_of(session.definition, session.data, field_id))

    def _changed(self, field_id: str, value: Any) -> None:
        self.touched.add(field_id)
        self.form_wizard.field_changed(field_id, value)

    def show_problems(self, problems: list[Problem]) -> None:
        by_field: dict[str, list[Problem]] = defaultdict(list)
        for problem in problems:
            by_field[problem.field_id.split("[", 1)[0]].append(problem)
        for field_id, row in self.rows.items():
            visible = self.show_all or field_id in self.touched
            found = by_field.get(field_id, []) if visible else []
            self._show_message(row, found)
            if isinstance(row.widget, TableField):
                row.widget.show_cell_problems(_cell_problems(found))

    def _show_message(self, row: FieldRow, problems: list[Problem]) -> None:
        if not problems:
            row.message.hide()
            row.message.clear()
            return
        lines = [_describe(p, row.widget.field) for p in problems]
        row.message.setText("\n".join(lines))
        row.message.setStyleSheet(WARNING_STYLE if all(p.warning for p in problems) else ERROR_STYLE)
        row.message.show()

    def validatePage(self) -> bool:
        return self.form_wizard.validate_page(self)


def _describe(problem: Problem, table: Field) -> str:
    """'Dòng 2, cột Họ và tên: …' for table cells, the message alone for plain fields."""
    _, _, rest = problem.field_id.partition("[")
    if not rest:
        return problem.message()
    row, _, column = rest.partition("].")
    label = table.column(column).label.text_current() if table.is_table else column
    return tr("ui.table.cell_problem", row=row, column=label, message=problem.message())


def _cell_problems(problems: list[Problem]) -> dict[tuple[int, str], str]:
    cells: dict[tuple[int, str], str] = {}
    for problem in problems:
        _, _, rest = problem.field_id.partition("[")
        if rest:
            row, _, column = rest.partition("].")
            cells[(int(row), column)] = problem.message()
    return cells


class FormWizard(QWizard):
    closed = Signal(str)  # draft id

    def __init__(self, session: DraftSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("form-wizard")
        self.setWindowTitle(session.definition.short_title.text_current())
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self._label_buttons()
        self.section_pages: list[SectionPage] = []
        for section in session.definition.sections:
            page = SectionPage(self, section)
            page.load(session)
            self.section_pages.append(page)
            self.addPage(page)
        # PySide does not take ownership of the side widget: keep a reference, or Qt deletes it.
        self.side_widget = self._side()
        self.setSideWidget(self.side_widget)
        self.bridge = SessionBridge(session, self)
        self.bridge.saved.connect(self._saved)
        self.bridge.failed.connect(self._save_failed)
        self.currentIdChanged.connect(self._page_changed)
        self.resize(1180, 760)
        self._closed = False
        self._show_saved_state()

    def _label_buttons(self) -> None:
        for button, key in (
            (QWizard.WizardButton.BackButton, "ui.wizard.back"),
            (QWizard.WizardButton.NextButton, "ui.wizard.next"),
            (QWizard.WizardButton.FinishButton, "ui.wizard.finish"),
            (QWizard.WizardButton.CancelButton, "ui.wizard.close"),
        ):
            self.setButtonText(button, tr(key))

    def _side(self) -> QWidget:
        side = QWidget()
        layout = QVBoxLayout(side)
        self.steps = QListWidget(side)
        self.steps.setObjectName("steps")
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for i, section in enumerate(self.session.definition.sections, start=1):
            self.steps.addItem(f"{i}. {section.label.text_current()}")
        self.steps.setCurrentRow(0)
        self.steps.itemClicked.connect(lambda item: self.go_to(self.steps.row(item)))
        self.steps.setMinimumWidth(240)
        self.steps.setMaximumWidth(280)
        self.steps.setWordWrap(True)
        self.save_state = QLabel(side)
        self.save_state.setObjectName("autosave-indicator")
        self.save_state.setWordWrap(True)
        self.save_state.setMaximumWidth(280)
        layout.addWidget(self.steps, 1)
        layout.addWidget(self.save_state)
        return side

    # --- editing ------------------------------------------------------------------------------------------

    def field_changed(self, field_id: str, value: Any) -> None:
        self.session.set_value(field_id, value)
        self._refresh_derived()
        self.save_state.setText(tr("ui.autosave.pending"))
        section_id = self.session.definition.section_of(field_id).id
        page = next(p for p in self.section_pages if p.section.id == section_id)
        page.show_problems(self.session.section_problems(section_id))

    def _refresh_derived(self) -> None:
        for page in self.section_pages:
            for field_id, row in page.rows.items():
                if row.widget.field.derived is not None:
                    row.widget.set_value(value_of(self.session.definition, self.session.data, field_id))

    def validate_page(self, page: SectionPage) -> bool:
        page.show_all = True
        problems = self.session.section_problems(page.section.id)
        page.show_problems(problems)
        if not is_valid(problems):
            self._focus_first_problem(page, problems)
            return False
        if page is self.section_pages[-1]:
            return self._complete()
        return True

    def _focus_first_problem(self, page: SectionPage, problems: list[Problem]) -> None:
        for problem in problems:
            row = page.rows.get(problem.field_id.split("[", 1)[0])
            if row is not None and not problem.warning:
                row.widget.focus_widget().setFocus()
                return

    def _complete(self) -> bool:
        if self.session.status == STATUS_COMPLETE:
            return True  # Finish validates twice (button, then done()); the second time is already settled
        remaining = self.session.complete()
        if is_valid(remaining):
            return True
        first = next(p for p in remaining if not p.warning)
        section = self.session.definition.section_of(first.field_id)
        QMessageBox.warning(
            self,
            tr("ui.wizard.incomplete_title"),
            tr(
                "ui.wizard.incomplete",
                count=sum(not p.warning for p in remaining),
                section=section.label.text_current(),
            ),
        )
        return False

    def go_to(self, index: int) -> None:
        """Step to another section: back freely, forward only through pages that validate."""
        while self.currentId() > index:
            self.back()
        while self.currentId() < index:
            before = self.currentId()
            self.next()
            if self.currentId() == before:
                break
        self.steps.setCurrentRow(self.currentId())

    def _page_changed(self, page_id: int) -> None:
        self.steps.setCurrentRow(page_id)

    # --- saving -------------------------------------------------------------------------------------------

    def _show_saved_state(self) -> None:
        receipt = self.session.last_receipt
        if receipt is None:
            self.save_state.setText(tr("ui.autosave.idle"))
        else:
            self._saved(receipt)

    def _saved(self, receipt: SaveReceipt) -> None:
        if self.session.dirty:
            return  # newer changes are still on their way to the disk
        local = receipt.saved_at.astimezone().strftime("%H:%M:%S")
        self.save_state.setStyleSheet("")
        self.save_state.setText(tr("ui.autosave.saved", time=local))

    def _save_failed(self, exc: Exception) -> None:
        self.save_state.setText(tr("ui.autosave.failed", reason=str(exc)))
        self.save_state.setStyleSheet(ERROR_STYLE)

    def done(self, result: int) -> None:
        # Qt validates the current page again inside done(): the session must still be open then.
        super().done(result)
        if not self.isVisible():
            self._finish_session()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._finish_session()
        super().closeEvent(event)

    def _finish_session(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.session.close()  # waits for the last save: closing never drops typed text
        self.closed.emit(self.session.draft_id)
