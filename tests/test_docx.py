from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from vista_desktop.documents.render import render


@pytest.fixture
def docx_path(tmp_path, mau01, complete_data) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "mau01.docx"
    render(mau01, complete_data, docx=out)
    return out


def all_text(doc) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_docx_holds_every_value_and_the_national_title(docx_path, complete_data) -> None:
    text = all_text(Document(str(docx_path)))
    for value in (
        complete_data["task"]["title"],
        complete_data["pi"]["full_name"],
        "1.250.000.000",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tp. Hồ Chí Minh, ngày 05 tháng 02 năm 2025",
        "Phần mềm dự báo mặn",
        "Lê Quốc Hưng",
    ):
        assert value in text, value


def test_docx_uses_times_new_roman_in_every_script_slot(docx_path) -> None:
    doc = Document(str(docx_path))
    normal = doc.styles["Normal"].element.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert normal.get(qn(attr)) == "Times New Roman"
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    assert runs
    for run in runs:
        fonts = run._element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "Times New Roman"
        assert fonts.get(qn("w:cs")) == "Times New Roman"


def test_docx_page_setup_follows_decree_30(docx_path) -> None:
    section = Document(str(docx_path)).sections[0]

    def near(length, mm):  # type: ignore[no-untyped-def]
        return abs(length - Mm(mm)) < Mm(0.1)  # stored in twentieths of a point

    assert near(section.page_width, 210) and near(section.page_height, 297)
    assert near(section.left_margin, 30) and near(section.right_margin, 15)
    assert section.different_first_page_header_footer
    assert "PAGE" in section.header._element.xml


def test_docx_has_no_password(docx_path) -> None:
    import zipfile

    with zipfile.ZipFile(docx_path) as archive:
        settings = archive.read("word/settings.xml").decode()
    assert "documentProtection" not in settings and "writeProtection" not in settings


def test_docx_opens_in_libreoffice(docx_path, tmp_path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice must be installed in CI (libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed")
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = tmp_path / "mau01.pdf"
    assert converted.exists()
    text = subprocess.run(["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    fonts = subprocess.run(["pdffonts", str(converted)], capture_output=True, text=True, check=True).stdout
    # LibreOffice maps Times New Roman to its metric twin when the font itself is absent.
    assert "Times" in fonts or "Liberation" in fonts or "Tinos" in fonts
