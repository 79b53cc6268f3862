"""A certificate as a clerk checks it: who it belongs to and who issued it (names labelled in the user's language,
not "Common Name / Organization / Country"), serial, validity, citizen ID or tax code, SHA-256 fingerprint.

Shown from the Sign dialog and the Verify panel, and before a root is trusted, where the user confirms it by its
fingerprint.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from vista_desktop.i18n import tr

if TYPE_CHECKING:
    from vista_desktop.services.signing import CertificateDetails


def attribute_label(kind: str) -> str:
    key = f"ui.cert.attr.{kind}"
    text = tr(key)
    return text if text != key else kind  # an attribute we have no name for shows its OID


def name_text(pairs: tuple[tuple[str, str], ...], separator: str = "; ") -> str:
    """'Tên: Nguyễn Văn A; Tổ chức: Viện …; Quốc gia: VN'."""
    return separator.join(f"{attribute_label(kind)}: {value}" for kind, value in pairs)


def fingerprint_text(sha256: str) -> str:
    """The fingerprint as CAs publish it: upper-case byte pairs separated by colons."""
    pairs = [sha256[i : i + 2].upper() for i in range(0, len(sha256), 2)]
    half = len(pairs) // 2
    return ":".join(pairs[:half]) + "\n" + ":".join(pairs[half:])


def date_text(moment: datetime) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M")


def chain_role(index: int, certificate: CertificateDetails) -> str:
    if index == 0:
        return tr("ui.cert.role.holder", name=certificate.common_name)
    key = "ui.cert.role.root" if certificate.self_signed else "ui.cert.role.issuer"
    return tr(key, name=certificate.common_name)


class CertificateView(QWidget):
    """The details of one certificate, every value selectable so that it can be copied."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.values: dict[str, QLabel] = {}
        for key in ("subject", "issuer", "serial", "valid_from", "valid_to", "citizen_id", "tax_code", "sha256"):
            value = QLabel()
            value.setObjectName(f"cert-{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            self.form.addRow(tr(f"ui.cert.{key}"), value)
        self.values["sha256"].setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))

    def show_certificate(self, certificate: CertificateDetails) -> None:
        texts = {
            "subject": name_text(certificate.subject, "\n"),
            "issuer": name_text(certificate.issuer, "\n"),
            "serial": certificate.serial,
            "valid_from": date_text(certificate.not_before),
            "valid_to": date_text(certificate.not_after),
            "citizen_id": certificate.citizen_id or "",
            "tax_code": certificate.tax_code or "",
            "sha256": fingerprint_text(certificate.sha256),
        }
        for key, text in texts.items():
            self.values[key].setText(text)
            hidden = not text and key in ("citizen_id", "tax_code")  # organisations have no citizen ID
            self.form.setRowVisible(self.values[key], not hidden)


class CertificateDialog(QDialog):
    """A certificate and, when there are several (a signer and its issuers), a choice of which one to see.
    With `question`, it asks (Yes/No in the user's language) and `exec()` answers whether the user agreed."""

    def __init__(
        self,
        certificates: list[CertificateDetails],
        parent: QWidget | None = None,
        *,
        title: str | None = None,
        question: str | None = None,
        confirm: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.certificates = certificates
        self.setObjectName("certificate-dialog")
        self.setWindowTitle(title or tr("ui.cert.title"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.chooser = QComboBox()
        self.chooser.setObjectName("certificate-chain")
        self.chooser.setAccessibleName(tr("ui.cert.chain"))
        for index, certificate in enumerate(certificates):
            self.chooser.addItem(chain_role(index, certificate))
        self.chooser.setVisible(len(certificates) > 1)
        self.view = CertificateView(self)
        self.chooser.currentIndexChanged.connect(lambda i: self.view.show_certificate(self.certificates[i]))
        layout.addWidget(self.chooser)
        layout.addWidget(self.view)
        buttons = QDialogButtonBox()
        if question is not None:
            self.question = QLabel(question)
            self.question.setObjectName("certificate-question")
            self.question.setWordWrap(True)
            layout.addWidget(self.question)
            self.yes = buttons.addButton(confirm or tr("ui.yes"), QDialogButtonBox.ButtonRole.AcceptRole)
            no = buttons.addButton(tr("ui.no"), QDialogButtonBox.ButtonRole.RejectRole)
            no.setDefault(True)  # trusting a root is never the default
        else:
            buttons.addButton(tr("ui.cert.close"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if certificates:
            self.view.show_certificate(certificates[0])
