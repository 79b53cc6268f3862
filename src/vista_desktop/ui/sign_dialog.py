"""The Sign dialog: choose the identity (token certificate or .p12 file), enter the PIN, sign on the signing
thread with a busy indicator. The PIN field is cleared as soon as the operation starts.

The document can be previewed and the certificate's details seen before signing; when the certificate's chain
leads to no trusted root, the dialog offers to trust the root, shown with its SHA-256 fingerprint first."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.errors import Cancelled, VistaError
from vista_desktop.i18n import tr
from vista_desktop.services.signing import SigningProblem
from vista_desktop.settings import load_settings, save_settings
from vista_desktop.ui import tasks
from vista_desktop.ui.certificate_view import CertificateDialog
from vista_desktop.ui.errors import error_text
from vista_desktop.ui.file_dialogs import open_file
from vista_desktop.ui.identity_picker import UNTRUSTED, IdentityPicker, TrustRootButton, chain_of
from vista_desktop.ui.progress import TaskProgress
from vista_desktop.ui.trust_dialog import TrustDialog

if TYPE_CHECKING:
    from vista_desktop.services.signing import (
        CertificateDetails,
        FieldState,
        SigningService,
        SignResult,
    )
    from vista_desktop.tasks import TaskContext

ERROR_STYLE = "color: #b3261e;"
NEW_FIELD_PREFIX = "Signature"  # pyHanko's own names for fields added at signing time
EXTRA_FIELD = re.compile(rf"{NEW_FIELD_PREFIX}(\d+)")


def default_output(pdf: Path) -> Path:
    return pdf if pdf.stem.endswith("-ky-so") else pdf.with_name(f"{pdf.stem}-ky-so.pdf")


def field_label(name: str) -> str:
    """A field as people know it: 'Sig_head' by the title of the block it sits on, a field added at signing by
    its number; a field of a PDF made elsewhere by its own name."""
    role_key = f"ui.sign.role.{name.removeprefix('Sig_')}"
    if (text := tr(role_key)) != role_key:
        return text
    if extra := EXTRA_FIELD.fullmatch(name):
        return tr("ui.sign.extra_field", number=extra.group(1))
    return name


def new_field_name(fields: list[FieldState]) -> str:
    names = {f.name for f in fields}
    return next(f"{NEW_FIELD_PREFIX}{n}" for n in range(1, len(names) + 2) if f"{NEW_FIELD_PREFIX}{n}" not in names)


class UntrustedChain(VistaError):
    """Signing refused for an unknown chain, with the certificates the identity carries (to offer its root)."""

    def __init__(self, problem: SigningProblem, chain: list[CertificateDetails]) -> None:
        super().__init__(problem.code, **problem.params)
        self.chain = chain


class SignDialog(QDialog):
    signed = Signal(object)  # SignResult

    def __init__(
        self, signing: SigningService, pdf: Path, draft_id: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.signing = signing
        self.pdf = pdf
        self.draft_id = draft_id
        self.running: tasks.RunningTask | None = None
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
        document_row = QHBoxLayout()
        document_row.addWidget(self.document, 1)
        self.preview_button = QPushButton(tr("ui.preview.open"))
        self.preview_button.setObjectName("preview-button")
        self.preview_button.clicked.connect(self.show_preview)
        document_row.addWidget(self.preview_button)
        form.addRow(tr("ui.sign.document"), document_row)
        self.output = QLineEdit(str(default_output(self.pdf)))
        self.output.setObjectName("output")
        form.addRow(tr("ui.sign.output"), self.output)
        self.field = QComboBox()
        self.field.setObjectName("field")
        form.addRow(tr("ui.sign.field"), self.field)
        self.identity_picker = IdentityPicker(self.signing, self._error, self, offer_module=True)
        self.identity = self.identity_picker.combo
        form.addRow(tr("ui.sign.identity"), self.identity_picker)
        certificate_row = QHBoxLayout()
        self.details_button = QPushButton(tr("ui.sign.cert_details"))
        self.details_button.setObjectName("cert-details")
        self.details_button.setToolTip(tr("ui.sign.cert_details_hint"))
        self.details_button.clicked.connect(self.show_certificate)
        self.trust_button = QPushButton(tr("ui.verify.trusted_roots"))
        self.trust_button.setObjectName("trusted-roots")
        self.trust_button.clicked.connect(lambda: TrustDialog(self.signing, self).open())
        certificate_row.addWidget(self.details_button)
        certificate_row.addWidget(self.trust_button)
        certificate_row.addStretch(1)
        form.addRow("", certificate_row)
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
        self.add_root_button = TrustRootButton(self.signing, self._root_added, self)
        self.progress = TaskProgress(self)
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
        layout.addWidget(self.add_root_button)
        layout.addWidget(self.progress)
        layout.addWidget(buttons)

    def _load_fields(self) -> None:
        try:
            fields = self.signing.fields(self.pdf)
        except Exception as exc:
            self._error(error_text(exc))
            fields = []
        for state in fields:
            label = field_label(state.name) + (f" ({tr('ui.sign.already_signed')})" if state.signed else "")
            self.field.addItem(label, state.name)
            if state.signed:
                self.field.model().item(self.field.count() - 1).setEnabled(False)  # type: ignore[attr-defined]
        self.field.addItem(tr("ui.sign.new_field"), new_field_name(fields))
        first_free = next((i for i, s in enumerate(fields) if not s.signed), len(fields))
        self.field.setCurrentIndex(first_free)

    # --- identities -----------------------------------------------------------------------------------------

    def refresh_identities(self) -> None:
        self.identity_picker.refresh()

    def use_p12(self, path: Path) -> None:
        self.identity_picker.use_p12(path)

    def choose_seal(self) -> None:
        path = open_file(self, tr("ui.sign.seal"), tr("ui.sign.image_filter"))
        if path is not None:
            self.seal.setText(str(path))

    # --- the document and the certificate -------------------------------------------------------------------

    def show_preview(self) -> None:
        from vista_desktop.ui.preview import PreviewDialog  # pypdfium2 loads with the first preview

        PreviewDialog(self.pdf, self).open()

    def show_certificate(self) -> None:
        """The chosen certificate's details; a .p12 file opens with the password typed (kept in the field)."""
        identity = self.identity.currentData()
        if identity is None:
            self._error(tr("ui.sign.no_identity"))
            return
        secret = self.secret.text() or None
        self.details_running = tasks.start(
            lambda _ctx: self.signing.identity_certificates(identity, secret),
            self._show_certificates,
            lambda exc: self._error(error_text(exc)),
            lane="signing",
            owner=self,
        )

    def _show_certificates(self, certificates: list[CertificateDetails]) -> None:
        if not certificates:
            self._error(tr("ui.sign.no_certificate"))
            return
        CertificateDialog(certificates, self).open()

    def _root_added(self, trusted: CertificateDetails) -> None:
        self.status.setStyleSheet("")
        self.status.setText(tr("ui.sign.root_added", name=trusted.common_name))
        self.secret.setFocus()

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
            field=self.field.currentData(),
            reason=self.reason.text() or None,
            location=self.location.text() or None,
            organisation=self.organisation.text() or None,
            seal_image=Path(self.seal.text()) if self.seal.text() else None,
            timestamp_url=self.timestamp_url.text() or None,
            certify=self.certify.isChecked(),
        )
        signing, draft_id = self.signing, self.draft_id

        def sign(context: TaskContext) -> SignResult:
            try:
                return signing.sign(request, identity, secret or None, draft_id=draft_id, context=context)
            except SigningProblem as problem:
                if problem.code != UNTRUSTED:
                    raise
                # the chain the identity carries, read with the same secret while it is still at hand
                raise UntrustedChain(problem, chain_of(signing, identity, secret or None)) from problem

        self.running = tasks.start(
            sign,
            self._finished,
            self._failed,
            lane="signing",
            view=self.progress,
            message=tr("ui.sign.running"),
            owner=self,
        )
        self._busy(True)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self._error(exc.message() if isinstance(exc, Cancelled) else error_text(exc))
        if isinstance(exc, UntrustedChain):
            self.add_root_button.offer(exc.chain)
            if exc.chain:  # the issuer by its name, not as "Common Name: …, Organization: …, Country: …"
                holder = exc.chain[0]
                self._error(tr("ui.sign.untrusted", name=holder.common_name, issuer=holder.issuer_name))

    def _finished(self, result: SignResult) -> None:
        self._busy(False)
        self.status.setStyleSheet("")
        self.status.setText(
            tr("sign.signed", path=str(result.path), field=field_label(result.field), signer=result.signer.common_name)
        )
        if request_url := self.timestamp_url.text().strip():
            save_settings(replace(load_settings(), timestamp_url=request_url))  # remembered for next time
        self.signed.emit(result)
        self.accept()

    def _busy(self, busy: bool) -> None:
        self.sign_button.setEnabled(not busy)
        self.add_root_button.hide()
        self.status.setStyleSheet("")
        self.status.setText(tr("ui.sign.running") if busy else "")
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _error(self, text: str) -> None:
        self.status.setStyleSheet(ERROR_STYLE)
        self.status.setText(text)
