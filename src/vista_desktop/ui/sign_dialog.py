"""The Sign dialog: choose the identity (token certificate or .p12 file), enter the PIN, sign on the signing
thread with a busy indicator. The PIN field is cleared as soon as the operation starts."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.i18n import tr
from vista_desktop.services.signing import DocumentSigning
from vista_desktop.settings import load_settings, save_settings
from vista_desktop.signing import SigningProblem
from vista_desktop.ui.signing_bridge import FutureBridge

ERROR_STYLE = "color: #b3261e;"
NEW_FIELD = "Signature1"


def default_output(pdf: Path) -> Path:
    return pdf if pdf.stem.endswith("-ky-so") else pdf.with_name(f"{pdf.stem}-ky-so.pdf")


def field_label(name: str) -> str:
    """'Sig_head' shows as the block it sits on; other fields by their own name."""
    role = name.removeprefix("Sig_")
    text = tr(f"ui.sign.role.{role}")
    return f"{text} ({name})" if text != f"ui.sign.role.{role}" else name


class SignDialog(QDialog):
    signed = Signal(object)  # SignResult

    def __init__(
        self, signing: DocumentSigning, pdf: Path, draft_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.signing = signing
        self.pdf = pdf
        self.draft_id = draft_id
        self.p12_path: Path | None = None
        self.bridge = FutureBridge(self)
        self.setObjectName("sign-dialog")
        self.setWindowTitle(tr("ui.sign.title"))
        self.setMinimumWidth(620)
        self._build()
        self._load_fields()
        self.refresh_identities()

    def _build(self) -> None:
        form = QFormLayout()
        self.document = QLabel(str(self.pdf))
        self.document.setWordWrap(True)
        form.addRow(tr("ui.sign.document"), self.document)
        self.output = QLineEdit(str(default_output(self.pdf)))
        self.output.setObjectName("output")
        form.addRow(tr("ui.sign.output"), self.output)
        self.field = QComboBox()
        self.field.setObjectName("field")
        form.addRow(tr("ui.sign.field"), self.field)
        identity_row = QHBoxLayout()
        self.identity = QComboBox()
        self.identity.setObjectName("identity")
        identity_row.addWidget(self.identity, 1)
        for key, slot in (("ui.sign.choose_p12", self.choose_p12), ("ui.sign.add_module", self.add_module)):
            button = QPushButton(tr(key))
            button.clicked.connect(slot)
            identity_row.addWidget(button)
        form.addRow(tr("ui.sign.identity"), identity_row)
        self.secret = QLineEdit()
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(tr("ui.sign.secret"), self.secret)
        self.reason = QLineEdit()
        self.location = QLineEdit()
        self.organisation = QLineEdit()
        self.timestamp_url = QLineEdit(load_settings().timestamp_url)
        for key, widget in (
            ("ui.sign.reason", self.reason),
            ("ui.sign.location", self.location),
            ("ui.sign.organisation", self.organisation),
            ("ui.sign.timestamp_url", self.timestamp_url),
        ):
            form.addRow(tr(key), widget)
        seal_row = QHBoxLayout()
        self.seal = QLineEdit()
        self.seal.setPlaceholderText(tr("ui.sign.seal_hint"))
        seal_button = QPushButton(tr("ui.sign.choose"))
        seal_button.clicked.connect(self.choose_seal)
        seal_row.addWidget(self.seal, 1)
        seal_row.addWidget(seal_button)
        form.addRow(tr("ui.sign.seal"), seal_row)
        self.certify = QCheckBox(tr("ui.sign.certify"))
        form.addRow("", self.certify)
        self.status = QLabel()
        self.status.setObjectName("sign-status")
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        buttons = QDialogButtonBox()
        self.sign_button = buttons.addButton(tr("ui.sign.sign"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sign_button.setObjectName("sign-button")
        self.sign_button.setDefault(True)
        buttons.addButton(tr("ui.wizard.close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.start_signing)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)

    def _load_fields(self) -> None:
        try:
            fields = self.signing.fields(self.pdf)
        except SigningProblem as problem:
            self._error(problem.message())
            fields = []
        for state in fields:
            label = field_label(state.name) + (f" ({tr('ui.sign.already_signed')})" if state.signed else "")
            self.field.addItem(label, state.name)
            if state.signed:
                self.field.model().item(self.field.count() - 1).setEnabled(False)  # type: ignore[attr-defined]
        self.field.addItem(tr("ui.sign.new_field"), NEW_FIELD)
        first_free = next((i for i, s in enumerate(fields) if not s.signed), len(fields))
        self.field.setCurrentIndex(first_free)

    # --- identities -----------------------------------------------------------------------------------------

    def refresh_identities(self) -> None:
        modules = load_settings().pkcs11_modules
        self.identity.clear()
        self.identity.addItem(tr("ui.sign.searching"), None)
        self.bridge_tokens = FutureBridge(self)
        self.bridge_tokens.watch(self.signing.discover_identities(modules), self._identities_found)

    def _identities_found(self, future: Future[Any]) -> None:
        self.identity.clear()
        try:
            discovery = future.result()
            found, problems = discovery.identities, discovery.problems
        except Exception as exc:  # a broken driver must not hide the .p12 route
            found, problems = [], []
            self._error(str(exc))
        if problems:
            self._error("\n".join(p.message() for p in problems))
        for label, identity in found:
            self.identity.addItem(label, identity)
        if self.p12_path is not None:
            self._add_p12(self.p12_path)
        if self.identity.count() == 0:
            self.identity.addItem(tr("ui.sign.no_identity"), None)

    def _add_p12(self, path: Path) -> None:
        self.identity.insertItem(0, tr("ui.sign.p12_item", name=path.name), self.signing.pkcs12_identity(path))
        self.identity.setCurrentIndex(0)

    def choose_p12(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("ui.sign.choose_p12"), "", tr("ui.sign.p12_filter"))
        if path:
            self.use_p12(Path(path))

    def use_p12(self, path: Path) -> None:
        self.p12_path = path
        self._add_p12(path)

    def add_module(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("ui.sign.add_module"))
        if path:
            save_settings(load_settings().with_module(path))
            self.refresh_identities()

    def choose_seal(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("ui.sign.seal"), "", tr("ui.sign.image_filter"))
        if path:
            self.seal.setText(path)

    # --- signing --------------------------------------------------------------------------------------------

    def start_signing(self) -> None:
        identity = self.identity.currentData()
        if identity is None:
            self._error(tr("ui.sign.no_identity"))
            return
        secret = self.secret.text()
        self.secret.clear()  # held only for this operation
        request = self.signing.request(
            source=self.pdf,
            target=Path(self.output.text()),
            field=self.field.currentData() or NEW_FIELD,
            reason=self.reason.text() or None,
            location=self.location.text() or None,
            organisation=self.organisation.text() or None,
            seal_image=Path(self.seal.text()) if self.seal.text() else None,
            timestamp_url=self.timestamp_url.text() or None,
            certify=self.certify.isChecked(),
        )
        self._busy(True)
        self.bridge.watch(self.signing.sign(request, identity, secret or None, self.draft_id), self._finished)

    def _finished(self, future: Future[Any]) -> None:
        self.bridge.finished.disconnect(self._finished)
        self._busy(False)
        try:
            result = future.result()
        except SigningProblem as problem:
            self._error(problem.message())
            return
        except Exception as exc:
            self._error(tr("ui.sign.failed", reason=str(exc)))
            return
        self.status.setStyleSheet("")
        self.status.setText(
            tr("sign.signed", path=str(result.path), field=result.field, signer=result.signer.common_name)
        )
        if request_url := self.timestamp_url.text().strip():
            save_settings(replace(load_settings(), timestamp_url=request_url))  # remembered for next time
        self.signed.emit(result)
        self.accept()

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.sign_button.setEnabled(not busy)
        self.status.setStyleSheet("")
        self.status.setText(tr("ui.sign.running") if busy else "")
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _error(self, text: str) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(text)
