"""The bundled Times New Roman–metric font (Liberation Serif, SIL OFL)."""

from __future__ import annotations

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
