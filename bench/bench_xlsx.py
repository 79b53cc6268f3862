"""Excel benchmark: importing 10,000 member rows from a clerk's spreadsheet (goal ≤ 2 s on 2 cores, openpyxl
read-only mode), exporting a draft holding them, and reading that workbook back.

Usage: python bench/bench_xlsx.py [runs]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from vista_desktop.forms.loader import get_definition
from vista_desktop.services.drafts import read_draft_file
from vista_desktop.services.xlsx import export_data, read_table_field
from vista_desktop.xlsx.workbook import read_draft

ROWS = 10_000
SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "forms" / "mau-01" / "complete.json"
ROLES = ("Chủ nhiệm", "Thư ký khoa học", "Thành viên chính", "Thành viên")


def member(i: int) -> dict[str, str]:
    return {
        "full_name": f"Nguyễn Thị Thành Viên {i}",
        "academic_title_degree": "ThS" if i % 3 else "PGS.TS",
        "organisation": "Viện Khoa học Thủy lợi miền Nam",
        "role": ROLES[i % 4],
        "citizen_id": f"079{185 + i % 5:03d}{i:06d}",
    }


def clerk_list(path: Path) -> None:
    """A clerk's own list: a title row, an STT column, headers without accents in another order. Written as Excel
    writes (shared strings, a <dimension>), not in openpyxl's write-only mode (inline strings, no dimension)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sach"
    sheet.append(["DANH SÁCH CÁN BỘ THAM GIA"])
    sheet.append(["STT", "Vai tro", "HO VA TEN", "Co quan cong tac", "So CCCD", "Hoc ham, hoc vi"])
    for i in range(1, ROWS + 1):
        m = member(i)
        sheet.append([i, m["role"], m["full_name"], m["organisation"], m["citizen_id"], m["academic_title_degree"]])
    book.save(path)


def timed(action) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    definition, data = read_draft_file(SAMPLE)
    data["members"] = [member(i) for i in range(1, ROWS + 1)]
    members = get_definition("mau-01").field("members")
    with tempfile.TemporaryDirectory() as folder:
        clerk, exported = Path(folder) / "clerk.xlsx", Path(folder) / "draft.xlsx"
        clerk_list(clerk)
        preview = read_table_field(members, clerk)
        assert len(preview.rows) == ROWS
        assert preview.rows[0] == member(1), preview.rows[0]
        assert not [p for p in preview.blocking if p.code != "xlsx.too_many_rows"], preview.problems[:3]
        imports = [timed(lambda: read_table_field(members, clerk)) for _ in range(runs)]
        exports = [timed(lambda: export_data(definition, data, exported)) for _ in range(runs)]
        _definition, back = read_draft(exported, lambda form, version: definition)
        assert back["members"] == data["members"]
        reads = [timed(lambda: read_draft(exported, lambda form, version: definition)) for _ in range(runs)]
        result = {
            "rows": ROWS,
            "import_table_s": round(statistics.median(imports), 3),
            "export_draft_s": round(statistics.median(exports), 3),
            "reimport_draft_s": round(statistics.median(reads), 3),
            "clerk_file_kb": clerk.stat().st_size // 1024,
            "draft_file_kb": exported.stat().st_size // 1024,
            "goal_import_s": 2.0,
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
