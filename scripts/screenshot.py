"""Renders the README's screenshots offscreen: the drafts list and the wizard on the PI page with an error.

Usage: QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot.py docs/
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["VISTA_DESKTOP_DATA_DIR"] = tempfile.mkdtemp(prefix="vista-shot-")

from PySide6.QtWidgets import QApplication

from vista_desktop.services.app import AppServices
from vista_desktop.ui.app import load_fonts
from vista_desktop.ui.main_window import MainWindow

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "mau01_complete.json"


def main(out: Path) -> None:
    app = QApplication([])
    load_fonts(app)
    services = AppServices()
    service = services.drafts
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))["data"]
    service.create("mau-01", {"task": {"title": "Xây dựng cơ sở dữ liệu giống cây trồng bản địa tỉnh Lâm Đồng"}})
    data["pi"]["citizen_id"] = "079085012345"  # contradicts the gender: shows the inline error
    record = service.create("mau-01", data)
    window = MainWindow(services)
    window.show()
    app.processEvents()
    window.grab().save(str(out / "drafts.png"))
    wizard = window.open_draft(next(d for d in window.model.drafts if d.id == record.id))
    assert wizard is not None
    wizard.go_to_field("pi.citizen_id")  # the citizen ID contradicting the gender: its inline error shows
    app.processEvents()
    wizard.grab().save(str(out / "wizard.png"))
    wizard.close()
    sign_and_verify(app, services, data, out)


def sign_and_verify(app: QApplication, services: AppServices, data: dict, out: Path) -> None:  # type: ignore[type-arg]
    """The Sign dialog with a .p12 chosen, and the Verify panel on a form signed twice (test certificates)."""
    import time

    sys.path.insert(0, str(SAMPLE.parents[2]))
    from tests.pki import PASSWORD, make_pki

    from vista_desktop.forms.loader import get_definition
    from vista_desktop.services.documents import render_documents
    from vista_desktop.signing.identities import Pkcs12Identity
    from vista_desktop.signing.pdf_sign import SignRequest, sign_pdf
    from vista_desktop.signing.trust import install_user_certificate
    from vista_desktop.ui.sign_dialog import SignDialog
    from vista_desktop.ui.verify_dialog import VerifyDialog

    folder = Path(tempfile.mkdtemp(prefix="vista-shot-pki-"))
    pki = make_pki(folder / "pki")
    install_user_certificate(pki.root_pem)
    pdf = folder / "phieu-mau-01.pdf"
    data["pi"]["citizen_id"] = "079185012345"
    render_documents(get_definition("mau-01"), data, pdf)

    def settle(seconds: float) -> None:
        for _ in range(int(seconds / 0.05)):
            app.processEvents()
            time.sleep(0.05)

    dialog = SignDialog(services.signing, pdf)
    dialog.use_p12(pki["pi"].p12)
    dialog.reason.setText("Chủ nhiệm nhiệm vụ ký xác nhận")
    dialog.location.setText("Tp. Hồ Chí Minh")
    dialog.show()
    settle(1.5)
    dialog.grab().save(str(out / "sign.png"))
    signed = folder / "phieu-mau-01-ky-so.pdf"
    sign_pdf(SignRequest(pdf, signed, field="Sig_pi"), Pkcs12Identity(pki["pi"].p12), PASSWORD)
    sign_pdf(SignRequest(signed, signed, field="Sig_head"), Pkcs12Identity(pki["org"].p12), PASSWORD)
    panel = VerifyDialog(services.signing, signed)
    panel.show()
    settle(2.0)
    panel.grab().save(str(out / "verify.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
