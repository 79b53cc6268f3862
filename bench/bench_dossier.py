"""Dossier benchmark: hashing a large annex against `sha256sum` of the same file, and exporting a dossier of that
size to ZIP against `zip -0` of the same files.

Goals (issue 9): hashing ≤ 1.1× sha256sum with peak memory ≤ 100 MB; export ≤ 1.2× `zip -0`. Each measured step
runs in its own process so that its peak memory (ru_maxrss) is its own. The export is measured twice: with the forms
already exported as PDFs (as once they are signed: the same files as `zip -0`), and rendering them too (about
0.3–0.5 s and 50 MB more, whatever the dossier's size). Its checks are in both. Memory does not grow with the
dossier's size: the files are streamed.
Usage: python bench/bench_dossier.py [annex MiB]  (default 2048)
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "tests" / "forms"
MIB = 1 << 20

HASH_CHILD = """
import sys
from pathlib import Path
from vista_desktop.services.dossier_builder import hash_attachment
from vista_desktop.tasks import TaskContext
print(hash_attachment("annexes", Path(sys.argv[1]), TaskContext()).sha256)
"""

RENDER_CHILD = """
import json, sys
from pathlib import Path
from vista_desktop.forms.loader import get_definition
from vista_desktop.services.documents import render_documents
forms, out = Path(sys.argv[1]), Path(sys.argv[2])
for form in ("mau-05", "xac-nhan", "mau-08"):
    loaded = json.loads((forms / form / "complete.json").read_text(encoding="utf-8"))
    render_documents(get_definition(form, loaded["version"]), loaded["data"], out / f"{form}.pdf")
"""

# With a rendered folder, the forms come as exported PDFs (as in the app once they are signed): the export then
# writes the same files as `zip -0`. Without, it renders them too, as `dossier build` does from drafts.
EXPORT_CHILD = """
import json, sys
from pathlib import Path
from vista_desktop.services.dossier_builder import (
    DossierContents, GeneratedDocument, hash_attachment, write_dossier)
forms, folder, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
rendered = Path(sys.argv[4]) if len(sys.argv) > 4 else None
def generated(form, slot):
    loaded = json.loads((forms / form / "complete.json").read_text(encoding="utf-8"))
    pdf = rendered / f"{form}.pdf" if rendered else None
    return GeneratedDocument(slot, form, loaded["version"], loaded["data"], f"{form}.pdf", pdf)
docs = (generated("mau-05", "registration_form"), generated("xac-nhan", "summary_report"),
        generated("mau-08", "technology_description"))
files = [("summary_report", "summary.pdf"), ("abstract_report", "abstract.pdf"),
         ("acceptance_minutes", "minutes.pdf"), ("annexes", "annex.bin")]
attached = tuple(hash_attachment(slot, folder / name) for slot, name in files)
import resource, time
start = time.perf_counter()
write_dossier(DossierContents(docs, attached), out)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def write_random(path: Path, mib: int) -> None:
    block = os.urandom(8 * MIB)  # incompressible, and cheap to repeat
    with path.open("wb") as fh:
        for _ in range(max(mib // 8, 1)):
            fh.write(block)


def write_pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as fh:
        writer.write(fh)


def timed(argv: list[str]) -> tuple[float, str]:
    os.sync()  # each step starts with no dirty pages of the one before being written back under it
    start = time.perf_counter()
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout.strip()


def child_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux


def drop_cache_hint(path: Path) -> None:
    # Read once so that both tools see a warm page cache (the fair comparison on a machine without root drops).
    subprocess.run(["cat", str(path)], check=True, stdout=subprocess.DEVNULL)


def export(python: str, folder: Path, out: Path, rendered: Path | None) -> tuple[float, float]:
    """Seconds spent in `write_dossier` and the child's peak memory in MiB."""
    argv = [python, "-c", EXPORT_CHILD, str(FORMS), str(folder), str(out)] + ([str(rendered)] if rendered else [])
    _total, printed = timed(argv)
    seconds, peak = (float(v) for v in printed.splitlines()[-1].split())
    return seconds, peak


def main() -> None:
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 2048
    python = sys.executable
    results: dict[str, object] = {"annex_mib": mib}
    with tempfile.TemporaryDirectory(prefix="bench-dossier-") as scratch:
        folder = Path(scratch)
        annex = folder / "annex.bin"
        write_random(annex, mib)
        for name in ("summary.pdf", "abstract.pdf", "minutes.pdf"):
            write_pdf(folder / name)
        drop_cache_hint(annex)
        reference, reference_out = timed(["sha256sum", str(annex)])
        ours, ours_out = timed([python, "-c", HASH_CHILD, str(annex)])
        assert reference_out.split()[0] == ours_out, "hashes differ"
        results.update(
            sha256sum_s=round(reference, 3),
            hash_s=round(ours, 3),
            hash_ratio=round(ours / reference, 3),
            hash_peak_mib=round(child_peak_mib(), 1),
        )
        rendered = folder / "rendered"
        rendered.mkdir()
        subprocess.run([python, "-c", RENDER_CHILD, str(FORMS), str(rendered)], check=True)
        zip_out, our_zip = folder / "reference.zip", folder / "ours.zip"
        names = ["summary.pdf", "abstract.pdf", "minutes.pdf", "annex.bin", "rendered"]
        zip_time, _ = timed(["sh", "-c", f"cd '{folder}' && zip -0 -q -r '{zip_out}' " + " ".join(names)])
        zip_out.unlink()
        export_time, export_peak = export(python, folder, our_zip, rendered)
        our_zip.unlink()
        with_render_time, with_render_peak = export(python, folder, our_zip, None)
        results.update(
            zip0_s=round(zip_time, 3),
            export_s=round(export_time, 3),
            export_ratio=round(export_time / zip_time, 3),
            export_peak_mib=round(export_peak, 1),
            export_rendering_s=round(with_render_time, 3),
            export_rendering_ratio=round(with_render_time / zip_time, 3),
            export_rendering_peak_mib=round(with_render_peak, 1),
        )
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
