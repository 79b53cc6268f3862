"""Mẫu 5 benchmark: a registration sheet with 300 members, 200 products and 3 co-PIs to PDF (goal ≤ 1 s on 2 cores),
and to DOCX for reference.

Usage: python bench/bench_mau05.py [runs]
"""

from __future__ import annotations

import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from vista_desktop.documents.render import render
from vista_desktop.forms.data import normalise_data
from vista_desktop.forms.loader import get_definition

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "forms" / "mau-05" / "complete.json"
KINDS = ("Báo cáo", "Quy trình công nghệ", "Phần mềm", "Mẫu", "Bài báo", "Sách")


def large_mau05(members: int = 300, products: int = 200) -> dict[str, Any]:
    """The complete example grown to `members` participants (author order: their numbers) and `products`
    products, with three co-PIs; every value distinct so that a check can find each one in the output."""
    data: dict[str, Any] = copy.deepcopy(json.loads(SAMPLE.read_text(encoding="utf-8"))["data"])
    data["members"] = [
        {
            "full_name": f"Tác giả Thứ {i:03d}",
            "academic_title_degree": "ThS" if i % 3 else "TS",
            "organisation": f"Phòng Nghiên cứu {i % 17 + 1}, Viện Khoa học Thủy lợi miền Nam",
            "role": "Chủ nhiệm" if i == 1 else "Thành viên",
        }
        for i in range(1, members + 1)
    ]
    data["products"] = [
        {"name": f"Sản phẩm mã SP{i:03d}", "kind": KINDS[i % len(KINDS)], "quantity": i, "note": f"Ghi chú {i}"}
        for i in range(1, products + 1)
    ]
    data["co_pis"] = [
        {
            "full_name": name,
            "gender": "Nam",
            "birth_date": "1980-07-01",
            "citizen_id": "001080004321",
            "organisation": "Trường Đại học Cần Thơ",
        }
        for name in ("Phạm Minh Tuấn", "Đỗ Văn Bình", "Hoàng Quốc Việt")
    ]
    return data


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    definition = get_definition("mau-05", "2023")
    data = normalise_data(definition, large_mau05())
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        render(definition, data, out / "warm.pdf")  # fonts and imports
        pdf_times, pages = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            pages = render(definition, data, out / "m5.pdf").pages
            pdf_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        render(definition, data, None, out / "m5.docx")
        docx_time = time.perf_counter() - started
    print(f"Mẫu 5, 300 members, 200 products, 3 co-PIs: {pages} pages")
    print(f"  PDF  median {statistics.median(pdf_times):.3f} s, best {min(pdf_times):.3f} s ({runs} runs; goal ≤ 1 s)")
    print(f"  DOCX {docx_time:.3f} s")


if __name__ == "__main__":
    main()
