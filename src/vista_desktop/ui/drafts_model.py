"""The list of drafts as a Qt table model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from vista_desktop.forms.loader import UnknownFormError, get_definition
from vista_desktop.i18n import tr

if TYPE_CHECKING:
    from vista_desktop.storage.drafts import DocumentRecord, DraftSummary

COLUMNS = (
    "ui.drafts.col.form",
    "ui.drafts.col.title",
    "ui.drafts.col.status",
    "ui.drafts.col.signatures",
    "ui.drafts.col.saved",
)


def form_name(summary: DraftSummary) -> str:
    try:
        return get_definition(summary.form_id, summary.form_version).short_title.text_current()
    except UnknownFormError:
        return f"{summary.form_id} {summary.form_version}"


class DraftsModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.drafts: list[DraftSummary] = []
        self.documents: dict[str, list[DocumentRecord]] = {}

    def reset(self, drafts: list[DraftSummary], documents: dict[str, list[DocumentRecord]] | None = None) -> None:
        self.beginResetModel()
        self.drafts = drafts
        self.documents = documents or {}
        self.endResetModel()

    def signatures_text(self, draft_id: str) -> str:
        records = self.documents.get(draft_id, [])
        if not records:
            return tr("ui.signatures.none")
        return "; ".join(tr("ui.signatures.state", signed=r.fields_signed, total=r.fields_total) for r in records)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.drafts)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        draft = self.drafts[index.row()]
        column = index.column()
        if column == 0:
            return form_name(draft)
        if column == 1:
            return draft.title or tr("ui.drafts.untitled")
        if column == 2:
            return tr(f"ui.status.{draft.status}")
        if column == 3:
            return self.signatures_text(draft.id)
        return draft.updated_at.astimezone().strftime("%d/%m/%Y %H:%M")

    def draft_at(self, row: int) -> DraftSummary | None:
        return self.drafts[row] if 0 <= row < len(self.drafts) else None
