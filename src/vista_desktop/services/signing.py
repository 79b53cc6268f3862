"""Signing use cases for the GUI and the CLI: the documents of a draft and their signing state, signing one of
them, verifying. All PKCS#11 and pyHanko work runs on the one signing thread (signing.worker)."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vista_desktop.signing import SigningProblem, worker
from vista_desktop.storage.drafts import DocumentRecord, DraftRepository

if TYPE_CHECKING:
    from vista_desktop.signing.identities import Identity
    from vista_desktop.signing.pdf_sign import SignRequest, SignResult

FORM_PDF = "form_pdf"


@dataclass(frozen=True)
class SigningState:
    total: int
    signed: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.signed >= self.total


def signing_state(path: Path) -> SigningState:
    from vista_desktop.signing.pdf_sign import signature_fields

    fields = signature_fields(path)
    return SigningState(len(fields), sum(f.signed for f in fields))


@dataclass(frozen=True)
class Discovery:
    identities: list[tuple[str, Any]]  # (label, identity) for every token certificate
    problems: list[SigningProblem]  # drivers the user added that could not be used


def discover_identities(extra_modules: tuple[str, ...]) -> Discovery:
    """Every certificate on every token found; runs on the signing thread. A known driver name that fails is
    passed over quietly; a driver the user added and that fails is reported."""
    from vista_desktop.signing.certificates import describe
    from vista_desktop.signing.identities import Pkcs11Identity
    from vista_desktop.signing.tokens import candidate_modules, list_tokens

    found: list[tuple[str, Any]] = []
    problems: list[SigningProblem] = []
    user_added = {str(Path(m)) for m in extra_modules}
    for missing in sorted(m for m in user_added if not Path(m).is_file()):
        problems.append(SigningProblem("sign.module_unreadable", path=missing, reason="not found"))
    for module in candidate_modules(extra_modules):
        try:
            tokens = list_tokens(module)
        except SigningProblem as problem:
            if str(module) in user_added:
                problems.append(problem)
            continue
        for token in tokens:
            for cert in token.certificates:
                info = describe(cert.certificate)
                label = f"{info.common_name} — {token.label} ({module.name})"
                found.append((label, Pkcs11Identity(str(module), token.label, key_id=cert.key_id)))
    return Discovery(found, problems)


class DocumentSigning:
    def __init__(self, repository: DraftRepository) -> None:
        self.repository = repository

    def record(self, draft_id: str, path: Path, kind: str = FORM_PDF) -> SigningState:
        """Remember `path` as the draft's document of `kind`, with its signing state read from the file."""
        state = signing_state(path)
        self.repository.record_document(draft_id, kind, str(path), state.total, state.signed)
        return state

    def documents(self) -> dict[str, list[DocumentRecord]]:
        return self.repository.documents()

    def form_pdf(self, draft_id: str) -> Path | None:
        for record in self.repository.documents(draft_id).get(draft_id, []):
            if record.kind == FORM_PDF and Path(record.path).exists():
                return Path(record.path)
        return None

    def fields(self, pdf: Path) -> list[Any]:
        from vista_desktop.signing.pdf_sign import signature_fields

        return signature_fields(pdf)

    def discover_identities(self, extra_modules: tuple[str, ...]) -> Future[Discovery]:
        return worker.submit(lambda: discover_identities(extra_modules))

    @staticmethod
    def pkcs12_identity(path: Path) -> Any:
        from vista_desktop.signing.identities import Pkcs12Identity

        return Pkcs12Identity(path)

    @staticmethod
    def request(**kwargs: Any) -> Any:
        from vista_desktop.signing.pdf_sign import SignRequest

        return SignRequest(**kwargs)

    @staticmethod
    def verify(pdf: Path) -> Future[Any]:
        from vista_desktop.signing.verify import verify_pdf

        return worker.submit(lambda: verify_pdf(pdf))

    @staticmethod
    def trust_certificate(path: Path) -> None:
        from vista_desktop.signing.trust import install_user_certificate

        install_user_certificate(path)

    def sign(
        self, request: SignRequest, identity: Identity, secret: str | None, draft_id: str | None = None
    ) -> Future[SignResult]:
        """Sign on the signing thread; on success the draft's document becomes the signed file."""
        from vista_desktop.signing.pdf_sign import sign_pdf

        def work() -> SignResult:
            result = sign_pdf(request, identity, secret)
            if draft_id is not None:
                self.record(draft_id, result.path)
            return result

        return worker.submit(work)
