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


def _rows(doc):  # type: ignore[no-untyped-def]
    return [row for table in doc.tables for row in table.rows]


def test_docx_language_is_vietnamese_everywhere(docx_path) -> None:
    doc = Document(str(docx_path))
    normal = doc.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal is not None and normal.get(qn("w:val")) == "vi-VN"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:lang")).get(qn("w:val")) == "vi-VN"
    runs = [r for p in doc.paragraphs for r in p.runs if r.text.strip()]
    runs += [r for row in _rows(doc) for c in row.cells for p in c.paragraphs for r in p.runs if r.text.strip()]
    assert all(r._element.rPr.find(qn("w:lang")).get(qn("w:val")) == "vi-VN" for r in runs)


def test_docx_page_breaks_are_stated_the_word_way(docx_path) -> None:
    doc = Document(str(docx_path))
    for paragraph in doc.paragraphs:
        text = paragraph.text
        if text[:1].isdigit() and (text.rstrip().endswith(":") or text == text.upper()):
            assert paragraph.paragraph_format.keep_with_next, text  # headings and captions
    grid_tables = [t for t in doc.tables if t.rows[0].cells[0].text == "STT"]
    assert grid_tables
    for table in grid_tables:
        for row in table.rows:
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    signatures = doc.tables[-1]
    assert "CHỦ NHIỆM NHIỆM VỤ" in signatures.rows[0].cells[0].text
    assert "XÁC NHẬN CỦA" in signatures.rows[-1].cells[0].text  # one table: the set never splits
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in signatures.rows)
    body = doc.element.body
    last = body[-2]  # before sectPr
    assert last.tag == qn("w:p") and "".join(last.itertext()) == ""
    assert Document(str(docx_path)).paragraphs[-1].runs[0].font.size.pt <= 1  # never a blank page of its own


def test_docx_sizes_and_widths_come_from_the_shared_geometry(docx_path) -> None:
    from vista_desktop.documents import geometry

    doc = Document(str(docx_path))
    signatures = doc.tables[-1]
    title = signatures.rows[0].cells[0].paragraphs[0].runs[0]
    assert title.bold and title.font.size.pt == geometry.SIGN_TITLE_SIZE == 13
    members = next(t for t in doc.tables if "Số CCCD" in t.rows[0].cells[-1].text)
    widths = [int(c.get(qn("w:w"))) / 1440 * 25.4 for c in members._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(widths) - geometry.TEXT_W_MM) < 0.2
    assert widths[0] >= geometry.min_column_mm("STT", "000") - 0.05  # twips rounding
    assert widths[-1] >= geometry.text_width_mm("079185012345", "regular", 12) + 2 * geometry.CELL_PAD_MM
    cell_run = members.rows[1].cells[1].paragraphs[0].runs[0]
    assert cell_run.font.size.pt == geometry.TABLE_SIZE >= 12


def test_docx_working_copy_is_marked_on_every_page(tmp_path, mau01, complete_data) -> None:
    out = tmp_path / "draft.docx"
    render(mau01, complete_data, docx=out, working_copy=True)
    doc = Document(str(out))
    section = doc.sections[0]
    for header in (section.first_page_header, section.header):
        xml = header._element.xml
        assert "DỰ THẢO – bản làm việc, chưa hợp lệ để ký" in xml
        assert 'string="DỰ THẢO"' in xml  # the diagonal watermark
    assert "vista-working-copy" in doc.core_properties.keywords
    official = tmp_path / "official.docx"
    render(mau01, complete_data, docx=official)
    assert "DỰ THẢO" not in Document(str(official)).sections[0].header._element.xml
