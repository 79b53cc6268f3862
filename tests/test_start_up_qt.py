"""The drafts window paints its list before PySide6 builds the `Qt` namespace (see ui/qt_values), and is sortable
right after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt

from vista_desktop.ui import qt_values
from vista_desktop.ui.drafts_model import SAVED, TITLE

# A start as the app makes it (fonts, Qt's translations, the window over a snapshot of the list read while it
# loads), reporting at the first paint whether `Qt` existed, then the sort once the database is open.
LAUNCH = """
import json, sys
from PySide6 import QtCore
from PySide6.QtWidgets import QApplication
from vista_desktop import i18n
from vista_desktop.services.app import AppServices
from vista_desktop.ui.app import Application, install_translations, load_fonts

app = QApplication(sys.argv)
load_fonts(app)
install_translations(app, i18n.current_language())
services = AppServices()
services.prefetch_list()
services.list_snapshot.result(timeout=60)  # read by the time the window is built, as at a usual launch
controller = Application(services)
window = controller.window
seen = {}
window.table.painted_once.connect(
    lambda: seen.setdefault("painted", {"rows": window.model.rowCount(), "qt built": "Qt" in QtCore.__dict__})
)
controller.service_loaded.connect(lambda: QtCore.QTimer.singleShot(0, app.quit))
window.show()
app.exec()
header = window.table.horizontalHeader()
seen["sorting"] = window.table.isSortingEnabled()
seen["indicator"] = [header.sortIndicatorSection(), header.sortIndicatorOrder().name]
seen["titles"] = [window.model.drafts[i].title for i in range(window.model.rowCount())]
services.close()
print(json.dumps(seen))
"""


def test_the_values_are_qts() -> None:
    assert Qt.ItemDataRole.DisplayRole.value == qt_values.DISPLAY_ROLE
    assert Qt.ItemDataRole.ToolTipRole.value == qt_values.TOOL_TIP_ROLE
    assert Qt.ItemDataRole.TextAlignmentRole.value == qt_values.TEXT_ALIGNMENT_ROLE
    assert Qt.ItemDataRole.ForegroundRole.value == qt_values.FOREGROUND_ROLE
    assert Qt.ItemDataRole.UserRole.value == qt_values.USER_ROLE
    assert (Qt.AlignmentFlag.AlignCenter).value == qt_values.ALIGN_CENTER
    assert (Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value == qt_values.ALIGN_RIGHT_MIDDLE
    assert Qt.ToolButtonStyle.ToolButtonTextOnly.value == qt_values.TOOL_BUTTON_TEXT_ONLY
    assert Qt.ContextMenuPolicy.CustomContextMenu.value == qt_values.CUSTOM_CONTEXT_MENU


def test_a_wrong_property_is_refused(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    qt_values.set_qt_property(label, "alignment", qt_values.ALIGN_CENTER)
    assert label.alignment() == Qt.AlignmentFlag.AlignCenter
    with pytest.raises(ValueError, match="alignmnet"):
        qt_values.set_qt_property(label, "alignmnet", qt_values.ALIGN_CENTER)


def test_the_list_is_painted_before_qt_is_built_and_sorted_after(tmp_path: Path, app_services, complete_data) -> None:  # type: ignore[no-untyped-def]
    for title in ("Bản nháp một", "Bản nháp hai", "Bản nháp ba"):
        app_services.drafts.create("mau-01", {**complete_data, "task": {**complete_data["task"], "title": title}})
    app_services.close()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", LAUNCH], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["painted"] == {"rows": 3, "qt built": False}
    assert seen["sorting"] is True
    assert seen["indicator"] == [SAVED, "DescendingOrder"]
    assert seen["titles"] == ["Bản nháp ba", "Bản nháp hai", "Bản nháp một"]  # newest first, as painted


def test_a_click_on_a_title_sorts_once_the_list_is_painted(qtbot, window, app_services, complete_data) -> None:  # type: ignore[no-untyped-def]
    for title in ("Cây lúa", "An toàn thực phẩm", "Bò sữa"):
        app_services.drafts.create("mau-01", {**complete_data, "task": {**complete_data["task"], "title": title}})
    window.refresh()
    qtbot.waitUntil(window.table.isSortingEnabled, timeout=5000)
    header = window.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (SAVED, Qt.SortOrder.DescendingOrder)
    middle = QPoint(header.sectionViewportPosition(TITLE) + header.sectionSize(TITLE) // 2, header.height() // 2)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=middle)
    titles = [window.model.draft_at(row).title for row in range(window.model.rowCount())]
    assert titles == ["An toàn thực phẩm", "Bò sữa", "Cây lúa"]
    assert header.sortIndicatorSection() == TITLE


def test_the_window_rebuilt_in_another_language_is_sortable_too(qtbot, app_services) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.ui.app import Application

    app = Application(app_services)  # its first window is deleted by the language change, not by qtbot
    app.window.show()
    qtbot.waitUntil(app.window.table.isSortingEnabled, timeout=5000)
    app.change_language("en")
    qtbot.addWidget(app.window)
    qtbot.waitUntil(app.window.table.isSortingEnabled, timeout=5000)
    header = app.window.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (SAVED, Qt.SortOrder.DescendingOrder)
    assert header.model().headerData(SAVED, Qt.Orientation.Horizontal) == "Last saved"
    app.window.close()
