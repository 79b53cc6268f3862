"""Rescales the stamp font to 1000 units per em: pyHanko 0.38 spaces 2048-upem fonts about twice too wide.

Usage: python scripts/make_stamp_font.py  (writes src/vista_desktop/resources/fonts/stamp/)
"""

from __future__ import annotations

from pathlib import Path

from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

FONTS = Path(__file__).resolve().parents[1] / "src" / "vista_desktop" / "resources" / "fonts"

for name in ("LiberationSans-Regular", "LiberationSans-Bold"):
    font = TTFont(FONTS / f"{name}.ttf")
    scale_upem(font, 1000)
    font.save(FONTS / "stamp" / f"{name}-1000upem.ttf")
