"""The visible stamp of an electronic signature, as Vietnamese electronic documents show it:
signer, organisation, and the signing time with date, time and time zone."""

from __future__ import annotations

import io
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from vista_desktop.resources import resource_path

# Rescaled to 1000 units per em by scripts/make_stamp_font.py (pyHanko mis-spaces 2048-upem fonts).
STAMP_FONT = ("fonts", "stamp", "LiberationSans-Regular-1000upem.ttf")
STAMP_TEXT = "Ký bởi: %(name)s\nCơ quan: %(org)s\nThời gian ký: %(when)s"
STAMP_TEXT_NO_ORG = "Ký bởi: %(name)s\nThời gian ký: %(when)s"
FONT_SIZE = 9


def stamp_time(moment: datetime) -> str:
    """'27/11/2026 10:02:58 +07:00' in the local time zone of the signing machine."""
    local = moment.astimezone()
    offset = local.strftime("%z")
    return local.strftime("%d/%m/%Y %H:%M:%S ") + f"{offset[:3]}:{offset[3:]}"


@cache
def _font_bytes() -> bytes:
    return resource_path(*STAMP_FONT).read_bytes()


def _font_factory() -> Any:
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

    class InMemoryFontFactory(GlyphAccumulatorFactory):
        """pyHanko's factory opens the font file and never closes it; this one reads it from memory."""

        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> Any:
            if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer, font_handle=io.BytesIO(_font_bytes()), font_size=self.font_size, obj_stream=obj_stream
            )

    return InMemoryFontFactory(str(resource_path(*STAMP_FONT)), font_size=FONT_SIZE)


def stamp_style(seal_image: Path | None = None, with_org: bool = True) -> Any:
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    font = _font_factory()
    kwargs: dict[str, Any] = {}
    if seal_image is not None:
        from pyhanko.pdf_utils.images import PdfImage

        kwargs = {"background": PdfImage(str(seal_image)), "background_opacity": 0.9}
    return TextStampStyle(
        stamp_text=STAMP_TEXT if with_org else STAMP_TEXT_NO_ORG,
        text_box_style=TextBoxStyle(font=font, font_size=FONT_SIZE),
        border_width=1,
        **kwargs,
    )


def stamp_params(name: str, organisation: str, moment: datetime) -> dict[str, str]:
    return {"name": name, "org": organisation, "when": stamp_time(moment)}
