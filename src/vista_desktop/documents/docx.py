"""Render the document model to DOCX with python-docx: Times New Roman, Unicode, no password (Circular 14)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from reportlab.pdfbase.pdfmetrics import stringWidth

from vista_desktop.documents import fonts
from vista_desktop.documents.model import (
    MOTTO,
    NATIONAL_TITLE,
    Document,
    Header,
    Heading,
    KeyValue,
    Recipient,
    SignatureRow,
    TableBlock,
    Title,
)
from vista_desktop.documents.pdf import register_fonts
from vista_desktop.forms.values import nfc

TEXT_WIDTH_MM = 210 - 30 - 15
EMPTY = "……………………"


def _set_run_font(run: Any, size: float | None = None, bold: bool = False, italic: bool = False) -> None:
    run.font.name = fonts.DOCX_FONT
    # python-docx sets only ascii/hAnsi: Vietnamese text can fall to the east-Asian or complex-script slot.
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs", "w:ascii", "w:hAnsi"):
        r_fonts.set(qn(attr), fonts.DOCX_FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None


def _para(
    container: Any,
    text: str = "",
    *,
    size: float = 13,
    bold: bool = False,
    italic: bool = False,
    align: Any = None,
    indent_first: float | None = None,
    space_after: float = 3,
) -> Any:
    paragraph = container.add_paragraph()
    if text:
        _set_run_font(paragraph.add_run(nfc(text)), size, bold, italic)
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent_first is not None:
        fmt.first_line_indent = Mm(indent_first)
    return paragraph


def _rule(container: Any, rule_width_mm: float, cell_width_mm: float) -> None:
    """A centred rule `rule_width_mm` long: an empty, tiny paragraph with a bottom border and matching indents."""
    paragraph = container.add_paragraph()
    _set_run_font(paragraph.add_run(""), 2)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(2)
    indent = max((cell_width_mm - rule_width_mm) / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(indent)
    paragraph.paragraph_format.right_indent = Mm(indent)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _width_mm(text: str, style: str, size: float) -> float:
    register_fonts()
    return float(stringWidth(nfc(text), f"{fonts.FAMILY}-{style}", size)) * 25.4 / 72


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _fixed_widths(table: Any, widths_mm: list[float]) -> None:
    """Column widths that Word and LibreOffice both honour: fixed layout, grid columns and cell widths."""
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def _no_cell_margins(table: Any) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), "0")
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _clear(cell: Any) -> Any:
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return cell


def _header(doc: Any, header: Header) -> None:
    if header.form_number:
        _para(doc, header.form_number, size=11, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    left_w, right_w = TEXT_WIDTH_MM * 0.45, TEXT_WIDTH_MM * 0.55
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _fixed_widths(table, [left_w, right_w])
    _no_cell_margins(table)
    left, right = (_clear(c) for c in table.rows[0].cells)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    if header.superior:
        _para(left, header.superior, size=12, align=centre, space_after=0)
    _para(left, header.issuer or " ", size=12, bold=True, align=centre, space_after=0)
    _rule(left, max(min(_width_mm(header.issuer, "bold", 12), left_w) / 3, 15), left_w)
    _para(right, NATIONAL_TITLE, size=12, bold=True, align=centre, space_after=0)
    _para(right, MOTTO, size=13, bold=True, align=centre, space_after=0)
    _rule(right, _width_mm(MOTTO, "bold", 13), right_w)
    if header.date_line:
        date = _para(right, header.date_line, italic=True, align=centre)
        date.paragraph_format.space_before = Pt(8)


def _table(doc: Any, block: TableBlock) -> None:
    _para(doc, f"{block.number} {block.caption}:")
    table = doc.add_table(rows=1, cols=len(block.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(block.widths)
    widths = [Mm(TEXT_WIDTH_MM * w / total) for w in block.widths]
    _fixed_widths(table, [TEXT_WIDTH_MM * w / total for w in block.widths])
    head = table.rows[0]
    # Repeat the header row on every page the table runs onto.
    head._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text, width in zip(head.cells, block.headers, widths, strict=True):
        cell.width = width
        _set_cell(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in block.rows or (("",) * len(block.headers),):
        cells = table.add_row().cells
        for cell, text, width in zip(cells, row, widths, strict=True):
            cell.width = width
            _set_cell(cell, text)


def _set_cell(cell: Any, text: str, bold: bool = False, align: Any = None) -> None:
    paragraph = cell.paragraphs[0]
    _set_run_font(paragraph.add_run(nfc(text)), 11, bold)
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align


def _key_value(doc: Any, block: KeyValue) -> None:
    label = f"{block.number} {block.label}:"
    if block.caption_only:
        _para(doc, label)
    elif block.long:
        _para(doc, label)
        for text in [t for t in block.value.split("\n") if t.strip()] or [EMPTY]:
            _para(doc, text, indent_first=10, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    else:
        paragraph = _para(doc, label + " ")
        _set_run_font(paragraph.add_run(nfc(block.value) or EMPTY), 13, bold=bool(block.value))


def _signatures(doc: Any, row: SignatureRow) -> None:
    _para(doc, "")
    table = doc.add_table(rows=1, cols=max(len(row.boxes), 1))
    _no_borders(table)
    _fixed_widths(table, [TEXT_WIDTH_MM / len(row.boxes)] * len(row.boxes))
    centre = WD_ALIGN_PARAGRAPH.CENTER
    for cell, box in zip(table.rows[0].cells, row.boxes, strict=True):
        _clear(cell)
        _para(cell, box.title, size=12, bold=True, align=centre, space_after=0)
        if box.note:
            _para(cell, box.note, size=12, italic=True, align=centre, space_after=0)
        for _ in range(4):
            _para(cell, "", space_after=0)
        _para(cell, box.name, bold=True, align=centre)


def _page_numbers(section: Any) -> None:
    """Page numbers centred at the top from page 2 (Decree 30): an empty first-page header, PAGE field after."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _set_run_font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _setup(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = fonts.DOCX_FONT
    normal.font.size = Pt(13)
    r_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs", "w:ascii", "w:hAnsi"):
        r_fonts.set(qn(attr), fonts.DOCX_FONT)
    _page_numbers(section)


def render_docx(document: Document, out: Path) -> Path:
    doc = new_docx()
    _setup(doc)
    doc.core_properties.title = nfc(document.title)
    doc.core_properties.author = "VISTA Desktop"
    doc.core_properties.language = document.language
    for block in document.blocks:
        if isinstance(block, Header):
            _header(doc, block)
        elif isinstance(block, Title):
            title = _para(doc, block.text, size=14, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            title.paragraph_format.space_before = Pt(14)
            if block.subtitle:
                _para(doc, block.subtitle, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        elif isinstance(block, Recipient):
            _para(doc, block.text, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
        elif isinstance(block, Heading):
            heading = _para(doc, f"{block.number} {block.text}", bold=True)
            heading.paragraph_format.space_before = Pt(8)
            heading.paragraph_format.keep_with_next = True
        elif isinstance(block, KeyValue):
            _key_value(doc, block)
        elif isinstance(block, TableBlock):
            _table(doc, block)
        elif isinstance(block, SignatureRow):
            _signatures(doc, block)
    out = Path(out)
    fd, tmp_name = tempfile.mkstemp(prefix=".vista-", suffix=".docx", dir=out.parent)
    os.close(fd)
    try:
        doc.save(tmp_name)
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return out
