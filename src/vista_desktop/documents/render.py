"""Render a draft's data to the official PDF and DOCX.

Both files are written through the project's atomic writer and renamed onto their targets only when both are
complete: an error or a cancellation (`on_progress` raising) leaves neither a partial file nor a replaced old one.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop.documents.builder import build_document
from vista_desktop.documents.model import Document
from vista_desktop.fileio import atomic_path
from vista_desktop.forms.data import Data, normalise_data
from vista_desktop.forms.model import FormDefinition
from vista_desktop.i18n import tr

if TYPE_CHECKING:
    from vista_desktop.documents.pdf import SignaturePlacement

Progress = Callable[[float, str], None]
# The PDF takes about three times as long as the DOCX to build.
PDF_SHARE = 0.75


@dataclass(frozen=True)
class RenderOutputs:
    pdf: Path | None
    docx: Path | None
    pages: int = 0
    signatures: tuple[SignaturePlacement, ...] = ()  # none for a working copy: it must never be signed


def document_for(definition: FormDefinition, data: Data, *, working_copy: bool = False) -> Document:
    return build_document(definition, normalise_data(definition, data), working_copy=working_copy)


def _scaled(on_progress: Progress | None, start: float, share: float, message: str) -> Callable[[float], None]:
    def report(fraction: float) -> None:
        if on_progress is not None:
            on_progress(start + share * min(max(fraction, 0.0), 1.0), message)

    return report


def render(
    definition: FormDefinition,
    data: Data,
    pdf: Path | None = None,
    docx: Path | None = None,
    *,
    working_copy: bool = False,
    on_progress: Progress | None = None,
) -> RenderOutputs:
    """Render to the paths given; official documents are always Vietnamese. reportlab and python-docx load here,
    not at start-up."""
    document = document_for(definition, data, working_copy=working_copy)
    pdf_share = (PDF_SHARE if docx is not None else 1.0) if pdf is not None else 0.0
    pages = 0
    signatures: tuple[SignaturePlacement, ...] = ()
    with ExitStack() as stack:
        if pdf is not None:
            from vista_desktop.documents.pdf import write_pdf

            pdf_tmp = stack.enter_context(atomic_path(Path(pdf), suffix=".pdf"))
            progress = _scaled(on_progress, 0.0, pdf_share, tr("documents.progress.pdf"))
            result = write_pdf(document, pdf_tmp, on_progress=progress)
            pages, signatures = result.pages, result.signatures
        if docx is not None:
            from vista_desktop.documents.docx import write_docx

            docx_tmp = stack.enter_context(atomic_path(Path(docx), suffix=".docx"))
            progress = _scaled(on_progress, pdf_share, 1.0 - pdf_share, tr("documents.progress.docx"))
            write_docx(document, docx_tmp, on_progress=progress)
        if on_progress is not None:
            on_progress(1.0, tr("documents.progress.done"))
    return RenderOutputs(
        Path(pdf) if pdf is not None else None,
        Path(docx) if docx is not None else None,
        pages,
        () if working_copy else signatures,
    )
