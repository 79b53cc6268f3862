"""The errors and the located problems of Excel import."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vista_desktop.errors import VistaError


class XlsxError(VistaError):
    """A spreadsheet cannot be used at all (not xlsx, too big, damaged, not a draft of this form)."""


@dataclass(frozen=True)
class CellProblem:
    """Why one cell (or header, or row) of a spreadsheet cannot be taken as it is. `row` counts from 1 as Excel
    shows it (0: the whole sheet); `column` is the column letter ("" for a whole row); `code` an i18n key."""

    sheet: str
    row: int
    column: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    header: str = ""  # the column's header as the spreadsheet spells it, to name it beside its letter
    warning: bool = False  # told, but nothing is wrong with the data taken (a column left aside)

    def reason(self, language: str | None = None) -> str:
        from vista_desktop.forms.model import Label
        from vista_desktop.i18n import current_language, tr

        lang = language or current_language()
        params = {k: v.text(lang) if isinstance(v, Label) else v for k, v in self.params.items()}
        return tr(self.code, lang, **params)

    def where(self, language: str | None = None) -> str:
        """'Trang «Thành viên» / dòng 4 / cột C (Vai trò)' — sheet / row / column, as a clerk finds it."""
        from vista_desktop.i18n import tr

        parts = [tr("xlsx.where.sheet", language, sheet=self.sheet)]
        if self.row:
            parts.append(tr("xlsx.where.row", language, row=self.row))
        if self.column:
            column = f"{self.column} ({self.header})" if self.header else self.column
            parts.append(tr("xlsx.where.column", language, column=column))
        return " / ".join(parts)

    def line(self, language: str | None = None) -> str:
        """sheet / row / column / reason, on one line (the CLI prints these)."""
        return f"{self.where(language)} / {self.reason(language)}"


class XlsxImportError(XlsxError):
    """Cells of a workbook cannot be imported; nothing was changed. `problems` names every one."""

    def __init__(self, problems: list[CellProblem]) -> None:
        super().__init__("xlsx.import_problems", count=len(problems))
        self.problems = problems

    @property
    def detail(self) -> str | None:
        return "\n".join(p.line() for p in self.problems[:50])
