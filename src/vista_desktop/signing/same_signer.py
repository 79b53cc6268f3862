"""One person, one block: a certificate that already signed a document may not sign another block of it.

A clerk who signed a form's PI block with a personal certificate and then chose «Tổ chức chủ trì» would otherwise
sign the head-of-organisation block with the same certificate — a wrong legal document. Certificates are compared
by their SHA-256 fingerprint, read from the existing signatures as the trust administration reads them.
"""

from __future__ import annotations

import re
from pathlib import Path

from asn1crypto import x509

from vista_desktop.signing.errors import DocumentProblem, SigningProblem
from vista_desktop.signing.identities import Identity, Pkcs12Identity

__all__ = ["SameSigner", "block_label", "certificate_without_secret", "field_signed_by", "refuse_same_signer"]

_NUMBERED_BLOCK = re.compile(r"(.+?)_(\d+)")


def block_label(field: str, language: str | None = None) -> str:
    """'Sig_head' → 'Thủ trưởng tổ chức chủ trì'; 'Sig_co_pi_2' → '… 2'; a field made elsewhere keeps its name."""
    from vista_desktop.i18n import tr

    name = field.removeprefix("Sig_")
    numbered = _NUMBERED_BLOCK.fullmatch(name)
    role, number = (numbered.group(1), numbered.group(2)) if numbered else (name, "")
    key = f"dossier_signing.role.{role}"
    label = tr(key, language)
    if label == key:
        return field
    return f"{label} {number}" if number else label


class SameSigner(DocumentProblem):
    """The certificate already signed `field` of `document`; `params` name both, the message the block."""

    def __init__(self, document: str, field: str) -> None:
        super().__init__("sign.same_signer", document=document, field=field)

    def message(self, language: str | None = None) -> str:
        from vista_desktop.i18n import tr

        return tr(
            self.code,
            language,
            document=self.params["document"],
            block=block_label(str(self.params["field"]), language),
        )


def field_signed_by(path: Path, sha256: str) -> str | None:
    """The field of `path` already signed by the certificate with this fingerprint, or None."""
    from vista_desktop.signing.trust_admin import signer_certificates

    wanted = sha256.lower()
    for field, certificates in signer_certificates(path).items():
        if certificates and certificates[0].sha256.lower() == wanted:
            return field
    return None


def refuse_same_signer(path: Path, certificate: x509.Certificate, name: str | None = None) -> None:
    """Raise `SameSigner` when `certificate` already signed a block of `path` (shown as `name`)."""
    field = field_signed_by(path, certificate.sha256.hex())
    if field is not None:
        raise SameSigner(name or path.name, field)


def certificate_without_secret(identity: Identity) -> x509.Certificate | None:
    """The identity's certificate when it can be read without a PIN or password and without touching a token
    (a .p12 file with no password); None otherwise — then the rule is checked once the identity is opened."""
    if not isinstance(identity, Pkcs12Identity):
        return None
    from vista_desktop.signing.identities import open_signer

    try:
        with open_signer(identity, None) as opened:
            return opened.certificate
    except SigningProblem:
        return None
