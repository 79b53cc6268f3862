"""Token faults SoftHSM2 cannot produce, injected by the PKCS#11 shim in front of it: each gives a clear message,
exit status 1 and no output file. Each case runs the real command line in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .pki import PIN, SOFTHSM, TOKEN_LABEL


@pytest.fixture
def form(tmp_path, mau01, complete_data) -> Path:  # type: ignore[no-untyped-def]
    from vista_desktop.services.documents import render_documents

    pdf = tmp_path / "mau01.pdf"
    render_documents(mau01, complete_data, pdf)
    return pdf


def sign_through_shim(
    shim: Path, fault: str, form: Path, out: Path, *, pin: str | None = PIN
) -> subprocess.CompletedProcess[str]:
    control = out.parent / "shim-fault"
    control.write_text(fault, encoding="utf-8")
    env = {**os.environ, "VISTA_SHIM_TARGET": SOFTHSM, "VISTA_SHIM_CONTROL": str(control), "TOKEN_PIN": pin or ""}
    args = [
        sys.executable,
        "-m",
        "vista_desktop",
        "sign",
        str(form),
        str(out),
        "--pkcs11-module",
        str(shim),
        "--token-label",
        TOKEN_LABEL,
        "--field",
        "Sig_head",
    ]
    if pin is not None:
        args += ["--pin-env", "TOKEN_PIN"]
    return subprocess.run(args, capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize(
    ("fault", "pin", "words"),
    [
        ("pin_locked", PIN, ["đã bị khóa", TOKEN_LABEL]),
        ("final_try", "000000", ["Sai mã PIN", "lần thử cuối"]),
        ("pinpad_cancel", None, ["Đã hủy nhập PIN"]),
        ("removed", PIN, ["đã bị rút ra trong khi ký", "chưa ký"]),
        ("device_error", PIN, ["lỗi phần cứng"]),
    ],
)
def test_token_fault(softhsm_conf, trust_test_root, p11shim, form, tmp_path, fault, pin, words) -> None:
    out = tmp_path / "out.pdf"
    result = sign_through_shim(p11shim, fault, form, out, pin=pin)
    assert result.returncode == 1, result.stdout + result.stderr
    for word in words:
        assert word in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".vista-")]


def test_shim_without_fault_signs(softhsm_conf, trust_test_root, p11shim, form, tmp_path) -> None:
    out = tmp_path / "out.pdf"
    result = sign_through_shim(p11shim, "", form, out)
    assert result.returncode == 0, result.stderr
    assert out.exists()
