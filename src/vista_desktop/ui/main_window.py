"""The main window: the drafts, and the actions on them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore
from PySide6.QtCore import QSize, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.errors import Cancelled, VistaError
from vista_desktop.forms.titles import form_titles
from vista_desktop.i18n import current_language, tr
from vista_desktop.services.status import STATUS_COMPLETE, STATUS_DRAFT
from vista_desktop.settings import LANGUAGES
from vista_desktop.tasks import Task
from vista_desktop.ui import tasks
from vista_desktop.ui.dialogs import ask
from vista_desktop.ui.drafts_model import DraftsModel, ascii_file_stem, fold
from vista_desktop.ui.drafts_table import DraftsTable
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.file_dialogs import open_file, save_file
from vista_desktop.ui.geometry import place_window, remember_geometry
from vista_desktop.ui.lifecycle_actions import LifecycleActions
from vista_desktop.ui.mnemonics import MnemonicAllocator
from vista_desktop.ui.progress import TaskProgress
from vista_desktop.ui.qt_values import TOOL_BUTTON_TEXT_ONLY, set_qt_property
from vista_desktop.ui.results_actions import ResultsActions
from vista_desktop.ui.sync_panel import SyncMonitor

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from vista_desktop.services.app import AppServices
    from vista_desktop.services.drafts import DraftDetails, DraftRecord, DraftService, DraftSummary, ListSnapshot
    from vista_desktop.ui.backups_dialog import BackupsDialog
    from vista_desktop.ui.deadlines_dialog import DeadlinesDialog
    from vista_desktop.ui.preview import PreviewDialog
    from vista_desktop.ui.sign_dialog import SignDialog
    from vista_desktop.ui.sync_panel import SyncPanel
    from vista_desktop.ui.trash_dialog import TrashDialog
    from vista_desktop.ui.trust_dialog import TrustDialog
    from vista_desktop.ui.verify_dialog import VerifyDialog
    from vista_desktop.ui.wizard import FormWizard

log = logging.getLogger(__name__)
# The drafts' details (task code, PI, progress) are read in slices: about a window's rows first, then larger ones.
DETAILS_FIRST, DETAILS_SLICE = 100, 1000
Shortcut = QKeySequence | QKeySequence.StandardKey | str | None


class MainWindow(QMainWindow):
    language_change_requested = Signal(str)
    drafts_listed = Signal()  # the list shows the drafts (first from the start-up snapshot, then each refresh)
    snapshot_settled = Signal()  # the start-up snapshot, awaited after the window was built, is shown (or failed)

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.wizards: dict[str, FormWizard] = {}
        # New drafts of this session with the data they were created with: closed untouched, they are not kept.
        self.fresh: set[str] = set()
        self.storage_loaded = services.storage_open
        self.list_known = services.storage_open  # the list shows every draft (from the database or a snapshot)
        self.setObjectName("main-window")
        self.setWindowTitle(tr("ui.app.title"))
        self.model = DraftsModel()
        self.table = self._table()
        self.setCentralWidget(self._central())
        self._actions()
        self.progress = TaskProgress(self)
        self.statusBar().addPermanentWidget(self.progress)
        self.sync_monitor = SyncMonitor(self, services)  # the online/offline label; started once storage is open
        place_window(self, "main", QSize(1100, 640), saved_on_hide=False)  # saved by closeEvent
        self._pending_open: str | None = None  # a draft opened before the database was: opened once it is
        self.snapshot_pending = False  # the start-up snapshot is still being read (see snapshot_settled)
        self._details_reading = False  # a slice of the drafts' details is being read (see _load_details)
        self._details_unreadable: set[tuple[str, datetime]] = set()  # (draft, its save) not found when asked
        if services.storage_open:
            self.refresh()
        else:
            self.statusBar().showMessage(tr("ui.drafts.loading"))
            self._show_snapshot()
        self._update_actions()
        self._update_hint()

    @property
    def service(self) -> DraftService:
        return self.services.drafts

    def storage_ready(self, listing: ListSnapshot | None = None) -> None:
        """The database is open (on a worker, after the window showed): fill the list, or bring the start-up
        snapshot up to date, keeping the selection (`listing`: the list as the worker already read it)."""
        self.storage_loaded = True
        self.refresh(listing=listing)
        pending, self._pending_open = self._pending_open, None
        if pending is not None and (summary := self.model.draft(pending)) is not None:
            self.open_draft(summary)

    def _show_snapshot(self) -> None:
        """The drafts list read at launch while the window was built (see AppServices.prefetch_list), shown
        before the database is properly open; the actions that need the database wait for `storage_ready`."""
        future = self.services.list_snapshot
        if future is None:
            return
        if future.done():
            self._apply_snapshot(None if future.exception() else future.result())
            return
        self.snapshot_pending = True
        tasks.start(lambda _ctx: future.result(), self._snapshot_arrived, lambda _exc: self._snapshot_arrived(None))

    def _snapshot_arrived(self, snapshot: ListSnapshot | None) -> None:
        self.snapshot_pending = False
        self._apply_snapshot(snapshot)
        self.snapshot_settled.emit()

    def _apply_snapshot(self, snapshot: ListSnapshot | None) -> None:
        if snapshot is not None and not self.storage_loaded:
            self._show_listing(snapshot)

    def _table(self) -> DraftsTable:
        table = DraftsTable(self.model, self)
        # Enter or a double click on a row (the platform decides which activates) opens the draft.
        table.activated.connect(lambda index: self.open_draft(self.model.draft_at(index.row())))
        table.doubleClicked.connect(lambda index: self.open_draft(self.model.draft_at(index.row())))
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.hint = table.hint
        model = self.model
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
            signal.connect(self._update_hint)
        return table

    def _central(self) -> QWidget:
        central = QWidget(self)
        bar = QHBoxLayout()
        self.search = QLineEdit(central)
        self.search.setObjectName("search")
        self.search.setPlaceholderText(tr("ui.drafts.search_placeholder"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        self.form_filter = QComboBox(central)
        self.form_filter.setObjectName("form-filter")
        self.form_filter.addItem(tr("ui.drafts.all_forms"), None)
        for definition in form_titles():
            self.form_filter.addItem(definition.short_title.text_current(), definition.form_id)
        self.form_filter.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.status_filter = QComboBox(central)
        self.status_filter.setObjectName("status-filter")
        self.status_filter.addItem(tr("ui.drafts.all_statuses"), None)
        for status in (STATUS_DRAFT, STATUS_COMPLETE):
            self.status_filter.addItem(tr(f"ui.status.{status}"), status)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._filter_changed())
        self.search.setMinimumWidth(110)
        for combo in (self.form_filter, self.status_filter):
            # Sized for a short name, not the longest form title: the bar must fit a small screen at 200 %.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        for key, widget, stretch in (
            ("ui.drafts.search", self.search, 3),
            ("ui.drafts.form_filter", self.form_filter, 0),
            ("ui.drafts.status_filter", self.status_filter, 0),
        ):
            label = QLabel(tr(key), central)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget, stretch)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        return central

    def _action(
        self,
        key: str,
        slot: Callable[[], object],
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = QAction(text=tr(key), parent=self)  # by keyword (see qt_values)
        action.setObjectName(key)
        if isinstance(shortcut, QKeySequence.StandardKey):
            action.setShortcuts(shortcut)  # every key the platform binds to it
        elif shortcut is not None:
            # A list: setShortcut()'s overloads look for Qt's key types first, which builds Qt (see qt_values).
            action.setShortcuts([QKeySequence(shortcut)])
        action.triggered.connect(slot)
        return action

    def _actions(self) -> None:
        new_menu = QMenu(tr("ui.action.new"), self)
        new_menu.setObjectName("new-menu")
        self.new_menu = new_menu
        letters = MnemonicAllocator()
        for definition in form_titles():
            action = new_menu.addAction(letters.label(definition.short_title.text_current()))
            action.setObjectName(f"new:{definition.form_id}")
            action.triggered.connect(lambda _=False, f=definition.form_id: self.new_draft(f))
        self.open_action = self._action("ui.action.open", lambda: self.open_draft(self.selected()), "Ctrl+O")
        self.duplicate_action = self._action("ui.action.duplicate", self.duplicate_selected, "Ctrl+D")
        # A lambda: `triggered(checked=False)` must never reach a parameter of the slot.
        self.delete_action = self._action(
            "ui.action.delete", lambda: self.delete_selected(), QKeySequence.StandardKey.Delete
        )
        self.export_action = self._action("ui.action.export_documents", self.export_selected, "Ctrl+E")
        self.sign_action = self._action("ui.action.sign", self.sign_selected, "Ctrl+K")
        self.verify_action = self._action("ui.action.verify", self.verify_document, "Ctrl+Shift+K")
        self.preview_action = self._action("ui.action.preview", self.preview_selected, QKeySequence.StandardKey.Print)
        self.trust_action = self._action("ui.action.trusted_roots", self.show_trusted_roots)
        self.trash_action = self._action("ui.action.trash", self.show_trash)
        self.backups_action = self._action("ui.action.backups", self.show_backups)
        self.deadlines_action = self._action("ui.deadlines.action", lambda: self.show_deadlines())
        self.sync_action = self._action("sync_ui.action", lambda: self.show_sync())
        self.dossier_action = self._action("dossier_builder.ui.action", lambda: self.show_dossier())
        self.import_action = self._action("ui.action.import_json", self.import_json, "Ctrl+I")
        self.export_json_action = self._action("ui.action.export_json", self.export_json, "Ctrl+Shift+S")
        self.import_xlsx_action = self._action("xlsx.ui.import_action", lambda: self.import_xlsx())
        self.export_xlsx_action = self._action("xlsx.ui.export_action", lambda: self.export_xlsx())
        quit_action = self._action("ui.action.quit", self.close, QKeySequence.StandardKey.Quit)
        self.new_action = self._action("ui.action.new", self._choose_new_form, QKeySequence.StandardKey.New)
        self.find_action = self._action("ui.drafts.search", self._focus_search, QKeySequence.StandardKey.Find)
        self.addAction(self.new_action)
        self.addAction(self.find_action)
        self.selection_actions = (
            self.open_action,
            self.duplicate_action,
            self.delete_action,
            self.export_action,
            self.preview_action,
            self.sign_action,
            self.export_json_action,
            self.export_xlsx_action,
        )

        toolbar = QToolBar(tr("ui.toolbar"), self)
        toolbar.setObjectName("toolbar")
        set_qt_property(toolbar, "toolButtonStyle", TOOL_BUTTON_TEXT_ONLY)
        new_button = QToolButton(self)
        # No mnemonic here: Alt+letter belongs to the menu bar (Alt+T opens Tệp); Ctrl+N or Tệp → Tạo mới.
        new_button.setText(tr("ui.action.new").replace("&", ""))
        new_button.setToolTip(tr("ui.action.new_tip"))
        new_button.setMenu(new_menu)
        new_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        new_button.setObjectName("new-button")
        toolbar.addWidget(new_button)
        self.new_button = new_button
        for action in (
            self.open_action,
            self.duplicate_action,
            self.delete_action,
            self.export_action,
            self.preview_action,
            self.sign_action,
            self.verify_action,
        ):
            toolbar.addAction(action)
        self.addToolBar(toolbar)

        # Three menus a clerk can scan: the drafts as files; the official documents and their signatures; the
        # task's later forms and deadlines.
        file_menu = self.menuBar().addMenu(tr("ui.menu.file"))
        file_menu.setObjectName("file-menu")
        file_menu.addMenu(new_menu)
        for action in (self.open_action, self.duplicate_action, self.delete_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        for action in (self.import_action, self.export_json_action, self.import_xlsx_action, self.export_xlsx_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.trash_action)
        file_menu.addAction(self.backups_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        documents_menu = self.menuBar().addMenu(tr("ui.menu.documents"))
        documents_menu.setObjectName("documents-menu")
        for action in (self.export_action, self.preview_action, self.sign_action, self.verify_action):
            documents_menu.addAction(action)
        documents_menu.addSeparator()
        documents_menu.addAction(self.trust_action)
        task_menu = self.menuBar().addMenu(tr("ui.menu.task"))
        task_menu.setObjectName("task-menu")
        self.results_actions = ResultsActions(self, task_menu)
        self.lifecycle_actions = LifecycleActions(self, task_menu)
        task_menu.addSeparator()
        task_menu.addAction(self.deadlines_action)
        task_menu.addAction(self.sync_action)
        task_menu.addAction(self.dossier_action)
        self._language_menu()
        self._help_menu()

    def _help_menu(self) -> None:
        menu = self.menuBar().addMenu(tr("ui.menu.help"))
        menu.setObjectName("help-menu")
        help_key = QKeySequence.StandardKey.HelpContents
        self.help_action = self._action("ui.action.help", self._show_help, help_key)
        self.about_action = self._action("ui.action.about", self._show_about)
        menu.addAction(self.help_action)
        menu.addAction(self.about_action)

    def _show_help(self) -> None:
        from vista_desktop.ui.help import show_help  # loads with its first use, not with the window

        show_help(self)

    def _show_about(self) -> None:
        from vista_desktop.ui.help import show_about

        show_about(self)

    def _language_menu(self) -> None:
        menu = self.menuBar().addMenu(tr("ui.menu.language"))
        menu.setObjectName("language-menu")
        group = QActionGroup(self)
        for language in LANGUAGES:
            action = menu.addAction(tr(f"ui.language.{language}"))
            action.setObjectName(f"language:{language}")
            action.setCheckable(True)
            action.setChecked(language == current_language())
            group.addAction(action)
            action.triggered.connect(lambda _=False, lang=language: self.language_change_requested.emit(lang))

    # --- drafts -------------------------------------------------------------------------------------------

    def refresh(self, select: str | None = None, listing: ListSnapshot | None = None) -> None:
        """Reload the list (or show `listing`, read already), keeping (or moving to `select`) the selected draft;
        details follow from a worker."""
        self._show_listing(listing or self.services.listing(), select)
        self._load_details()

    def _show_listing(self, listing: ListSnapshot, select: str | None = None) -> None:
        selected = self.selected()
        self.list_known = True  # before the reset: the empty-list hint follows the reset
        self.model.task_names = listing.task_names
        self.model.reset(listing.drafts, listing.documents)
        wanted = select or (selected.id if selected is not None else None)
        row = self.model.row_of(wanted) if wanted else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self.statusBar().showMessage(tr("ui.drafts.count", count=len(self.model.drafts)))
        self._update_actions()
        self.drafts_listed.emit()

    def _load_details(self) -> None:
        """Read the details still missing on a worker, in slices in the list's order: the first rows at once,
        then larger slices, each shown as it arrives (all 10,000 at once took 10-20 s before a column filled).
        A draft that could not be read (deleted meanwhile) is not asked again until it is saved again."""
        if self._details_reading:
            return  # the slice being read asks for the next one when it arrives
        saved = {d.id: d.updated_at for d in self.model.drafts}
        size = DETAILS_SLICE if self.model.details else DETAILS_FIRST
        wanted = [i for i in self.model.missing_details() if (i, saved[i]) not in self._details_unreadable][:size]
        if not wanted:
            return
        self._details_reading = True
        service = self.service
        tasks.start(
            lambda ctx: service.details(wanted, ctx.check),
            lambda found: self._details_arrived(found, saved, wanted),
            self._details_failed,
            owner=self,
            stop_at_quit=True,
        )

    def _details_arrived(self, found: dict[str, DraftDetails], saved: dict[str, datetime], wanted: list[str]) -> None:
        self._details_reading = False
        self._details_unreadable.update((i, saved[i]) for i in wanted if i not in found)
        selected = self.selected()
        self.model.set_details(found, saved)  # a search by task code or PI may let more drafts through: a reset
        if self.selected() is None and selected is not None:
            self._after_filter(selected)
        self._prepare_search()
        self._load_details()

    def _details_failed(self, exc: BaseException) -> None:
        self._details_reading = False
        if not isinstance(exc, Cancelled):
            log.warning("draft details not read: %s", exc)

    def _prepare_search(self) -> None:
        if self.model.prepare_search():
            QTimer.singleShot(0, self, self._prepare_search)  # the next slice after the events waiting

    def details_loaded(self) -> bool:
        return not self.model.missing_details()

    def selected(self) -> DraftSummary | None:
        model = self.table.selectionModel()
        rows = model.selectedRows() if model is not None else []
        return self.model.draft_at(rows[0].row()) if rows else None

    def _update_actions(self) -> None:
        # Nothing acts on a draft before the database is open (the list may be the start-up snapshot).
        has_selection = self.selected() is not None and self.storage_loaded
        for action in self.selection_actions if hasattr(self, "selection_actions") else ():
            action.setEnabled(has_selection)
        if hasattr(self, "results_actions"):
            self.results_actions.update()
        if hasattr(self, "lifecycle_actions"):
            self.lifecycle_actions.update()

    def _update_hint(self) -> None:
        if self.model.rowCount() or not self.list_known:
            self.hint.hide()
            return
        self.hint.setText(tr("ui.drafts.no_match" if self.model.drafts else "ui.drafts.empty_hint"))
        self.hint.show()

    def _search_changed(self, text: str) -> None:
        selected = self.selected()
        self.model.set_search(replace(self.model.search, words=tuple(fold(text).split())))
        self._after_filter(selected)

    def _filter_changed(self) -> None:
        selected = self.selected()
        form_id, status = self.form_filter.currentData(), self.status_filter.currentData()
        self.model.set_search(replace(self.model.search, form_id=form_id, status=status))
        self._after_filter(selected)

    def _after_filter(self, selected: DraftSummary | None) -> None:
        """The draft selected before stays selected while the search lets it through; else the first row."""
        if self.selected() is None and self.model.rowCount():
            row = self.model.row_of(selected.id) if selected is not None else -1
            self.table.selectRow(max(row, 0))
            self.table.scrollTo(self.model.index(max(row, 0), 0))
        self._update_actions()
        self._update_hint()

    def _focus_search(self) -> None:
        self.search.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _choose_new_form(self) -> None:
        forms = [a for a in self.new_menu.actions() if a.objectName().startswith("new:")]
        if len(forms) == 1:
            forms[0].trigger()
        else:
            self.new_button.showMenu()

    def new_draft(self, form_id: str) -> FormWizard:
        record = self.service.create(form_id)
        self.fresh.add(record.id)
        self.refresh(select=record.id)
        return self._open_wizard(record.id)

    def open_draft(self, summary: DraftSummary | None) -> FormWizard | None:
        if summary is None:
            return None
        if not self.storage_loaded:
            self._pending_open = summary.id  # a double click on the snapshot: opened when the database is
            return None
        if summary.id in self.wizards:
            wizard = self.wizards[summary.id]
            wizard.raise_()
            wizard.activateWindow()
            return wizard
        if not self._offer_migration(summary):
            return None
        return self._open_wizard(summary.id)

    def _offer_migration(self, summary: DraftSummary) -> bool:
        newest = self.service.newer_version(summary)
        if newest is None:
            return True
        question = tr("ui.migrate.question", old=summary.form_version, new=newest)
        if not ask(self, tr("ui.migrate.title"), question, default_yes=True):
            return True  # edit it in its own version
        outcome = self.service.migrate(summary.id)
        if outcome.unplaced:
            QMessageBox.information(
                self, tr("ui.migrate.title"), tr("ui.migrate.unplaced", fields=", ".join(outcome.unplaced))
            )
        return True

    def _open_wizard(self, draft_id: str) -> FormWizard:
        from vista_desktop.ui.wizard import FormWizard  # loaded with the first draft opened, not at start-up

        wizard = FormWizard(self.service.edit(draft_id))
        wizard.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.closed.connect(self._wizard_closed)
        self.wizards[draft_id] = wizard
        wizard.show()
        return wizard

    def _wizard_closed(self, draft_id: str) -> None:
        self.wizards.pop(draft_id, None)
        if draft_id in self.fresh:
            self.fresh.discard(draft_id)
            # A new draft closed without anything typed would only clutter the list.
            if self.service.discard_if_empty(draft_id):
                self.statusBar().showMessage(tr("ui.drafts.empty_discarded"))
        self.refresh()

    def duplicate_selected(self) -> None:
        summary = self.selected()
        if summary is not None:
            copy = self.service.duplicate_as_copy(summary.id, tr("ui.drafts.copy_suffix", "vi"))
            self.refresh(select=copy.id)
            self.statusBar().showMessage(tr("ui.drafts.duplicated", title=copy.title))

    def delete_selected(self) -> None:
        summary = self.selected()
        if summary is None:
            return
        question = tr("ui.delete.question", title=summary.title or tr("ui.drafts.untitled"))
        if not ask(self, tr("ui.delete.title"), question):
            return
        if summary.id in self.wizards:
            self.wizards[summary.id].close()
        self.service.delete(summary.id)
        self.refresh()

    # --- files --------------------------------------------------------------------------------------------

    def export_selected(self) -> None:
        if (target := self._export_target(".pdf", "ui.export.title", "ui.export.filter_pdf")) is not None:
            self.export_documents(target[0].id, target[1])

    def _export_target(
        self, suffix: str, title_key: str, filter_key: str, path: Path | None = None
    ) -> tuple[DraftSummary, Path] | None:
        """The selected draft and where to write it (`path`, else asked, with a name made from the draft)."""
        summary = self.selected()
        if summary is None:
            return None
        suggested = Path(self.suggested_path(summary, suffix))
        path = path or save_file(self, tr(title_key), tr(filter_key), suggested)
        return (summary, path) if path is not None else None

    def suggested_path(self, summary: DraftSummary, suffix: str) -> str:
        """A file name from the task code and title, in ASCII (it travels by e-mail and USB sticks), in the user's
        Documents folder."""
        details: DraftDetails | None = self.model.details_of(summary.id)
        if details is None:
            details = self.service.details([summary.id]).get(summary.id)
        code = details.task_code if details is not None else ""
        stem = ascii_file_stem(code, summary.title) or ascii_file_stem(tr("ui.drafts.file_stem", "vi"))
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(folder or Path.home()) / f"{stem}{suffix}")

    def export_documents(self, draft_id: str, pdf: Path) -> tasks.RunningTask | None:
        """Render the PDF and a DOCX beside it, off the GUI thread, with progress and cancel. A draft with errors
        is exported only as a working copy, once the user has seen what is wrong and agreed."""
        documents = self.services.documents
        problems = documents.problems(draft_id)
        working_copy = bool(problems)
        if working_copy:
            listed = "\n".join(f"• {p.message()}" for p in problems[:8]) + ("\n…" if len(problems) > 8 else "")
            question = tr("ui.export.invalid_question", count=len(problems), problems=listed)
            if not ask(self, tr("ui.export.title"), question):
                return None

        def done(result: object) -> None:
            self.refresh()
            key = "ui.export.working_copy_done" if working_copy else "ui.export.done"
            self.statusBar().showMessage(tr(key, path=str(getattr(result, "pdf", pdf))))

        return self.run(
            lambda ctx: documents.export_draft(draft_id, pdf, working_copy=working_copy, context=ctx),
            done,
            tr("ui.export.running"),
        )

    def sign_selected(self) -> SignDialog | None:
        """Sign the selected draft's exported PDF (the newest signed copy once there is one)."""
        from vista_desktop.ui.sign_dialog import SignDialog

        summary = self.selected()
        if summary is None:
            return None
        pdf = self.services.documents.form_pdf(summary.id)
        if pdf is None:
            self._show_error(tr("ui.sign.need_export"))
            return None
        if self.services.documents.outdated(summary.id) and not ask(
            self, tr("ui.sign.outdated_title"), tr("ui.sign.outdated_question")
        ):
            return None
        dialog = SignDialog(self.services.signing, pdf, summary.id, self)
        dialog.signed.connect(lambda _result: self.refresh())
        dialog.show()
        return dialog

    def verify_document(self) -> VerifyDialog:
        from vista_desktop.ui.verify_dialog import VerifyDialog

        summary = self.selected()
        pdf = self.services.documents.form_pdf(summary.id) if summary is not None else None
        dialog = VerifyDialog(self.services.signing, pdf, self)
        dialog.show()
        return dialog

    def selected_of(self, *form_ids: str) -> DraftSummary | None:
        """The selected draft when it is one of these forms (the actions that make a form from another)."""
        summary = self.selected()
        return summary if summary is not None and summary.form_id in form_ids else None

    def open_made_draft(self, make: Callable[[], DraftRecord]) -> DraftRecord | None:
        """Make a draft from another (prefill), select it and open its wizard; a refusal is shown."""
        try:
            record = make()
        except VistaError as exc:
            show_error(self, exc)
            return None
        self.refresh(select=record.id)
        self._open_wizard(record.id)
        return record

    def run(self, task: Task[Any], on_success: Callable[[Any], object], message: str) -> tasks.RunningTask:
        """A task of this window, shown in its status bar with progress and Hủy; failures shown as errors."""
        return tasks.start(task, on_success, self._task_failed, view=self.progress, message=message, owner=self)

    def preview_selected(self) -> tasks.RunningTask | None:
        """The selected draft as it will print: its exported (perhaps signed) PDF, or a fresh rendering."""
        summary = self.selected()
        if summary is None:
            return None
        documents = self.services.documents
        return self.run(
            lambda ctx: documents.preview_pdf(summary.id, context=ctx),
            self.show_preview,
            tr("ui.preview.running"),
        )

    def show_preview(self, pdf: Path) -> PreviewDialog:
        from vista_desktop.ui.preview import PreviewDialog

        dialog = PreviewDialog(pdf, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_deadlines(self) -> DeadlinesDialog:
        from vista_desktop.ui.deadlines_dialog import DeadlinesDialog

        def open_by_id(draft_id: str) -> None:
            summary = next((d for d in self.model.drafts if d.id == draft_id), None)
            self.open_draft(summary)

        dialog = DeadlinesDialog(self.services.deadlines, open_by_id, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_dossier(self) -> QWidget | None:
        """The results dossier of the selected draft's task (Art. 12)."""
        from vista_desktop.ui.dossier_dialog import open_dossier

        selected = self.selected()
        task_or_draft = None if selected is None else selected.task_id or selected.id
        return open_dossier(self, self.services.dossier_builder, task_or_draft)

    def show_sync(self) -> SyncPanel:
        from vista_desktop.ui.sync_panel import SyncPanel

        dialog = SyncPanel(self.sync_monitor, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_trash(self) -> TrashDialog:
        from vista_desktop.ui.trash_dialog import TrashDialog

        dialog = TrashDialog(self.service, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restored.connect(lambda draft_id: self.refresh(select=draft_id))
        dialog.open()
        return dialog

    def show_backups(self) -> BackupsDialog | None:
        from vista_desktop.ui.backups_dialog import BackupsDialog

        if self.wizards:  # an open draft would keep writing to the file being replaced
            self._show_error(tr("ui.backups.close_drafts"))
            return None
        dialog = BackupsDialog(self.services.database, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.restored.connect(self.refresh)
        dialog.open()
        return dialog

    def show_trusted_roots(self) -> TrustDialog:
        from vista_desktop.ui.trust_dialog import TrustDialog

        dialog = TrustDialog(self.services.signing, self)
        dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def import_json(self) -> None:
        path = open_file(self, tr("ui.action.import_json"), tr("ui.filter.json"))
        if path is None:
            return
        self.run(
            lambda _ctx: self.service.import_file(path),
            self._imported,
            tr("ui.action.import_json"),
        )

    def _imported(self, _record: object) -> None:
        self.refresh()

    def export_json(self) -> None:
        if (target := self._export_target(".json", "ui.action.export_json", "ui.filter.json")) is None:
            return
        summary, path = target
        self.run(
            lambda _ctx: self.service.export_file(summary.id, path),
            lambda _result: self.statusBar().showMessage(tr("ui.export.done", path=str(path))),
            tr("ui.action.export_json"),
        )

    def import_xlsx(self, path: Path | None = None) -> tasks.RunningTask | None:
        path = path or open_file(self, tr("xlsx.ui.import_action"), tr("xlsx.ui.filter"))
        if path is None:
            return None
        return self.run(
            lambda context: self.services.xlsx.import_as_draft(path, context),
            lambda _record: self._xlsx_imported(path),
            tr("xlsx.ui.import_action"),
        )

    def _xlsx_imported(self, path: Path) -> None:
        self.refresh()
        self.statusBar().showMessage(tr("xlsx.ui.imported", path=str(path)))

    def export_xlsx(self, path: Path | None = None) -> tasks.RunningTask | None:
        if (target := self._export_target(".xlsx", "xlsx.ui.export_action", "xlsx.ui.filter", path)) is None:
            return None
        summary, chosen = target
        return self.run(
            lambda context: self.services.xlsx.export_draft(summary.id, chosen, context),
            lambda _result: self.statusBar().showMessage(tr("xlsx.ui.exported", path=str(chosen))),
            tr("xlsx.ui.export_action"),
        )

    def _task_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self.statusBar().showMessage(exc.message())
            return
        self._show_error(exc)

    def _show_error(self, error: BaseException | str) -> None:
        self.statusBar().clearMessage()
        show_error(self, error)

    def closeEvent(self, event: QCloseEvent) -> None:
        remember_geometry(self, "main")
        for wizard in list(self.wizards.values()):
            wizard.close()
        super().closeEvent(event)
