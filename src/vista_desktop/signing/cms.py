"""Detached CMS signatures over bytes (the dossier manifest): making one, and checking one against the bytes.

The signature file comes from outside, so it is read defensively: its structure is checked before pyHanko sees it
(one signer, a known digest algorithm, no trailing bytes) and whatever pyHanko or asn1crypto still raise about
malformed input becomes one `DocumentProblem("cms.signature_damaged")`, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from vista_desktop.signing.certificates import CertificateInfo, check_can_sign, describe
from vista_desktop.signing.errors import DocumentProblem
from vista_desktop.signing.identities import Identity, open_signer
from vista_desktop.signing.trust import TrustStore

__all__ = ["MAX_SIGNATURE_BYTES", "DetachedVerdict", "sign_detached", "verify_detached"]

log = logging.getLogger(__name__)

DIGEST = "sha256"
# Digests pyHanko can check (asn1crypto's names); anything else in the file is damage, not a new algorithm.
KNOWN_DIGESTS = frozenset({"sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_384", "sha3_512"})
# A signer's chain is a few kB; a timestamp adds a few more.
MAX_SIGNATURE_BYTES = 1 << 20
# What asn1crypto and pyHanko raise on malformed input (pyHanko's own errors are ValueErrors); measured by
# flipping every byte and truncating at every length of a real signature (tests/test_signing_cms.py).
_MALFORMED = (ValueError, TypeError, LookupError)


@dataclass(frozen=True)
class DetachedVerdict:
    signer: CertificateInfo | None
    intact: bool  # the bytes are those signed, and the signature is cryptographically valid
    trusted: bool  # the signer's certificate chains to a root of the trust store


def sign_detached(
    payload: bytes, identity: Identity, secret: str | None, trust: TrustStore
) -> tuple[bytes, CertificateInfo]:
    """A detached CMS signature (DER) over `payload`, after checking that the certificate may sign now and
    chains to a trusted root. Runs on the signing lane (pyHanko's sync use needs no running asyncio loop)."""
    from vista_desktop.signing.pdf_sign import check_chain

    with open_signer(identity, secret) as opened:
        info = check_can_sign(opened.certificate)
        check_chain(opened.certificate, opened.chain, trust)
        signed = asyncio.run(opened.signer.async_sign_general_data(payload, DIGEST, detached=True))
    return signed.dump(), info


def _signed_data(signature: bytes) -> Any:
    """The SignedData of a DER ContentInfo, with everything pyHanko would trip over refused as ValueError."""
    from asn1crypto import cms

    if len(signature) > MAX_SIGNATURE_BYTES:
        raise ValueError("signature file too large")
    content = cms.ContentInfo.load(signature, strict=True)
    if content["content_type"].native != "signed_data":
        raise ValueError("not a CMS SignedData")
    signed = content["content"]
    signed.native  # noqa: B018 (asn1crypto parses lazily: damage anywhere surfaces here, as ValueError)
    if len(signed["signer_infos"]) != 1:
        raise ValueError("not exactly one signer")
    digests = [signed["signer_infos"][0]["digest_algorithm"], *signed["digest_algorithms"]]
    unknown = {d["algorithm"].native for d in digests} - KNOWN_DIGESTS
    if unknown:
        raise ValueError(f"unknown digest algorithm {sorted(unknown)}")
    return signed


def verify_detached(payload: bytes, signature: bytes, trust: TrustStore) -> DetachedVerdict:
    """Whether `signature` (DER) signs exactly `payload`, and by whom; a file that is not a readable CMS
    signature raises DocumentProblem("cms.signature_damaged")."""
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    # pyHanko logs whole tracebacks at WARNING for an untrusted or broken chain; the verdict says it instead.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        signed = _signed_data(signature)
        status = asyncio.run(async_validate_detached_cms(payload, signed, trust.validation_context()))
    except _MALFORMED as exc:
        log.info("damaged CMS signature: %s: %s", type(exc).__name__, exc)
        raise DocumentProblem("cms.signature_damaged") from exc
    return DetachedVerdict(
        signer=describe(status.signing_cert) if status.signing_cert is not None else None,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
    )
