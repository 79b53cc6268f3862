"""The keyboard: mnemonics unique in every menu, window and dialog (both languages), typing into a choice cell of
a grid, F1 help and the About box."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QMenu, QMenuBar, QWidget

from vista_desktop import i18n
from vista_desktop.ui.help import TextDialog
from vista_desktop.ui.mnemonics import mnemonic_of


def window_mnemonics(window: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of what Alt+letter reaches in a window as it is shown: its menu bar's titles and the visible
    buttons, group boxes and labels with a buddy of the window itself (not of its child dialogs)."""
    texts: list[str] = []
    for bar in window.findChildren(QMenuBar):
        texts += [a.text() for a in bar.actions()]
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisibleTo(window):
            continue
        if (isinstance(widget, QLabel) and widget.buddy() is not None) or isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
    return [(letter, text) for text in texts if (letter := mnemonic_of(text))]


def menu_mnemonics(menu: QMenu) -> list[tuple[str, str]]:
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    return [(letter, text) for text in texts if (letter := mnemonic_of(text))]


def clashes(found: list[tuple[str, str]]) -> list[list[str]]:
    counts = Counter(letter for letter, _ in found)
    return [[t for letter, t in found if letter == clash] for clash, n in counts.items() if n > 1]


@pytest.fixture(params=["vi", "en"])
def language_window(request, qtbot, app_services):  # type: ignore[no-untyped-def]
    from vista_desktop.ui.main_window import MainWindow

    i18n.set_language(request.param)
    window = MainWindow(app_services)
    qtbot.addWidget(window)
    window.show()
    yield window
    window.close()


def test_mnemonics_are_unique_in_every_menu_window_and_dialog(
    qtbot, language_window, app_services, complete_data, tmp_path
) -> None:
    window = language_window
    record = app_services.drafts.create("mau-01", complete_data)
    app_services.documents.export_draft(record.id, tmp_path / "phieu.pdf")  # so that the Sign dialog opens
    window.refresh()
    assert clashes(window_mnemonics(window)) == []
    letters = {letter for letter, _ in window_mnemonics(window)}
    assert {"t", "n", "g"} <= letters or {"f", "l", "h"} <= letters  # Tệp/Ngôn ngữ/Trợ giúp, File/Language/Help
    menus = window.findChildren(QMenu)
    assert len(menus) >= 4
    for menu in menus:
        assert clashes(menu_mnemonics(menu)) == [], menu.title()
        assert len(menu_mnemonics(menu)) == len([a for a in menu.actions() if not a.isSeparator()]), menu.title()

    wizard = window.open_draft(window.selected())
    for index in range(len(wizard.section_pages)):
        wizard.go_to(index)
        assert clashes(window_mnemonics(wizard)) == [], wizard.section_pages[index].section.id
    dialogs: list[QWidget] = [wizard.show_check()]
    dialogs.append(window.verify_document())
    dialogs.append(window.sign_selected())
    window.help_action.trigger()
    window.about_action.trigger()
    dialogs += [window.findChild(TextDialog, "help"), window.findChild(TextDialog, "about")]
    for dialog in dialogs:
        assert dialog is not None
        assert clashes(window_mnemonics(dialog)) == [], dialog.objectName()
        dialog.close()
    wizard.close()


def test_the_toolbar_leaves_alt_t_to_the_file_menu(window) -> None:
    assert mnemonic_of(window.new_button.text()) is None
    file_menu = window.findChild(QMenu, "file-menu")
    assert mnemonic_of(file_menu.title()) == "t"


def type_where_the_focus_is(window: QWidget, text: str) -> None:
    """Keys as a user sends them: each to whatever has the focus at that moment."""
    for char in text:
        key = Qt.Key.Key_Space if char == " " else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(window.focusWidget(), QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))


def test_typing_a_choice_with_spaces_into_a_grid_cell(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    team = next(i for i, p in enumerate(wizard.section_pages) if p.section.id == "team")
    wizard.go_to(team)
    table = wizard.section_pages[team].rows["members"].widget
    table.add_row()
    role = [c.id for c in table.field.columns].index("role")
    table.grid.setCurrentCell(0, role)
    table.grid.setFocus()
    type_where_the_focus_is(wizard, "thư ký khoa học")  # lower case, as typed in a hurry
    assert wizard.focusWidget() is not table.grid  # the editor took the keys, spaces included
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)  # the delegate commits on the next event loop turn
    qtbot.waitUntil(lambda: table.value() == [{"role": "Thư ký khoa học"}], timeout=2000)
    assert table.grid.item(0, role).text() == "Thư ký khoa học"
    wizard.close()


def test_an_unknown_choice_typed_in_a_cell_is_kept_for_validation_to_explain(qtbot, window) -> None:
    wizard = window.new_draft("mau-01")
    team = next(i for i, p in enumerate(wizard.section_pages) if p.section.id == "team")
    wizard.go_to(team)
    table = wizard.section_pages[team].rows["members"].widget
    table.add_row()
    table.grid.setCurrentCell(0, [c.id for c in table.field.columns].index("role"))
    table.grid.setFocus()
    type_where_the_focus_is(wizard, "Cố vấn")
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.value() == [{"role": "Cố vấn"}], timeout=2000)
    wizard.close()


def test_f1_opens_the_help_in_the_main_window_and_the_wizard(qtbot, window) -> None:
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    page = window.findChild(TextDialog, "help")
    assert page is not None and page.isVisible()
    assert "Hướng dẫn sử dụng" in page.browser.toPlainText()
    page.close()
    wizard = window.new_draft("mau-01")
    with qtbot.waitActive(wizard):
        wizard.activateWindow()
    qtbot.keyClick(wizard.focusWidget(), Qt.Key.Key_F1)
    assert wizard.findChild(TextDialog, "help") is not None
    wizard.findChild(TextDialog, "help").close()
    wizard.close()


def test_the_help_page_follows_the_language() -> None:
    from vista_desktop.ui.help import help_html

    assert "Hướng dẫn sử dụng" in help_html("vi")
    assert "user guide" in help_html("en")


def test_about_names_the_version_and_the_licences(window) -> None:
    from vista_desktop import __version__

    window.about_action.trigger()
    about = window.findChild(TextDialog, "about")
    text = about.browser.toPlainText()
    assert f"Phiên bản {__version__}" in text
    for needed in ("PySide6", "LGPL", "Liberation", "SIL Open Font License", "reportlab", "BSD", "pyHanko", "MIT"):
        assert needed in text
    about.close()
