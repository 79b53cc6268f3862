"""Trusted roots: the certificates the app trusts (bundled with it, or added by the user), adding one from a file
after the user has checked its fingerprint, and removing one the user added. The bundled roots cannot be removed.

`confirm_and_trust` and `add_root_from_file` are the one way a root gets trusted, from here, the Sign dialog and
the Verify panel: the certificate's subject and SHA-256 fingerprint are shown and confirmed first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTableWidgetItem, QVBoxLayout, QWidget

from vista_desktop.i18n import tr
from vista_desktop.ui import tasks
from vista_desktop.ui.certificate_view import CertificateDialog, date_text, name_text
from vista_desktop.ui.dialog_parts import action_button, close_button, fitted_record_table, selected_row
from vista_desktop.ui.dialogs import ask
from vista_desktop.ui.errors import error_text, show_error
from vista_desktop.ui.file_dialogs import open_file

if TYPE_CHECKING:
    from vista_desktop.services.signing import CertificateDetails, SigningService, TrustedCertificate

COLUMNS = ("ui.trust.col.name", "ui.trust.col.issuer", "ui.trust.col.valid_to", "ui.trust.col.source")


def confirm_and_trust(signing: SigningService, parent: QWidget | None, certificate: CertificateDetails) -> bool:
    """Show the certificate with its fingerprint, and trust it only if the user says so."""
    dialog = CertificateDialog(
        [certificate],
        parent,
        title=tr("ui.trust.confirm_title"),
        question=tr("ui.trust.confirm", name=certificate.common_name),
        confirm=tr("ui.trust.confirm_yes"),
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    try:
        signing.add_trusted_certificate(certificate)
    except Exception as exc:
        show_error(parent, exc)
        return False
    return True


def choose_root(signing: SigningService, parent: QWidget | None, path: Path) -> CertificateDetails | None:
    """The certificate of `path` to be trusted (the root when the file holds a chain), or None after telling the
    user why the file cannot be used. A file that is not a certificate never changes anything else on screen."""
    try:
        certificates = signing.certificate_file(path)
    except Exception as exc:
        show_error(parent, exc, tr("ui.trust.bad_file_title"))
        return None
    roots = [c for c in certificates if c.self_signed]
    return (roots or certificates)[0]


def add_root_from_file(
    signing: SigningService, parent: QWidget | None, path: Path | None = None
) -> CertificateDetails | None:
    """Ask for a certificate file (unless given), show it, and trust it once confirmed."""
    path = path or open_file(parent, tr("ui.trust.add"), tr("ui.verify.cert_filter"))
    if path is None:
        return None
    certificate = choose_root(signing, parent, path)
    if certificate is None or not confirm_and_trust(signing, parent, certificate):
        return None
    return certificate


class TrustDialog(QDialog):
    def __init__(self, signing: SigningService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.signing = signing
        self.entries: list[TrustedCertificate] = []
        self.setObjectName("trust-dialog")
        self.setWindowTitle(tr("ui.trust.title"))
        self.resize(820, 420)
        intro = QLabel(tr("ui.trust.intro"))
        intro.setWordWrap(True)
        self.table = fitted_record_table("trusted-roots", COLUMNS, stretch=0)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.show_details())
        buttons = QDialogButtonBox()
        self.add_button = action_button(buttons, "ui.trust.add", "add-root", self.add_root)
        self.details_button = action_button(buttons, "ui.trust.details", "root-details", self.show_details)
        self.remove_button = action_button(buttons, "ui.trust.remove", "remove-root", self.remove_selected)
        close_button(buttons, self, "ui.cert.close")
        self.status = QLabel()
        self.status.setObjectName("trust-status")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        for widget in (intro, self.table, self.status, buttons):
            layout.addWidget(widget)
        self.reload()

    def reload(self) -> None:
        self.loading = tasks.start(lambda _ctx: self.signing.trust_list(), self._listed, self._failed, owner=self)

    def _listed(self, entries: list[TrustedCertificate]) -> None:
        self.entries = entries
        self.table.setRowCount(0)
        for entry in entries:
            details = entry.details
            values = (
                details.common_name,
                details.issuer_name if not details.self_signed else tr("ui.trust.self_signed"),
                date_text(details.not_after),
                tr("ui.trust.bundled") if entry.bundled else tr("ui.trust.added"),
            )
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(name_text(details.subject, "\n"))
                self.table.setItem(row, column, item)
        self._selection_changed()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(error_text(exc))

    def selected(self) -> TrustedCertificate | None:
        row = selected_row(self.table)
        return None if row is None else self.entries[row]

    def _selection_changed(self) -> None:
        entry = self.selected()
        self.details_button.setEnabled(entry is not None)
        self.remove_button.setEnabled(entry is not None and not entry.bundled)
        if entry is not None and entry.bundled:
            self.remove_button.setToolTip(tr("ui.trust.bundled_kept"))

    def show_details(self) -> None:
        entry = self.selected()
        if entry is not None:
            CertificateDialog([entry.details], self).open()

    def add_root(self, path: Path | None = None) -> None:
        added = add_root_from_file(self.signing, self, path if isinstance(path, Path) else None)
        if added is not None:
            self.status.setText(tr("ui.trust.added_done", name=added.common_name))
            self.reload()

    def remove_selected(self) -> None:
        entry = self.selected()
        if entry is None or entry.bundled:
            return
        name = entry.details.common_name
        if not ask(self, tr("ui.trust.remove_title"), tr("ui.trust.remove_confirm", name=name)):
            return
        try:
            self.signing.remove_trusted_certificate(entry.details)
        except Exception as exc:
            show_error(self, exc)
            return
        self.status.setText(tr("ui.trust.removed", name=name))
        self.reload()
