"""The official documents measured against Decree 30/2020, read back from the files (pdfplumber): margins, page
breaks, sizes, signature blocks. The stress draft (60 members, a 400-character title, 3,000-character texts,
45-character names) is checked in the PDF and in the DOCX as LibreOffice lays it out."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from vista_desktop.documents import geometry
from vista_desktop.documents.render import render

DATA = Path(__file__).parent / "data"
MM = 72 / 25.4
LEFT, RIGHT = geometry.MARGIN_LEFT_MM * MM, (geometry.PAGE_W_MM - geometry.MARGIN_RIGHT_MM) * MM
TOP, BOTTOM = geometry.MARGIN_TOP_MM * MM, (geometry.PAGE_H_MM - geometry.MARGIN_BOTTOM_MM) * MM
# Grid lines are centred on the frame's edge (half a 0.5 pt line outside); glyph boxes may reach 1 pt past a line.
TOLERANCE = 0.5
HEADING = re.compile(r"^\d+\.\s+[^a-zà-ỹ]+$")
NUMBERED = re.compile(r"^\d+(\.\d+)*\.\s")
CAPTION = re.compile(r"^\d+(\.\d+)*\.\s.*:$")


def stress_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "mau01_stress.json").read_text(encoding="utf-8"))["data"]
    return data


def libreoffice_pdf(docx: Path, folder: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice must be installed in CI (libreoffice-writer-nogui)")
        pytest.skip("LibreOffice is not installed")
    profile = folder / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder / "lo"),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / "lo" / docx.with_suffix(".pdf").name


@pytest.fixture(scope="module")
def stress(tmp_path_factory: pytest.TempPathFactory, mau01_module: Any) -> Iterator[dict[str, Any]]:
    folder = tmp_path_factory.mktemp("stress")
    pdf, docx = folder / "stress.pdf", folder / "stress.docx"
    result = render(mau01_module, stress_data(), pdf, docx)
    return {"pdf": pdf, "docx": docx, "result": result, "folder": folder}


@pytest.fixture(scope="module")
def mau01_module() -> Any:
    from vista_desktop.forms.loader import get_definition

    return get_definition("mau-01", "2023")


@pytest.fixture(scope="module")
def stress_docx_pdf(stress: dict[str, Any]) -> Path:
    return libreoffice_pdf(stress["docx"], stress["folder"])


def _lines(page: Any) -> list[dict[str, Any]]:
    """Text lines of the page inside the frame (the page number in the top margin left out)."""
    return [line for line in page.extract_text_lines() if line["bottom"] > TOP - TOLERANCE]


def layout_problems(pdf_path: Path) -> list[str]:
    """Every breach of the layout rules in a rendered Mẫu 1, one message each."""
    problems: list[str] = []
    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages
        signature_pages: dict[str, int] = {}
        for number, page in enumerate(pages, start=1):
            for char in page.chars:
                if char["text"].isspace():
                    continue
                in_top_margin = char["bottom"] <= TOP
                if in_top_margin and char["text"].isdigit():
                    continue  # the page number
                if char["x0"] < LEFT - TOLERANCE or char["x1"] > RIGHT + TOLERANCE or in_top_margin:
                    problems.append(f"page {number}: {char['text']!r} outside the margins at {char['x0']:.1f}")
                    break
                if char["bottom"] > BOTTOM + 1:
                    problems.append(f"page {number}: {char['text']!r} in the bottom margin")
                    break
            for edge in (*page.lines, *page.rects):
                if edge["x0"] < LEFT - TOLERANCE or edge["x1"] > RIGHT + TOLERANCE:
                    problems.append(f"page {number}: a rule outside the margins ({edge['x0']:.1f}–{edge['x1']:.1f})")
                    break
            lines = _lines(page)
            if not lines:
                problems.append(f"page {number}: blank")
                continue
            for line in lines:
                if NUMBERED.match(line["text"]) and abs(line["x0"] - LEFT) > TOLERANCE:
                    problems.append(f"page {number}: {line['text'][:20]!r} starts at {line['x0'] / MM:.1f} mm")
                    break
            last = lines[-1]["text"].strip()
            if HEADING.match(last) or CAPTION.match(last):
                problems.append(f"page {number}: ends with the heading or caption {last!r}")
            for table in page.find_tables():
                first_cells = [(row[0] or "").strip() for row in table.extract()]
                if not first_cells:
                    continue
                if first_cells[0] != "STT" and not first_cells[0].replace(".", "").isdigit():
                    problems.append(f"page {number}: a table row continues from the previous page")
                if "STT" in first_cells[1:]:
                    problems.append(f"page {number}: the header row repeated inside a table")
                if any(cell == "" for cell in first_cells[1:]):
                    problems.append(f"page {number}: a table row without its number")
            text = page.extract_text()
            for key in ("CHỦ NHIỆM NHIỆM VỤ", "THỦ TRƯỞNG TỔ CHỨC CHỦ TRÌ", "XÁC NHẬN CỦA"):
                if key in text:
                    signature_pages[key] = number
        if len(set(signature_pages.values())) != 1 or len(signature_pages) != 3:
            problems.append(f"the signature set is split or missing: {signature_pages}")
        elif signature_pages:
            page = pages[next(iter(signature_pages.values())) - 1]
            titles = [line for line in _lines(page) if "CHỦ NHIỆM NHIỆM VỤ" in line["text"]]
            above = [line for line in _lines(page) if titles and line["bottom"] < titles[0]["top"]]
            if not above:
                problems.append("the signatures stand alone on their page")
    return problems


def test_stress_pdf_follows_the_layout_rules(stress: dict[str, Any]) -> None:
    assert layout_problems(stress["pdf"]) == []


def test_stress_docx_follows_the_layout_rules_in_libreoffice(stress: dict[str, Any], stress_docx_pdf: Path) -> None:
    assert layout_problems(stress_docx_pdf) == []


def test_pdf_and_docx_agree_on_the_page_count(stress: dict[str, Any], stress_docx_pdf: Path) -> None:
    with pdfplumber.open(stress_docx_pdf) as pdf:
        docx_pages = len(pdf.pages)
    assert abs(docx_pages - stress["result"].pages) <= 1, (stress["result"].pages, docx_pages)


def test_layout_check_catches_a_split_row_and_a_stranded_caption(tmp_path: Path) -> None:
    """The checker itself, on the defects of the old renderer: a row split across pages with the header repeated
    above its nameless rest, and a caption left at the bottom of a page."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from vista_desktop.documents import fonts

    fonts.register_reportlab_fonts()
    style = ParagraphStyle("s", fontName=fonts.reportlab_name(), fontSize=12, leading=14)

    def build(name: str, story: list[Any]) -> list[str]:
        out = tmp_path / name
        margins = {
            "leftMargin": LEFT,
            "rightMargin": 210 * MM - RIGHT,
            "topMargin": TOP,
            "bottomMargin": 297 * MM - BOTTOM,
        }
        SimpleDocTemplate(str(out), **margins).build(story)
        return layout_problems(out)

    def table(rows: list[list[Any]], split_in_row: int) -> Table:
        t = Table([["STT", "Nội dung"], *rows], colWidths=[20 * MM, 140 * MM], repeatRows=1, splitInRow=split_in_row)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black")]))
        return t

    split = build("split.pdf", [Spacer(1, 150 * MM), table([["1", Paragraph("chữ " * 600, style)]], 1)])
    assert any("without its number" in p or "continues from the previous page" in p for p in split), split
    stranded = build(
        "stranded.pdf",
        [Spacer(1, 238 * MM), Paragraph("6.3. Phương pháp nghiên cứu:", style), Paragraph("chữ " * 200, style)],
    )
    assert any("ends with the heading or caption" in p for p in stranded), stranded


def test_stt_and_citizen_ids_never_wrap_in_libreoffice(stress_docx_pdf: Path) -> None:
    with pdfplumber.open(stress_docx_pdf) as pdf:
        words = [w["text"] for page in pdf.pages for w in page.extract_words()]
    assert words.count("STT") >= 10 and "ST" not in words
    ids = [w for w in words if re.fullmatch(r"\d{12}", w)]
    assert len(set(ids)) >= 60
    assert not [w for w in words if re.fullmatch(r"0791\d{1,7}", w)]  # no broken citizen ID


@pytest.mark.parametrize("sentences", [18, 24, 30, 36, 42, 48])
def test_no_heading_or_caption_stranded_at_any_offset(tmp_path: Path, mau01_module: Any, sentences: int) -> None:
    """Texts of growing length move every later heading and caption across the page bottom in turn."""
    data = json.loads((DATA / "mau01_complete.json").read_text(encoding="utf-8"))["data"]
    data["objectives"] = "Xây dựng mô hình dự báo xâm nhập mặn cho vùng ven biển. " * sentences
    data["methods"] = "Học máy, mô hình thủy lực một chiều và hai chiều. " * (sentences // 2)
    data["members"] = data["members"] * (sentences // 6)
    out = tmp_path / "offset.pdf"
    render(mau01_module, data, pdf=out)
    assert layout_problems(out) == []
