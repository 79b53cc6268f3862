"""A text in Vietnamese and English: labels, titles and help of the form definitions."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    vi: str
    en: str

    def text(self, language: str) -> str:
        return self.en if language == "en" and self.en else self.vi

    def text_current(self) -> str:
        from vista_desktop.i18n import current_language

        return self.text(current_language())
