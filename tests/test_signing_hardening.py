"""Issue 8 (signatures) and issue 7 items 2 and 7: shadow attacks between signatures, damaged signatures that
never traceback, messages that name the right certificate problem, working copies, the default signature field."""

from __future__ import annotations

import itertools
import logging
import shutil
from pathlib import Path

import pytest

from vista_desktop.documents.render import render
from vista_desktop.signing import DocumentProblem
from vista_desktop.signing.identities import Pkcs12Identity
from vista_desktop.signing.pdf_sign import FieldPlacement, SignRequest, add_signature_fields, sign_pdf
from vista_desktop.signing.revisions import ANNOTATION, CHANGED_FIELD, NEW_FIELD
from vista_desktop.signing.trust import TrustStore
from vista_desktop.signing.verify import verify_pdf

from . import signing_attacks as attacks
from .pki import PASSWORD


@pytest.fixture
def form_pdf(tmp_path, mau01, complete_data) -> Path:  # type: ignore[no-untyped-def]
    """A rendered Mẫu 1 with empty signature fields Sig_pi, Sig_head, Sig_managing_unit."""
    out = tmp_path / "mau01.pdf"
    result = render(mau01, complete_data, pdf=out)
    add_signature_fields(out, [FieldPlacement(f"Sig_{s.role}", s.page, s.box) for s in result.signatures])
    return out


@pytest.fixture
def trust(pki) -> TrustStore:  # type: ignore[no-untyped-def]
    return TrustStore.default([pki.root_pem])


def sign(source: Path, target: Path, p12: Path, trust: TrustStore, **kwargs):  # type: ignore[no-untyped-def]
    # The test's main thread has no running asyncio loop, as pyHanko's synchronous API needs.
    return sign_pdf(SignRequest(source, target, **kwargs), Pkcs12Identity(p12), PASSWORD, trust)


@pytest.fixture
def pi_signed(pki, trust, form_pdf, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "pi.pdf"
    sign(form_pdf, out, pki["pi"].p12, trust, field="Sig_pi")
    return out


@pytest.fixture
def pi_signed_with_text_field(pki, trust, form_pdf, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    """A form with a text field (the task title, say) filled before the PI signs."""
    with_title = tmp_path / "with-title.pdf"
    shutil.copyfile(form_pdf, with_title)
    attacks.add_text_field(with_title, "TaskTitle", "NHIEM VU GOC")
    out = tmp_path / "pi-title.pdf"
    sign(with_title, out, pki["pi"].p12, trust, field="Sig_pi")
    return out


def no_leftovers(folder: Path) -> bool:
    return not [p for p in folder.iterdir() if p.name.startswith(".vista-") or p.name == "out.pdf"]


# --- 1. shadow attacks between signatures ---------------------------------------------------------------------


SHADOWS = {
    "new visible signature field": (
        "pi_signed",
        attacks.add_shadow_signature_field,
        NEW_FIELD,
        "Shadow",
    ),
    "new annotation over the title": ("pi_signed", attacks.add_annotation, ANNOTATION, "FreeText"),
    "changed text value": (
        "pi_signed_with_text_field",
        lambda p: attacks.change_text_field(p, "TaskTitle", "NHIEM VU KHAC"),
        CHANGED_FIELD,
        "TaskTitle",
    ),
    "changed appearance stream": (
        "pi_signed_with_text_field",
        lambda p: attacks.replace_appearance(p, "TaskTitle"),
        CHANGED_FIELD,
        "TaskTitle",
    ),
}


@pytest.mark.parametrize("attack", list(SHADOWS))
def test_a_shadow_between_two_signatures_is_named(request, pki, trust, tmp_path, attack) -> None:  # type: ignore[no-untyped-def]
    fixture, tamper, code, name = SHADOWS[attack]
    shadowed = tmp_path / "shadowed.pdf"
    shutil.copyfile(request.getfixturevalue(fixture), shadowed)
    tamper(shadowed)
    # The head countersigns with another tool (the app itself refuses, see below).
    countersigned = tmp_path / "countersigned.pdf"
    attacks.sign_raw(shadowed, countersigned, pki["head"].p12, "Sig_head")

    report = verify_pdf(countersigned, trust)
    assert not report.ok
    first, second = report.signatures
    assert (first.field, second.field) == ("Sig_pi", "Sig_head")
    assert "verify.modified_after" in first.problems
    assert [(c.code, c.name, c.page) for c in first.changes] == [(code, name, 1)]
    assert name in " ".join(first.messages("vi"))
    assert second.ok, second  # the head signed what was there: the change is before its signature
    assert report.as_json()["signatures"][0]["changes"][0]["name"] == name  # type: ignore[index]


def test_the_app_refuses_to_countersign_a_shadowed_document(pki, trust, pi_signed, tmp_path) -> None:
    attacks.add_shadow_signature_field(pi_signed)
    with pytest.raises(DocumentProblem) as caught:
        sign(pi_signed, tmp_path / "out.pdf", pki["head"].p12, trust, field="Sig_head")
    assert caught.value.code == "sign.existing_signature_broken"
    assert caught.value.params["field"] == "Sig_pi"
    assert "Shadow" in caught.value.message()
    english = caught.value.message("en")  # the named change follows the message's language
    assert "Shadow" in english and "was added" in english and "Sau chữ ký" not in english
    assert no_leftovers(tmp_path)


def test_the_app_refuses_to_countersign_a_damaged_signature(pki, trust, signed_twice, tmp_path) -> None:
    attacks.garbage_contents(signed_twice)
    with pytest.raises(DocumentProblem) as caught:
        sign(signed_twice, tmp_path / "out.pdf", pki["org"].p12, trust)
    assert caught.value.code == "sign.existing_signature_broken"
    assert caught.value.params["field"] == "Sig_head"  # the cause, not the earlier signature it makes look changed


def test_the_app_refuses_to_countersign_after_appended_bytes(pki, trust, pi_signed, tmp_path) -> None:
    pi_signed.write_bytes(pi_signed.read_bytes() + b"\n% appended\n")
    with pytest.raises(DocumentProblem) as caught:
        sign(pi_signed, tmp_path / "out.pdf", pki["head"].p12, trust, field="Sig_head")
    assert caught.value.code == "sign.document_altered"


def test_later_signers_filling_or_creating_their_own_fields_are_accepted(pki, trust, form_pdf, tmp_path) -> None:
    """Only what later valid signatures account for is accepted — and that is accepted: filling an existing block,
    and a new field the signature itself created."""
    paths = [form_pdf, *(tmp_path / f"{n}.pdf" for n in range(1, 4))]
    # one certificate signs one block of a document (signing/same_signer.py): three signers, the last on a new field
    steps = (("pi", None), ("head", None), ("org", "Signature1"))
    for (source, target), (party, field) in zip(itertools.pairwise(paths), steps, strict=True):
        sign(source, target, pki[party].p12, trust, field=field)
    report = verify_pdf(paths[-1], trust)
    assert report.ok, [s.messages() for s in report.signatures]
    assert [s.field for s in report.signatures] == ["Sig_pi", "Sig_head", "Signature1"]
    assert all(not s.changes for s in report.signatures)


# --- 2. damaged signatures never traceback ---------------------------------------------------------------------


@pytest.fixture
def signed_twice(pki, trust, pi_signed, tmp_path) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "2.pdf"
    sign(pi_signed, out, pki["head"].p12, trust, field="Sig_head")
    return out


@pytest.mark.parametrize(
    "damage", [attacks.null_byte_range, attacks.corrupt_digest_algorithm, attacks.garbage_contents]
)
def test_a_damaged_signature_is_a_verdict_not_a_traceback(
    signed_twice, trust, tmp_path, caplog, capsys, damage
) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG, logger="vista_desktop")
    damaged = tmp_path / "damaged.pdf"
    shutil.copyfile(signed_twice, damaged)
    damage(damaged)
    report = verify_pdf(damaged, trust)
    assert not report.ok
    by_field = {s.field: s for s in report.signatures}
    assert by_field["Sig_head"].problems == ("verify.damaged",)
    assert by_field["Sig_head"].signer in ("", "Trần Văn Đạt")
    assert "bị hỏng" in by_field["Sig_head"].messages("vi")[0]
    # The earlier signature still gets its verdict; the damaged one filled a field nobody validly signed for.
    assert [c.name for c in by_field["Sig_pi"].changes] == ["Sig_head"]
    assert report.as_json()["ok"] is False
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not loud, [r.getMessage() for r in loud]
    assert "Traceback" not in capsys.readouterr().err


def test_a_truncated_file_is_checked_up_to_its_last_complete_revision(signed_twice, trust, tmp_path) -> None:
    cut = tmp_path / "cut.pdf"
    shutil.copyfile(signed_twice, cut)
    attacks.truncate(cut, 0.97)
    report = verify_pdf(cut, trust)
    assert report.damaged
    assert not report.ok and not report.unchanged_since_last_signature
    assert report.problems == ("verify.file_damaged",)
    assert [s.field for s in report.signatures] == ["Sig_pi"]


def test_a_file_with_no_complete_revision_is_a_clear_document_problem(signed_twice, trust, tmp_path) -> None:
    cut = tmp_path / "cut.pdf"
    shutil.copyfile(signed_twice, cut)
    attacks.truncate(cut, 0.3)
    with pytest.raises(DocumentProblem) as caught:
        verify_pdf(cut, trust)
    assert caught.value.code == "sign.pdf_unreadable"


# --- 3. messages that say the right thing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "code"),
    [("expired", "verify.cert_expired"), ("nosign", "verify.cert_key_usage"), ("future", "verify.cert_not_yet_valid")],
)
def test_certificate_problems_are_named(pki, form_pdf, tmp_path, party, code) -> None:  # type: ignore[no-untyped-def]
    roots = [pki.root_pem]
    if party == "future":
        future = attacks.make_future_pki(tmp_path / "future")
        p12, roots = future.future_p12, [future.root_pem]
    else:
        p12 = pki[party].p12
    out = tmp_path / "signed.pdf"
    attacks.sign_raw(form_pdf, out, p12, "Sig_pi")
    report = verify_pdf(out, TrustStore.default(roots))
    assert report.signatures[0].intact
    assert report.signatures[0].problems == (code,)


def test_an_uncertified_document_never_gets_the_certification_message(trust, pi_signed) -> None:
    attacks.add_annotation(pi_signed)
    (signature,) = verify_pdf(pi_signed, trust).signatures
    assert not signature.certifying
    assert "verify.modified_after" in signature.problems
    assert "verify.certification_broken" not in signature.problems


# --- 4. working copies ----------------------------------------------------------------------------------------


def test_a_working_copy_cannot_be_signed(pki, trust, form_pdf, tmp_path) -> None:
    attacks.set_keywords(form_pdf, "DỰ THẢO, vista-working-copy")
    with pytest.raises(DocumentProblem) as caught:
        sign(form_pdf, tmp_path / "out.pdf", pki["pi"].p12, trust)
    assert caught.value.code == "sign.working_copy"
    assert "dự thảo" in caught.value.message()
    assert no_leftovers(tmp_path)


def test_a_rendered_working_copy_cannot_be_signed(pki, trust, mau01, complete_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    draft = tmp_path / "du-thao.pdf"
    render(mau01, complete_data, pdf=draft, working_copy=True)
    with pytest.raises(DocumentProblem) as caught:
        sign(draft, tmp_path / "out.pdf", pki["pi"].p12, trust)
    assert caught.value.code == "sign.working_copy"


def test_a_keyword_that_only_resembles_the_token_does_not_block(pki, trust, form_pdf, tmp_path) -> None:
    attacks.set_keywords(form_pdf, "vista-working-copy-notes")
    assert sign(form_pdf, tmp_path / "out.pdf", pki["pi"].p12, trust).field == "Sig_pi"


# --- 5. the default field ---------------------------------------------------------------------------------------


def test_the_next_empty_block_in_signing_order_is_the_default(pki, trust, form_pdf, tmp_path) -> None:
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    assert sign(form_pdf, first, pki["head"].p12, trust, field="Sig_head").field == "Sig_head"
    assert sign(first, second, pki["pi"].p12, trust).field == "Sig_pi"  # PI before the managing unit


def test_field_choice_rules() -> None:
    from vista_desktop.signing.pdf_sign import FieldState, choose_field, new_field_name

    signed = [FieldState(n, True) for n in ("Sig_pi", "Sig_head", "Sig_managing_unit")]
    assert choose_field([FieldState("Sig_extra", False), *signed], None) == "Sig_extra"
    assert choose_field([FieldState("Sig_extra", False), FieldState("Sig_managing_unit", False)], None) == (
        "Sig_managing_unit"
    )
    assert choose_field([*signed, FieldState("Signature1", True)], None) == "Signature2"
    assert choose_field(signed, "Chữ ký khác") == "Chữ ký khác"
    assert new_field_name([FieldState("Signature1", False)]) == "Signature2"
    with pytest.raises(DocumentProblem):
        choose_field(signed, "Sig_head")


def test_a_document_without_fields_gets_new_fields_that_never_collide(
    pki, trust, mau01, complete_data, tmp_path
) -> None:
    bare = tmp_path / "bare.pdf"
    render(mau01, complete_data, pdf=bare)
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    assert sign(bare, first, pki["pi"].p12, trust).field == "Signature1"
    assert sign(first, second, pki["head"].p12, trust).field == "Signature2"
    assert verify_pdf(second, trust).ok


def test_signing_a_filled_field_is_a_clear_problem(pki, trust, pi_signed, tmp_path) -> None:
    with pytest.raises(DocumentProblem) as caught:
        sign(pi_signed, tmp_path / "out.pdf", pki["head"].p12, trust, field="Sig_pi")
    assert caught.value.code == "sign.field_filled"
    assert "Sig_pi" in caught.value.message()
    assert no_leftovers(tmp_path)
