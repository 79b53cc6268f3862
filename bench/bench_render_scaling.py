"""Render time against text size: 100 KB, 200 KB and 400 KB of prose in the long-text items of a Mẫu 1, as one
paragraph each (the worst case for reportlab, which re-wraps the rest of a paragraph on every page). The time
should double, not quadruple. Usage: python bench/bench_render_scaling.py"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_render_scaling import prose  # noqa: E402

from vista_desktop.forms.loader import get_definition  # noqa: E402
from vista_desktop.services.documents import render_documents  # noqa: E402

FIELDS = ("objectives", "main_contents", "methods", "expected_results")


def main() -> None:
    data = json.loads((ROOT / "tests" / "data" / "mau01_complete.json").read_text(encoding="utf-8"))["data"]
    definition = get_definition("mau-01")
    with tempfile.TemporaryDirectory() as tmp:
        for total in (100_000, 200_000, 400_000):
            for index, field in enumerate(FIELDS):
                data[field] = prose(total // len(FIELDS) - 50, seed=index)  # within the 100,000 limit
            best = min(_timed(definition, data, Path(tmp)) for _ in range(3))
            print(f"{total // 1000} KB of text: PDF + DOCX in {best:.2f} s")


def _timed(definition: object, data: dict, folder: Path) -> float:  # type: ignore[type-arg]
    started = time.perf_counter()
    render_documents(definition, data, folder / "a.pdf", folder / "a.docx")  # type: ignore[arg-type]
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
