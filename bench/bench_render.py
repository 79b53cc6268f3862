"""Render benchmark: the complete Mẫu 1 to PDF and DOCX, and a long one (about 200 pages) to PDF.

Usage: python bench/bench_render.py [runs]
"""

from __future__ import annotations

import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from vista_desktop.documents.render import render
from vista_desktop.forms.loader import get_definition

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "data" / "mau01_complete.json"


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def long_draft(data: dict) -> dict:  # type: ignore[type-arg]
    data = copy.deepcopy(data)
    sentence = "Đánh giá diễn biến xâm nhập mặn theo mùa và đề xuất giải pháp thích ứng cho từng tiểu vùng. "
    data["main_contents"] = "\n".join(sentence * 8 for _ in range(500))
    data["members"] = [
        {"full_name": f"Thành viên số {i}", "organisation": "Viện Khoa học Thủy lợi miền Nam", "role": "Thành viên"}
        for i in range(1, 1500)
    ]
    return data


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    definition = get_definition("mau-01")
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))["data"]
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        render(definition, data, out / "warm.pdf", out / "warm.docx")  # font registration, imports
        pdf = [timed(lambda: render(definition, data, pdf=out / "a.pdf")) for _ in range(runs)]
        docx = [timed(lambda: render(definition, data, docx=out / "a.docx")) for _ in range(runs)]
        big = long_draft(data)
        result = None

        def render_big() -> None:
            nonlocal result
            result = render(definition, big, pdf=out / "big.pdf")

        big_time = timed(render_big)
    assert result is not None
    print(f"Mẫu 1 complete, PDF:  median {statistics.median(pdf) * 1000:.0f} ms over {runs} runs")
    print(f"Mẫu 1 complete, DOCX: median {statistics.median(docx) * 1000:.0f} ms over {runs} runs")
    print(f"long Mẫu 1, PDF: {result.pages} pages in {big_time:.2f} s ({result.pages / big_time:.0f} pages/s)")


if __name__ == "__main__":
    main()
