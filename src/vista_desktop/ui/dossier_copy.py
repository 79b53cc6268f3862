"""«Lưu bản sao trong ứng dụng» in the dossier dialog: copies the attached files of the selected component into the
app's content store (`DossierBuilderService.keep_copy`) on the task runner, with progress and Cancel, so that a
moved or deleted original no longer breaks the dossier.

Kept apart from `ui/dossier_dialog.py`, which only calls `add_keep_copy_button(dialog)` once it is built: the
button goes at the end of its row of buttons and follows its table's selection.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QBoxLayout, QLayout, QPushButton

from vista_desktop.i18n import tr
from vista_desktop.tasks import TaskContext
from vista_desktop.ui import tasks

if TYPE_CHECKING:
    from vista_desktop.services.dossier_builder import AttachedFile, DossierBuilderService
    from vista_desktop.ui.dossier_dialog import DossierDialog


def update_keep_copy(dialog: DossierDialog, button: QPushButton) -> None:
    """Enabled while the selected component has a file not yet kept; the files already kept are named in the
    tooltip, since the table shows them by their original name."""
    state = dialog.selected_state()
    button.setEnabled(state is not None and any(f.original is None for f in state.attached))
    kept = [f.shown_path.name for f in state.attached if f.original is not None] if state is not None else []
    tip = tr("dossier_files.keep_copy_tip")
    button.setToolTip(f"{tip}\n{tr('dossier_files.kept')}: {', '.join(kept)}" if kept else tip)


def add_keep_copy_button(dialog: DossierDialog) -> QPushButton:
    button = QPushButton(tr("dossier_files.keep_copy"), dialog)  # with a mnemonic of its own (Alt+B)
    button.setObjectName("keep_copy")
    row = _row_of(dialog, dialog.detach_button)
    if row is not None:
        row.insertWidget(row.indexOf(dialog.detach_button) + 1, button)

    def update() -> None:
        update_keep_copy(dialog, button)

    def keep() -> None:
        state = dialog.selected_state()
        files = [f for f in state.attached if f.original is None] if state is not None else []
        if not files:
            return
        button.setEnabled(False)
        names = ", ".join(f.path.name for f in files)
        builder = dialog.builder
        tasks.start(
            lambda context: _keep_all(builder, files, context),
            lambda _kept: dialog.reload(),
            lambda error: _failed(dialog, error),
            view=dialog.progress,
            message=tr("dossier_files.keeping_copy", name=names),
            owner=dialog,
        )

    dialog.table.itemSelectionChanged.connect(update)
    button.clicked.connect(keep)
    update()
    return button


def _keep_all(builder: DossierBuilderService, files: list[AttachedFile], context: TaskContext) -> list[AttachedFile]:
    total = sum(f.size for f in files) or 1
    kept, done = [], 0
    for file in files:
        kept.append(builder.keep_copy(file, context.share(done / total, (done + file.size) / total)))
        done += file.size
    return kept


def _failed(dialog: DossierDialog, error: BaseException) -> None:
    from vista_desktop.errors import Cancelled
    from vista_desktop.ui.errors import show_error

    dialog.reload()
    if not isinstance(error, Cancelled):
        show_error(dialog, error)


def _row_of(dialog: DossierDialog, button: QPushButton) -> QBoxLayout | None:
    """The layout holding the dialog's row of buttons."""
    top = dialog.layout()
    pending: list[QLayout] = [top] if top is not None else []
    while pending:
        current = pending.pop()
        if isinstance(current, QBoxLayout) and current.indexOf(button) >= 0:
            return current
        for index in range(current.count()):
            item = current.itemAt(index)
            inner = item.layout() if item is not None else None
            if inner is not None:
                pending.append(inner)
    return None
