"""One signing session for many documents: the identity is opened (the token logged in, the .p12 decrypted) and
its certificate checked once, then every PDF and the dossier manifest are signed with it. A clerk signing a whole
dossier types the PIN once and the token sees one login.

Each PDF is signed exactly as `pdf_sign.sign_pdf` signs one (same checks on the input, same stamp, a copy signed
in place beside the target and renamed onto it only when the signature is made): no document is left half-signed.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from vista_desktop.fileio import atomic_path
from vista_desktop.signing.certificates import CertificateInfo, check_can_sign
from vista_desktop.signing.identities import Identity, OpenSigner, open_signer
from vista_desktop.signing.pdf_sign import SignRequest, SignResult, _sign_copy, check_chain, prepare
from vista_desktop.signing.same_signer import refuse_same_signer
from vista_desktop.signing.trust import TrustStore

__all__ = ["SigningSession", "signing_session"]

_DIGEST = "sha256"


@dataclass(frozen=True)
class SigningSession:
    opened: OpenSigner
    signer: CertificateInfo
    trust: TrustStore

    def sign_pdf(self, request: SignRequest) -> SignResult:
        """Sign `request.source` into `request.target` (they may be the same file: it is replaced atomically)."""
        field = prepare(request, self.trust)
        refuse_same_signer(request.source, self.opened.certificate)
        moment = datetime.now(UTC)
        info = check_can_sign(self.opened.certificate, moment)  # a long sitting may cross the expiry instant
        with atomic_path(request.target, suffix=".pdf") as working:
            shutil.copyfile(request.source, working)
            _sign_copy(request, field, working, self.opened.signer, info, moment)
        return SignResult(request.target, field, info, moment)

    def check_not_signed_before(self, path: Path, name: str | None = None) -> None:
        """Refuse (`SameSigner`) a document this session's certificate already signed a block of."""
        refuse_same_signer(path, self.opened.certificate, name)

    def sign_detached(self, payload: bytes) -> tuple[bytes, str]:
        """A detached CMS signature over `payload` (the dossier manifest) and the signer's common name."""
        check_can_sign(self.opened.certificate)
        signed = asyncio.run(self.opened.signer.async_sign_general_data(payload, _DIGEST, detached=True))
        return signed.dump(), self.signer.common_name


@contextmanager
def signing_session(
    identity: Identity, secret: str | None, trust: TrustStore | None = None
) -> Iterator[SigningSession]:
    """Open `identity` with `secret` once, check its certificate (validity, key usage, chain) and yield a session.
    Token errors raised while signing inside the block (token removed, device error) come out mapped to the
    signing package's problems, like those of a single signature."""
    from vista_desktop.signing.logs import quiet_pyhanko

    quiet_pyhanko()
    trust = trust or TrustStore.default()
    with open_signer(identity, secret) as opened:
        info = check_can_sign(opened.certificate)
        check_chain(opened.certificate, opened.chain, trust)
        yield SigningSession(opened, info, trust)
