"""Signing benchmark: sign the PDFs of a 1 GB dossier and its manifest, against `sha256sum` of the same files.

Goal (issue 3): at most 1.3× the time of sha256sum, peak memory at most 150 MB. The dossier is generated in a
temporary folder: a rendered Mẫu 1, a 300 MiB PDF (a scanned report's size class) and binary annexes.
Usage: python bench/bench_sign.py [total MiB]  (default 1024)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MIB = 1 << 20


def write_big_pdf(path: Path, payload_mib: int) -> None:
    """A valid one-page PDF carrying a large stream (as a scanned report would)."""
    offsets: list[int] = []
    with path.open("wb") as fh:

        def obj(body: bytes) -> None:
            offsets.append(fh.tell())
            fh.write(body)

        fh.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        obj(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        obj(b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n")
        obj(b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>\nendobj\n")
        length = payload_mib * MIB
        offsets.append(fh.tell())
        fh.write(b"4 0 obj\n<< /Length %d >>\nstream\n" % length)
        block = os.urandom(MIB)
        for _ in range(payload_mib):
            fh.write(block)
        fh.write(b"\nendstream\nendobj\n")
        xref = fh.tell()
        fh.write(b"xref\n0 5\n0000000000 65535 f \n")
        for offset in offsets:
            fh.write(b"%010d 00000 n \n" % offset)
        fh.write(b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)


def make_dossier(folder: Path, total_mib: int) -> list[Path]:
    from vista_desktop.forms.loader import get_definition
    from vista_desktop.services.documents import render_documents

    data = json.loads((ROOT / "tests" / "data" / "mau01_complete.json").read_text(encoding="utf-8"))["data"]
    render_documents(get_definition("mau-01"), data, folder / "mau-01.pdf")
    big_mib = min(300, total_mib // 2)
    write_big_pdf(folder / "bao-cao-tong-hop.pdf", big_mib)
    annexes = folder / "phu-luc"
    annexes.mkdir()
    remaining, index = total_mib - big_mib, 0
    block = os.urandom(MIB)
    while remaining > 0:
        size = min(200, remaining)
        with (annexes / f"du-lieu-{index}.bin").open("wb") as fh:
            for _ in range(size):
                fh.write(block)
        remaining, index = remaining - size, index + 1
    return sorted(p for p in folder.rglob("*") if p.is_file())


SIGN_SCRIPT = r"""
import resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from tests.pki import PASSWORD
from vista_desktop.signing.identities import Pkcs12Identity
from vista_desktop.services.dossier import sign_manifest
from vista_desktop.signing.pdf_sign import SignRequest, sign_pdf
from vista_desktop.signing.trust import TrustStore
folder, p12, root = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
trust = TrustStore.default([root])
identity = Pkcs12Identity(p12)
started = time.perf_counter()
for pdf in sorted(folder.glob("*.pdf")):
    signed = pdf.with_name(pdf.stem + ".signed.pdf")
    sign_pdf(SignRequest(pdf, signed, field="Sig_head"), identity, PASSWORD, trust)
    signed.replace(pdf)
sign_manifest(folder, identity, PASSWORD, trust)
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> None:
    total = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    from tests.pki import make_pki

    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        work = Path(tmp)
        pki = make_pki(work / "pki")
        dossier = work / "dossier"
        dossier.mkdir()
        files = make_dossier(dossier, total)
        size = sum(p.stat().st_size for p in files)
        subprocess.run(["sha256sum", *map(str, files)], check=True, capture_output=True)  # warm the page cache
        started = time.perf_counter()
        subprocess.run(["sha256sum", *map(str, files)], check=True, capture_output=True)
        baseline = time.perf_counter() - started
        env = {**os.environ, "VISTA_DESKTOP_DATA_DIR": str(work / "profile")}
        # Python's start-up is not part of the work: the child times itself and reports its peak memory.
        result = subprocess.run(
            [sys.executable, "-c", SIGN_SCRIPT, str(dossier), str(pki["org"].p12), str(pki.root_pem), str(ROOT)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        elapsed, peak_kib = result.stdout.split()
    seconds = float(elapsed)
    print(f"dossier: {len(files)} files, {size / MIB:.0f} MiB")
    print(f"sha256sum:             {baseline:.2f} s")
    print(f"sign PDFs + manifest:  {seconds:.2f} s  ({seconds / baseline:.2f}x sha256sum; goal <= 1.3x)")
    print(f"peak memory (signing): {int(peak_kib) / 1024:.0f} MiB (goal <= 150 MB)")


if __name__ == "__main__":
    main()
