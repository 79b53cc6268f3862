"""Signing with a real SoftHSM2 token and .p12 files, verifying, and the errors a user meets."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from vista_desktop import tasks
from vista_desktop.documents.render import render
from vista_desktop.signing import CertificateProblem, CredentialError, DocumentProblem, TokenError
from vista_desktop.signing.identities import Pkcs11Identity, Pkcs12Identity
from vista_desktop.signing.pdf_sign import FieldPlacement, SignRequest, add_signature_fields, sign_pdf
from vista_desktop.signing.trust import TrustStore
from vista_desktop.signing.verify import verify_pdf

from .pki import PASSWORD, PIN, SOFTHSM, TOKEN_LABEL


@pytest.fixture
def form_pdf(tmp_path, mau01, complete_data) -> Path:  # type: ignore[no-untyped-def]
    """A rendered Mẫu 1 with empty signature fields on its signature blocks."""
    out = tmp_path / "mau01.pdf"
    result = render(mau01, complete_data, pdf=out)
    add_signature_fields(out, [FieldPlacement(f"Sig_{s.role}", s.page, s.box) for s in result.signatures])
    return out


@pytest.fixture
def trust(pki) -> TrustStore:  # type: ignore[no-untyped-def]
    return TrustStore.default([pki.root_pem])


def token_identity() -> Pkcs11Identity:
    return Pkcs11Identity(SOFTHSM, TOKEN_LABEL)


def sign(source: Path, target: Path, identity, secret, trust, **kwargs):  # type: ignore[no-untyped-def]
    # As the GUI runs it: on the one signing thread.
    return tasks.run(lambda _ctx: sign_pdf(SignRequest(source, target, **kwargs), identity, secret, trust), "signing")


def test_token_and_p12_signatures_verify_as_intact_and_trusted(softhsm_conf, pki, trust, form_pdf, tmp_path) -> None:
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    result = sign(
        form_pdf,
        first,
        Pkcs12Identity(pki["pi"].p12),
        PASSWORD,
        trust,
        field="Sig_pi",
        reason="Chủ nhiệm nhiệm vụ ký",
        location="Tp. Hồ Chí Minh",
    )
    assert result.signer.common_name == "Nguyễn Thị Hồng Nhung"
    assert result.signer.citizen_id == "079185012345"
    sign(first, second, token_identity(), PIN, trust, field="Sig_head")
    report = verify_pdf(second, trust)
    assert report.ok, report
    assert [(s.field, s.signer, s.intact, s.trusted) for s in report.signatures] == [
        ("Sig_pi", "Nguyễn Thị Hồng Nhung", True, True),
        ("Sig_head", "Viện Khoa học Thủy lợi miền Nam", True, True),
    ]
    assert report.signatures[0].coverage == "ENTIRE_REVISION"
    assert report.signatures[1].coverage == "ENTIRE_FILE"
    assert report.unchanged_since_last_signature


def test_signing_keeps_the_input_and_writes_incrementally(pki, trust, form_pdf, tmp_path) -> None:
    before = form_pdf.read_bytes()
    out = tmp_path / "signed.pdf"
    sign(form_pdf, out, Pkcs12Identity(pki["pi"].p12), PASSWORD, trust, field="Sig_pi")
    assert form_pdf.read_bytes() == before
    assert out.read_bytes().startswith(before)  # an incremental update: the original bytes are kept


def test_poppler_agrees(softhsm_conf, pki, trust, form_pdf, tmp_path) -> None:
    """pdfsig as a second opinion: both signatures valid; trusted once the test root is in an NSS database."""
    import subprocess

    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    sign(form_pdf, first, Pkcs12Identity(pki["pi"].p12), PASSWORD, trust, field="Sig_pi")
    sign(first, second, token_identity(), PIN, trust, field="Sig_head")
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{nss}", "-n", "vista-test-root", "-t", "CT,C,C", "-i", str(pki.root_pem)],
        check=True,
        capture_output=True,
    )
    out = subprocess.run(["pdfsig", "-nssdir", f"sql:{nss}", str(second)], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid.") == 2, out
    assert out.count("Certificate is Trusted.") == 2, out
    assert "Total document signed" in out


def test_stamp_shows_the_signer_in_vietnamese(pki, trust, form_pdf, tmp_path) -> None:
    import subprocess

    out = tmp_path / "signed.pdf"
    sign(form_pdf, out, Pkcs12Identity(pki["org"].p12), PASSWORD, trust, field="Sig_head")
    page = 1 + next(i for i, t in enumerate(_pages(out)) if "THỦ TRƯỞNG" in t)
    text = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-layout", str(out), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Ký bởi: Viện Khoa học Thủy lợi miền Nam" in text
    assert "Cơ quan: Viện Khoa học Thủy lợi miền Nam" in text
    assert "Thời gian ký:" in text


def _pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(path).pages]


def test_certification_stays_valid_when_later_signers_fill_their_fields(
    softhsm_conf, pki, trust, form_pdf, tmp_path
) -> None:
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    sign(form_pdf, first, Pkcs12Identity(pki["pi"].p12), PASSWORD, trust, field="Sig_pi", certify=True)
    sign(first, second, token_identity(), PIN, trust, field="Sig_head")
    report = verify_pdf(second, trust)
    assert report.signatures[0].certifying
    assert report.ok, report


def test_later_fields_are_created_in_the_certified_revision(pki, trust, mau01, complete_data, tmp_path) -> None:
    bare = tmp_path / "bare.pdf"
    result = render(mau01, complete_data, pdf=bare)
    placements = {s.role: FieldPlacement(f"Sig_{s.role}", s.page, s.box) for s in result.signatures}
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    sign(
        bare,
        first,
        Pkcs12Identity(pki["pi"].p12),
        PASSWORD,
        trust,
        field="Sig_pi",
        placement=placements["pi"],
        certify=True,
        later_fields=(placements["head"],),
    )
    sign(first, second, Pkcs12Identity(pki["head"].p12), PASSWORD, trust, field="Sig_head")
    assert verify_pdf(second, trust).ok


def test_timestamp_from_a_tsa_on_loopback(pki, trust, form_pdf, tmp_path) -> None:
    from .tsa_server import running_tsa

    out = tmp_path / "ts.pdf"
    root_der = pki.root_pem.read_bytes()
    from asn1crypto import pem

    _, _, der = pem.unarmor(root_der)
    with running_tsa(pki["tsa"], der) as url:
        sign(form_pdf, out, Pkcs12Identity(pki["pi"].p12), PASSWORD, trust, field="Sig_pi", timestamp_url=url)
    report = verify_pdf(out, trust)
    assert report.signatures[0].timestamped
    assert report.ok


def test_unreachable_tsa_fails_cleanly(pki, trust, form_pdf, tmp_path) -> None:
    from vista_desktop.signing import SigningProblem

    out = tmp_path / "ts.pdf"
    with pytest.raises(SigningProblem) as caught:
        sign(
            form_pdf,
            out,
            Pkcs12Identity(pki["pi"].p12),
            PASSWORD,
            trust,
            field="Sig_pi",
            timestamp_url="http://127.0.0.1:9/tsa",
        )
    assert caught.value.code == "sign.tsa_failed"
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vista-")]


# --- what a user can get wrong -------------------------------------------------------------------------------


def no_leftovers(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".vista-") or p.name == "out.pdf"]


def test_wrong_pin(softhsm_conf, trust, form_pdf, tmp_path) -> None:
    with pytest.raises(CredentialError) as caught:
        sign(form_pdf, tmp_path / "out.pdf", token_identity(), "000000", trust, field="Sig_head")
    # SoftHSM2 reports "few tries left" after a wrong PIN; the message passes it on.
    assert caught.value.code in ("sign.pin_incorrect", "sign.pin_incorrect_count_low")
    assert "Sai mã PIN" in caught.value.message()
    assert no_leftovers(tmp_path)


def test_wrong_p12_password(pki, trust, form_pdf, tmp_path) -> None:
    with pytest.raises(CredentialError) as caught:
        sign(form_pdf, tmp_path / "out.pdf", Pkcs12Identity(pki["pi"].p12), "sai mật khẩu", trust)
    assert caught.value.code == "sign.p12_password"
    assert no_leftovers(tmp_path)


@pytest.mark.parametrize(
    ("party", "code", "words"),
    [
        ("expired", "sign.cert_expired", ["Lê Văn Hết Hạn", "hết hạn", "01/01/2021"]),
        ("nosign", "sign.cert_key_usage", ["Phạm Không Ký", "không được phép dùng để ký"]),
        ("rogue", "sign.cert_untrusted", ["Mạo Danh", "không thuộc tổ chức chứng thực được tin cậy"]),
    ],
)
def test_certificates_that_cannot_sign(pki, trust, form_pdf, tmp_path, party, code, words) -> None:
    with pytest.raises(CertificateProblem) as caught:
        sign(form_pdf, tmp_path / "out.pdf", Pkcs12Identity(pki[party].p12), PASSWORD, trust)
    assert caught.value.code == code
    for word in words:
        assert word in caught.value.message()
    assert no_leftovers(tmp_path)


def test_token_certificate_without_a_private_key(softhsm_conf, trust, form_pdf, tmp_path) -> None:
    identity = Pkcs11Identity(SOFTHSM, TOKEN_LABEL, key_label="certificate only")
    with pytest.raises(CertificateProblem) as caught:
        sign(form_pdf, tmp_path / "out.pdf", identity, PIN, trust)
    assert caught.value.code == "sign.no_private_key"


def test_absent_token(softhsm_conf, trust, form_pdf, tmp_path) -> None:
    with pytest.raises(TokenError) as caught:
        sign(form_pdf, tmp_path / "out.pdf", Pkcs11Identity(SOFTHSM, "NOT PLUGGED IN"), PIN, trust)
    assert caught.value.code == "sign.token_absent"
    assert "NOT PLUGGED IN" in caught.value.message()


def test_not_a_pdf(pki, trust, tmp_path) -> None:
    bogus = tmp_path / "bogus.pdf"
    bogus.write_text("không phải PDF", encoding="utf-8")
    with pytest.raises(DocumentProblem) as caught:
        sign(bogus, tmp_path / "out.pdf", Pkcs12Identity(pki["pi"].p12), PASSWORD, trust)
    assert caught.value.code == "sign.not_a_pdf"


def test_modules_are_checked_before_loading(tmp_path) -> None:
    from vista_desktop.signing.tokens import check_module

    text = tmp_path / "driver.so"
    text.write_text("not a library")
    with pytest.raises(TokenError) as caught:
        check_module(text)
    assert caught.value.code == "sign.module_not_library"
    elf32 = tmp_path / "driver32.so"
    elf32.write_bytes(b"\x7fELF\x01\x01\x01" + b"\x00" * 57)
    with pytest.raises(TokenError) as caught:
        check_module(elf32)
    assert caught.value.code == "sign.module_wrong_arch"
    check_module(Path(SOFTHSM))


def test_tokens_and_certificates_are_listed_without_login(softhsm_conf) -> None:
    from vista_desktop.signing.certificates import describe
    from vista_desktop.signing.tokens import list_tokens

    token = next(t for t in list_tokens(SOFTHSM) if t.label == TOKEN_LABEL)
    assert not token.pin_locked
    by_id = {c.key_id: describe(c.certificate) for c in token.certificates}
    assert by_id[b"\x01"].tax_code == "0301234567"
    assert by_id[b"\x02"].citizen_id == "001075000111"


# --- tampering ---------------------------------------------------------------------------------------------


@pytest.fixture
def signed_twice(softhsm_conf, pki, trust, form_pdf, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    sign(form_pdf, first, Pkcs12Identity(pki["pi"].p12), PASSWORD, trust, field="Sig_pi")
    sign(first, second, token_identity(), PIN, trust, field="Sig_head")
    return second


def test_flipped_byte_breaks_the_signature(signed_twice, trust, tmp_path) -> None:
    data = bytearray(signed_twice.read_bytes())
    data[len(data) // 3] ^= 0x01
    tampered = tmp_path / "flipped.pdf"
    tampered.write_bytes(bytes(data))
    report = verify_pdf(tampered, trust)
    assert not report.ok
    assert any("verify.not_intact" in s.problems for s in report.signatures)


def test_edit_in_a_later_incremental_update_is_detected(signed_twice, trust, tmp_path) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    tampered = tmp_path / "edited.pdf"
    shutil.copyfile(signed_twice, tampered)
    with tampered.open("r+b") as fh:
        writer = IncrementalPdfFileWriter(fh)
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 100 Td (SUA DOI) Tj ET")
        page["/Contents"] = writer.add_object(stream)
        writer.update_container(page)
        writer.write_in_place()
    report = verify_pdf(tampered, trust)
    assert not report.ok
    assert all("verify.modified_after" in s.problems for s in report.signatures)


def test_bytes_appended_after_eof_are_detected(signed_twice, trust, tmp_path) -> None:
    tampered = tmp_path / "appended.pdf"
    tampered.write_bytes(signed_twice.read_bytes() + b"\n%% them vao sau khi ky\n")
    report = verify_pdf(tampered, trust)
    assert not report.ok
    assert report.problems == ("verify.changed_after_last",)


def test_signature_outside_the_trusted_roots(pki, form_pdf, tmp_path) -> None:
    rogue_trust = TrustStore.default([pki.rogue_root_pem])
    out = tmp_path / "rogue.pdf"
    sign(form_pdf, out, Pkcs12Identity(pki["rogue"].p12), PASSWORD, rogue_trust, field="Sig_pi")
    report = verify_pdf(out, TrustStore.default([pki.root_pem]))
    assert not report.ok
    assert report.signatures[0].problems == ("verify.untrusted",)


def test_unsigned_and_corrupt_files(form_pdf, trust, tmp_path) -> None:
    report = verify_pdf(form_pdf, trust)
    assert report.problems == ("verify.no_signatures",)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n garbage")
    with pytest.raises(DocumentProblem):
        verify_pdf(broken, trust)


def test_pin_is_not_logged(softhsm_conf, trust, form_pdf, tmp_path, caplog) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    sign(form_pdf, tmp_path / "ok.pdf", token_identity(), PIN, trust, field="Sig_head")
    with pytest.raises(CredentialError):
        sign(form_pdf, tmp_path / "out.pdf", token_identity(), "975310", trust, field="Sig_head")
    assert PIN not in caplog.text
    assert "975310" not in caplog.text
    assert os.environ.get("SOFTHSM2_CONF")


def test_bundled_roots_match_their_published_fingerprints() -> None:
    from vista_desktop.resources import resource_path
    from vista_desktop.signing.trust import load_certificates

    expected = {
        "vietnam-national-root-ca.pem": "BAC8BF609AB420A8EE1780D74F4DE5C7F7184959D2A7375B0A75E4C29F0908E7",
        "vgca-rootca-g2.pem": "F04BA4B459A7C9A1B971AD9B1CB833E695A80C79AEA63B174B66A70EDFE2FDB8",
        "vgca-ca-g2-state-bodies.pem": "D8CAB7A4AEF92E6BB2509D7C61CEE7B44F3731B2D21074963530277B366FAE4B",
        "vnpt-ca-sha2-intermediate.pem": "7D6BA5245317F9ED5D8BC765A4634D26AC6340D36B9F584DF3B52D9C4A81A306",
    }
    for name, fingerprint in expected.items():
        (cert,) = load_certificates(resource_path("trust", name))
        assert cert.sha256.hex().upper() == fingerprint, name
    store = TrustStore.default()
    assert {c.subject.native["common_name"] for c in store.roots} >= {"Vietnam National Root CA"}


def test_organisation_signature_with_a_seal_image(pki, trust, form_pdf, tmp_path) -> None:
    from PIL import Image, ImageDraw

    seal = tmp_path / "con-dau.png"
    image = Image.new("RGBA", (240, 240), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 230, 230), outline=(200, 0, 0, 255), width=12)
    image.save(seal)
    out = tmp_path / "sealed.pdf"
    sign(form_pdf, out, Pkcs12Identity(pki["org"].p12), PASSWORD, trust, field="Sig_head", seal_image=seal)
    assert verify_pdf(out, trust).ok
    assert out.stat().st_size > form_pdf.stat().st_size + 1000  # the seal image is embedded in the stamp


def test_missing_pin_is_asked_for_not_attempted(softhsm_conf, trust, form_pdf, tmp_path) -> None:
    with pytest.raises(CredentialError) as caught:
        sign(form_pdf, tmp_path / "out.pdf", token_identity(), None, trust, field="Sig_head")
    assert caught.value.code == "sign.pin_required"


def test_certificate_not_yet_valid_at_a_frozen_moment(pki, trust, form_pdf, tmp_path) -> None:
    from datetime import UTC, datetime

    moment = datetime(2024, 6, 1, tzinfo=UTC)  # the test certificates are valid from 2025
    with pytest.raises(CertificateProblem) as caught:
        tasks.run(
            lambda _ctx: sign_pdf(
                SignRequest(form_pdf, tmp_path / "out.pdf"),
                Pkcs12Identity(pki["pi"].p12),
                PASSWORD,
                trust,
                moment=moment,
            ),
            "signing",
        )
    assert caught.value.code == "sign.cert_not_yet_valid"
    assert "01/01/2025" in caught.value.message()
