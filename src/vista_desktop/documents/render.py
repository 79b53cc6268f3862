"""Render a draft's data to the official PDF and DOCX."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop.documents.builder import build_document
from vista_desktop.documents.model import Document

if TYPE_CHECKING:
    from vista_desktop.documents.pdf import SignaturePlacement
from vista_desktop.forms.data import Data, normalise_data
from vista_desktop.forms.model import FormDefinition


@dataclass(frozen=True)
class RenderOutputs:
    pdf: Path | None
    docx: Path | None
    pages: int = 0
    signatures: tuple[SignaturePlacement, ...] = ()


def document_for(definition: FormDefinition, data: Data, language: str = "vi") -> Document:
    return build_document(definition, normalise_data(definition, data), language)


def render(
    definition: FormDefinition, data: Data, pdf: Path | None = None, docx: Path | None = None, language: str = "vi"
) -> RenderOutputs:
    """Render to the paths given. reportlab and python-docx load here, not at start-up."""
    document = document_for(definition, data, language)
    pages = 0
    signatures_found: tuple[SignaturePlacement, ...] = ()
    if pdf is not None:
        from vista_desktop.documents.pdf import render_pdf

        result = render_pdf(document, pdf)
        pages, signatures_found = result.pages, result.signatures
    if docx is not None:
        from vista_desktop.documents.docx import render_docx

        render_docx(document, docx)
    return RenderOutputs(pdf, docx, pages, signatures_found)
