"""Detached CMS signatures over manifest bytes: made only with a certificate that may sign, and a damaged signature
file is a clear DocumentProblem, never a traceback from pyHanko or asn1crypto."""

from __future__ import annotations

import random

import pytest

from vista_desktop.signing.cms import MAX_SIGNATURE_BYTES, sign_detached, verify_detached
from vista_desktop.signing.errors import CertificateProblem, DocumentProblem
from vista_desktop.signing.identities import Pkcs12Identity
from vista_desktop.signing.trust import TrustStore, load_certificates

from .pki import PASSWORD

PAYLOAD = b'{"format": "vista-dossier-manifest", "version": 2, "files": []}\n'
SHA256_OID = bytes.fromhex("0609608648016503040201")  # DER of 2.16.840.1.101.3.4.2.1


@pytest.fixture(scope="module")
def trust(pki) -> TrustStore:  # type: ignore[no-untyped-def]
    store = TrustStore()
    store.add(load_certificates(pki.root_pem))
    return store


@pytest.fixture(scope="module")
def signature(pki, trust) -> bytes:  # type: ignore[no-untyped-def]
    der, signer = sign_detached(PAYLOAD, Pkcs12Identity(pki["pi"].p12), PASSWORD, trust)
    assert signer.citizen_id == "079185012345"
    return der


def test_a_signature_verifies_and_names_its_signer(signature: bytes, trust: TrustStore) -> None:
    verdict = verify_detached(PAYLOAD, signature, trust)
    assert verdict.intact and verdict.trusted
    assert verdict.signer is not None and verdict.signer.common_name == "Nguyễn Thị Hồng Nhung"
    assert not verify_detached(PAYLOAD, signature, TrustStore()).trusted


def test_other_bytes_are_not_intact(signature: bytes, trust: TrustStore) -> None:
    verdict = verify_detached(PAYLOAD.replace(b"[]", b"[ ]"), signature, trust)
    assert not verdict.intact


@pytest.mark.parametrize(
    ("party", "code"),
    [("expired", "sign.cert_expired"), ("nosign", "sign.cert_key_usage"), ("rogue", "sign.cert_untrusted")],
)
def test_only_a_certificate_that_may_sign_signs(pki, trust: TrustStore, party: str, code: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(CertificateProblem) as caught:
        sign_detached(PAYLOAD, Pkcs12Identity(pki[party].p12), PASSWORD, trust)
    assert caught.value.code == code


def test_a_corrupted_digest_algorithm_is_a_damaged_signature(signature: bytes, trust: TrustStore) -> None:
    assert SHA256_OID in signature
    corrupted = signature.replace(SHA256_OID, SHA256_OID[:-1] + b"\x63")  # 2.16.840.1.101.3.4.2.99
    with pytest.raises(DocumentProblem) as caught:
        verify_detached(PAYLOAD, corrupted, trust)
    assert caught.value.code == "cms.signature_damaged"
    assert "bị hỏng" in caught.value.message()


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: b"",
        lambda s: b"garbage",
        lambda s: b"\x30\x80",
        lambda s: s + b"\x00",  # bytes after the signature
        lambda s: s[: len(s) // 2],
        lambda s: b"\x30" + b"\x84\xff\xff\xff\xff" + s[2:],  # a length far past the end
        lambda s: s.replace(bytes.fromhex("06092a864886f70d010702"), bytes.fromhex("06092a864886f70d010703")),
        lambda s: b"\x00" * (MAX_SIGNATURE_BYTES + 1),
    ],
    ids=["empty", "text", "indefinite", "trailing", "truncated", "long length", "enveloped data", "too large"],
)
def test_a_damaged_signature_file_is_a_clear_problem(signature: bytes, trust: TrustStore, damage) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DocumentProblem) as caught:
        verify_detached(PAYLOAD, damage(signature), trust)
    assert caught.value.code == "cms.signature_damaged"


def test_no_flipped_byte_or_truncation_escapes_as_a_traceback(signature: bytes, trust: TrustStore) -> None:
    """A sample of every kind of damage: each is a verdict (not intact) or the damaged-signature problem. The
    exception list in signing/cms.py was measured on every byte flipped four ways and every truncation."""
    rng = random.Random(14)
    cases = [signature[:n] for n in range(0, len(signature), 37)]
    for position in range(0, len(signature), 29):
        flipped = bytearray(signature)
        flipped[position] ^= rng.choice((0x01, 0x80, 0xFF))
        cases.append(bytes(flipped))
    outcomes: dict[str, int] = {}
    for case in cases:
        try:
            verdict = verify_detached(PAYLOAD, case, trust)
            outcome = "intact" if verdict.intact else "not intact"
        except DocumentProblem as problem:
            outcome = problem.code
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert set(outcomes) <= {"intact", "not intact", "cms.signature_damaged"}
    assert outcomes["cms.signature_damaged"] and outcomes["not intact"]
