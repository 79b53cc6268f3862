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

from PySide6.QtWidgets import QApplication  # noqa: E402

from vista_desktop.services.drafts import DraftService  # noqa: E402
from vista_desktop.ui.app import load_fonts  # noqa: E402
from vista_desktop.ui.main_window import MainWindow  # noqa: E402

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "mau01_complete.json"


def main(out: Path) -> None:
    app = QApplication([])
    load_fonts(app)
    service = DraftService.open_default()
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))["data"]
    service.create("mau-01", {"task": {"title": "Xây dựng cơ sở dữ liệu giống cây trồng bản địa tỉnh Lâm Đồng"}})
    data["pi"]["citizen_id"] = "079085012345"  # contradicts the gender: shows the inline error
    record = service.create("mau-01", data)
    window = MainWindow(service)
    window.show()
    app.processEvents()
    window.grab().save(str(out / "drafts.png"))
    wizard = window.open_draft(next(d for d in window.model.drafts if d.id == record.id))
    assert wizard is not None
    page_index = next(i for i, p in enumerate(wizard.section_pages) if p.section.id == "pi")
    wizard.go_to(page_index)
    wizard.next()  # refused: shows the problems of the page
    app.processEvents()
    wizard.grab().save(str(out / "wizard.png"))
    wizard.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
