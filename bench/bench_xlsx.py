"""Excel benchmark: importing 10,000 member rows from a clerk's spreadsheet (goal ≤ 2 s on 2 cores, openpyxl
read-only mode), exporting a draft holding them, and reading that workbook back.

The clerk's list is measured twice: with a shared-string table as Excel and LibreOffice write it (`import_table_s`),
and with inline strings as openpyxl 3.1 writes it (`import_table_inline_strings_s`).

Usage: python bench/bench_xlsx.py [runs]
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import tempfile
import time
import zipfile
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


def clerk_list(path: Path, shared_strings: bool = True) -> None:
    """A clerk's own list: a title row, an STT column, headers without accents in another order. With
    `shared_strings`, written as Excel writes (a shared string table, a <dimension>); without, as openpyxl 3.1 and
    some other tools write (every text an inline string, parsed more slowly by openpyxl)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh sach"
    sheet.append(["DANH SÁCH CÁN BỘ THAM GIA"])
    sheet.append(["STT", "Vai tro", "HO VA TEN", "Co quan cong tac", "So CCCD", "Hoc ham, hoc vi"])
    for i in range(1, ROWS + 1):
        m = member(i)
        sheet.append([i, m["role"], m["full_name"], m["organisation"], m["citizen_id"], m["academic_title_degree"]])
    book.save(path)
    if shared_strings:
        _share_strings(path)


_INLINE = re.compile(rb'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>(.*?)</t></is></c>')
_SHEET, _RELS, _TYPES = "xl/worksheets/sheet1.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"


def _share_strings(path: Path) -> None:
    """Rewrite openpyxl's inline strings as Excel writes texts: indexes into xl/sharedStrings.xml."""
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    index: dict[bytes, int] = {}
    count = 0

    def shared(m: re.Match[bytes]) -> bytes:
        nonlocal count
        count += 1
        number = index.setdefault(m[2], len(index))
        return b'<c r="%s" t="s"><v>%d</v></c>' % (m[1], number)

    parts[_SHEET] = _INLINE.sub(shared, parts[_SHEET])
    items = b"".join(b"<si><t>%s</t></si>" % text for text in index)
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
        % (count, len(index), items)
    )
    parts[_RELS] = parts[_RELS].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdSst" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    parts[_TYPES] = parts[_TYPES].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)


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
        clerk, inline = Path(folder) / "clerk.xlsx", Path(folder) / "clerk-inline.xlsx"
        exported = Path(folder) / "draft.xlsx"
        clerk_list(clerk)
        clerk_list(inline, shared_strings=False)
        for source in (clerk, inline):
            preview = read_table_field(members, source)
            assert len(preview.rows) == ROWS
            assert preview.rows[0] == member(1), preview.rows[0]
            assert not [p for p in preview.blocking if p.code != "xlsx.too_many_rows"], preview.problems[:3]
        imports = [timed(lambda: read_table_field(members, clerk)) for _ in range(runs)]
        inline_imports = [timed(lambda: read_table_field(members, inline)) for _ in range(runs)]
        exports = [timed(lambda: export_data(definition, data, exported)) for _ in range(runs)]
        _definition, back = read_draft(exported, lambda form, version: definition)
        assert back["members"] == data["members"]
        reads = [timed(lambda: read_draft(exported, lambda form, version: definition)) for _ in range(runs)]
        result = {
            "rows": ROWS,
            "import_table_s": round(statistics.median(imports), 3),
            "import_table_inline_strings_s": round(statistics.median(inline_imports), 3),
            "export_draft_s": round(statistics.median(exports), 3),
            "reimport_draft_s": round(statistics.median(reads), 3),
            "clerk_file_kb": clerk.stat().st_size // 1024,
            "draft_file_kb": exported.stat().st_size // 1024,
            "goal_import_s": 2.0,
        }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
