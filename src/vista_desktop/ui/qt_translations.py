"""Qt's own texts (standard buttons, QWizard's Back/Next/Finish, the context menus of text fields, Qt's file and
print dialogs) in the user's language.

PySide6-Essentials ships qtbase_*.qm for some thirty languages but not Vietnamese, so the Vietnamese texts live in
our catalogs under `ui.qt.<Qt context>.<Qt's English text>` and a translator looks them up. Should a Qt release
ship qtbase_vi.qm, it is used first and ours fill its gaps.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from vista_desktop.i18n import catalog

__all__ = ["CatalogTranslator", "install_translations"]

log = logging.getLogger(__name__)
PREFIX = "ui.qt."
_installed: list[QTranslator] = []  # kept alive while installed: Qt does not own them


class CatalogTranslator(QTranslator):
    """Qt's texts from our catalog. Anything not there keeps Qt's English (None, not "": Qt takes an empty
    string as a translation)."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.catalog_language = language
        self.texts = {k.removeprefix(PREFIX): v for k, v in catalog(language).items() if k.startswith(PREFIX)}

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str | None:
        return self.texts.get(f"{context}.{source}")

    def isEmpty(self) -> bool:
        return not self.texts


def _qt_catalog(language: str) -> QTranslator | None:
    translator = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    return translator if translator.load(f"qtbase_{language}", folder) else None


def install_translations(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Put Qt's own texts in `language` (call at start-up and after each language change). English needs
    nothing; any other language gets Qt's catalogue when it ships one, then ours."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(QLocale(language))  # dates and sizes in Qt's dialogs, e.g. the file dialog's columns
    if language == "en":
        return []
    for translator in (_qt_catalog(language), CatalogTranslator(language)):
        if translator is not None and not translator.isEmpty() and app.installTranslator(translator):
            _installed.append(translator)
    log.debug("Qt translations for %s: %d installed", language, len(_installed))
    return list(_installed)
