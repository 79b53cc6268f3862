"""The signer's identity, as both signing dialogs offer it: a combo filled by discovering the tokens on the "signing"
lane ("Đang tìm…" meanwhile), a «Tệp .p12/.pfx…» button, and optionally «Thêm thư viện…» for a PKCS#11 module.

A .p12 file chosen while the tokens are still being searched stays chosen and first; a broken driver (discovery
failing outright) never hides the .p12 route. Problems are handed to the dialog's own status line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from vista_desktop.i18n import tr
from vista_desktop.settings import load_settings, save_settings
from vista_desktop.ui import tasks
from vista_desktop.ui.errors import error_text
from vista_desktop.ui.file_dialogs import open_file

if TYPE_CHECKING:
    from vista_desktop.services.signing import CertificateDetails, Discovery, Identity, SigningService

UNTRUSTED = "sign.cert_untrusted"
ProblemSink = Callable[[str], None]


class IdentityPicker(QWidget):
    def __init__(
        self,
        signing: SigningService,
        on_problem: ProblemSink,
        parent: QWidget | None = None,
        *,
        offer_module: bool = False,
    ) -> None:
        super().__init__(parent)
        self.signing, self.on_problem = signing, on_problem
        self.p12_path: Path | None = None
        self.discovery: tasks.RunningTask | None = None
        self.combo = QComboBox(self)
        self.combo.setObjectName("identity")
        # A long item ("Không có chứng thư nào: hãy cắm thiết bị ký số…") is read in full from the tooltip.
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(20)
        self.combo.currentTextChanged.connect(self.combo.setToolTip)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        self.p12_button = self._button("ui.sign.choose_p12", self.choose_p12, row)
        self.module_button = self._button("ui.sign.add_module", self.add_module, row) if offer_module else None

    def _button(self, key: str, slot: Callable[[], None], row: QHBoxLayout) -> QPushButton:
        button = QPushButton(tr(key), self)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def current(self) -> Identity | None:
        identity: Identity | None = self.combo.currentData()
        return identity

    # --- discovery ----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        modules = load_settings().pkcs11_modules
        signing = self.signing
        self.combo.clear()
        self.combo.addItem(tr("ui.sign.searching"), None)
        self.discovery = tasks.start(
            lambda ctx: signing.discover_identities(modules, ctx),
            self._found,
            self._failed,
            lane="signing",
            owner=self,
        )

    def _found(self, discovery: Discovery) -> None:
        self.combo.clear()
        if discovery.problems:
            self.on_problem("\n".join(p.message() for p in discovery.problems))
        for found in discovery.identities:
            self.combo.addItem(found.label, found.identity)
        self._listed()

    def _failed(self, exc: BaseException) -> None:
        self.combo.clear()  # a broken driver must not hide the .p12 route
        self.on_problem(error_text(exc))
        self._listed()

    def _listed(self) -> None:
        if self.p12_path is not None:
            self._add_p12(self.p12_path)
        if self.combo.count() == 0:
            self.combo.addItem(tr("ui.sign.no_identity"), None)

    # --- a .p12 file, a PKCS#11 module --------------------------------------------------------------------------

    def choose_p12(self) -> None:
        path = open_file(self, tr("ui.sign.choose_p12"), tr("ui.sign.p12_filter"))
        if path is not None:
            self.use_p12(path)

    def use_p12(self, path: Path) -> None:
        self.p12_path = path
        self._add_p12(path)

    def _add_p12(self, path: Path) -> None:
        self.combo.insertItem(0, tr("ui.sign.p12_item", name=path.name), self.signing.pkcs12_identity(path))
        self.combo.setCurrentIndex(0)

    def add_module(self) -> None:
        path = open_file(self, tr("ui.sign.add_module"), tr("ui.sign.module_filter"))
        if path is not None:
            save_settings(load_settings().with_module(str(path)))
            self.refresh()


# --- a certificate whose chain leads to no trusted root -----------------------------------------------------------


def chain_of(signing: SigningService, identity: Identity, secret: str | None) -> list[CertificateDetails]:
    """The certificates an identity carries, read on the signing lane while the secret is still at hand."""
    from vista_desktop.services.signing import SigningProblem

    try:
        return signing.identity_certificates(identity, secret)
    except SigningProblem:
        return []  # the user can still choose the root's file


def offer_root(signing: SigningService, parent: QWidget, chain: list[CertificateDetails]) -> CertificateDetails | None:
    """Trust the root of a refused certificate: the one it carries (shown with its fingerprint first), or else one
    the user chooses from a file. None when the user declines."""
    from vista_desktop.ui.trust_dialog import add_root_from_file, confirm_and_trust

    roots = [c for c in chain if c.self_signed]
    if roots:
        return roots[0] if confirm_and_trust(signing, parent, roots[0]) else None
    return add_root_from_file(signing, parent)


class TrustRootButton(QPushButton):
    """«Tin cậy chứng thư gốc này…»: shown after signing was refused for an unknown chain, it offers that chain's
    root and hides itself once the root is trusted (then `on_trusted` tells the dialog which one)."""

    def __init__(
        self, signing: SigningService, on_trusted: Callable[[CertificateDetails], None], parent: QWidget
    ) -> None:
        super().__init__(tr("ui.sign.add_root"), parent)
        self.signing, self.on_trusted = signing, on_trusted
        self.chain: list[CertificateDetails] = []  # the chain of the certificate just refused as untrusted
        self.setObjectName("add-root")
        self.clicked.connect(self.trust_root)
        self.hide()

    def offer(self, chain: list[CertificateDetails]) -> None:
        self.chain = chain
        self.show()

    def withdraw(self) -> None:
        self.chain = []
        self.hide()

    def trust_root(self) -> None:
        trusted = offer_root(self.signing, self.window(), self.chain)
        if trusted is not None:
            self.withdraw()
            self.on_trusted(trusted)
