"""The update-sheet period of each managing body (the Ministry and the provincial Departments of S&T): 15 working
days unless a body's own rules say otherwise (some provinces use 10). Saved in the settings; every update sheet's
deadline follows at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.errors import VistaError
from vista_desktop.i18n import tr
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.geometry import place_window

if TYPE_CHECKING:
    from vista_desktop.services.update_periods import BodyPeriod, UpdatePeriodService

BODY, DAYS = 0, 1


def _fold(text: str) -> str:
    from vista_desktop.services.update_periods import body_key

    return body_key(text)


class DeadlineSettingsDialog(QDialog):
    def __init__(self, service: UpdatePeriodService, parent: QWidget | None = None) -> None:
        from vista_desktop.services.update_periods import DEFAULT_DAYS, MAX_DAYS, MIN_DAYS

        super().__init__(parent)
        self.service = service
        self.default_days, self.day_range = DEFAULT_DAYS, (MIN_DAYS, MAX_DAYS)
        self.setObjectName("deadline-settings-dialog")
        self.setWindowTitle(tr("deadline_settings.title"))
        intro = QLabel(tr("deadline_settings.intro", days=DEFAULT_DAYS))
        intro.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setObjectName("body-filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText(tr("deadline_settings.filter"))
        self.filter.textChanged.connect(self._apply_filter)
        filter_label = QLabel(tr("deadline_settings.filter_label"))
        filter_label.setBuddy(self.filter)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("update-periods")
        self.table.setHorizontalHeaderLabels([tr("deadline_settings.col.body"), tr("deadline_settings.col.days")])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(BODY, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox()
        self.reset_button = buttons.addButton(tr("deadline_settings.reset"), QDialogButtonBox.ButtonRole.ResetRole)
        self.reset_button.setObjectName("reset-button")
        self.reset_button.clicked.connect(self.reset_all)
        self.save_button = buttons.addButton(tr("deadline_settings.save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save-button")
        buttons.addButton(tr("deadline_settings.cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(filter_label)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.show_periods(service.periods())
        place_window(self, "deadline-settings", QSize(640, 520))  # 520 px did not fit at 200 %

    def show_periods(self, periods: list[BodyPeriod]) -> None:
        self.table.setRowCount(len(periods))
        for row, period in enumerate(periods):
            item = QTableWidgetItem(period.body)
            if not period.listed:
                item.setToolTip(tr("deadline_settings.unlisted"))
            self.table.setItem(row, BODY, item)
            spin = QSpinBox()
            spin.setRange(*self.day_range)
            spin.setValue(period.days)
            spin.setSuffix(tr("deadline_settings.days_suffix"))
            spin.setAccessibleName(tr("deadline_settings.days_of", body=period.body))
            self.table.setCellWidget(row, DAYS, spin)
        self.table.resizeColumnToContents(DAYS)

    def spin_of(self, body: str) -> QSpinBox:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, BODY)
            if item is not None and item.text() == body:
                spin = self.table.cellWidget(row, DAYS)
                assert isinstance(spin, QSpinBox)
                return spin
        raise KeyError(body)

    def periods(self) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        for row in range(self.table.rowCount()):
            item, spin = self.table.item(row, BODY), self.table.cellWidget(row, DAYS)
            if item is not None and isinstance(spin, QSpinBox):
                found.append((item.text(), spin.value()))
        return found

    def _apply_filter(self, text: str) -> None:
        wanted = _fold(text)
        for row in range(self.table.rowCount()):
            item = self.table.item(row, BODY)
            self.table.setRowHidden(row, bool(wanted) and (item is None or wanted not in _fold(item.text())))

    def reset_all(self) -> None:
        for row in range(self.table.rowCount()):
            spin = self.table.cellWidget(row, DAYS)
            if isinstance(spin, QSpinBox):
                spin.setValue(self.default_days)

    def save(self) -> bool:
        try:
            self.service.save(self.periods())
        except VistaError as exc:
            show_error(self, exc)
            return False
        self.accept()
        return True
