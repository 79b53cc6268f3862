"""The official documents of a draft: rendering, exporting and recording them.

An official PDF carries an empty signature field on each signature block (Sig_pi, Sig_head, …), so every signer —
in this app or another — lands on the right block. A draft with errors is exported only as a working copy: marked
«DỰ THẢO» on every page, with no signature field, named so, and refused by signing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop.errors import FileProblem, VistaError, os_reason
from vista_desktop.forms.data import Data
from vista_desktop.forms.loader import get_definition
from vista_desktop.forms.model import FormDefinition
from vista_desktop.forms.validation import Problem, validate

if TYPE_CHECKING:
    from vista_desktop.documents.render import RenderOutputs
    from vista_desktop.storage.drafts import DocumentRecord, DraftRepository
    from vista_desktop.tasks import TaskContext

__all__ = [
    "DocumentRecord",
    "DocumentService",
    "ExportResult",
    "InvalidDraft",
    "render_documents",
    "signature_field_name",
]

FORM_PDF = "form_pdf"
WORKING_COPY_SUFFIX = "-du-thao"


class InvalidDraft(VistaError):
    """The draft has errors: no official document can be made from it."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("document.invalid", count=len(problems))
        self.problems = problems


def signature_field_name(role: str) -> str:
    return f"Sig_{role}"


def working_copy_path(path: Path) -> Path:
    """'ho-so.pdf' → 'ho-so-du-thao.pdf': the file name says it is not the official document."""
    return (
        path
        if path.stem.endswith(WORKING_COPY_SUFFIX)
        else path.with_name(f"{path.stem}{WORKING_COPY_SUFFIX}{path.suffix}")
    )


@dataclass(frozen=True)
class ExportResult:
    pdf: Path
    docx: Path | None
    pages: int
    working_copy: bool


def blocking_problems(definition: FormDefinition, data: Data) -> list[Problem]:
    return [p for p in validate(definition, data) if not p.warning]


class DocumentService:
    def __init__(self, repository: Callable[[], DraftRepository] | None = None) -> None:
        self._repository = repository

    def render(
        self,
        definition: FormDefinition,
        data: Data,
        pdf: Path | None,
        docx: Path | None = None,
        *,
        working_copy: bool = False,
        context: TaskContext | None = None,
    ) -> RenderOutputs:
        """Render to the paths given; official documents refuse a draft with errors (`InvalidDraft`)."""
        from vista_desktop.documents.render import render

        if not working_copy and (problems := blocking_problems(definition, data)):
            raise InvalidDraft(problems)
        on_progress = context.progress if context is not None else None
        try:
            outputs = render(definition, data, pdf, docx, working_copy=working_copy, on_progress=on_progress)
            if pdf is not None and outputs.signatures and not working_copy:
                from vista_desktop.signing.pdf_sign import FieldPlacement, add_signature_fields

                placements = [FieldPlacement(signature_field_name(s.role), s.page, s.box) for s in outputs.signatures]
                add_signature_fields(pdf, placements)
        except OSError as exc:
            target = ", ".join(str(p) for p in (pdf, docx) if p is not None)
            raise FileProblem("file.write_failed", path=target, reason=os_reason(exc)) from exc
        return outputs

    def export_draft(
        self,
        draft_id: str,
        pdf: Path,
        *,
        with_docx: bool = True,
        working_copy: bool = False,
        context: TaskContext | None = None,
    ) -> ExportResult:
        """Render a stored draft to a PDF (and a DOCX beside it) and remember the PDF as the draft's document."""
        repository = self._require_repository()
        record = repository.get(draft_id)
        definition = get_definition(record.form_id, record.form_version)
        pdf = pdf.with_suffix(".pdf")
        if working_copy:
            pdf = working_copy_path(pdf)
        docx = pdf.with_suffix(".docx") if with_docx else None
        outputs = self.render(definition, record.data, pdf, docx, working_copy=working_copy, context=context)
        if not working_copy:
            self.record(draft_id, pdf, data_hash=record.data_hash)
        return ExportResult(pdf, docx, outputs.pages, working_copy)

    def preview_pdf(self, draft_id: str, context: TaskContext | None = None) -> Path:
        """A PDF showing the draft as it will print: its exported (perhaps signed) PDF when there is one, else a
        fresh rendering in the app's preview folder — marked «DỰ THẢO» while the draft has errors."""
        exported = self.form_pdf(draft_id)
        if exported is not None:
            return exported
        from vista_desktop.paths import data_dir

        record = self._require_repository().get(draft_id)
        definition = get_definition(record.form_id, record.form_version)
        folder = data_dir() / "previews"
        folder.mkdir(exist_ok=True)
        target = folder / f"{draft_id}.pdf"
        working_copy = bool(blocking_problems(definition, record.data))
        self.render(definition, record.data, target, working_copy=working_copy, context=context)
        return target

    def problems(self, draft_id: str) -> list[Problem]:
        """What stops the draft from being exported as an official document."""
        record = self._require_repository().get(draft_id)
        return blocking_problems(get_definition(record.form_id, record.form_version), record.data)

    def record(self, draft_id: str, pdf: Path, kind: str = FORM_PDF, data_hash: str | None = None) -> None:
        """Remember `pdf` as the draft's document of `kind`, with its signing state and the hash of the data it was
        made from (kept as it was when None: a signature changes the file, not what it says)."""
        from vista_desktop.services.signing import signing_state

        state = signing_state(pdf)
        self._require_repository().record_document(draft_id, kind, str(pdf), state.total, state.signed, data_hash)

    def outdated(self, draft_id: str) -> bool:
        """The draft was edited since its official PDF was exported: that PDF no longer says what the draft says."""
        repository = self._require_repository()
        draft = repository.get(draft_id)
        return any(d.kind == FORM_PDF and d.outdated(draft) for d in repository.documents(draft_id).get(draft_id, []))

    def documents(self) -> dict[str, list[DocumentRecord]]:
        return self._require_repository().documents()

    def form_pdf(self, draft_id: str) -> Path | None:
        for record in self._require_repository().documents(draft_id).get(draft_id, []):
            if record.kind == FORM_PDF and Path(record.path).exists():
                return Path(record.path)
        return None

    def _require_repository(self) -> DraftRepository:
        if self._repository is None:
            raise RuntimeError("this DocumentService has no drafts database")
        return self._repository()


# Rendering a draft that is not stored (the CLI, scripts, tests): `DocumentService.render` without a database.
render_documents = DocumentService().render
