"""The signing commands as scripts use them: exact forms, exit codes, no partial output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .pki import PASSWORD, PIN, SOFTHSM, TOKEN_LABEL


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vista_desktop", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def sign_with_p12(form: Path, out: Path, p12: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(
        "sign", str(form), str(out), "--pkcs12", str(p12), "--pin-env", "P12_PASS", *extra, env={"P12_PASS": PASSWORD}
    )


@pytest.fixture
def form(tmp_path, complete_data) -> Path:  # type: ignore[no-untyped-def]
    data = tmp_path / "draft.json"
    data.write_text(json.dumps(complete_data, ensure_ascii=False), encoding="utf-8")
    pdf = tmp_path / "mau01.pdf"
    result = run("render", "mau-01", str(data), "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    return pdf


def test_sign_with_p12_then_token_and_verify(softhsm_conf, pki, trust_test_root, form, tmp_path) -> None:
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    env = {"P12_PASS": PASSWORD, "TOKEN_PIN": PIN}
    a = run(
        "sign",
        str(form),
        str(first),
        "--pkcs12",
        str(pki["pi"].p12),
        "--pin-env",
        "P12_PASS",
        "--field",
        "Sig_pi",
        "--reason",
        "Chủ nhiệm ký",
        "--location",
        "Hà Nội",
        env=env,
    )
    assert a.returncode == 0, a.stderr
    assert "Nguyễn Thị Hồng Nhung" in a.stdout
    b = run(
        "sign",
        str(first),
        str(second),
        "--pkcs11-module",
        SOFTHSM,
        "--token-label",
        TOKEN_LABEL,
        "--pin-env",
        "TOKEN_PIN",
        "--field",
        "Sig_head",
        env=env,
    )
    assert b.returncode == 0, b.stderr
    verified = run("verify", str(second), "--json")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    report = json.loads(verified.stdout)
    assert report["ok"] is True
    assert [s["signer"] for s in report["signatures"]] == ["Nguyễn Thị Hồng Nhung", "Viện Khoa học Thủy lợi miền Nam"]
    assert report["signatures"][0]["citizen_id"] == "079185012345"


def test_signatures_land_on_the_form_signature_blocks(pki, trust_test_root, form, tmp_path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "signed.pdf"
    result = sign_with_p12(form, out, pki["pi"].p12, "--field", "Sig_pi")
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    widgets = [(i, a.get_object()) for i, page in enumerate(reader.pages) for a in page.get("/Annots", [])]
    names = {str(w["/T"]): i for i, w in widgets if w.get("/FT") == "/Sig"}
    assert set(names) == {"Sig_pi", "Sig_head", "Sig_managing_unit"}
    signed = next(w for _, w in widgets if w.get("/T") == "Sig_pi")
    assert "/V" in signed
    assert "CHỦ NHIỆM NHIỆM VỤ" in (reader.pages[names["Sig_pi"]].extract_text() or "")


def test_wrong_pin_exits_1_with_a_clear_message_and_no_output(softhsm_conf, form, tmp_path) -> None:
    out = tmp_path / "out.pdf"
    result = run(
        "sign",
        str(form),
        str(out),
        "--pkcs11-module",
        SOFTHSM,
        "--token-label",
        TOKEN_LABEL,
        "--pin-env",
        "PIN",
        env={"PIN": "111111"},
    )
    assert result.returncode == 1
    assert "Sai mã PIN" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vista-")]


def test_verify_exits_1_and_names_the_cause(pki, trust_test_root, form, tmp_path) -> None:
    out = tmp_path / "signed.pdf"
    assert sign_with_p12(form, out, pki["pi"].p12).returncode == 0
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(out.read_bytes() + b"\n% sau khi ky\n")
    result = run("verify", str(tampered))
    assert result.returncode == 1
    assert "bị thay đổi sau chữ ký cuối cùng" in result.stdout
    unsigned = run("verify", str(form))
    assert unsigned.returncode == 1
    assert "không có chữ ký số" in unsigned.stdout


def test_verify_needs_the_root_to_trust(pki, form, tmp_path) -> None:
    out = tmp_path / "signed.pdf"
    result = sign_with_p12(form, out, pki["pi"].p12, "--trust", str(pki.root_pem))
    assert result.returncode == 0, result.stderr
    assert run("verify", str(out)).returncode == 1  # the test root is not among the bundled Vietnamese roots
    assert run("verify", str(out), "--trust", str(pki.root_pem)).returncode == 0


def test_manifest_sign_and_verify(softhsm_conf, pki, trust_test_root, form, tmp_path) -> None:
    dossier = tmp_path / "hồ sơ"
    (dossier / "phụ lục").mkdir(parents=True)
    (dossier / "mau-05.pdf").write_bytes(form.read_bytes())
    (dossier / "phụ lục" / "số liệu khảo sát.csv").write_text("tỉnh,độ mặn\nBến Tre,4.2\n", encoding="utf-8")
    (dossier / "phụ lục" / "mã nguồn.zip").write_bytes(os.urandom(300_000))
    signed = run(
        "manifest",
        "sign",
        str(dossier),
        "--pkcs11-module",
        SOFTHSM,
        "--token-label",
        TOKEN_LABEL,
        "--pin-env",
        "PIN",
        env={"PIN": PIN},
    )
    assert signed.returncode == 0, signed.stderr
    manifest = json.loads((dossier / "manifest.json").read_text(encoding="utf-8"))
    assert {f["path"] for f in manifest["files"]} == {
        "mau-05.pdf",
        "phụ lục/số liệu khảo sát.csv",
        "phụ lục/mã nguồn.zip",
    }
    assert run("manifest", "verify", str(dossier)).returncode == 0
    (dossier / "phụ lục" / "số liệu khảo sát.csv").write_text("tỉnh,độ mặn\nBến Tre,1.0\n", encoding="utf-8")
    (dossier / "phụ lục" / "mã nguồn.zip").unlink()
    (dossier / "thêm.txt").write_text("x", encoding="utf-8")
    result = run("manifest", "verify", str(dossier), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["changed"] == ["phụ lục/số liệu khảo sát.csv"]
    assert report["missing"] == ["phụ lục/mã nguồn.zip"]
    assert report["added"] == ["thêm.txt"]
    (dossier / "manifest.json").write_text(
        (dossier / "manifest.json").read_text(encoding="utf-8").replace("mau-05", "mau-06"), encoding="utf-8"
    )
    forged = run("manifest", "verify", str(dossier), "--json")
    assert forged.returncode == 1
    assert json.loads(forged.stdout)["intact"] is False


def test_tokens_command_lists_without_a_pin(softhsm_conf) -> None:
    result = run("tokens", "--module", SOFTHSM)
    assert result.returncode == 0, result.stderr
    token = next(t for t in json.loads(result.stdout) if t["label"] == TOKEN_LABEL)
    certs = {c["key_id"]: c for c in token["certificates"]}
    assert certs["01"]["tax_code"] == "0301234567"
    assert certs["01"]["label"] == "Viện KHTL's Test-CA SHA2 Certificate"


def test_trust_add_makes_verify_pass(pki, form, tmp_path) -> None:
    out = tmp_path / "signed.pdf"
    assert sign_with_p12(form, out, pki["pi"].p12, "--trust", str(pki.root_pem)).returncode == 0
    assert run("verify", str(out)).returncode == 1
    added = run("trust", "add", str(pki.root_pem))
    assert added.returncode == 0, added.stderr
    assert "VISTA Test Root CA" in added.stdout
    assert run("verify", str(out)).returncode == 0
    listed = json.loads(run("trust", "list").stdout)
    assert "Vietnam National Root CA" in {c["common_name"] for c in listed}
    broken = tmp_path / "not-a-cert.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    bad = run("trust", "add", str(broken))
    assert bad.returncode == 1
    assert "không chứa chứng thư số hợp lệ" in bad.stderr
