"""Signing identities (a .p12/.pfx file, or a key on a PKCS#11 token) and the pyHanko signer for each."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509

from vista_desktop.signing.errors import CertificateProblem, CredentialError, DocumentProblem, TokenError, os_reason

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pkcs12Identity:
    path: Path


@dataclass(frozen=True)
class Pkcs11Identity:
    module: str
    token_label: str | None = None
    token_serial: str | None = None
    key_id: bytes | None = None  # CKA_ID: labels differ between certificate and key on Viettel-CA tokens
    key_label: str | None = None


Identity = Pkcs12Identity | Pkcs11Identity


@dataclass(frozen=True)
class OpenSigner:
    signer: Any  # a pyhanko Signer
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


def _pkcs12(identity: Pkcs12Identity, password: str | None) -> OpenSigner:
    from pyhanko.sign.signers import SimpleSigner

    try:
        data = identity.path.read_bytes()
    except OSError as exc:
        raise DocumentProblem("sign.file_unreadable", path=str(identity.path), reason=os_reason(exc)) from exc
    try:
        # load_pkcs12_data raises on a wrong password, where load_pkcs12 would quietly return None.
        signer = SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=(password or "").encode())
    except (ValueError, TypeError) as exc:
        raise CredentialError("sign.p12_password", path=identity.path.name) from exc
    if signer is None or signer.signing_key is None or signer.signing_cert is None:
        raise CertificateProblem("sign.no_private_key", label=identity.path.name)
    chain = tuple(c for c in signer.cert_registry if c != signer.signing_cert)
    return OpenSigner(signer, signer.signing_cert, chain)


def _select_key(session: Any, identity: Pkcs11Identity, label: str) -> tuple[bytes, x509.Certificate]:
    from pkcs11 import Attribute, ObjectClass

    certs = list(session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}))
    keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}))
    key_ids = {bytes(k[Attribute.ID]) for k in keys}
    wanted = identity.key_id
    if wanted is None and identity.key_label is not None:
        matches = [bytes(o[Attribute.ID]) for o in [*keys, *certs] if str(o[Attribute.LABEL]) == identity.key_label]
        if not matches:
            raise CertificateProblem("sign.key_label_unknown", label=identity.key_label)
        wanted = matches[0]
    candidates = [c for c in certs if wanted is None or bytes(c[Attribute.ID]) == wanted]
    with_key = [c for c in candidates if bytes(c[Attribute.ID]) in key_ids]
    if not with_key:
        raise CertificateProblem("sign.no_private_key", label=label)
    cert_obj = with_key[0]
    return bytes(cert_obj[Attribute.ID]), x509.Certificate.load(cert_obj[Attribute.VALUE])


@contextmanager
def open_signer(identity: Identity, secret: str | None) -> Iterator[OpenSigner]:
    """The signer for `identity`, logged in with `secret` (PIN or .p12 password) for this operation only."""
    if isinstance(identity, Pkcs12Identity):
        yield _pkcs12(identity, secret)
        return
    import pkcs11
    from pyhanko.sign.pkcs11 import PKCS11Signer

    from vista_desktop.signing import tokens

    label = identity.token_label or identity.token_serial or ""
    with tokens.logged_in(identity.module, identity.token_label, identity.token_serial, secret) as session:
        try:
            key_id, cert = _select_key(session, identity, label)
            signer = PKCS11Signer(session, cert_id=key_id, key_id=key_id)
            yield OpenSigner(signer, cert, ())
        except pkcs11.exceptions.PKCS11Error as exc:
            raise tokens.map_pkcs11_error(exc, label) from exc


__all__ = ["Identity", "OpenSigner", "Pkcs11Identity", "Pkcs12Identity", "TokenError", "open_signer"]
