"""The Verify panel: every signature of a PDF — signer, time, intact, trusted, coverage — and the verdict; the
signer's certificate on request, the document's preview, and the trusted roots."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from vista_desktop.i18n import tr
from vista_desktop.ui import tasks
from vista_desktop.ui.certificate_view import CertificateDialog
from vista_desktop.ui.dialog_parts import action_button, close_button, fitted_record_table, selected_row
from vista_desktop.ui.errors import error_text, show_error
from vista_desktop.ui.file_dialogs import open_file
from vista_desktop.ui.progress import TaskProgress
from vista_desktop.ui.sign_dialog import field_label
from vista_desktop.ui.tables import fill_rows
from vista_desktop.ui.trust_dialog import TrustDialog, add_root_from_file

if TYPE_CHECKING:
    from vista_desktop.services.signing import CertificateDetails, SigningService, VerificationReport

OK_STYLE = "color: #1e6b2f; font-weight: bold;"
BAD_STYLE = "color: #b3261e; font-weight: bold;"
COLUMNS = (
    "ui.verify.col.field",
    "ui.verify.col.signer",
    "ui.verify.col.time",
    "ui.verify.col.intact",
    "ui.verify.col.trusted",
    "ui.verify.col.problems",
)


class VerifyDialog(QDialog):
    def __init__(self, signing: SigningService, pdf: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.signing = signing
        self.setObjectName("verify-dialog")
        self.setWindowTitle(tr("ui.verify.title"))
        self.resize(900, 420)
        self.pdf = pdf
        self.report: VerificationReport | None = None
        self.running: tasks.RunningTask | None = None
        self.progress = TaskProgress(self)
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.verdict = QLabel()
        self.verdict.setObjectName("verdict")
        self.verdict.setWordWrap(True)
        self.table = fitted_record_table("signatures", COLUMNS)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.show_certificate())
        buttons = QDialogButtonBox()
        self.open_button = action_button(buttons, "ui.verify.open", "open-button", self.choose_file)
        self.preview_button = action_button(buttons, "ui.preview.open", "preview-button", self.show_preview)
        self.details_button = action_button(buttons, "ui.verify.details", "cert-details", self.show_certificate)
        self.trust_button = action_button(buttons, "ui.verify.trusted_roots", "trusted-roots", self.show_trust)
        close_button(buttons, self)
        layout = QVBoxLayout(self)
        for widget in (self.file_label, self.verdict, self.table, self.progress, buttons):
            layout.addWidget(widget)
        self._selection_changed()
        self.preview_button.setEnabled(pdf is not None)
        if pdf is not None:
            self.verify(pdf)

    def choose_file(self) -> None:
        path = open_file(self, tr("ui.verify.open"), tr("ui.export.filter_pdf"))
        if path is not None:
            self.verify(path)

    def show_preview(self) -> None:
        from vista_desktop.ui.preview import PreviewDialog  # pypdfium2 loads with the first preview

        if self.pdf is not None:
            PreviewDialog(self.pdf, self).open()

    def show_trust(self) -> None:
        dialog = TrustDialog(self.signing, self)
        dialog.finished.connect(self._trust_changed)
        dialog.open()

    def _trust_changed(self) -> None:
        if self.pdf is not None:
            self.verify(self.pdf)  # a root added or removed may change the verdict

    def add_root(self) -> None:
        self.trust_certificate(None)

    def trust_certificate(self, path: Path | None) -> None:
        """Trust a root (shown and confirmed first) and check again. A file that is not a certificate is explained
        in its own message: the verdict on screen stays the verdict on the document."""
        if add_root_from_file(self.signing, self, path) is not None and self.pdf is not None:
            self.verify(self.pdf)

    # --- certificates ---------------------------------------------------------------------------------------

    def _selection_changed(self) -> None:
        self.details_button.setEnabled(selected_row(self.table) is not None)

    def show_certificate(self, row: int | None = None) -> None:
        row = row if isinstance(row, int) else selected_row(self.table)
        if row is None or self.report is None or self.pdf is None:
            return
        field, pdf = self.report.signatures[row].field, self.pdf
        self.loading_certificate = tasks.start(
            lambda _ctx: self.signing.signer_certificates(pdf),
            lambda found: self._show_certificates(found.get(field, [])),
            self._certificate_failed,
            lane="signing",
            owner=self,
        )

    def _certificate_failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _show_certificates(self, certificates: list[CertificateDetails]) -> None:
        if not certificates:
            show_error(self, tr("ui.verify.no_certificate"))
            return
        CertificateDialog(certificates, self).open()

    # --- verification ---------------------------------------------------------------------------------------

    def verify(self, pdf: Path) -> None:
        self.pdf = pdf
        self.preview_button.setEnabled(True)
        self.file_label.setText(str(pdf))
        self.verdict.setText(tr("ui.verify.running"))
        self.verdict.setStyleSheet("")
        self.table.setRowCount(0)
        self.report = None
        if self.running is not None:
            self.running.cancel()  # a newer file replaces the one being checked
        self.running = tasks.start(
            lambda ctx: self.signing.verify(pdf, context=ctx),
            self._verified,
            self._failed,
            lane="signing",
            view=self.progress,
            message=tr("ui.verify.running"),
            owner=self,
        )

    def _failed(self, exc: BaseException) -> None:
        self._verdict(error_text(exc), False)

    def _verified(self, report: VerificationReport) -> None:
        if report.path != self.pdf:
            return  # the answer for a file the user has since replaced
        self.report = report
        rows = []
        for sig in report.signatures:
            when = sig.signing_time.astimezone().strftime("%d/%m/%Y %H:%M:%S %z") if sig.signing_time else ""
            problems = "; ".join(sig.messages())  # each change after the signature named
            rows.append(
                (
                    field_label(sig.field),
                    sig.signer,
                    when,
                    tr("ui.yes") if sig.intact else tr("ui.no"),
                    tr("ui.yes") if sig.trusted else tr("ui.no"),
                    problems,
                )
            )
        fill_rows(self.table, rows)
        if report.ok:
            self._verdict(tr("verify.ok"), True)
        else:
            codes = list(report.problems) or [c for s in report.signatures for c in s.problems][:1]
            self._verdict("; ".join(tr(c) for c in dict.fromkeys(codes)), False)

    def _verdict(self, text: str, ok: bool) -> None:
        self.verdict.setText(("✓ " if ok else "✗ ") + text)
        self.verdict.setStyleSheet(OK_STYLE if ok else BAD_STYLE)
