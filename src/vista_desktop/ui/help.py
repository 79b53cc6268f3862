"""F1 help (a short guide shipped as HTML in resources/help/, in the interface language) and the About box with
the version and the licences of what the app ships."""

from __future__ import annotations

import html
import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from vista_desktop import __version__
from vista_desktop.i18n import DEFAULT_LANGUAGE, current_language, tr
from vista_desktop.resources import resource_path
from vista_desktop.ui.geometry import place_window

# What the app ships and under which licence: shown in the About box (the LGPL asks that users be told Qt is in
# it and may be replaced).
LICENCES: tuple[tuple[str, str], ...] = (
    ("Qt 6 / PySide6", "LGPL v3"),
    ("Liberation Sans, Liberation Serif", "SIL Open Font License 1.1"),
    ("reportlab", "BSD"),
    ("python-docx", "MIT"),
    ("pyHanko, pyhanko-certvalidator", "MIT"),
    ("python-pkcs11", "MIT"),
    ("asn1crypto", "MIT"),
    ("cryptography", "Apache 2.0 / BSD"),
    ("fontTools", "MIT"),
    ("SQLAlchemy, Alembic", "MIT"),
    ("PyYAML", "MIT"),
    ("platformdirs", "MIT"),
    ("httpx", "BSD"),
)


def help_html(language: str | None = None) -> str:
    """The guide in `language` (the interface's by default), the Vietnamese one when there is none."""
    for lang in (language or current_language(), DEFAULT_LANGUAGE):
        path = resource_path("help", f"{lang}.html")
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""


def about_html() -> str:
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{html.escape(licence)}</td></tr>" for name, licence in LICENCES
    )
    return (
        f"<h2>{html.escape(tr('ui.app.title'))}</h2>"
        f"<p>{html.escape(tr('ui.about.version', version=__version__))}<br>"
        f"{html.escape(tr('ui.about.runtime', qt=qVersion(), pyside=pyside_version, python=platform.python_version()))}"
        f"</p><p>{html.escape(tr('ui.about.purpose'))}</p>"
        f"<h3>{html.escape(tr('ui.about.licences'))}</h3>"
        f'<table cellpadding="3">{rows}</table>'
        f"<p>{html.escape(tr('ui.about.lgpl'))}</p>"
    )


class TextDialog(QDialog):
    """A read-only rich-text page with a Close button."""

    def __init__(self, name: str, title: str, body: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName(f"{name}-text")
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(body)
        buttons = QDialogButtonBox(self)
        close = QPushButton(tr("ui.help.close"), self)
        close.setDefault(True)
        close.clicked.connect(self.close)
        buttons.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        place_window(self, name, QSize(640, 560))


def _show(name: str, title: str, body: str, parent: QWidget | None) -> TextDialog:
    # One page per window: F1 pressed again brings the open one forward instead of stacking copies.
    dialog = parent.findChild(TextDialog, name) if parent is not None else None
    if dialog is None:
        dialog = TextDialog(name, title, body, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
    else:
        dialog.raise_()
        dialog.activateWindow()
    return dialog


def show_help(parent: QWidget | None) -> TextDialog:
    return _show("help", tr("ui.help.title"), help_html(), parent)


def show_about(parent: QWidget | None) -> TextDialog:
    return _show("about", tr("ui.about.title"), about_html(), parent)
