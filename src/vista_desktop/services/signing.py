"""Signing use cases for the GUI and the CLI: the documents of a draft and their signing state, discovering the
identities on tokens, signing, verifying, trusting a root. Every method that touches a token or pyHanko is a
task for the "signing" lane (`tasks.run(..., lane="signing")` or the GUI's runner), which serialises PKCS#11 work.

The types the callers see (requests, results, reports, identities) are re-exported here, so the GUI and the CLI
never import `signing/` themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop.signing.errors import SigningProblem

if TYPE_CHECKING:
    from asn1crypto.x509 import Certificate

    from vista_desktop.signing.certificates import CertificateInfo
    from vista_desktop.signing.identities import Identity
    from vista_desktop.signing.pdf_sign import FieldState, SignRequest, SignResult
    from vista_desktop.signing.tokens import TokenInfo
    from vista_desktop.signing.trust import TrustStore
    from vista_desktop.signing.trust_admin import CertificateDetails, TrustedCertificate
    from vista_desktop.signing.verify import VerificationReport
    from vista_desktop.storage.drafts import DraftRepository
    from vista_desktop.tasks import TaskContext

__all__ = [
    "CertificateDetails",
    "CertificateInfo",
    "Discovery",
    "FieldState",
    "Identity",
    "SignRequest",
    "SignResult",
    "SigningProblem",
    "SigningService",
    "SigningState",
    "TokenInfo",
    "TrustStore",
    "TrustedCertificate",
    "VerificationReport",
    "signing_state",
]

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
class TokenIdentity:
    label: str  # "NGUYỄN VĂN A — VNPT-CA (libvnpt.so)"
    identity: Identity


@dataclass(frozen=True)
class Discovery:
    identities: list[TokenIdentity]  # every certificate on every token found
    problems: list[SigningProblem]  # drivers the user added that could not be used


class SigningService:
    def __init__(self, repository: Callable[[], DraftRepository] | None = None) -> None:
        # The drafts repository as the composition root opens it (once, on first use); None for file-only work
        # (the CLI's sign and verify), which records nothing.
        self._repository = repository

    # --- identities and trust -----------------------------------------------------------------------------

    @staticmethod
    def pkcs12_identity(path: Path) -> Identity:
        from vista_desktop.signing.identities import Pkcs12Identity

        return Pkcs12Identity(path)

    @staticmethod
    def pkcs11_identity(
        module: str,
        token_label: str | None,
        token_serial: str | None = None,
        *,
        key_id: bytes | None = None,
        key_label: str | None = None,
    ) -> Identity:
        from vista_desktop.signing.identities import Pkcs11Identity

        return Pkcs11Identity(module, token_label, token_serial, key_id=key_id, key_label=key_label)

    @staticmethod
    def trust_store(extra: Sequence[Path] = ()) -> TrustStore:
        from vista_desktop.signing.trust import TrustStore

        return TrustStore.default(list(extra))

    @staticmethod
    def trusted_certificates() -> list[tuple[bool, CertificateInfo]]:
        """(is a root, description) of every certificate the app trusts."""
        from vista_desktop.signing.certificates import describe
        from vista_desktop.signing.trust import TrustStore

        store = TrustStore.default()
        return [(cert in store.roots, describe(cert)) for cert in [*store.roots, *store.intermediates]]

    @staticmethod
    def trust_certificate(path: Path) -> list[CertificateInfo]:
        """Add a root or intermediate (PEM or DER) to the app's own trust store."""
        from vista_desktop.signing.certificates import describe
        from vista_desktop.signing.trust import install_user_certificate

        return [describe(cert) for cert in install_user_certificate(path)]

    # --- certificates shown to people, and the trust store they look after ---------------------------------

    @staticmethod
    def trust_list() -> list[TrustedCertificate]:
        """Every certificate the app trusts, bundled ones first, each saying whether it can be removed."""
        from vista_desktop.signing.trust_admin import trusted_certificates

        return trusted_certificates()

    @staticmethod
    def certificate_file(path: Path) -> list[CertificateDetails]:
        """The certificates of a file, read but not trusted (to be shown and confirmed first)."""
        from vista_desktop.signing.trust_admin import read_certificate_file

        return read_certificate_file(path)

    @staticmethod
    def add_trusted_certificate(certificate: CertificateDetails) -> CertificateDetails:
        """Trust a certificate the user has seen and confirmed (by its subject and SHA-256 fingerprint)."""
        from vista_desktop.signing.trust_admin import install_certificate

        return install_certificate(certificate.der)

    @staticmethod
    def remove_trusted_certificate(certificate: CertificateDetails) -> bool:
        """Stop trusting a certificate the user added; the bundled roots stay."""
        from vista_desktop.signing.trust_admin import remove_user_certificate

        return remove_user_certificate(certificate.sha256)

    @staticmethod
    def identity_certificates(identity: Identity, secret: str | None) -> list[CertificateDetails]:
        """The identity's certificate, then the chain it carries (a signing-lane task; a .p12 needs its password,
        a token's certificates are public)."""
        from vista_desktop.signing.trust_admin import identity_certificates

        return identity_certificates(identity, secret)

    @staticmethod
    def signer_certificates(pdf: Path) -> dict[str, list[CertificateDetails]]:
        """Per signature field of a signed PDF, the signer's certificate then the others embedded with it."""
        from vista_desktop.signing.trust_admin import signer_certificates

        return signer_certificates(pdf)

    @staticmethod
    def token_modules(module: Path | None = None, extra: Sequence[str] = ()) -> list[Path]:
        from vista_desktop.signing.tokens import candidate_modules

        return [module] if module is not None else candidate_modules(extra)

    @staticmethod
    def list_tokens(module: Path) -> list[TokenInfo]:
        from vista_desktop.signing.tokens import list_tokens

        return list_tokens(module)

    @staticmethod
    def describe_certificate(certificate: Certificate) -> CertificateInfo:
        from vista_desktop.signing.certificates import describe

        return describe(certificate)

    def discover_identities(self, extra_modules: Sequence[str], context: TaskContext | None = None) -> Discovery:
        """Every certificate on every token found (a signing-lane task). A known driver name that fails is passed
        over quietly; a driver the user added and that fails is reported."""
        found: list[TokenIdentity] = []
        problems: list[SigningProblem] = []
        user_added = {str(Path(m)) for m in extra_modules}
        for missing in sorted(m for m in user_added if not Path(m).is_file()):
            problems.append(SigningProblem("sign.module_unreadable", path=missing, reason="not found"))
        modules = self.token_modules(None, extra_modules)
        for index, module in enumerate(modules):
            if context is not None:
                context.progress(index / max(len(modules), 1), module.name)
            try:
                tokens = self.list_tokens(module)
            except SigningProblem as problem:
                if str(module) in user_added:
                    problems.append(problem)
                continue
            for token in tokens:
                for cert in token.certificates:
                    info = self.describe_certificate(cert.certificate)
                    label = f"{info.common_name} — {token.label} ({module.name})"
                    found.append(
                        TokenIdentity(label, self.pkcs11_identity(str(module), token.label, key_id=cert.key_id))
                    )
        return Discovery(found, problems)

    # --- documents ------------------------------------------------------------------------------------------

    @staticmethod
    def fields(pdf: Path) -> list[FieldState]:
        from vista_desktop.signing.pdf_sign import signature_fields

        return signature_fields(pdf)

    @staticmethod
    def request(source: Path, target: Path, **options: object) -> SignRequest:
        from vista_desktop.signing.pdf_sign import SignRequest

        return SignRequest(source, target, **options)  # type: ignore[arg-type]

    def sign(
        self,
        request: SignRequest,
        identity: Identity,
        secret: str | None,
        *,
        draft_id: str | None = None,
        trust: TrustStore | None = None,
        context: TaskContext | None = None,
    ) -> SignResult:
        """Sign (a signing-lane task). On success the draft's document becomes the signed file. Cancelling is
        possible until the signature is made; after that the signed file is kept, as a token has signed it."""
        from vista_desktop.signing.pdf_sign import sign_pdf

        if context is not None:
            context.progress(None, "")
        result = sign_pdf(request, identity, secret, trust)
        if draft_id is not None and self._repository is not None:
            state = signing_state(result.path)
            self._repository().record_document(draft_id, FORM_PDF, str(result.path), state.total, state.signed)
        return result

    @staticmethod
    def verify(pdf: Path, trust: TrustStore | None = None, context: TaskContext | None = None) -> VerificationReport:
        """Verify every signature of a PDF (a signing-lane task)."""
        from vista_desktop.signing.verify import verify_pdf

        if context is not None:
            context.progress(None, "")
        return verify_pdf(pdf, trust)
