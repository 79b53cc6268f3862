"""The whole-form check: every problem of a draft, by section, named as the user sees the field; a click (or
Enter) on one goes to the field and puts the cursor in it."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.forms.model import FormDefinition
from vista_desktop.forms.validation import Problem
from vista_desktop.i18n import tr
from vista_desktop.ui.geometry import place_window

FIELD_ROLE = Qt.ItemDataRole.UserRole
ERROR_COLOUR = QColor("#b3261e")
WARNING_COLOUR = QColor("#8a5300")
_CELL = re.compile(r"^(?P<table>[^\[]+)\[(?P<row>\d+)\](?:\.(?P<column>.+))?$")


def form_order(definition: FormDefinition) -> Callable[[Problem], tuple[int, int, int, int, int]]:
    """A sort key putting problems in the order the fields appear: section, field, row, column; errors first
    among the problems of one place."""
    places: dict[str, tuple[int, int]] = {}
    columns: dict[str, dict[str, int]] = {}
    for s, section in enumerate(definition.sections):
        for f, field in enumerate(section.fields):
            places[field.id] = (s, f)
            columns[field.id] = {c.id: i for i, c in enumerate(field.columns)}

    def key(problem: Problem) -> tuple[int, int, int, int, int]:
        m = _CELL.match(problem.field_id)
        head = m["table"] if m else problem.field_id
        s, f = places.get(head, (len(places), 0))
        row = int(m["row"]) if m else 0
        column = columns.get(head, {}).get(m["column"] or "", -1) if m else -1
        return s, f, row, column, int(problem.warning)

    return key


class CheckView(QDialog):
    """Lists the problems `problems()` returns; `jump(field_id)` is called for the one the user picks. Refreshed
    on demand (`refresh`, the Check again button), and by the wizard while it is open."""

    def __init__(
        self,
        definition: FormDefinition,
        problems: Callable[[], list[Problem]],
        jump: Callable[[str], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.definition = definition
        self._problems = problems
        self._jump = jump
        self.setObjectName("check-view")
        self.setWindowTitle(tr("ui.check.title"))
        self.summary = QLabel(self)
        self.summary.setObjectName("check-summary")
        self.summary.setWordWrap(True)
        # A list, not a tree: only a list view wraps long messages to its width.
        self.tree = QListWidget(self)
        self.tree.setObjectName("check-problems")
        self.tree.setWordWrap(True)
        self.tree.setResizeMode(QListView.ResizeMode.Adjust)
        self.tree.setUniformItemSizes(False)
        self.tree.setSpacing(1)
        self.tree.itemActivated.connect(self._picked)
        self.tree.itemClicked.connect(self._picked)
        buttons = QDialogButtonBox(self)
        self.again = QPushButton(tr("ui.check.again"), self)
        self.again.setObjectName("check-again")
        self.again.clicked.connect(self.refresh)
        close = QPushButton(tr("ui.check.close"), self)
        close.clicked.connect(self.close)
        buttons.addButton(self.again, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        # Typing in the wizard refreshes the list at most this often, not on every keystroke.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(300)
        self._debounce.timeout.connect(self.refresh)
        place_window(self, "check-view", QSize(560, 460))
        self.refresh()

    def refresh_soon(self) -> None:
        if self.isVisible():
            self._debounce.start()

    def refresh(self) -> None:
        problems = sorted(self._problems(), key=form_order(self.definition))
        errors = sum(not p.warning for p in problems)
        warnings = len(problems) - errors
        if not problems:
            self.summary.setText(tr("ui.check.none"))
        elif warnings:
            self.summary.setText(tr("ui.check.summary", errors=errors, warnings=warnings))
        else:
            self.summary.setText(tr("ui.check.summary_errors", errors=errors))
        self.tree.clear()
        headings: dict[str, tuple[QListWidgetItem, str, int]] = {}
        for problem in problems:
            try:
                section = self.definition.section_of(problem.field_id)
                section_label, section_id = section.label.text_current(), section.id
            except KeyError:
                section_label, section_id = tr("ui.check.other"), ""
            if section_id not in headings:
                heading = QListWidgetItem(section_label, self.tree)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
                headings[section_id] = (heading, section_label, 0)
            heading, label, count = headings[section_id]
            headings[section_id] = (heading, label, count + 1)
            mark = "⚠" if problem.warning else "✗"
            text = f"{mark} {problem.located_message(self.definition, with_table=True)}"
            item = QListWidgetItem(text, self.tree)
            item.setData(FIELD_ROLE, problem.field_id)
            item.setToolTip(text)
            item.setForeground(QBrush(WARNING_COLOUR if problem.warning else ERROR_COLOUR))
        for heading, label, count in headings.values():
            heading.setText(f"{label} ({count})")
        items = self.problem_items()
        if items:
            self.tree.setCurrentItem(items[0])

    def problem_items(self) -> list[QListWidgetItem]:
        """The listed problems, in order (section headings left out)."""
        found = (self.tree.item(i) for i in range(self.tree.count()))
        return [item for item in found if item is not None and item.data(FIELD_ROLE) is not None]

    def problem_texts(self) -> list[str]:
        return [item.text() for item in self.problem_items()]

    def item_for(self, field_id: str) -> QListWidgetItem | None:
        return next((i for i in self.problem_items() if i.data(FIELD_ROLE) == field_id), None)

    def _picked(self, item: QListWidgetItem) -> None:
        field_id = item.data(FIELD_ROLE)
        if isinstance(field_id, str):
            self._jump(field_id)
