"""Render the document model to PDF with reportlab, in the Decree 30/2020 layout.

A4; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; page numbers centred at the top from page 2.
The bundled font is embedded (subset) in every file. The result says where each signature block landed,
so that a signature can later be placed on it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from vista_desktop.documents import fonts
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

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20 * MM, 20 * MM, 30 * MM, 15 * MM
BODY_SIZE = 13
SIGN_SPACE = 26 * MM  # blank room for a handwritten or digital signature


@dataclass(frozen=True)
class SignaturePlacement:
    """Where a signature block is: page index from 0, box in PDF points (x1, y1, x2, y2), origin bottom-left."""

    role: str
    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class PdfResult:
    path: Path
    pages: int
    signatures: tuple[SignaturePlacement, ...]


@cache
def register_fonts() -> None:

    names = {style: f"{fonts.FAMILY}-{style}" for style in fonts.FILES}
    for style, name in names.items():
        pdfmetrics.registerFont(TTFont(name, str(fonts.font_file(style))))
    pdfmetrics.registerFontFamily(
        fonts.FAMILY,
        normal=names["regular"],
        bold=names["bold"],
        italic=names["italic"],
        boldItalic=names["bold_italic"],
    )
    for bold, italic, style in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"), (1, 1, "bold_italic")):
        addMapping(fonts.FAMILY, bold, italic, names[style])


def _font(style: str = "regular") -> str:
    return f"{fonts.FAMILY}-{style}"


@cache
def _styles() -> dict[str, Any]:
    base = ParagraphStyle(
        "body", fontName=_font(), fontSize=BODY_SIZE, leading=BODY_SIZE * 1.3, alignment=TA_JUSTIFY, spaceAfter=3
    )
    bold, italic = _font("bold"), _font("italic")
    small = {"fontSize": 12, "leading": 14.5, "alignment": TA_CENTER, "spaceAfter": 0}
    cell = {"fontSize": 11, "leading": 13.5, "spaceAfter": 0}
    specs: dict[str, dict[str, Any]] = {
        "kv": {"alignment": TA_LEFT},
        "long": {"firstLineIndent": 10 * MM},
        "heading": {"fontName": bold, "spaceBefore": 8, "spaceAfter": 4, "alignment": TA_LEFT, "keepWithNext": 1},
        "title": {
            "fontName": bold,
            "fontSize": 14,
            "leading": 18,
            "alignment": TA_CENTER,
            "spaceBefore": 14,
            "spaceAfter": 4,
        },
        "subtitle": {"fontName": italic, "alignment": TA_CENTER},
        "recipient": {"alignment": TA_CENTER, "spaceBefore": 6, "spaceAfter": 10},
        "cell": {**cell, "alignment": TA_LEFT},
        "cell_head": {**cell, "fontName": bold, "alignment": TA_CENTER},
        "issuer_superior": small,
        "issuer": {**small, "fontName": bold},
        "national_title": {**small, "fontName": bold},
        "motto": {**small, "fontName": bold, "fontSize": 13, "leading": 15.5},
        "date_line": {"alignment": TA_CENTER},
        "form_number": {"fontSize": 11, "alignment": TA_RIGHT, "spaceAfter": 2},
        "table_caption": {"alignment": TA_LEFT},
        "caption": {"alignment": TA_LEFT, "keepWithNext": 1},
    }
    styles = {name: ParagraphStyle(name, parent=base, **spec) for name, spec in specs.items()}
    return {"body": base, **styles}


def _p(text: str, style: str) -> Any:

    return Paragraph(escape(nfc(text)).replace("\n", "<br/>"), _styles()[style])


def _header(header: Header, width: float) -> list[Any]:
    """Issuer left, national title right, each with its short rule, then the place and date line."""
    styles = _styles()
    left_w, right_w = width * 0.45, width * 0.55
    issuer_w = stringWidth(nfc(header.issuer), _font("bold"), 12)
    left: list[Any] = []
    if header.superior:
        left.append(_p(header.superior, "issuer_superior"))
    left.append(_p(header.issuer or " ", "issuer"))
    left.append(_rule(max(min(issuer_w, left_w) / 3, 15 * MM)))
    # Decree 30: a solid rule under the motto, as long as the motto.
    right: list[Any] = [
        _p(NATIONAL_TITLE, "national_title"),
        _p(MOTTO, "motto"),
        _rule(stringWidth(MOTTO, _font("bold"), 13)),
    ]
    if header.date_line:
        right.append(Spacer(1, 4 * MM))
        right.append(Paragraph(f"<i>{escape(nfc(header.date_line))}</i>", styles["date_line"]))
    table = Table([[left, right]], colWidths=[left_w, right_w])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 8),  # a gap between the issuer and the national title
                ("FONTNAME", (0, 0), (-1, -1), _font()),
            ]
        )
    )
    story: list[Any] = []
    if header.form_number:
        story.append(Paragraph(f"<i>{escape(header.form_number)}</i>", styles["form_number"]))
    story.append(table)
    return story


class CenteredRule(Flowable):  # type: ignore[misc]
    """A short solid rule centred in the space it is given (HRFlowable keeps left in a table cell)."""

    def __init__(self, length: float) -> None:
        super().__init__()
        self.length = length
        self.avail = length

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.avail = avail_w
        return avail_w, 3

    def draw(self) -> None:
        start = (self.avail - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(start, 1.5, start + self.length, 1.5)


def _rule(width: float) -> Any:
    return CenteredRule(width)


class SignatureRowFlowable(Flowable):  # type: ignore[misc]
    """Signature blocks side by side; on drawing, records where each block's signing space landed."""

    def __init__(self, row: SignatureRow, width: float, placements: list[SignaturePlacement]) -> None:
        super().__init__()
        self.row = row
        self.block_width = width
        self.placements = placements
        self.block_height = 12 * MM + SIGN_SPACE + 10 * MM

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return self.block_width, self.block_height

    def draw(self) -> None:
        canvas = self.canv
        col_w = self.block_width / 2
        count = len(self.row.boxes)
        centres = [self.block_width / 2] if count == 1 else [col_w * (i + 0.5) for i in range(count)]
        for box, cx in zip(self.row.boxes, centres, strict=True):
            _draw_signature_box(canvas, box, cx, col_w, self.block_height)
            x0, y0 = canvas.absolutePosition(cx - col_w / 2 + 4, 8 * MM)
            x1, y1 = canvas.absolutePosition(cx + col_w / 2 - 4, 8 * MM + SIGN_SPACE)
            self.placements.append(SignaturePlacement(box.role, canvas.getPageNumber() - 1, (x0, y0, x1, y1)))


def _draw_signature_box(canvas: Any, box: SignatureBox, cx: float, col_w: float, height: float) -> None:
    y = height - 14
    canvas.setFont(_font("bold"), 12)
    for line in _wrap(canvas, box.title, _font("bold"), 12, col_w - 8):
        canvas.drawCentredString(cx, y, line)
        y -= 14
    if box.note:
        canvas.setFont(_font("italic"), 12)
        canvas.drawCentredString(cx, y, nfc(box.note))
    if box.name:
        canvas.setFont(_font("bold"), 13)
        canvas.drawCentredString(cx, 3 * MM, nfc(box.name))


def _wrap(canvas: Any, text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, line = nfc(text).split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if line and canvas.stringWidth(candidate, font, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _table(block: TableBlock, width: float) -> list[Any]:

    total = sum(block.widths)
    col_widths = [width * w / total for w in block.widths]
    data = [[_p(h, "cell_head") for h in block.headers]]
    data += [[_p(c, "cell") for c in row] for row in block.rows]
    if not block.rows:
        data.append([_p("", "cell") for _ in block.headers])
    table = Table(data, colWidths=col_widths, repeatRows=1, splitByRow=1, splitInRow=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
                ("FONTNAME", (0, 0), (-1, -1), _font()),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    # Room for the caption, the header row and a first row, else a new page; the table itself splits freely.
    return [CondPageBreak(35 * MM), _p(f"{block.number} {block.caption}:", "table_caption"), table]


def _key_value(block: KeyValue) -> list[Any]:
    label = f"{block.number} {block.label}:"
    if block.caption_only:
        return [_p(label, "caption")]
    if not block.long:
        value = escape(block.value) if block.value else "……………………"
        text = f"{escape(label)} <b>{value}</b>"

        return [Paragraph(text, _styles()["kv"])]
    paragraphs = [p for p in block.value.split("\n") if p.strip()] or ["……………………"]
    return [_p(label, "caption"), *[_p(p, "long") for p in paragraphs]]


def _flowables(document: Document, width: float, placements: list[SignaturePlacement]) -> list[Any]:

    story: list[Any] = []
    for block in document.blocks:
        if isinstance(block, Header):
            story.extend(_header(block, width))
        elif isinstance(block, Title):
            story.append(_p(block.text, "title"))
            if block.subtitle:
                story.append(_p(block.subtitle, "subtitle"))
        elif isinstance(block, Recipient):
            story.append(_p(block.text, "recipient"))
        elif isinstance(block, Heading):
            story.append(_p(f"{block.number} {block.text}", "heading"))
        elif isinstance(block, KeyValue):
            story.extend(_key_value(block))
        elif isinstance(block, TableBlock):
            story.extend(_table(block, width))
        elif isinstance(block, SignatureRow):
            story.append(KeepTogether([Spacer(1, 6 * MM), SignatureRowFlowable(block, width, placements)]))
    return story


def _page_number(canvas: Any, doc: Any) -> None:
    if doc.page >= 2:
        canvas.setFont(_font(), 13)
        canvas.drawCentredString(PAGE_W / 2, PAGE_H - 12 * MM, str(doc.page))


def render_pdf(document: Document, out: Path) -> PdfResult:
    """Write the PDF atomically (a temporary file in the destination folder, renamed on success)."""

    register_fonts()
    out = Path(out)
    placements: list[SignaturePlacement] = []
    fd, tmp_name = tempfile.mkstemp(prefix=".vista-", suffix=".pdf", dir=out.parent)
    os.close(fd)
    try:
        template = SimpleDocTemplate(
            tmp_name,
            pagesize=(PAGE_W, PAGE_H),
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            title=nfc(document.title),
            author="VISTA Desktop",
            creator="VISTA Desktop",
            lang=document.language,
            initialFontName=_font(),
            initialFontSize=BODY_SIZE,
        )
        story = _flowables(document, template.width, placements)
        template.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
        os.replace(tmp_name, out)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return PdfResult(out, template.page, tuple(placements))
