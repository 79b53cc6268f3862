"""The fast paths of reading a clerk's spreadsheet give exactly what the plain paths give: the shared-string table
read without openpyxl's descriptor objects, and each distinct cell value of a column read and checked once."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.reader.strings import read_string_table

from vista_desktop.forms.loader import get_definition
from vista_desktop.forms.model import Field
from vista_desktop.services.xlsx import read_table_field
from vista_desktop.xlsx.cells import column_reader
from vista_desktop.xlsx.rows import sheet_values
from vista_desktop.xlsx.safety import open_workbook
from vista_desktop.xlsx.strings import read_shared_strings
from vista_desktop.xlsx.tables import preview_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Plain, rich (runs), a phonetic guide, empty, preserved spaces, an escaped underscore, Vietnamese (NFD too)
SHARED = (
    f'<sst xmlns="{MAIN}" count="7" uniqueCount="7">'
    "<si><t>Họ và tên</t></si>"
    '<si><r><rPr><b/></rPr><t>Chủ </t></r><r><t xml:space="preserve">nhiệm  </t></r></si>'
    "<si><t>漢字</t><rPh sb='0' eb='2'><t>かんじ</t></rPh><phoneticPr fontId='1'/></si>"
    "<si><t/></si>"
    '<si><t xml:space="preserve">  Viện  </t></si>'
    "<si><t>a_x005F_x000D_b</t></si>"
    "<si><t>Nguye\u0302\u0303n</t></si>"
    "</sst>"
).encode()


def test_shared_strings_are_read_as_openpyxl_reads_them() -> None:
    fast = read_shared_strings(io.BytesIO(SHARED))
    assert fast == read_string_table(io.BytesIO(SHARED))
    assert fast[1] == "Chủ nhiệm  "
    assert fast[2] == "漢字"  # the phonetic guide is not part of the text


def excel_like(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A workbook as Excel writes it: every text an index into xl/sharedStrings.xml."""
    texts = [t for row in [header, *rows] for t in row]
    index = {t: n for n, t in enumerate(dict.fromkeys(texts))}

    def cells(row: list[str], number: int) -> str:
        return "".join(f'<c r="{chr(65 + i)}{number}" t="s"><v>{index[t]}</v></c>' for i, t in enumerate(row))

    sheet_rows = "".join(f'<row r="{n}">{cells(r, n)}</row>' for n, r in enumerate([header, *rows], 1))
    return raw_workbook(path, sheet_rows, "".join(f"<si><t>{t}</t></si>" for t in index))


def raw_workbook(path: Path, sheet_rows: str, items: str = "") -> Path:
    """A one-sheet workbook with the given <sheetData> content and shared-string items."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ct}.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>{sheet_rows}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{items}</sst>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def members() -> Field:
    return get_definition("mau-01").field("members")


def test_a_list_with_shared_strings_imports_every_row(tmp_path: Path) -> None:
    rows = [["Chủ nhiệm", f"Trần Văn {i}", "Viện Cơ học"] for i in range(1, 4)]
    rows.append(["Thành viên", "Lê Thị Hoa", "Viện Cơ học"])
    path = excel_like(tmp_path / "list.xlsx", ["VAI TRO", "Ho va ten", "Co quan cong tac"], rows)
    preview = read_table_field(members(), path)
    assert preview.sheet == "Danh sách"
    assert [r["full_name"] for r in preview.rows] == ["Trần Văn 1", "Trần Văn 2", "Trần Văn 3", "Lê Thị Hoa"]
    assert {r["role"] for r in preview.rows} == {"Chủ nhiệm", "Thành viên"}
    assert all(r["organisation"] == "Viện Cơ học" for r in preview.rows)


def test_a_repeated_bad_value_is_reported_on_every_row_it_is_on() -> None:
    header = ["Họ và tên", "Vai trò", "Cơ quan công tác"]
    rows = [header, ["An", "Trưởng nhóm", "Viện"], ["Bình", "Chủ nhiệm", "Viện"], ["Chi", "Trưởng nhóm", "Viện"]]
    preview = preview_rows(members(), rows, "S", 1)
    bad = [(p.row, p.column, p.code) for p in preview.problems if p.code == "xlsx.cell.not_a_choice"]
    assert bad == [(2, "B", "xlsx.cell.not_a_choice"), (4, "B", "xlsx.cell.not_a_choice")]
    # Each problem has its own parameters: changing one shown to the user cannot change another.
    first, second = (p for p in preview.problems if p.code == "xlsx.cell.not_a_choice")
    assert first.params == second.params and first.params is not second.params


def test_equal_values_of_different_types_are_read_each_by_its_type() -> None:
    table = get_definition("mau-01").field("members")
    header = ["Họ và tên", "Số CCCD"]
    # 1 == 1.0 == True as dictionary keys, but a citizen ID typed as a number lost its leading zeros, while a
    # boolean is text: each is read for what it is, not for the value remembered from an earlier row.
    rows: list[list[Any]] = [header, ["An", 1], ["Bình", 1.0], ["Chi", True], ["Dũng", "001085000001"]]
    preview = preview_rows(table, rows, "S", 1)
    ids = [r.get("citizen_id") for r in preview.rows]
    assert ids == ["1", "1", "TRUE", "001085000001"]
    codes = {(p.row, p.code) for p in preview.problems if p.column == "B"}
    assert (2, "xlsx.cell.lost_leading_zero") in codes and (3, "xlsx.cell.lost_leading_zero") in codes
    assert not any(row == 5 for row, _code in codes)


def test_a_column_reader_reads_equal_keys_of_other_types_afresh() -> None:
    read = column_reader(members().column("full_name"))
    assert read(1).value == "1"
    assert read(True).value == "TRUE"
    assert read(1.5).value == "1.5"
    assert read(1) is read(1)  # remembered


# --- rows read from the sheet's XML are those openpyxl reads -------------------------------------------------


def trimmed(rows: Any) -> list[tuple[Any, ...]]:
    """Rows without their trailing empty cells (openpyxl pads rows to the sheet's width; sheet_values does not)."""
    found = []
    for row in rows:
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        found.append(tuple(values))
    return found


def assert_read_as_openpyxl(path: Path) -> None:
    from openpyxl import load_workbook

    reference = load_workbook(path, read_only=True, data_only=True)
    with open_workbook(path) as workbook:
        for title in workbook.sheetnames:
            expected = trimmed(reference[title].iter_rows(values_only=True))
            assert trimmed(sheet_values(workbook[title])) == expected, title
            window = trimmed(reference[title].iter_rows(min_row=2, max_row=4, values_only=True))
            assert trimmed(sheet_values(workbook[title], 2, 4)) == window, title
    reference.close()


def test_typed_cells_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"], sheet["C1"], sheet["D1"] = "Họ và tên", 3.5, date(2026, 2, 13)
    sheet["E1"], sheet["F1"] = True, datetime(2026, 1, 1, 10, 30)
    sheet["B3"], sheet["C3"] = "=1+2", 10**15  # a formula without a cached value
    sheet["A5"], sheet["B5"] = time(10, 5), timedelta(hours=30)
    sheet["B5"].number_format = "[h]:mm"
    sheet["Z6"], sheet["A7"], sheet["B7"] = "far", -1.25e-20, "0012"
    second = book.create_sheet("Trống")
    second["C2"] = "một ô"
    book.save(tmp_path / "types.xlsx")
    assert_read_as_openpyxl(tmp_path / "types.xlsx")


def test_every_exported_form_reads_as_openpyxl_reads_it(tmp_path: Path) -> None:
    from vista_desktop.forms.loader import latest_definitions
    from vista_desktop.services.drafts import read_draft_file
    from vista_desktop.services.xlsx import export_data

    forms = Path(__file__).parent / "forms"
    for definition in latest_definitions():
        _definition, data = read_draft_file(forms / definition.form_id / "complete.json")
        export_data(definition, data, tmp_path / f"{definition.form_id}.xlsx")
        assert_read_as_openpyxl(tmp_path / f"{definition.form_id}.xlsx")


def test_hand_written_cells_read_as_openpyxl_reads_them(tmp_path: Path) -> None:
    # What other tools write: rows and cells without references, gaps, errors, cached formula texts, booleans,
    # ISO dates, rich inline strings, a cell given twice, shared strings.
    sheet_rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><r><t>Chủ </t></r><r><t>nhiệm</t></r>'
        "</is></c></row>"
        '<row><c t="e"><v>#N/A</v></c><c t="str"><f>A1&amp;"x"</f><v>Họx</v></c><c t="b"><v>1</v></c></row>'
        '<row r="5"><c r="B5" t="d"><v>2026-02-13T00:00:00</v></c><c r="B5"><v>7</v></c>'
        '<c r="D5" t="inlineStr"><is><t xml:space="preserve"> a </t></is></c><c r="E5"><v>1E3</v></c></row>'
        '<row r="6"/>'
        '<row r="8"><c r="AA8" t="s"><v>1</v></c><c r="AB8"><f>1+1</f></c></row>'
    )
    path = raw_workbook(tmp_path / "hand.xlsx", sheet_rows, "<si><t>Họ</t></si><si><t>xa</t></si>")
    assert_read_as_openpyxl(path)
    with open_workbook(path) as workbook:
        rows = list(sheet_values(workbook["Danh sách"]))
    assert rows[0] == ("Họ", None, "Chủ nhiệm")
    assert rows[1] == ("#N/A", "Họx", True)
    assert rows[2:4] == [(), ()]  # rows 3 and 4 are not in the file
    assert rows[4] == (None, 7, None, " a ", 1000.0)
