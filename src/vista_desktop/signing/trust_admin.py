"""Looking after the app's trust store, and certificates shown to people: what is trusted (bundled or added by the
user), adding a root the user has checked by its fingerprint, removing one the user added, and the details of a
certificate (from a file, a signing identity, or a signed PDF) as plain data.

The bundled roots ship with the app and cannot be removed; the user's own are the files of `user_trust_dir()`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from asn1crypto import pem, x509

from vista_desktop.resources import resource_path
from vista_desktop.signing.certificates import describe
from vista_desktop.signing.errors import CertificateProblem, DocumentProblem, os_reason
from vista_desktop.signing.identities import Identity, Pkcs11Identity, open_signer
from vista_desktop.signing.trust import load_certificates, user_trust_dir

__all__ = [
    "CertificateDetails",
    "TrustedCertificate",
    "certificate_details",
    "identity_certificates",
    "install_certificate",
    "read_certificate_file",
    "remove_user_certificate",
    "signer_certificates",
    "trusted_certificates",
]

log = logging.getLogger(__name__)

# The name attributes shown to people, in this order (asn1crypto's names; the UI has a label for each).
NAME_ATTRIBUTES = (
    "common_name",
    "title",
    "organizational_unit_name",
    "organization_name",
    "locality_name",
    "state_or_province_name",
    "country_name",
    "email_address",
    "user_id",
    "serial_number",
)


@dataclass(frozen=True)
class CertificateDetails:
    """A certificate as a person checks it. Names are (attribute, value) pairs, attribute being one of
    NAME_ATTRIBUTES or a dotted OID, so that the UI can label them in the user's language."""

    subject: tuple[tuple[str, str], ...]
    issuer: tuple[tuple[str, str], ...]
    common_name: str
    issuer_name: str
    organisation: str
    serial: str  # hexadecimal, as CAs print it
    not_before: datetime
    not_after: datetime
    citizen_id: str | None
    tax_code: str | None
    sha256: str  # hexadecimal, lower case
    self_signed: bool
    der: bytes = field(repr=False)


@dataclass(frozen=True)
class TrustedCertificate:
    details: CertificateDetails
    bundled: bool  # shipped with the app (cannot be removed), or added by the user


def _name_pairs(name: x509.Name) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for rdn in name.chosen:
        for attribute in rdn:
            kind = attribute["type"].native
            value = attribute["value"].native
            pairs.append((str(kind), ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    order = {key: i for i, key in enumerate(NAME_ATTRIBUTES)}
    return tuple(sorted(pairs, key=lambda pair: order.get(pair[0], len(order))))


def _first(pairs: tuple[tuple[str, str], ...], *keys: str) -> str:
    for key in keys:
        for kind, value in pairs:
            if kind == key:
                return value
    return ""


def certificate_details(cert: x509.Certificate) -> CertificateDetails:
    info = describe(cert)
    subject, issuer = _name_pairs(cert.subject), _name_pairs(cert.issuer)
    return CertificateDetails(
        subject=subject,
        issuer=issuer,
        common_name=info.common_name or _first(subject, "organization_name"),
        issuer_name=_first(issuer, "common_name", "organization_name"),
        organisation=info.organisation,
        serial=info.serial,
        not_before=info.not_before,
        not_after=info.not_after,
        citizen_id=info.citizen_id,
        tax_code=info.tax_code,
        sha256=info.sha256,
        self_signed=cert.self_signed != "no",  # asn1crypto answers "yes", "maybe" or "no", all truthy
        der=cert.dump(),
    )


def read_certificate_file(path: Path) -> list[CertificateDetails]:
    """The certificates of a PEM or DER file, without trusting them; CertificateProblem for anything else."""
    certs = load_certificates(path)
    if not certs:
        raise CertificateProblem("sign.not_a_certificate", path=str(path))
    try:
        return [certificate_details(cert) for cert in certs]
    except (ValueError, TypeError) as exc:  # a PEM armour around bytes that are not a certificate
        raise CertificateProblem("sign.not_a_certificate", path=str(path)) from exc


def _certificates_in(folder: Path, bundled: bool) -> list[TrustedCertificate]:
    found: list[TrustedCertificate] = []
    for path in sorted(folder.glob("*.pem")):
        try:
            found += [TrustedCertificate(certificate_details(c), bundled) for c in load_certificates(path)]
        except (CertificateProblem, ValueError, TypeError):
            log.warning("skipping an unreadable trusted certificate file %s", path.name)
    return found


def trusted_certificates() -> list[TrustedCertificate]:
    """Every certificate the app trusts: the bundled ones first, then the user's."""
    return _certificates_in(resource_path("trust"), True) + _certificates_in(user_trust_dir(), False)


def install_certificate(der: bytes) -> CertificateDetails:
    """Trust one certificate (already shown to the user with its fingerprint)."""
    try:
        cert = x509.Certificate.load(der)
        details = certificate_details(cert)
    except (ValueError, TypeError) as exc:
        raise CertificateProblem("sign.not_a_certificate", path="") from exc
    target = user_trust_dir() / f"{cert.sha256.hex()[:16]}.pem"  # the name trust.install_user_certificate uses
    try:
        target.write_bytes(pem.armor("CERTIFICATE", cert.dump()))
    except OSError as exc:
        raise CertificateProblem("sign.file_unreadable", path=str(target), reason=os_reason(exc)) from exc
    return details


def remove_user_certificate(sha256: str) -> bool:
    """Stop trusting a certificate the user added; False when no added certificate has that fingerprint. A file
    that holds others too keeps them."""
    removed = False
    for path in sorted(user_trust_dir().glob("*.pem")):
        try:
            certs = load_certificates(path)
        except CertificateProblem:
            continue
        kept = [c for c in certs if c.sha256.hex() != sha256.lower()]
        if len(kept) == len(certs):
            continue
        removed = True
        try:
            if kept:
                path.write_bytes(b"".join(pem.armor("CERTIFICATE", c.dump()) for c in kept))
            else:
                path.unlink()
        except OSError as exc:
            raise CertificateProblem("sign.file_unreadable", path=str(path), reason=os_reason(exc)) from exc
    return removed


def _token_certificate(identity: Pkcs11Identity) -> list[x509.Certificate]:
    from vista_desktop.signing.tokens import list_tokens

    for token in list_tokens(identity.module):
        if identity.token_label not in (None, token.label) or identity.token_serial not in (None, token.serial):
            continue
        for found in token.certificates:
            if identity.key_id is None or found.key_id == identity.key_id:
                return [found.certificate]
    return []


def identity_certificates(identity: Identity, secret: str | None) -> list[CertificateDetails]:
    """The identity's certificate, then the chain it carries. A token's certificates are public (no PIN); a
    .p12 file needs its password."""
    if isinstance(identity, Pkcs11Identity):
        return [certificate_details(c) for c in _token_certificate(identity)]
    with open_signer(identity, secret) as opened:
        return [certificate_details(c) for c in (opened.certificate, *opened.chain)]


def signer_certificates(pdf: Path) -> dict[str, list[CertificateDetails]]:
    """Per signature field of a signed PDF: the signer's certificate, then the others embedded with it. A
    signature whose certificate cannot be read is left out (the verification report says why)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    found: dict[str, list[CertificateDetails]] = {}
    try:
        with pdf.open("rb") as fh:
            try:
                reader = PdfFileReader(fh, strict=False)
                signatures: list[Any] = list(reader.embedded_signatures)
            except Exception as exc:  # pyHanko's many parse errors: the file is not a readable PDF
                raise DocumentProblem("sign.pdf_unreadable", path=str(pdf), reason=type(exc).__name__) from exc
            for signature in signatures:
                try:
                    certs = [signature.signer_cert, *signature.other_embedded_certs]
                    found[str(signature.field_name)] = [certificate_details(c) for c in certs]
                except Exception:
                    log.warning("cannot read the certificate of signature %s", signature.field_name)
    except OSError as exc:
        raise DocumentProblem("sign.file_unreadable", path=str(pdf), reason=os_reason(exc)) from exc
    return found
