"""«Ký hồ sơ»: signing a task's whole results dossier in one sitting.

`plan` lists the documents that await THIS signer: the generated documents (Mẫu 5, the confirmation, Mẫu 8)
whose first empty signature block in legal order (principal investigator, co-PIs, head, organisation) belongs to
the signer's capacity — a document still waiting for the PI is not offered to the head — and, on request, the
user's own PDFs of the dossier, each on a new block on its last page. `sign_all` (a signing-lane task) opens the
identity ONCE (one PIN, one token login), signs the documents in that order — each into a temporary file renamed
onto it only when its signature is made — and stops at the first failure saying which documents were signed and
which not. With an output path it then exports the dossier with its manifest signed in the same session.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop.errors import Cancelled, VistaError
from vista_desktop.i18n import tr
from vista_desktop.tasks import TaskContext

if TYPE_CHECKING:
    from vista_desktop.forms.model import FormDefinition
    from vista_desktop.services.documents import DocumentService
    from vista_desktop.services.dossier_builder import (
        AttachedFile,
        DossierBuilderService,
        ExportResult,
        Finding,
        GeneratedDocument,
    )
    from vista_desktop.signing.batch import SigningSession
    from vista_desktop.signing.identities import Identity
    from vista_desktop.signing.pdf_sign import FieldPlacement, FieldState
    from vista_desktop.signing.trust import TrustStore

__all__ = [
    "CAPACITIES",
    "CO_PI",
    "HOST",
    "PI",
    "DossierSigningCancelled",
    "DossierSigningFailed",
    "DossierSigningResult",
    "DossierSigningService",
    "PlannedDocument",
    "SigningPlan",
    "WaitingDocument",
    "block_role",
]

# The blocks' roles in the order the law has them signed; a block of another role comes after all of these.
LEGAL_ORDER = ("pi", "co_pi", "head", "organisation", "owner", "managing_unit")
# Who sits down to sign: the principal investigator, a co-PI, or the host organisation (its head or its token,
# which also signs as the owner of a technology in Mẫu 8).
PI, CO_PI, HOST = "pi", "co_pi", "host"
CAPACITIES: dict[str, tuple[str, ...]] = {PI: ("pi",), CO_PI: ("co_pi",), HOST: ("head", "organisation", "owner")}
_FIELD_PREFIX = "Sig_"
_NUMBERED = re.compile(r"(.+)_(\d+)")
_USER_BLOCK = "user"  # the role of a new block on a user's PDF
_BLOCK_HEIGHT = 90.0  # a later new block on the same page goes this far above the previous one
_MANIFEST_SHARE = 0.2  # of the bar, for exporting and signing the manifest


def block_role(field: str) -> str:
    """'Sig_co_pi_2' → 'co_pi'; 'Sig_head' → 'head'; a field made elsewhere keeps its name."""
    name = field.removeprefix(_FIELD_PREFIX)
    numbered = _NUMBERED.fullmatch(name)
    return numbered.group(1) if numbered and numbered.group(1) in LEGAL_ORDER else name


def _rank(field: str) -> tuple[int, str]:
    role = block_role(field)
    index = LEGAL_ORDER.index(role) if role in LEGAL_ORDER else len(LEGAL_ORDER)
    number = _NUMBERED.fullmatch(field.removeprefix(_FIELD_PREFIX))
    return index, f"{int(number.group(2)):06d}" if number else field


def role_label(role: str) -> str:
    key = f"dossier_signing.role.{role}"
    return text if (text := tr(key)) != key else role


@dataclass(frozen=True)
class PlannedDocument:
    name: str  # as the clerk knows it: "mau-05.pdf", or the user's file name
    slot: str
    field: str  # the block this signer signs
    path: Path | None  # None: an official PDF is rendered (into the app's dossier folder) just before signing
    draft_id: str | None = None
    attached: AttachedFile | None = None
    placement: FieldPlacement | None = None  # a new block on the last page of a user's PDF


@dataclass(frozen=True)
class WaitingDocument:
    """A document of the dossier this signer cannot sign now, and why (an i18n key with its parameters)."""

    name: str
    code: str
    role: str = ""

    def message(self, language: str | None = None) -> str:
        return tr(self.code, language, name=self.name, role=role_label(self.role))


@dataclass(frozen=True)
class SigningPlan:
    task_id: str
    documents: tuple[PlannedDocument, ...]
    waiting: tuple[WaitingDocument, ...]
    # what keeps the dossier from being exported (an export after signing is refused before any PIN is asked)
    incomplete: tuple[Finding, ...] = ()

    def incomplete_messages(self, language: str | None = None) -> list[str]:
        return [f.message(language) for f in self.incomplete]


@dataclass(frozen=True)
class SignedDocument:
    name: str
    path: Path
    field: str


@dataclass(frozen=True)
class DossierSigningResult:
    signer: str
    signed: tuple[SignedDocument, ...]
    export: ExportResult | None = None


def _names(documents: Sequence[PlannedDocument | SignedDocument]) -> str:
    return ", ".join(d.name for d in documents) or tr("dossier_signing.none")


class DossierSigningFailed(VistaError):
    """Signing stopped at a document: those before it are signed, it and those after are as they were."""

    def __init__(
        self,
        signed: Sequence[SignedDocument],
        unsigned: Sequence[PlannedDocument],
        cause: VistaError,
        failed: str = "",
    ) -> None:
        super().__init__(
            "dossier_signing.failed" if failed else "dossier_signing.failed_before",
            failed=failed,
            reason=cause.message(),
            signed=_names(signed),
            unsigned=_names(unsigned),
        )
        self.signed, self.unsigned, self.cause = tuple(signed), tuple(unsigned), cause


class DossierSigningCancelled(Cancelled):
    """Cancelled between two documents: those signed stay signed (a token made their signatures)."""

    def __init__(self, signed: Sequence[SignedDocument], unsigned: Sequence[PlannedDocument]) -> None:
        VistaError.__init__(self, "dossier_signing.cancelled", signed=_names(signed), unsigned=_names(unsigned))
        self.signed, self.unsigned = tuple(signed), tuple(unsigned)


class DossierSigningService:
    def __init__(
        self,
        builder: DossierBuilderService,
        documents: DocumentService,
        output_folder: Callable[[], Path],
    ) -> None:
        # output_folder: where official PDFs not yet exported are rendered (the app's data folder)
        self._builder, self._documents, self._output_folder = builder, documents, output_folder

    # --- the plan -------------------------------------------------------------------------------------------------

    def plan(
        self,
        task_id: str,
        capacity: str = HOST,
        *,
        include_attached: bool = False,
        identity: Identity | None = None,
    ) -> SigningPlan:
        """The documents awaiting this signer, in signing order, and those it must leave for now (and why). With an
        `identity` whose certificate reads without a secret (a .p12 with no password), a document that certificate
        already signed is left out, naming the block it signed; otherwise that is checked once it is opened."""
        from vista_desktop.services.dossier_builder import SLOTS, completeness
        from vista_desktop.signing.same_signer import certificate_without_secret

        roles = CAPACITIES.get(capacity)
        if roles is None:
            raise VistaError("dossier_signing.unknown_capacity", capacity=capacity, known=", ".join(CAPACITIES))
        contents = self._builder.contents(task_id)
        certificate = certificate_without_secret(identity) if identity is not None else None
        signer = certificate.sha256.hex() if certificate is not None else None
        planned: list[PlannedDocument] = []
        waiting: list[WaitingDocument] = []
        for document in contents.generated:
            self._plan_generated(document, roles, planned, waiting, signer)
        if include_attached:
            pdf_slots = {s.id for s in SLOTS if s.pdf_only}
            for file in contents.attached:
                if file.slot in pdf_slots:
                    self._plan_attached(file, planned, waiting, signer)
        slot_order = [s.id for s in SLOTS]

        def order(item: PlannedDocument) -> tuple[int, int, str]:
            rank = len(LEGAL_ORDER) + 1 if item.placement is not None else _rank(item.field)[0]
            return rank, slot_order.index(item.slot), item.name

        incomplete = tuple(f for f in completeness(contents) if f.blocking)
        return SigningPlan(task_id, tuple(sorted(planned, key=order)), tuple(waiting), incomplete)

    def _plan_generated(
        self,
        document: GeneratedDocument,
        roles: Sequence[str],
        planned: list[PlannedDocument],
        waiting: list[WaitingDocument],
        signer: str | None = None,
    ) -> None:
        from vista_desktop.services.documents import blocking_problems
        from vista_desktop.services.signing import SigningService

        if document.pdf is None:
            definition = _definition(document)
            if blocking_problems(definition, document.data):
                waiting.append(WaitingDocument(document.name, "dossier_signing.waiting.invalid"))
                return
            empty = _blocks_of(document)
        else:
            try:
                empty = [f.name for f in SigningService.fields(document.pdf) if not f.signed]
            except VistaError:
                waiting.append(WaitingDocument(document.name, "dossier_signing.waiting.unreadable"))
                return
        if not empty:
            waiting.append(WaitingDocument(document.name, "dossier_signing.waiting.complete"))
            return
        first = min(empty, key=_rank)
        if block_role(first) not in roles:
            waiting.append(WaitingDocument(document.name, "dossier_signing.waiting.other", block_role(first)))
            return
        if document.pdf is not None and _signed_before(document.pdf, document.name, signer, waiting):
            return
        planned.append(PlannedDocument(document.name, document.slot, first, document.pdf, document.draft_id))

    def _plan_attached(
        self,
        file: AttachedFile,
        planned: list[PlannedDocument],
        waiting: list[WaitingDocument],
        signer: str | None = None,
    ) -> None:
        from vista_desktop.services.signing import SigningService
        from vista_desktop.signing.pdf_sign import DEFAULT_BOX, FieldPlacement

        try:
            fields = SigningService.fields(file.path)
        except VistaError:
            waiting.append(WaitingDocument(file.path.name, "dossier_signing.waiting.unreadable"))
            return
        if any(f.signed for f in fields) and _signed_before(file.path, file.path.name, signer, waiting):
            return
        name = _new_field_name(fields)
        added_before = sum(1 for f in fields if not f.name.startswith(_FIELD_PREFIX))
        x1, y1, x2, y2 = DEFAULT_BOX
        lift = min(added_before, 6) * _BLOCK_HEIGHT  # stacked upward, not drawn over an earlier new block
        placement = FieldPlacement(name, -1, (x1, y1 + lift, x2, y2 + lift))
        planned.append(PlannedDocument(file.path.name, file.slot, name, file.path, None, file, placement))

    # --- signing --------------------------------------------------------------------------------------------------

    def sign_all(
        self,
        task_id: str,
        identity: Identity,
        pin: str | None,
        context: TaskContext | None = None,
        *,
        capacity: str = HOST,
        include_attached: bool = False,
        out: Path | None = None,
        trust: TrustStore | None = None,
        reason: str | None = None,
        location: str | None = None,
    ) -> DossierSigningResult:
        """Sign every planned document with one opening of `identity`, then (with `out`) export the dossier with
        its manifest signed in the same session. A signing-lane task: progress per document, cancel between
        documents (`DossierSigningCancelled`), the first failure stops it (`DossierSigningFailed`)."""
        from vista_desktop.services.dossier_builder import DossierIncomplete
        from vista_desktop.signing.batch import signing_session

        context = context or TaskContext()
        plan = self.plan(task_id, capacity, include_attached=include_attached, identity=identity)
        if out is not None and plan.incomplete:  # refused before the identity is opened: no PIN typed in vain
            raise DossierIncomplete(list(plan.incomplete))
        if out is None and not plan.documents:
            raise VistaError("dossier_signing.nothing_to_sign")
        share = 1.0 - (_MANIFEST_SHARE if out is not None else 0.0)
        context.progress(0.0, tr("dossier_signing.opening"))
        signed: list[SignedDocument] = []
        try:
            with signing_session(identity, pin or None, trust) as session:
                _refuse_signed_before(session, plan.documents)
                for index, document in enumerate(plan.documents):
                    if context.cancelled:
                        raise DossierSigningCancelled(signed, plan.documents[index:])
                    context.progress(share * index / max(len(plan.documents), 1), document.name)
                    try:
                        signed.append(self._sign_one(session, document, reason, location))
                    except VistaError as problem:
                        raise DossierSigningFailed(signed, plan.documents[index:], problem, document.name) from problem
                export = self._export(task_id, out, session, context.share(share, 1.0), signed) if out else None
                signer = session.signer.common_name
        except (DossierSigningFailed, DossierSigningCancelled):
            raise
        except Cancelled:
            raise DossierSigningCancelled(signed, plan.documents[len(signed) :]) from None
        except VistaError as problem:  # opening the identity: a wrong PIN, no token — nothing was signed
            raise DossierSigningFailed(signed, plan.documents[len(signed) :], problem) from problem
        with suppress(Cancelled):  # everything is done: a late cancel changes nothing
            context.progress(1.0, "")
        return DossierSigningResult(signer, tuple(signed), export)

    def _sign_one(
        self, session: SigningSession, document: PlannedDocument, reason: str | None, location: str | None
    ) -> SignedDocument:
        from vista_desktop.signing.pdf_sign import SignRequest

        path = document.path or self._render(document)
        request = SignRequest(
            path, path, field=document.field, placement=document.placement, reason=reason, location=location
        )
        result = session.sign_pdf(request)
        if document.draft_id is not None:
            self._documents.record(document.draft_id, path)
        elif document.attached is not None:
            self._builder.accept_change(document.attached)  # the user's file now carries the signature
        return SignedDocument(document.name, path, result.field)

    def _render(self, document: PlannedDocument) -> Path:
        assert document.draft_id is not None
        folder = self._output_folder() / document.draft_id
        folder.mkdir(parents=True, exist_ok=True)
        return self._documents.export_draft(document.draft_id, folder / document.name, with_docx=False).pdf

    def _export(
        self,
        task_id: str,
        out: Path,
        session: SigningSession,
        context: TaskContext,
        signed: Sequence[SignedDocument],
    ) -> ExportResult:
        try:
            return self._builder.export(task_id, out, context, identity=session.sign_detached, trust=session.trust)
        except Cancelled:
            raise DossierSigningCancelled(signed, ()) from None
        except VistaError as problem:
            raise DossierSigningFailed(signed, (), problem, out.name) from problem


def _signed_before(path: Path, name: str, signer: str | None, waiting: list[WaitingDocument]) -> bool:
    """Whether the certificate `signer` (a fingerprint; None when unknown) already signed a block of `path`;
    if so the document waits, saying which block."""
    from vista_desktop.signing.same_signer import field_signed_by

    if signer is None:
        return False
    try:
        field = field_signed_by(path, signer)
    except VistaError:
        return False  # an unreadable file is refused, with its reason, when it is signed
    if field is None:
        return False
    waiting.append(WaitingDocument(name, "dossier_signing.waiting.same_signer", block_role(field)))
    return True


def _refuse_signed_before(session: SigningSession, documents: Sequence[PlannedDocument]) -> None:
    """Once the certificate is known, and before the first signature: refuse the whole sitting if it already
    signed a block of any planned document (one person never signs two blocks of one document)."""
    for document in documents:
        if document.path is None:
            continue  # rendered just before signing: no signature yet
        try:
            session.check_not_signed_before(document.path, document.name)
        except VistaError as problem:
            raise DossierSigningFailed((), documents, problem) from problem


def _definition(document: GeneratedDocument) -> FormDefinition:
    from vista_desktop.forms.loader import get_definition

    return get_definition(document.form_id, document.version)


def _blocks_of(document: GeneratedDocument) -> list[str]:
    """The signature fields an official PDF of this draft will carry (one per co-PI row, numbered from 1)."""
    from vista_desktop.forms.data import get_path
    from vista_desktop.services.documents import signature_field_name

    names = []
    for block in _definition(document).signatures:
        if block.repeat_for is None:
            names.append(signature_field_name(block.role))
            continue
        rows = get_path(document.data, block.repeat_for)
        count = len([r for r in rows if isinstance(r, dict)]) if isinstance(rows, list) else 0
        names += [signature_field_name(f"{block.role}_{i}") for i in range(1, count + 1)]
    return names


def _new_field_name(fields: Sequence[FieldState]) -> str:
    from vista_desktop.signing.pdf_sign import new_field_name

    return new_field_name(list(fields))
