"""Render the document model to DOCX with python-docx: Times New Roman, Unicode, no password (Circular 14).

Geometry, sizes and line breaks of headers, signature titles and names come from `geometry`, like the PDF's. The
PDF's page-break rules are stated the Word way: keep-with-next on headings, captions, header rows and the text
before the signatures; cantSplit on every table row; the whole signature set in one table whose rows keep together.
Every run and the document defaults carry the vi-VN language tag (spelling, hyphenation, screen readers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from vista_desktop.documents import fonts
from vista_desktop.documents import geometry as g
from vista_desktop.documents.model import (
    MOTTO,
    NATIONAL_TITLE,
    Document,
    Header,
    Heading,
    KeyValue,
    Recipient,
    SignatureBox,
    SignatureRow,
    TableBlock,
    Title,
)
from vista_desktop.forms.values import nfc
from vista_desktop.i18n import tr

LANG = "vi-VN"
CENTRE = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
# Word's compatibility mode 15 measures a table's indent to its border, so a table with no indent has its grid on
# the margin (older modes put the cell text there and the border outside the margin).
COMPATIBILITY_MODE = "15"


def _lang(r_pr: Any) -> None:
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        r_pr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), LANG)


def _set_run_font(run: Any, size: float | None = None, bold: bool = False, italic: bool = False) -> None:
    run.font.name = fonts.DOCX_FONT
    # python-docx sets only ascii/hAnsi: Vietnamese text can fall to the east-Asian or complex-script slot.
    r_pr = run._element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs", "w:ascii", "w:hAnsi"):
        r_fonts.set(qn(attr), fonts.DOCX_FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold or None
    run.italic = italic or None
    _lang(r_pr)


def _para(
    container: Any,
    text: str | Sequence[str] = "",
    *,
    size: float = g.BODY_SIZE,
    bold: bool = False,
    italic: bool = False,
    align: Any = None,
    indent_first: float | None = None,
    space_before: float = 0,
    space_after: float = g.PARAGRAPH_SPACE_PT,
    keep_next: bool = False,
) -> Any:
    """A paragraph at the PDF's exact line height; a sequence of lines is printed with line breaks between."""
    paragraph = container.add_paragraph()
    lines = [text] if isinstance(text, str) else list(text)
    for i, line in enumerate(lines):
        run = paragraph.add_run(nfc(line))
        _set_run_font(run, size, bold, italic)
        if i < len(lines) - 1:
            run.add_break()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(space_before)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(g.leading(size))
    fmt.widow_control = True
    if keep_next:
        fmt.keep_with_next = True
    if indent_first is not None:
        fmt.first_line_indent = Mm(indent_first)
    return paragraph


def _rule(container: Any, rule_width_mm: float, cell_width_mm: float) -> None:
    """A centred rule `rule_width_mm` long: an empty, tiny paragraph with a bottom border and matching indents."""
    paragraph = container.add_paragraph()
    _set_run_font(paragraph.add_run(""), 2)
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(0)
    fmt.space_before = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(2)
    indent = max((cell_width_mm - rule_width_mm) / 2, 0)
    fmt.left_indent = Mm(indent)
    fmt.right_indent = Mm(indent)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _borders(table: Any, value: str, size: int = 4) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), value)
        if value != "nil":
            element.set(qn("w:sz"), str(size))
            element.set(qn("w:space"), "0")
            element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)


def _twips(mm: float) -> str:
    return str(round(mm * 1440 / 25.4))


def _fixed_widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Column widths that Word and LibreOffice both honour: fixed layout, total width, no indent, grid columns and
    cell widths."""
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    for tag, value in (("w:tblW", sum(widths_mm)), ("w:tblInd", 0.0)):
        element = tbl_pr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            tbl_pr.append(element)
        element.set(qn("w:w"), _twips(value))
        element.set(qn("w:type"), "dxa")
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), _twips(width))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _cell_margins(table: Any, horizontal_mm: float, vertical_pt: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for edge, twips in (
        ("top", round(vertical_pt * 20)),
        ("left", int(_twips(horizontal_mm))),
        ("bottom", round(vertical_pt * 20)),
        ("right", int(_twips(horizontal_mm))),
    ):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _row_flag(row: Any, tag: str) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement(tag))


def _clear(cell: Any) -> Any:
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return cell


def _header(doc: Any, header: Header) -> None:
    left_w, right_w = g.header_widths_mm()
    issuer_w = left_w - g.HEADER_GAP_MM
    if header.form_number or header.annex:
        for text, size, bold, italic in (
            (header.form_number, g.FORM_NUMBER_SIZE, True, False),
            (header.annex, g.ANNEX_SIZE, False, True),
        ):
            if text:
                p = _para(doc, text, size=size, bold=bold, italic=italic, align=CENTRE, space_after=0, keep_next=True)
                p.paragraph_format.left_indent = Mm(left_w)
        doc.paragraphs[-1].paragraph_format.space_after = Pt(4 * g.PT_PER_MM)
    table = doc.add_table(rows=1, cols=2)
    _borders(table, "nil")
    _fixed_widths(table, [left_w, right_w])
    _cell_margins(table, 0, 0)
    left, right = (_clear(c) for c in table.rows[0].cells)
    if header.superior:
        lines = g.balanced_lines(header.superior, "regular", g.ISSUER_SIZE, issuer_w)
        _para(left, lines, size=g.ISSUER_SIZE, align=CENTRE, space_after=0).paragraph_format.right_indent = Mm(
            g.HEADER_GAP_MM
        )
    issuer_lines = g.balanced_lines(header.issuer, "bold", g.ISSUER_SIZE, issuer_w) or [" "]
    issuer = _para(left, issuer_lines, size=g.ISSUER_SIZE, bold=True, align=CENTRE, space_after=0)
    issuer.paragraph_format.right_indent = Mm(g.HEADER_GAP_MM)
    widest = max(g.text_width_mm(line, "bold", g.ISSUER_SIZE) for line in issuer_lines)
    _rule(left, max(widest / 3, 15), issuer_w)
    if header.doc_number:
        number = _para(left, header.doc_number, size=g.ISSUER_SIZE, align=CENTRE, space_after=0)
        number.paragraph_format.right_indent = Mm(g.HEADER_GAP_MM)
    _para(right, NATIONAL_TITLE, size=g.NATIONAL_TITLE_SIZE, bold=True, align=CENTRE, space_after=0)
    _para(right, MOTTO, size=g.MOTTO_SIZE, bold=True, align=CENTRE, space_after=0)
    _rule(right, g.text_width_mm(MOTTO, "bold", g.MOTTO_SIZE), right_w)
    if header.date_line:
        _para(right, header.date_line, italic=True, align=CENTRE, space_before=4 * g.PT_PER_MM)


def _table(doc: Any, block: TableBlock) -> None:
    _para(doc, f"{block.number} {block.caption}", keep_next=True)
    table = doc.add_table(rows=1, cols=len(block.headers))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    _borders(table, "single")
    _cell_margins(table, g.CELL_PAD_MM, g.CELL_PAD_V_PT)
    head = table.rows[0]
    # The header row repeats on every page the table runs onto and never stands without a first row.
    _row_flag(head, "w:tblHeader")
    _row_flag(head, "w:cantSplit")
    for cell, text in zip(head.cells, block.headers, strict=True):
        _set_cell(cell, text, bold=True, align=CENTRE, keep_next=True)
        shading = OxmlElement("w:shd")
        for key, value in (("w:val", "clear"), ("w:color", "auto"), ("w:fill", "EDEDED")):
            shading.set(qn(key), value)
        cell._tc.get_or_add_tcPr().append(shading)
    for row in block.rows:
        added = table.add_row()
        _row_flag(added, "w:cantSplit")
        for i, (cell, text) in enumerate(zip(added.cells, row, strict=True)):
            _set_cell(cell, text, align=CENTRE if i == 0 else None)
    _fixed_widths(table, block.widths_mm)
    _para(doc, "", size=2, space_after=g.PARAGRAPH_SPACE_PT - 2)


def _set_cell(cell: Any, text: str, bold: bool = False, align: Any = None, keep_next: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    lines = nfc(text).split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        _set_run_font(run, g.TABLE_SIZE, bold)
        if i < len(lines) - 1:
            run.add_break()
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(g.leading(g.TABLE_SIZE))
    if keep_next:
        fmt.keep_with_next = True
    if align is not None:
        paragraph.alignment = align


def _key_value(doc: Any, block: KeyValue) -> list[Any]:
    label = f"{block.number} {block.label}"
    if block.caption_only:
        return [_para(doc, label, keep_next=True)]
    if block.long:
        paragraphs = [_para(doc, label, keep_next=True)]
        for text in [t for t in block.value.split("\n") if t.strip()] or [g.EMPTY_VALUE]:
            paragraphs.append(_para(doc, text, indent_first=g.FIRST_LINE_INDENT_MM, align=JUSTIFY))
        return paragraphs
    paragraph = _para(doc, label + " ", align=JUSTIFY)
    _set_run_font(paragraph.add_run(nfc(block.value) or g.EMPTY_VALUE), g.BODY_SIZE, bold=bool(block.value))
    return [paragraph]


def _signature_cell(cell: Any, box: SignatureBox, inner_mm: float, head_lines: int, name_lines: int) -> None:
    _clear(cell)
    title = g.balanced_lines(box.title, "bold", g.SIGN_TITLE_SIZE, inner_mm)
    note = g.balanced_lines(box.note, "italic", g.SIGN_NOTE_SIZE, inner_mm) if box.note else []
    _para(cell, title, size=g.SIGN_TITLE_SIZE, bold=True, align=CENTRE, space_after=0, keep_next=True)
    if note:
        _para(cell, note, size=g.SIGN_NOTE_SIZE, italic=True, align=CENTRE, space_after=0, keep_next=True)
    # Blank lines so that every block's signing space starts at the same height in its row, as in the PDF.
    missing = head_lines - len(title) - len(note)
    if missing > 0:
        _para(cell, [""] * missing, size=g.SIGN_NOTE_SIZE, space_after=0, keep_next=True)
    space = _para(cell, "", space_after=0, keep_next=True)
    space.paragraph_format.line_spacing = Pt(g.SIGN_SPACE_MM * g.PT_PER_MM)
    name = g.balanced_lines(box.name, "bold", g.SIGN_NAME_SIZE, inner_mm) or [""]
    _para(cell, name, size=g.SIGN_NAME_SIZE, bold=True, align=CENTRE, space_after=0)


def _signatures(doc: Any, rows: Sequence[SignatureRow]) -> None:
    _para(doc, "", size=2, space_after=g.SIGN_GAP_BEFORE_MM * g.PT_PER_MM - 2, keep_next=True)
    col_w = g.TEXT_W_MM / g.SIGN_COLUMNS
    inner = col_w - 2 * g.SIGN_BOX_PAD_MM
    table = doc.add_table(rows=len(rows), cols=g.SIGN_COLUMNS)
    _borders(table, "nil")
    _cell_margins(table, g.SIGN_BOX_PAD_MM, 0)
    _fixed_widths(table, [col_w] * g.SIGN_COLUMNS)
    for index, (row, signature) in enumerate(zip(table.rows, rows, strict=True)):
        _row_flag(row, "w:cantSplit")
        heads = [
            len(g.balanced_lines(b.title, "bold", g.SIGN_TITLE_SIZE, inner))
            + (len(g.balanced_lines(b.note, "italic", g.SIGN_NOTE_SIZE, inner)) if b.note else 0)
            for b in signature.boxes
        ]
        names = [len(g.balanced_lines(b.name, "bold", g.SIGN_NAME_SIZE, inner)) for b in signature.boxes]
        cells = list(row.cells)
        if len(signature.boxes) == 1:
            cells = [cells[0].merge(cells[-1])]
        for cell, box in zip(cells, signature.boxes, strict=False):
            _signature_cell(cell, box, inner, max(heads), max(names))
        if index < len(rows) - 1:
            # The rows keep together: the last paragraph of each cell keeps with the next row.
            for cell in cells:
                cell.paragraphs[-1].paragraph_format.keep_with_next = True
                cell.paragraphs[-1].paragraph_format.space_after = Pt(g.SIGN_ROW_GAP_MM * g.PT_PER_MM)


def _field_code(run: Any, code: str) -> None:
    for kind, text in (("begin", None), (None, code), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    "<w:pict>"
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e">'
    '<v:path textpathok="t" o:connecttype="custom"/>'
    '<v:textpath on="t" fitshape="t"/>'
    "</v:shapetype>"
    '<v:shape id="VistaWorkingCopy{n}" o:spid="_x0000_s20{n}5" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:{w}pt;height:{h}pt;rotation:315;z-index:-251654144;'
    "mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
    'mso-position-vertical:center;mso-position-vertical-relative:margin" '
    'o:allowincell="f" fillcolor="#d0d0d0" stroked="f">'
    '<v:fill opacity=".6"/>'
    '<v:textpath style="font-family:&quot;Times New Roman&quot;;font-size:1pt;font-weight:bold" string="{text}"/>'
    "</v:shape></w:pict></w:r>"
)


def _working_copy_marks(paragraph: Any, n: int) -> None:
    """The marker line at the top of the page and, behind the text, the diagonal watermark Word draws from the
    header on every page."""
    marker = paragraph.add_run(tr("documents.working_copy.marker", "vi"))
    _set_run_font(marker, 11, bold=True)
    marker.font.color.rgb = RGBColor(0xA0, 0x00, 0x00)
    text = tr("documents.working_copy.watermark", "vi")
    width = 110 * len(text) * 0.62
    paragraph._p.append(parse_xml(WATERMARK.format(n=n, w=round(width), h=110, text=text)))


def _page_header(section: Any, working_copy: bool) -> None:
    """Page numbers centred at the top from page 2 (Decree 30); a working copy's marker on every page."""
    section.different_first_page_header_footer = True
    for n, header in enumerate((section.first_page_header, section.header), start=1):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.alignment = CENTRE
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(g.leading(g.PAGE_NUMBER_SIZE))
        if header is section.header:
            run = paragraph.add_run()
            _set_run_font(run, g.PAGE_NUMBER_SIZE)
            _field_code(run, "PAGE")
        if working_copy:
            if header is section.header:
                paragraph.add_run().add_break()
            _working_copy_marks(paragraph, n)


def _setup(doc: Any, working_copy: bool) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(g.PAGE_W_MM), Mm(g.PAGE_H_MM)
    section.top_margin, section.bottom_margin = Mm(g.MARGIN_TOP_MM), Mm(g.MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(g.MARGIN_LEFT_MM), Mm(g.MARGIN_RIGHT_MM)
    # The page number's baseline sits where the PDF draws it.
    section.header_distance = Mm(g.PAGE_NUMBER_FROM_TOP_MM - g.leading(g.PAGE_NUMBER_SIZE) / g.PT_PER_MM * 0.8)
    section.footer_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = fonts.DOCX_FONT
    normal.font.size = Pt(g.BODY_SIZE)
    r_pr = normal.element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:cs", "w:ascii", "w:hAnsi"):
        r_fonts.set(qn(attr), fonts.DOCX_FONT)
    _lang(r_pr)
    normal.paragraph_format.widow_control = True
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is not None and run_defaults.find(qn("w:rPr")) is not None:
            _lang(run_defaults.find(qn("w:rPr")))
    settings = doc.settings.element
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), COMPATIBILITY_MODE)
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LANG)
    _page_header(section, working_copy)


def _end(doc: Any) -> None:
    """Word needs a paragraph after a closing table; a 1 pt one never spills onto a blank page of its own."""
    last = _para(doc, "", size=1, space_after=0)
    last.paragraph_format.line_spacing = Pt(1)


def write_docx(document: Document, out: Path, on_progress: Callable[[float], None] | None = None) -> Path:
    """Write the DOCX to `out` as it is (the caller makes the write atomic); `on_progress(fraction)` per block."""
    doc = new_docx()
    _setup(doc, document.working_copy)
    doc.core_properties.title = nfc(document.title)
    doc.core_properties.author = "VISTA Desktop"
    doc.core_properties.language = document.language
    if document.working_copy:
        doc.core_properties.keywords = "vista-working-copy"
    blocks = document.blocks
    signatures = [b for b in blocks if isinstance(b, SignatureRow)]
    last_body: list[Any] = []
    for index, block in enumerate(blocks, start=1):
        if isinstance(block, Header):
            _header(doc, block)
        elif isinstance(block, Title):
            lines = g.balanced_lines(block.text, "bold", g.TITLE_SIZE, g.TEXT_W_MM)
            _para(doc, lines, size=g.TITLE_SIZE, bold=True, align=CENTRE, space_before=12, keep_next=True)
            if block.subtitle:
                _para(doc, block.subtitle, italic=True, align=CENTRE, keep_next=True)
        elif isinstance(block, Recipient):
            _para(doc, block.text, align=CENTRE, space_before=6, space_after=12)
        elif isinstance(block, Heading):
            _para(
                doc, f"{block.number} {block.text}", bold=True, space_before=g.HEADING_SPACE_BEFORE_PT, keep_next=True
            )
        elif isinstance(block, KeyValue):
            last_body = _key_value(doc, block)
        elif isinstance(block, TableBlock):
            _table(doc, block)
            last_body = []
        if on_progress is not None:
            on_progress(index / (len(blocks) + 1))
    if signatures:
        # The signatures never stand alone on a page: the end of the text above goes with them.
        if last_body:
            last_body[-1].paragraph_format.keep_with_next = True
        _signatures(doc, signatures)
    _end(doc)
    doc.save(str(out))
    if on_progress is not None:
        on_progress(1.0)
    return Path(out)


def render_docx(document: Document, out: Path, on_progress: Callable[[float], None] | None = None) -> Path:
    """Write the DOCX atomically: nothing is left at `out` unless it is complete."""
    from vista_desktop.fileio import atomic_path

    with atomic_path(Path(out), suffix=".docx") as tmp:
        write_docx(document, tmp, on_progress)
    return Path(out)
