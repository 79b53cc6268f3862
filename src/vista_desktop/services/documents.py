"""The official documents of a draft, ready for signing: the PDF carries an empty signature field on each
signature block (Sig_pi, Sig_head, …), so every signer — in this app or another — lands on the right block."""

from __future__ import annotations

from pathlib import Path

from vista_desktop.documents.render import RenderOutputs, render
from vista_desktop.forms.data import Data
from vista_desktop.forms.model import FormDefinition


def signature_field_name(role: str) -> str:
    return f"Sig_{role}"


def render_documents(
    definition: FormDefinition, data: Data, pdf: Path | None, docx: Path | None = None, language: str = "vi"
) -> RenderOutputs:
    outputs = render(definition, data, pdf, docx, language)
    if pdf is not None and outputs.signatures:
        from vista_desktop.signing.pdf_sign import FieldPlacement, add_signature_fields

        placements = [FieldPlacement(signature_field_name(s.role), s.page, s.box) for s in outputs.signatures]
        add_signature_fields(pdf, placements)
    return outputs
