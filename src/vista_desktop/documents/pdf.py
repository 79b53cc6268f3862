"""Render the document model to PDF with reportlab, in the Decree 30/2020 layout.

One text frame at the margins of `geometry` (no frame padding, so tables, header and signatures share the body's
edges); page numbers centred in the top margin from page 2. The bundled font is embedded (subset). Page breaks
follow the rules the DOCX states with keep-with-next and cantSplit: a heading or caption never ends a page, a table
row shorter than a page never splits, the signatures stay together and never stand alone on a page. The result says
where each signature block landed, so that a signature can later be placed on it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import FrameBreak, LayoutError

from vista_desktop.documents import fonts
from vista_desktop.documents import geometry as g
from vista_desktop.documents.model import (
    MOTTO,
    NATIONAL_TITLE,
    WORKING_COPY_KEYWORD,
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
from vista_desktop.errors import VistaError
from vista_desktop.forms.values import nfc
from vista_desktop.i18n import tr

MM = g.PT_PER_MM
PAGE_W, PAGE_H = g.PAGE_W_MM * MM, g.PAGE_H_MM * MM
MARGIN_TOP, MARGIN_BOTTOM = g.MARGIN_TOP_MM * MM, g.MARGIN_BOTTOM_MM * MM
MARGIN_LEFT, MARGIN_RIGHT = g.MARGIN_LEFT_MM * MM, g.MARGIN_RIGHT_MM * MM
TEXT_W, TEXT_H = g.TEXT_W_MM * MM, g.TEXT_H_MM * MM
SIGN_SPACE = g.SIGN_SPACE_MM * MM
WATERMARK_GREY = colors.Color(0.82, 0.82, 0.82)
WATERMARK_SIZE = 110


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


def register_fonts() -> None:
    fonts.register_reportlab_fonts()


def _font(style: str = "regular") -> str:
    return fonts.reportlab_name(style)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle(
        "body",
        fontName=_font(),
        fontSize=g.BODY_SIZE,
        leading=g.leading(g.BODY_SIZE),
        alignment=TA_JUSTIFY,
        spaceAfter=g.PARAGRAPH_SPACE_PT,
        allowWidows=0,
        allowOrphans=0,
    )
    bold, italic = _font("bold"), _font("italic")
    cell = {"fontSize": g.TABLE_SIZE, "leading": g.leading(g.TABLE_SIZE), "spaceAfter": 0, "alignment": TA_LEFT}
    centred = {"alignment": TA_CENTER, "spaceAfter": 0}
    specs: dict[str, dict[str, Any]] = {
        "kv": {},
        "long": {"firstLineIndent": g.FIRST_LINE_INDENT_MM * MM},
        # the pieces of a very long paragraph (see _long_paragraph): one paragraph to the reader
        "long_first": {"firstLineIndent": g.FIRST_LINE_INDENT_MM * MM, "spaceAfter": 0},
        "long_middle": {"spaceAfter": 0},
        "long_continued": {},
        "caption": {"alignment": TA_LEFT},
        "heading": {"fontName": bold, "spaceBefore": g.HEADING_SPACE_BEFORE_PT, "alignment": TA_LEFT},
        "title": {
            "fontName": bold,
            "fontSize": g.TITLE_SIZE,
            "leading": g.leading(g.TITLE_SIZE),
            "alignment": TA_CENTER,
            "spaceBefore": 12,
        },
        "subtitle": {"fontName": italic, "alignment": TA_CENTER},
        "recipient": {"alignment": TA_CENTER, "spaceBefore": 6, "spaceAfter": 12},
        "cell": cell,
        "cell_centre": {**cell, "alignment": TA_CENTER},
        "cell_head": {**cell, "fontName": bold, "alignment": TA_CENTER},
        "issuer_superior": {**centred, "fontSize": g.ISSUER_SIZE, "leading": g.leading(g.ISSUER_SIZE)},
        "issuer": {**centred, "fontName": bold, "fontSize": g.ISSUER_SIZE, "leading": g.leading(g.ISSUER_SIZE)},
        "national_title": {
            **centred,
            "fontName": bold,
            "fontSize": g.NATIONAL_TITLE_SIZE,
            "leading": g.leading(g.NATIONAL_TITLE_SIZE),
        },
        "motto": {**centred, "fontName": bold, "fontSize": g.MOTTO_SIZE, "leading": g.leading(g.MOTTO_SIZE)},
        "date_line": {**centred, "fontName": italic, "spaceBefore": 4 * MM},
        "form_number": {
            **centred,
            "fontName": bold,
            "fontSize": g.FORM_NUMBER_SIZE,
            "leading": g.leading(g.FORM_NUMBER_SIZE),
        },
        "doc_number": {
            **centred,
            "fontSize": g.ISSUER_SIZE,
            "leading": g.leading(g.ISSUER_SIZE),
            "spaceBefore": 2 * MM,
        },
        "annex": {**centred, "fontName": italic, "fontSize": g.ANNEX_SIZE, "leading": g.leading(g.ANNEX_SIZE)},
        "sign_title": {
            **centred,
            "fontName": bold,
            "fontSize": g.SIGN_TITLE_SIZE,
            "leading": g.leading(g.SIGN_TITLE_SIZE),
        },
        "sign_note": {
            **centred,
            "fontName": italic,
            "fontSize": g.SIGN_NOTE_SIZE,
            "leading": g.leading(g.SIGN_NOTE_SIZE),
        },
        "sign_name": {
            **centred,
            "fontName": bold,
            "fontSize": g.SIGN_NAME_SIZE,
            "leading": g.leading(g.SIGN_NAME_SIZE),
        },
    }
    styles = {name: ParagraphStyle(name, parent=base, **spec) for name, spec in specs.items()}
    return {"body": base, **styles}


def _markup(text: str) -> str:
    return escape(nfc(text)).replace("\n", "<br/>")


def _p(text: str, style: str) -> Paragraph:
    return Paragraph(_markup(text), _styles()[style])


def _lines_p(lines: Sequence[str], style: str) -> Paragraph:
    """A paragraph broken where `geometry.balanced_lines` broke it (the DOCX breaks at the same words)."""
    return Paragraph("<br/>".join(escape(line) for line in lines) or "&nbsp;", _styles()[style])


# --- flowables that keep things together --------------------------------------------------------------------


def _start_height(flowable: Any, width: float) -> float:
    """The least of `flowable` that must follow a heading on the same page: two lines of a paragraph, the header
    row and first row of a table, the whole of anything that does not split."""
    if isinstance(flowable, KeepTailWith):
        return flowable.start_height(width)
    _, height = flowable.wrap(width, TEXT_H)
    if isinstance(flowable, Paragraph):
        style = flowable.style
        lines = len(getattr(flowable.blPara, "lines", ())) or 1
        if lines <= 2 * g.KEEP_LINES:
            return float(height + style.spaceBefore)
        return float(style.spaceBefore + g.KEEP_LINES * style.leading)
    if isinstance(flowable, Table):
        rows = flowable._rowHeights
        return float(sum(rows[:2]))
    return float(height)


def _full_height(flowable: Any, width: float) -> float:
    _, height = flowable.wrap(width, TEXT_H)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


class NeedRoom(Flowable):  # type: ignore[misc]
    """Starts a new page unless a heading group and the start of what it introduces fit on this one."""

    def __init__(self, group: Sequence[Any], follower: Any) -> None:
        super().__init__()
        self.group = list(group)
        self.follower = follower

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        need = sum(_full_height(f, avail_w) for f in self.group) + _start_height(self.follower, avail_w)
        frame = self._doctemplateAttr("frame")
        if need > avail_h and frame is not None and not getattr(frame, "_atTop", False):
            frame.add_generated_content(FrameBreak)
        return 0, 0

    def draw(self) -> None:
        pass


class SignatureSet(Flowable):  # type: ignore[misc]
    """All signature rows as one unsplittable block; records where each block's signing space landed."""

    def __init__(self, rows: Sequence[SignatureRow], placements: list[SignaturePlacement]) -> None:
        super().__init__()
        self.rows = list(rows)
        self.placements = placements
        self.col_w = TEXT_W / g.SIGN_COLUMNS
        inner = self.col_w - 2 * g.SIGN_BOX_PAD_MM * MM
        inner_mm = inner / MM
        self.laid: list[tuple[list[tuple[SignatureBox, Paragraph, Paragraph | None, Paragraph]], float, float]] = []
        for row in self.rows:
            boxes = []
            top_h = name_h = 0.0
            for box in row.boxes:
                title = _lines_p(g.balanced_lines(box.title, "bold", g.SIGN_TITLE_SIZE, inner_mm), "sign_title")
                note = _p(box.note, "sign_note") if box.note else None
                name = _lines_p(g.balanced_lines(box.name, "bold", g.SIGN_NAME_SIZE, inner_mm), "sign_name")
                head = title.wrap(inner, TEXT_H)[1] + (note.wrap(inner, TEXT_H)[1] if note else 0)
                top_h = max(top_h, head)
                name_h = max(name_h, name.wrap(inner, TEXT_H)[1])
                boxes.append((box, title, note, name))
            self.laid.append((boxes, top_h, name_h))
        self.height = g.SIGN_GAP_BEFORE_MM * MM + sum(top + SIGN_SPACE + name for _, top, name in self.laid)
        self.height += g.SIGN_ROW_GAP_MM * MM * (len(self.laid) - 1)

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return TEXT_W, self.height

    def draw(self) -> None:
        canvas = self.canv
        inner = self.col_w - 2 * g.SIGN_BOX_PAD_MM * MM
        y = self.height - g.SIGN_GAP_BEFORE_MM * MM
        for boxes, top_h, name_h in self.laid:
            count = len(boxes)
            centres = [TEXT_W / 2] if count == 1 else [self.col_w * (i + 0.5) for i in range(count)]
            for (box, title, note, name), cx in zip(boxes, centres, strict=True):
                x = cx - inner / 2
                cursor = y
                for part in (title, note):
                    if part is not None:
                        _, h = part.wrap(inner, TEXT_H)
                        cursor -= h
                        part.drawOn(canvas, x, cursor)
                space_top = y - top_h
                space_bottom = space_top - SIGN_SPACE
                _, h = name.wrap(inner, TEXT_H)
                name.drawOn(canvas, x, space_bottom - h)
                x0, y0 = canvas.absolutePosition(x, space_bottom)
                x1, y1 = canvas.absolutePosition(x + inner, space_top)
                self.placements.append(SignaturePlacement(box.role, canvas.getPageNumber() - 1, (x0, y0, x1, y1)))
            y -= top_h + SIGN_SPACE + name_h + g.SIGN_ROW_GAP_MM * MM


class KeepTailWith(Flowable):  # type: ignore[misc]
    """The last body flowable and the signatures: when they do not fit, the flowable splits so that at least its
    last lines (or last table row) go over with the signatures, which never stand alone on a page."""

    def __init__(self, before: Any, after: Flowable) -> None:
        super().__init__()
        self.before = before
        self.after = after

    def _heights(self, width: float) -> tuple[float, float]:
        return _full_height(self.before, width), _full_height(self.after, width)

    def start_height(self, width: float) -> float:
        before, after = self._heights(width)
        tail = self._tail(width)
        if before - tail >= _start_height(self.before, width):
            return _start_height(self.before, width)
        return before + after

    def _tail(self, width: float) -> float:
        if isinstance(self.before, Paragraph):
            return float(g.KEEP_LINES * self.before.style.leading + self.before.style.spaceAfter)
        if isinstance(self.before, Table):
            self.before.wrap(width, TEXT_H)
            return float(self.before._rowHeights[-1])
        return _full_height(self.before, width)

    def split(self, avail_w: float, avail_h: float) -> list[Any]:
        before, _after = self._heights(avail_w)
        limit = min(avail_h, before - self._tail(avail_w))
        parts = self.before.split(avail_w, limit) if limit > 0 and hasattr(self.before, "split") else []
        if len(parts) < 2:
            return []  # moves whole to the next page
        return [parts[0], KeepTailWith(parts[1], self.after)] if len(parts) == 2 else [*parts[:-1], self.after]

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = avail_w
        before, after = self._heights(avail_w)
        return avail_w, before + after

    def draw(self) -> None:
        _, after = self._heights(self.width)
        self.before.drawOn(self.canv, 0, after + self.before.getSpaceAfter())
        self.after.drawOn(self.canv, 0, 0)


# --- blocks --------------------------------------------------------------------------------------------------


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


def _borderless(data: list[list[Any]], widths: Sequence[float], gap_after_first: float = 0) -> Table:
    table = Table(data, colWidths=list(widths))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONTNAME", (0, 0), (-1, -1), _font()),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, -1), gap_after_first),
            ]
        )
    )
    return table


def _header(header: Header) -> list[Any]:
    """Form number and annex line top-right; issuer left, national title right, each with its short rule; then the
    place and date line under the motto."""
    left_mm, right_mm = g.header_widths_mm()
    issuer_mm = left_mm - g.HEADER_GAP_MM
    left: list[Any] = []
    if header.superior:
        left.append(_lines_p(g.balanced_lines(header.superior, "regular", g.ISSUER_SIZE, issuer_mm), "issuer_superior"))
    issuer_lines = g.balanced_lines(header.issuer, "bold", g.ISSUER_SIZE, issuer_mm)
    left.append(_lines_p(issuer_lines, "issuer"))
    widest = max((g.text_width_mm(line, "bold", g.ISSUER_SIZE) for line in issuer_lines), default=0.0)
    left.append(CenteredRule(max(widest / 3, 15) * MM))
    if header.doc_number:
        left.append(_p(header.doc_number, "doc_number"))
    # Decree 30: a solid rule under the motto, as long as the motto.
    right: list[Any] = [
        _p(NATIONAL_TITLE, "national_title"),
        _p(MOTTO, "motto"),
        CenteredRule(g.text_width_mm(MOTTO, "bold", g.MOTTO_SIZE) * MM),
    ]
    if header.date_line:
        right.append(_p(header.date_line, "date_line"))
    story: list[Any] = []
    if header.form_number or header.annex:
        corner: list[Any] = []
        if header.form_number:
            corner.append(_p(header.form_number, "form_number"))
        if header.annex:
            corner.append(_p(header.annex, "annex"))
        story.append(_borderless([["", corner]], [left_mm * MM, right_mm * MM]))
        story[-1].spaceAfter = 4 * MM
    story.append(_borderless([[left, right]], [left_mm * MM, right_mm * MM], g.HEADER_GAP_MM * MM))
    return story


def _table(block: TableBlock) -> Table:
    widths = [w * MM for w in block.widths_mm]

    def build(split_in_row: int) -> Table:
        data = [[_p(h, "cell_head") for h in block.headers]]
        data += [[_p(c, "cell_centre" if i == 0 else "cell") for i, c in enumerate(row)] for row in block.rows]
        table = Table(data, colWidths=widths, repeatRows=1, splitByRow=1, splitInRow=split_in_row)
        pad = g.CELL_PAD_MM * MM
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), g.GRID_LINE_PT, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.93, 0.93)),
                    ("FONTNAME", (0, 0), (-1, -1), _font()),
                    ("LEFTPADDING", (0, 0), (-1, -1), pad),
                    ("RIGHTPADDING", (0, 0), (-1, -1), pad),
                    ("TOPPADDING", (0, 0), (-1, -1), g.CELL_PAD_V_PT),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), g.CELL_PAD_V_PT + 1),
                ]
            )
        )
        table.spaceAfter = g.PARAGRAPH_SPACE_PT
        return table

    table = build(0)
    table.wrap(TEXT_W, 10 * TEXT_H)
    heights = table._rowHeights
    # A row taller than a page with the header cannot move whole to the next page: only then may rows split.
    if len(heights) > 1 and heights[0] + max(heights[1:]) > TEXT_H:
        return build(1)
    return table


@dataclass
class _Item:
    flowable: Any
    keep_with_next: bool = False


def _key_value(block: KeyValue) -> list[_Item]:
    label = f"{block.number} {block.label}"
    if block.caption_only:
        return [_Item(_p(label, "caption"), True)]
    if not block.long:
        value = _markup(block.value) if block.value else g.EMPTY_VALUE
        return [_Item(Paragraph(f"{escape(nfc(label))} <b>{value}</b>", _styles()["kv"]))]
    paragraphs = [p for p in block.value.split("\n") if p.strip()] or [g.EMPTY_VALUE]
    return [_Item(_p(label, "caption"), True), *(_Item(f) for p in paragraphs for f in _long_paragraph(p))]


# reportlab re-wraps the whole rest of a paragraph on every page it splits it across: a paragraph of n characters
# costs O(n²). Past this size (about two pages) it is laid out in pieces that end at a sentence, so rendering time
# stays linear in the text's length; the pieces read as one paragraph (no indent or spacing between them).
LONG_PARAGRAPH_CHARS = 6000
_SENTENCE_END = re.compile(r"(?<=[.!?;…])\s+")


def _pieces(text: str, size: int = LONG_PARAGRAPH_CHARS) -> list[str]:
    """`text` cut into runs of at most about `size` characters, at sentence ends where there are any, else at
    spaces, else anywhere."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        while len(sentence) > size:  # a "sentence" longer than a piece: cut at the last space that fits
            cut = sentence.rfind(" ", 0, size)
            cut = cut if cut > size // 2 else size
            head, sentence = sentence[:cut], sentence[cut:].lstrip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + 1 + len(sentence) > size:
            pieces.append(current)
            current = ""
        current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def _long_paragraph(text: str) -> list[Paragraph]:
    pieces = _pieces(text) if len(text) > LONG_PARAGRAPH_CHARS else [text]
    if len(pieces) == 1:
        return [_p(text, "long")]
    styles = ["long_first", *["long_middle"] * (len(pieces) - 2), "long_continued"]
    return [_p(piece, style) for piece, style in zip(pieces, styles, strict=True)]


def _items(document: Document, placements: list[SignaturePlacement]) -> list[_Item]:
    items: list[_Item] = []
    signatures: list[SignatureRow] = []
    for block in document.blocks:
        if isinstance(block, Header):
            items.extend(_Item(f) for f in _header(block))
        elif isinstance(block, Title):
            lines = g.balanced_lines(block.text, "bold", g.TITLE_SIZE, g.TEXT_W_MM)
            items.append(_Item(_lines_p(lines, "title"), True))
            if block.subtitle:
                items.append(_Item(_p(block.subtitle, "subtitle"), True))
        elif isinstance(block, Recipient):
            items.append(_Item(_p(block.text, "recipient")))
        elif isinstance(block, Heading):
            items.append(_Item(_p(f"{block.number} {block.text}", "heading"), True))
        elif isinstance(block, KeyValue):
            items.extend(_key_value(block))
        elif isinstance(block, TableBlock):
            items.append(_Item(_p(f"{block.number} {block.caption}", "caption"), True))
            items.append(_Item(_table(block)))
        elif isinstance(block, SignatureRow):
            signatures.append(block)
    if signatures:
        signature_set = SignatureSet(signatures, placements)
        if items and not items[-1].keep_with_next:
            items[-1] = _Item(KeepTailWith(items[-1].flowable, signature_set))
        else:
            items.append(_Item(signature_set))
    return items


def _flowables(document: Document, placements: list[SignaturePlacement]) -> list[Any]:
    """The story: each run of headings and captions is preceded by a check that it fits with the start of what it
    introduces (reportlab's keepWithNext would move a whole long text or table to the next page instead)."""
    items = _items(document, placements)
    story: list[Any] = []
    i = 0
    while i < len(items):
        if items[i].keep_with_next:
            j = i
            while j < len(items) and items[j].keep_with_next:
                j += 1
            group = [item.flowable for item in items[i:j]]
            if j < len(items):
                story.append(NeedRoom(group, items[j].flowable))
            story.extend(group)
            i = j
        else:
            story.append(items[i].flowable)
            i += 1
    return story


def _decorate(working_copy: bool) -> Callable[[Any, Any], None]:
    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        if working_copy:
            # Under the text (drawn before it), light enough to read through, on every page.
            canvas.setFillColor(WATERMARK_GREY)
            canvas.setFont(_font("bold"), WATERMARK_SIZE)
            canvas.translate(MARGIN_LEFT + TEXT_W / 2, MARGIN_BOTTOM + TEXT_H / 2)
            canvas.rotate(math.degrees(math.atan2(TEXT_H, TEXT_W)) - 10)
            canvas.drawCentredString(0, -WATERMARK_SIZE / 3, tr("documents.working_copy.watermark", "vi"))
            canvas.restoreState()
            canvas.saveState()
        if doc.page >= 2:
            canvas.setFont(_font(), g.PAGE_NUMBER_SIZE)
            y = PAGE_H - g.PAGE_NUMBER_FROM_TOP_MM * MM
            canvas.drawCentredString(MARGIN_LEFT + TEXT_W / 2, y, str(doc.page))
        canvas.restoreState()

    return on_page


def write_pdf(document: Document, out: Path, on_progress: Callable[[float], None] | None = None) -> PdfResult:
    """Write the PDF to `out` as it is (the caller makes the write atomic). `on_progress(fraction)` after each
    flowable; an exception it raises stops the build."""
    register_fonts()
    placements: list[SignaturePlacement] = []
    keywords = [WORKING_COPY_KEYWORD] if document.working_copy else []
    template = BaseDocTemplate(
        str(out),
        pagesize=(PAGE_W, PAGE_H),
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=nfc(document.title),
        author="VISTA Desktop",
        creator="VISTA Desktop",
        keywords=keywords,
        lang=document.language,
        initialFontName=_font(),
        initialFontSize=g.BODY_SIZE,
    )
    frame = Frame(
        MARGIN_LEFT, MARGIN_BOTTOM, TEXT_W, TEXT_H, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    template.addPageTemplates([PageTemplate("body", [frame], onPage=_decorate(document.working_copy))])
    story = _flowables(document, placements)
    total = max(len(story), 1)
    if on_progress is not None:
        report = on_progress

        def progress(kind: str, value: int) -> None:
            if kind == "PROGRESS":
                report(value / total)

        template.setProgressCallBack(progress)
    try:
        template.build(story)
    except LayoutError as exc:  # a value the limits of forms.limits did not foresee: say so, never a traceback
        raise DocumentLayoutError("documents.layout_failed", detail=str(exc)[:300]) from exc
    return PdfResult(Path(out), template.page, tuple(placements))


class DocumentLayoutError(VistaError):
    """Something in the draft cannot be laid out on an A4 page (an unbreakable block taller than a page)."""


def render_pdf(document: Document, out: Path, on_progress: Callable[[float], None] | None = None) -> PdfResult:
    """Write the PDF atomically: nothing is left at `out` unless it is complete."""
    from vista_desktop.fileio import atomic_path

    with atomic_path(Path(out), suffix=".pdf") as tmp:
        result = write_pdf(document, tmp, on_progress)
    return PdfResult(Path(out), result.pages, result.signatures)
