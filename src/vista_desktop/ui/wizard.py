"""The wizard of a form, generated from its definition: one page per section, one editor per field."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from vista_desktop.forms.data import get_path, value_of
from vista_desktop.forms.model import Field, Section
from vista_desktop.forms.validation import Problem, is_valid
from vista_desktop.i18n import current_language, tr
from vista_desktop.services.drafts import STATUS_COMPLETE
from vista_desktop.ui.check_view import CheckView, form_order
from vista_desktop.ui.errors import error_text
from vista_desktop.ui.field_factory import create_field_widget
from vista_desktop.ui.field_widgets import FieldWidget
from vista_desktop.ui.geometry import place_window, remembered
from vista_desktop.ui.help import show_help
from vista_desktop.ui.mnemonics import MnemonicAllocator, mnemonic_of
from vista_desktop.ui.table_editor import TableField

if TYPE_CHECKING:
    from vista_desktop.services.drafts import DraftSession, SaveReceipt

ERROR_STYLE = "color: #b3261e;"
WARNING_STYLE = "color: #8a5300;"
CHECK_BUTTON = QWizard.WizardButton.CustomButton1
# Marks of a section in the side list: complete, has errors, nothing entered yet.
STEP_MARKS = {"done": "✓", "errors": "✗", "empty": "○"}


class SessionBridge(QObject):
    """Carries the autosave thread's events to the GUI thread (queued signal connections).

    Autosave keeps its own thread rather than the task runner: it is not a job that starts and ends but a
    debouncer that lives as long as the editing session, coalesces keystrokes (the newest data wins) and retries a
    failed write; only its events cross to the GUI, the same way as a task's."""

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
    def __init__(self, wizard: FormWizard, section: Section, reserved_mnemonics: str = "") -> None:
        super().__init__()
        self.form_wizard = wizard
        self.section = section
        self.rows: dict[str, FieldRow] = {}
        self.touched: set[str] = set()
        self.show_all = False
        self._reveal_on_focus = _ScrollToFocus(self)
        language = current_language()
        self.setTitle(section.label.text(language))
        # The section's help goes inside the page, not in QWizard's subtitle: a subtitle switches the classic
        # style to a header banner on that page only, and the title, side list and fields jump between pages.
        self.help_text = section.help.text(language) if section.help else ""
        self.setObjectName(f"page:{section.id}")
        self._build(MnemonicAllocator(reserved_mnemonics))

    def _build(self, mnemonics: MnemonicAllocator) -> None:
        body = QWidget()
        outer = QVBoxLayout(body)
        if self.help_text:
            help_label = QLabel(self.help_text, body)
            help_label.setObjectName(f"help:{self.section.id}")
            help_label.setWordWrap(True)
            help_label.setStyleSheet("color: #5f6368;")
            outer.addWidget(help_label)
        form = QFormLayout()
        outer.addLayout(form)
        outer.addStretch(1)  # rows keep their natural height; the space left stays below the last one
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for field in self.section.fields:
            form.addRow(*self._row(field, mnemonics))
        # The page scrolls, never the window: a long section fits a 1366×768 screen at any scale.
        self.scroller = QScrollArea(self)
        self.scroller.setObjectName(f"scroll:{self.section.id}")
        self.scroller.setWidgetResizable(True)
        self.scroller.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroller)

    def _row(self, field: Field, mnemonics: MnemonicAllocator) -> tuple[QLabel, QWidget]:
        text = field.label.text_current() + (" *" if field.required else "")
        label = QLabel(mnemonics.label(text))
        label.setWordWrap(True)
        label.setMinimumWidth(120)
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
        widget.focus_widget().installEventFilter(self._reveal_on_focus)
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

    def started(self, session: DraftSession) -> bool:
        """Whether anything of the section has been entered (derived values do not count)."""
        return any(
            get_path(session.data, field_id) not in (None, "", [], {})
            for field_id, row in self.rows.items()
            if row.widget.field.derived is None
        )

    def first_editor(self) -> QWidget | None:
        for row in self.rows.values():
            widget = row.widget.focus_widget()
            if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.isEnabled():
                return widget
        return None

    def validatePage(self) -> bool:
        return self.form_wizard.validate_page(self)


class _ScrollToFocus(QObject):
    """Scrolls the page to the field that takes the focus. QScrollArea follows Tab between line edits, but not
    into a multi-line editor or a grid (they handle Tab themselves): the caret would blink below the page."""

    def __init__(self, page: SectionPage) -> None:
        super().__init__(page)
        self.page = page

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self._show(watched.parentWidget() or watched)  # the field's editor, with its hint and message
        return False

    def _show(self, target: QWidget) -> None:
        # Vertically only, and back to the left edge: on a narrow window (200 %) a wide editor must never scroll
        # the labels out of sight, which QScrollArea.ensureWidgetVisible does.
        scroller = self.page.scroller
        body = scroller.widget()
        if body is None or not body.isAncestorOf(target):
            return
        top = target.mapTo(body, QPoint(0, 0)).y()
        visible = scroller.viewport().height()
        bar = scroller.verticalScrollBar()
        needed = min(target.height(), visible - 16)
        if top < bar.value():
            bar.setValue(top - 8)
        elif top + needed > bar.value() + visible:
            bar.setValue(top + needed - visible + 8)
        scroller.horizontalScrollBar().setValue(0)


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
        # Completion is offered on every page: it is the one step that checks the whole form.
        self.setOption(QWizard.WizardOption.HaveFinishButtonOnEarlyPages, True)
        self.setOption(QWizard.WizardOption.HaveCustomButton1, True)
        self._label_buttons()
        self.setButtonLayout(
            [
                CHECK_BUTTON,
                QWizard.WizardButton.Stretch,
                QWizard.WizardButton.BackButton,
                QWizard.WizardButton.NextButton,
                QWizard.WizardButton.FinishButton,
                QWizard.WizardButton.CancelButton,
            ]
        )
        self.customButtonClicked.connect(lambda _which: self.show_check())
        self._jumping = False
        self.check_view: CheckView | None = None
        reserved = "".join(filter(None, (mnemonic_of(self.buttonText(b)) for b in self._buttons())))
        self.section_pages: list[SectionPage] = []
        for section in session.definition.sections:
            page = SectionPage(self, section, reserved)
            page.setFinalPage(True)  # Finish is offered (and checks the whole form) on every page
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
        QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), self, lambda: show_help(self))
        place_window(self, "wizard", QSize(1180, 760))
        if self.width() >= 900:  # room for the section names on one or two lines
            self.steps.setMinimumWidth(230)
        self._closed = False
        self._show_saved_state()
        self.update_steps()

    def _buttons(self) -> tuple[QWizard.WizardButton, ...]:
        return (
            QWizard.WizardButton.BackButton,
            QWizard.WizardButton.NextButton,
            QWizard.WizardButton.FinishButton,
            QWizard.WizardButton.CancelButton,
            CHECK_BUTTON,
        )

    def _label_buttons(self) -> None:
        keys = ("ui.wizard.back", "ui.wizard.next", "ui.wizard.finish", "ui.wizard.close", "ui.wizard.check")
        for button, key in zip(self._buttons(), keys, strict=True):
            self.setButtonText(button, tr(key))
        self.button(CHECK_BUTTON).setObjectName("check-button")
        self.button(CHECK_BUTTON).setToolTip(tr("ui.wizard.check_tip"))

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
        self.steps.setMinimumWidth(150)
        self.steps.setMaximumWidth(280)
        self.steps.setWordWrap(True)
        self.save_state = QLabel(side)
        self.save_state.setObjectName("autosave-indicator")
        self.save_state.setWordWrap(True)
        self.save_state.setMinimumWidth(150)
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
        index, page = next((i, p) for i, p in enumerate(self.section_pages) if p.section.id == section_id)
        problems = self.session.section_problems(section_id)
        page.show_problems(problems)
        self._show_step(index, problems)
        if self.check_view is not None:
            self.check_view.refresh_soon()

    def _refresh_derived(self) -> None:
        for page in self.section_pages:
            for field_id, row in page.rows.items():
                if row.widget.field.derived is not None:
                    row.widget.set_value(value_of(self.session.definition, self.session.data, field_id))

    def validate_page(self, page: SectionPage) -> bool:
        """Next never blocks: leaving a section the user has started shows what is still wrong in it (and its mark
        in the side list). Completion is where errors block (`done`)."""
        if not self._jumping:
            self._reveal(page)
        return True

    def _reveal(self, page: SectionPage) -> None:
        if page.started(self.session):
            page.show_all = True
            page.show_problems(self.session.section_problems(page.section.id))

    # --- the side list --------------------------------------------------------------------------------------

    def update_steps(self) -> None:
        for index, page in enumerate(self.section_pages):
            self._show_step(index, self.session.section_problems(page.section.id))

    def _show_step(self, index: int, problems: list[Problem]) -> None:
        page = self.section_pages[index]
        item = self.steps.item(index)
        errors = sum(not p.warning for p in problems)
        if not page.started(self.session) and errors:
            state, tip = "empty", tr("ui.wizard.step.empty")
        elif errors:
            state, tip = "errors", tr("ui.wizard.step.errors", count=errors)
        else:
            state, tip = "done", tr("ui.wizard.step.done")
        item.setText(f"{STEP_MARKS[state]} {index + 1}. {page.section.label.text_current()}")
        item.setToolTip(tip)
        item.setData(Qt.ItemDataRole.UserRole, state)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{index + 1}. {page.section.label.text_current()}: {tip}")

    def step_state(self, index: int) -> str:
        """'done', 'errors' or 'empty': what the side list shows for a section."""
        item: QListWidgetItem = self.steps.item(index)
        return str(item.data(Qt.ItemDataRole.UserRole))

    # --- completion and the whole-form check ------------------------------------------------------------------

    def done(self, result: int) -> None:
        # Finish (on any page) completes the draft only when the whole form validates; otherwise the check view
        # lists what is wrong and the cursor goes to the first error. Qt validates the current page again inside
        # done(): the session must still be open then.
        if result == QWizard.DialogCode.Accepted and not self._complete():
            return
        super().done(result)
        if not self.isVisible():
            self._finish_session()

    def _complete(self) -> bool:
        if self.session.status == STATUS_COMPLETE:
            return True
        remaining = self.session.complete()
        if is_valid(remaining):
            return True
        for page in self.section_pages:
            page.show_all = True
            page.show_problems(self.session.section_problems(page.section.id))
        self.update_steps()
        first = min((p for p in remaining if not p.warning), key=form_order(self.session.definition))
        self.go_to_field(first.field_id)
        section = self.session.definition.section_of(first.field_id).label.text_current()
        view = self.show_check()
        view.summary.setText(tr("ui.wizard.incomplete", count=sum(not p.warning for p in remaining), section=section))
        return False

    def show_check(self) -> CheckView:
        """Open (or bring forward and refresh) the list of every problem of the form."""
        if self.check_view is None:
            self.check_view = CheckView(self.session.definition, self.session.problems, self.go_to_field, self)
            if not remembered("check-view"):
                # Over the side list and the labels, not over the fields the user is sent to.
                inner = self.geometry()
                width = min(self.check_view.width(), max(360, inner.width() // 3))
                self.check_view.setGeometry(inner.x(), inner.y() + 40, width, max(200, inner.height() - 120))
        else:
            self.check_view.refresh()
        if self.check_view.isVisible():
            self.check_view.raise_()  # behind the wizard: bring it forward
        else:
            self.check_view.show()
        return self.check_view

    def go_to_field(self, field_id: str) -> QWidget | None:
        """Show the section of a field (or a table cell, "members[2].role") and put the cursor in it."""
        head = field_id.split("[", 1)[0]
        index = next((i for i, p in enumerate(self.section_pages) if head in p.rows), None)
        if index is None:
            return None
        self.go_to(index)
        page = self.section_pages[index]
        widget = page.rows[head].widget
        target = widget.focus_widget()
        if isinstance(widget, TableField):
            widget.select_cell(field_id)
        self.activateWindow()
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        page.scroller.ensureWidgetVisible(widget)
        return target

    def go_to(self, index: int) -> None:
        """Show any section: the side list and the check view go straight there, whatever the errors."""
        if not 0 <= index < len(self.section_pages) or index == self.currentId():
            return
        self._reveal(self.section_pages[self.currentId()])
        self._jumping = True
        try:
            while self.currentId() > index:
                self.back()
            while self.currentId() < index:
                before = self.currentId()
                self.next()
                if self.currentId() == before:
                    break
        finally:
            self._jumping = False
        self.steps.setCurrentRow(self.currentId())

    def _page_changed(self, page_id: int) -> None:
        self.steps.setCurrentRow(page_id)
        if 0 <= page_id < len(self.section_pages):
            first = self.section_pages[page_id].first_editor()
            if first is not None:
                first.setFocus(Qt.FocusReason.TabFocusReason)

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
        self.save_state.setText(tr("ui.autosave.failed", reason=error_text(exc)))
        self.save_state.setStyleSheet(ERROR_STYLE)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._finish_session()
        super().closeEvent(event)

    def _finish_session(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.session.close()  # waits for the last save: closing never drops typed text
        self.closed.emit(self.session.draft_id)
