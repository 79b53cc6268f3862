"""The results-registration dossier of a task (Art. 12): one row per component with its requirement and state,
attaching a file by reference (hashed on the task runner with progress and Cancel), the completeness summary,
and Export… to a folder or a ZIP; «Ký hồ sơ…» signs every document awaiting the signer in one sitting (one PIN).
Everything it does goes through `services.dossier_builder` and `services.dossier_signing`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.errors import VistaError
from vista_desktop.i18n import tr
from vista_desktop.ui import tasks
from vista_desktop.ui.errors import show_error
from vista_desktop.ui.file_dialogs import open_file, save_file
from vista_desktop.ui.geometry import place_window
from vista_desktop.ui.identity_picker import UNTRUSTED, IdentityPicker, TrustRootButton, chain_of
from vista_desktop.ui.progress import TaskProgress

if TYPE_CHECKING:
    from vista_desktop.services.dossier_builder import DossierBuilderService, ExportResult, SlotState
    from vista_desktop.services.dossier_signing import (
        DossierSigningFailed,
        DossierSigningResult,
        DossierSigningService,
        SigningPlan,
    )
    from vista_desktop.services.signing import CertificateDetails, SigningService
    from vista_desktop.tasks import TaskContext

_COLUMNS = ("slot", "requirement", "state", "files")


@dataclass(frozen=True)
class SignChoices:
    """What the «Ký hồ sơ» dialog remembers of a task for the rest of the session (never the password or PIN)."""

    p12: Path | None
    capacity: str
    output: str


# task id → the choices made the last time its «Ký hồ sơ» dialog was used, for this run of the app only
_REMEMBERED: dict[str, SignChoices] = {}


def _label(key: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(tr(key), parent)
    label.setBuddy(buddy)
    return label


class UntrustedDossierChain(VistaError):
    """Nothing signed for an unknown chain: the dossier's own message, the issuer by its name (not as "Common
    Name: …, Organization: …"), and the certificates the identity carries, to offer its root."""

    def __init__(self, failure: DossierSigningFailed, chain: list[CertificateDetails]) -> None:
        params = dict(failure.params)
        if chain:
            holder = chain[0]
            params["reason"] = tr("ui.sign.untrusted", name=holder.common_name, issuer=holder.issuer_name)
        super().__init__(failure.code, **params)
        self.chain = chain


class DossierDialog(QDialog):
    def __init__(
        self,
        builder: DossierBuilderService,
        task_id: str,
        parent: QWidget | None = None,
        *,
        dossier_signing: DossierSigningService | None = None,
        signing: SigningService | None = None,
    ) -> None:
        super().__init__(parent)
        self.dossier_signing, self.signing = dossier_signing, signing
        self.setObjectName("dossier-dialog")
        self.setWindowTitle(tr("dossier_builder.ui.title"))
        self.builder, self.task_id = builder, task_id
        self.states: list[SlotState] = []
        self.table = QTableWidget(0, len(_COLUMNS), self)
        self.table.setObjectName("dossier-slots")
        self.table.setHorizontalHeaderLabels([tr(f"dossier_builder.ui.column.{c}") for c in _COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.summary = QLabel(self)
        self.summary.setObjectName("dossier-summary")
        self.summary.setWordWrap(True)
        self.progress = TaskProgress(self)
        # «Đính &kèm» would share Alt+K with «&Ký hồ sơ…»
        self.attach_button = self._button("dossier_builder.ui.attach", self.attach)
        self.attach_button.setObjectName("attach")
        self.detach_button = self._button("dossier_builder.ui.detach", self.detach)
        self.export_button = self._button("dossier_builder.ui.export", self.export)
        self.sign_button = self._button("dossier_signing.ui.button", self.sign_dossier)
        self.sign_button.setObjectName("sign-dossier")
        self.sign_button.setVisible(dossier_signing is not None and signing is not None)
        close = self._button("dossier_builder.ui.close", self.accept)
        # Two rows: the selected component's files, then the whole dossier. In one row they were wider than the
        # screen at 200 %, and «Ký hồ sơ…» sat among buttons that act on one row only.
        file_buttons, dossier_buttons = QHBoxLayout(), QHBoxLayout()
        for button in (self.attach_button, self.detach_button):
            file_buttons.addWidget(button)
        file_buttons.addStretch(1)
        for button in (self.export_button, self.sign_button):
            dossier_buttons.addWidget(button)
        dossier_buttons.addStretch(1)
        dossier_buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        layout.addWidget(self.progress)
        layout.addLayout(file_buttons)
        layout.addLayout(dossier_buttons)
        # a fixed 900×480 put the buttons below the screen at 200 %
        place_window(self, "dossier", QSize(900, 480))
        self.reload()
        from vista_desktop.ui.dossier_copy import add_keep_copy_button

        self.keep_copy_button = add_keep_copy_button(self)  # «Lưu bản sao trong ứng dụng» (content store)

    def _button(self, key: str, slot: Any) -> QPushButton:
        button = QPushButton(tr(key), self)
        button.setObjectName(key.rsplit(".", 1)[-1])
        button.clicked.connect(slot)
        return button

    # --- showing --------------------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.states = self.builder.slot_states(self.task_id)
        self.table.setRowCount(len(self.states))
        for row, state in enumerate(self.states):
            names = [g.name for g in state.generated] + [a.shown_path.name for a in state.attached]
            cells = (
                state.slot.label,
                tr(f"dossier_builder.ui.requirement.{state.slot.requirement}"),
                tr(f"dossier_builder.ui.state.{state.state}"),
                ", ".join(names),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        # Size and time only here: a re-hash of gigabytes is for the export, which hashes every byte anyway.
        contents = self.builder.contents(self.task_id)
        from vista_desktop.services.dossier_builder import completeness, file_findings

        findings = completeness(contents) + file_findings(contents, rehash=False)
        lines = [f.message() for f in findings]
        self.summary.setText("\n".join(lines) if lines else tr("dossier_builder.ui.complete"))
        self._update_buttons()

    def selected_state(self) -> SlotState | None:
        rows = self.table.selectionModel().selectedRows()
        return self.states[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        state = self.selected_state()
        self.attach_button.setEnabled(state is not None and state.slot.user_files)
        self.detach_button.setEnabled(state is not None and bool(state.attached))
        # after an attach the selection is unchanged, yet the row now has a file to keep a copy of
        if (keep_copy := getattr(self, "keep_copy_button", None)) is not None:
            from vista_desktop.ui.dossier_copy import update_keep_copy

            update_keep_copy(self, keep_copy)

    # --- acting ---------------------------------------------------------------------------------------------------

    def attach(self) -> None:
        state = self.selected_state()
        if state is None or not state.slot.user_files:
            return
        key = "dossier_builder.ui.pdf_file" if state.slot.pdf_only else "dossier_builder.ui.any_file"
        path = open_file(self, tr("dossier_builder.ui.attach").replace("&", ""), tr(key))
        if path is None:
            return
        slot_id, task_id = state.slot.id, self.task_id
        self._run(
            lambda ctx: self.builder.attach(task_id, slot_id, path, ctx),
            lambda _result: self.reload(),
            tr("dossier_builder.ui.hashing", name=path.name),
        )

    def detach(self) -> None:
        state = self.selected_state()
        if state is None or not state.attached:
            return
        for file in state.attached:
            if file.id is not None:
                self.builder.detach(file.id)
        self.reload()

    def export(self) -> None:
        name_filter = tr("dossier_builder.ui.zip_file")
        path = save_file(self, tr("dossier_builder.ui.export").replace("&", ""), name_filter)
        if path is None:
            return
        out = path if path.suffix.lower() == ".zip" else path.with_suffix(".zip")
        task_id = self.task_id
        self._run(
            lambda ctx: self.builder.export(task_id, out, ctx),
            self._exported,
            tr("dossier_builder.ui.exporting"),
        )

    def sign_dossier(self) -> DossierSignDialog | None:
        """The «Ký hồ sơ» dialog (non-modal: the dossier table is reloaded when it closes)."""
        if self.dossier_signing is None or self.signing is None:
            return None
        dialog = DossierSignDialog(self.dossier_signing, self.signing, self.task_id, self)
        dialog.finished.connect(lambda _code: self.reload())
        dialog.open()
        return dialog

    def _exported(self, result: ExportResult) -> None:
        QMessageBox.information(
            self, self.windowTitle(), tr("dossier_builder.ui.exported", path=str(result.path), files=result.files)
        )

    def _run(self, task: Any, on_success: Any, message: str) -> None:
        for button in (self.attach_button, self.detach_button, self.export_button):
            button.setEnabled(False)

        def done(result: object) -> None:
            self.export_button.setEnabled(True)
            on_success(result)
            self._update_buttons()

        def failed(error: BaseException) -> None:
            self.export_button.setEnabled(True)
            self._update_buttons()
            from vista_desktop.errors import Cancelled

            if not isinstance(error, Cancelled):
                self._show_failure(error)

        tasks.start(task, done, failed, view=self.progress, message=message, owner=self)

    def _show_failure(self, error: BaseException) -> None:
        from vista_desktop.services.dossier_builder import DossierIncomplete

        if isinstance(error, DossierIncomplete):
            details = "\n".join(f.message() for f in error.findings if f.blocking)
            show_error(self, f"{error.message()}\n\n{details}")
        else:
            show_error(self, error)


def open_dossier(
    parent: QWidget,
    builder: DossierBuilderService,
    task_or_draft_id: str | None,
    *,
    dossier_signing: DossierSigningService | None = None,
    signing: SigningService | None = None,
) -> DossierDialog | None:
    """Show the dossier of a task (or of a draft's task); explain when nothing is selected or it cannot open."""

    if task_or_draft_id is None:
        QMessageBox.information(parent, tr("dossier_builder.ui.title"), tr("dossier_builder.ui.no_task"))
        return None
    # Until the caller passes them, the signing services come from the window's composition root, if it has one.
    services = getattr(parent, "services", None)
    dossier_signing = dossier_signing or getattr(services, "dossier_signing", None)
    signing = signing or getattr(services, "signing", None)
    try:
        task_id = builder.task_id(task_or_draft_id)
        dialog = DossierDialog(builder, task_id, parent, dossier_signing=dossier_signing, signing=signing)
    except VistaError as exc:
        show_error(parent, exc)
        return None
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


class DossierSignDialog(QDialog):
    """Choose the identity and the capacity, see the plan (which documents, in which order), type the PIN once,
    sign everything on the signing lane with progress and Hủy, and read what was signed."""

    def __init__(
        self,
        dossier_signing: DossierSigningService,
        signing: SigningService,
        task_id: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dossier-sign-dialog")
        self.setWindowTitle(tr("dossier_signing.ui.title"))
        self.setMinimumWidth(640)
        self.dossier_signing, self.signing, self.task_id = dossier_signing, signing, task_id
        self.outcome: DossierSigningResult | None = None
        self.plan: SigningPlan | None = None
        form = QFormLayout()
        # at 200 % the long labels go above their fields instead of pushing the dialog off the screen
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.identity_picker = IdentityPicker(signing, self._error, self)
        self.identity = self.identity_picker.combo
        form.addRow(_label("ui.walk2.identity", self.identity, self), self.identity_picker)
        self.capacity = QComboBox(self)
        self.capacity.setObjectName("capacity")
        from vista_desktop.services.dossier_signing import CO_PI, HOST, PI

        for capacity in (HOST, PI, CO_PI):
            self.capacity.addItem(tr(f"dossier_signing.ui.capacity.{capacity}"), capacity)
        form.addRow(_label("ui.walk2.capacity", self.capacity, self), self.capacity)
        self.include_attached = QCheckBox(tr("dossier_signing.ui.include_attached"), self)
        self.include_attached.setObjectName("include-attached")
        form.addRow("", self.include_attached)
        self.plan_view = QLabel(self)
        self.plan_view.setObjectName("sign-plan")
        self.plan_view.setWordWrap(True)
        form.addRow(self.plan_view)
        export_row = QHBoxLayout()
        self.output = QLineEdit(self)
        self.output.setObjectName("export-path")
        self.output.setPlaceholderText(tr("dossier_signing.ui.export_hint"))
        export_row.addWidget(self.output, 1)
        choose_output = QPushButton(tr("dossier_signing.ui.choose"), self)
        choose_output.clicked.connect(self.choose_output)
        export_row.addWidget(choose_output)
        form.addRow(tr("dossier_signing.ui.export"), export_row)
        self.export_problem = QLabel(self)
        self.export_problem.setObjectName("export-problem")
        self.export_problem.setWordWrap(True)
        self.export_problem.setStyleSheet("color: #b3261e;")
        form.addRow(self.export_problem)
        self.secret = QLineEdit(self)
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_label("ui.walk2.secret", self.secret, self), self.secret)
        self.status = QLabel(self)
        self.status.setObjectName("sign-status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_root_button = TrustRootButton(self.signing, self._root_added, self)
        self.progress = TaskProgress(self)
        self.sign_button = QPushButton(tr("dossier_signing.ui.sign"), self)
        self.sign_button.setObjectName("sign-button")
        self.sign_button.setDefault(True)
        self.sign_button.clicked.connect(self.start_signing)
        close = QPushButton(tr("dossier_builder.ui.close"), self)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sign_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.add_root_button)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.running_now = False
        self.refresh_identities()
        self._restore(_REMEMBERED.get(task_id))
        # connected last: restoring the choices and filling the identities each re-plan once, not per signal
        self.capacity.currentIndexChanged.connect(self.show_plan)
        self.include_attached.toggled.connect(self.show_plan)
        self.identity.currentIndexChanged.connect(self.show_plan)
        self.output.textChanged.connect(self._update_sign_button)
        self.finished.connect(self._remember)
        self.show_plan()

    # --- remembered for the session -------------------------------------------------------------------------------

    def _restore(self, choices: SignChoices | None) -> None:
        if choices is None:
            return
        index = self.capacity.findData(choices.capacity)
        if index >= 0:
            self.capacity.setCurrentIndex(index)
        self.output.setText(choices.output)
        if choices.p12 is not None:
            self.use_p12(choices.p12)

    def _remember(self) -> None:
        _REMEMBERED[self.task_id] = SignChoices(
            self.identity_picker.p12_path, str(self.capacity.currentData()), self.output.text()
        )

    # --- identity -------------------------------------------------------------------------------------------------

    def refresh_identities(self) -> None:
        self.identity_picker.refresh()

    def use_p12(self, path: Path) -> None:
        self.identity_picker.use_p12(path)

    def _root_added(self, trusted: CertificateDetails) -> None:
        self.status.setStyleSheet("")
        self.status.setText(tr("ui.sign.root_added", name=trusted.common_name))
        self.secret.setFocus()

    def choose_output(self) -> None:
        path = save_file(self, tr("dossier_builder.ui.export").replace("&", ""), tr("dossier_builder.ui.zip_file"))
        if path is not None:
            self.output.setText(str(path if path.suffix.lower() == ".zip" else path.with_suffix(".zip")))

    # --- the plan -------------------------------------------------------------------------------------------------

    def show_plan(self) -> None:
        from vista_desktop.services.dossier_signing import block_role, role_label

        try:
            self.plan = self.dossier_signing.plan(
                self.task_id,
                self.capacity.currentData(),
                include_attached=self.include_attached.isChecked(),
                identity=self.identity.currentData(),
            )
        except VistaError as exc:
            self.plan = None
            self.plan_view.setText(exc.message())
            self._update_sign_button()
            return
        lines = [tr("dossier_signing.ui.plan") if self.plan.documents else tr("dossier_signing.nothing_to_sign")]
        for number, document in enumerate(self.plan.documents, start=1):
            block = tr("dossier_signing.ui.new_block") if document.placement else role_label(block_role(document.field))
            lines.append(tr("dossier_signing.ui.plan_item", number=number, name=document.name, block=block))
        if self.plan.waiting:
            lines += ["", tr("dossier_signing.ui.waiting"), *(w.message() for w in self.plan.waiting)]
        self.plan_view.setText("\n".join(lines))
        self._update_sign_button()

    def _export_blocked(self) -> list[str]:
        """Why the export asked for cannot be made (an incomplete dossier), or nothing."""
        if not self.output.text().strip() or self.plan is None or not self.plan.incomplete:
            return []
        return [tr("dossier_signing.ui.incomplete"), *self.plan.incomplete_messages()]

    def _update_sign_button(self) -> None:
        """Refuse before the PIN is typed in vain: «Ký» is off while an export is asked of an incomplete dossier."""
        blocked = self._export_blocked()
        self.export_problem.setText("\n".join(blocked))
        self.export_problem.setVisible(bool(blocked))
        self.sign_button.setEnabled(not self.running_now and not blocked)

    # --- signing --------------------------------------------------------------------------------------------------

    def start_signing(self) -> None:
        identity = self.identity.currentData()
        if identity is None:
            self._error(tr("ui.sign.no_identity"))
            return
        secret = self.secret.text() or None
        self.secret.clear()  # held only for this operation
        out = Path(self.output.text()) if self.output.text().strip() else None
        capacity, attached = self.capacity.currentData(), self.include_attached.isChecked()
        service, task_id = self.dossier_signing, self.task_id
        self._remember()
        self.running_now = True
        self.sign_button.setEnabled(False)
        self.add_root_button.hide()
        self.status.setStyleSheet("")
        self.status.setText(tr("dossier_signing.ui.running"))
        signing = self.signing

        def sign(context: TaskContext) -> DossierSigningResult:
            from vista_desktop.services.dossier_signing import DossierSigningFailed

            try:
                return service.sign_all(
                    task_id, identity, secret, context, capacity=capacity, include_attached=attached, out=out
                )
            except DossierSigningFailed as failure:
                if failure.cause.code != UNTRUSTED:
                    raise
                raise UntrustedDossierChain(failure, chain_of(signing, identity, secret)) from failure

        self.running = tasks.start(
            sign,
            self._finished,
            self._failed,
            lane="signing",
            view=self.progress,
            message=tr("dossier_signing.ui.running"),
            owner=self,
        )

    def _finished(self, result: DossierSigningResult) -> None:
        self.outcome = result
        names = "\n".join(f"• {d.name}" for d in result.signed)
        text = tr("dossier_signing.ui.done", count=len(result.signed), signer=result.signer, names=names)
        if result.export is not None:
            text += "\n" + tr("dossier_signing.ui.exported", path=str(result.export.path))
        self.status.setStyleSheet("")
        self.status.setText(text)
        self.running_now = False
        self.show_plan()

    def _failed(self, error: BaseException) -> None:
        from vista_desktop.services.dossier_builder import DossierIncomplete
        from vista_desktop.ui.errors import error_text

        self.running_now = False
        if isinstance(error, UntrustedDossierChain):
            self.add_root_button.offer(error.chain)
            text = error.message()
        elif isinstance(error, DossierIncomplete):
            text = "\n".join([error.message(), *(f.message() for f in error.findings if f.blocking)])
        else:
            text = error.message() if isinstance(error, VistaError) else error_text(error)
        self._error(text)
        self.show_plan()

    def _error(self, text: str) -> None:
        self.status.setStyleSheet("color: #b3261e;")
        self.status.setText(text)
