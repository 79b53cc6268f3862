"""The bundled Times New Roman–metric font (Liberation Serif, SIL OFL)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from vista_desktop.resources import resource_path

FAMILY = "LiberationSerif"
# The regulation names Times New Roman; Liberation Serif has the same metrics, so the layout matches.
DOCX_FONT = "Times New Roman"
FILES = {
    "regular": "LiberationSerif-Regular.ttf",
    "bold": "LiberationSerif-Bold.ttf",
    "italic": "LiberationSerif-Italic.ttf",
    "bold_italic": "LiberationSerif-BoldItalic.ttf",
}


def font_file(style: str = "regular") -> Path:
    return resource_path("fonts", FILES[style])


def reportlab_name(style: str = "regular") -> str:
    return f"{FAMILY}-{style}"


@cache
def register_reportlab_fonts() -> None:
    """Register the family with reportlab (once): the PDF embeds it and both renderers measure text with it."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for style in FILES:
        pdfmetrics.registerFont(TTFont(reportlab_name(style), str(font_file(style))))
    pdfmetrics.registerFontFamily(
        FAMILY,
        normal=reportlab_name("regular"),
        bold=reportlab_name("bold"),
        italic=reportlab_name("italic"),
        boldItalic=reportlab_name("bold_italic"),
    )
    for bold, italic, style in ((0, 0, "regular"), (1, 0, "bold"), (0, 1, "italic"), (1, 1, "bold_italic")):
        addMapping(FAMILY, bold, italic, reportlab_name(style))
