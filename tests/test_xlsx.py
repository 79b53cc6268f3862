"""Excel in and out: a draft to a workbook and back unchanged, one table from a clerk's own spreadsheet, pasted
rows, refusals of files that are no workbook or are dangerous, and the CLI commands."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from vista_desktop.forms.loader import get_definition, latest_definitions
from vista_desktop.forms.model import Choice, Field, FieldType, FormDefinition, Label, Section
from vista_desktop.services.drafts import read_draft_file
from vista_desktop.services.xlsx import (
    XlsxError,
    XlsxImportError,
    export_data,
    import_workbook,
    paste_rows,
    read_table_field,
)
from vista_desktop.xlsx.tables import split_clipboard
from vista_desktop.xlsx.workbook import read_draft, write_draft

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "tests" / "forms"


def complete_forms() -> list[str]:
    return [d.form_id for d in latest_definitions() if (FORMS / d.form_id / "complete.json").exists()]


@pytest.mark.parametrize("form_id", complete_forms())
def test_every_complete_form_round_trips_unchanged(tmp_path: Path, form_id: str) -> None:
    definition, data = read_draft_file(FORMS / form_id / "complete.json")
    path = tmp_path / f"{form_id}.xlsx"
    export_data(definition, data, path)
    back_definition, back = import_workbook(path, form_id)
    assert back_definition == definition
    assert back == data


def test_every_definition_has_a_round_trip_example() -> None:
    assert sorted(complete_forms()) == sorted(d.form_id for d in latest_definitions())


def _label(vi: str) -> Label:
    return Label(vi, vi)


ALL_TYPES = FormDefinition(
    form_id="all-types",
    version="1",
    title=_label("Mọi kiểu"),
    short_title=_label("Mọi kiểu"),
    sections=(
        Section(
            "main",
            _label("Thông tin chung: [thử]/*?"),  # characters Excel forbids in sheet names
            (
                Field("a.text", FieldType.TEXT, _label("Văn bản")),
                Field("a.formula_like", FieldType.TEXT, _label("Bắt đầu bằng dấu bằng")),
                Field("a.long", FieldType.LONG_TEXT, _label("Văn bản dài"), max_length=100_000),
                Field("a.integer", FieldType.INTEGER, _label("Số nguyên")),
                Field("a.money", FieldType.MONEY, _label("Tiền")),
                Field("a.date", FieldType.DATE, _label("Ngày")),
                Field("a.month", FieldType.MONTH, _label("Tháng")),
                Field("a.year", FieldType.YEAR, _label("Năm")),
                Field("a.choice", FieldType.CHOICE, _label("Chọn"), choices=(Choice("Nữ", _label("Nữ")),)),
                Field(
                    "a.multi",
                    FieldType.MULTI_CHOICE,
                    _label("Nhiều lựa chọn"),
                    choices=tuple(Choice(v, Label(v, v)) for v in ("Góp vốn", "Chuyển giao có đào tạo", "Khác")),
                ),
                Field("a.cccd", FieldType.CITIZEN_ID, _label("Số CCCD")),
                Field("a.phone", FieldType.PHONE, _label("Điện thoại")),
                Field("a.email", FieldType.EMAIL, _label("Email")),
                Field("a.tax", FieldType.TAX_CODE, _label("Mã số thuế")),
                Field("a.field_code", FieldType.CLASSIFICATION, _label("Mã lĩnh vực")),
                Field(
                    "rows",
                    FieldType.TABLE,
                    _label("Thông tin chung: [thử]/*?"),  # the same label: sheet names must stay unique
                    columns=(
                        Field("name", FieldType.TEXT, _label("Họ và tên")),
                        Field("born", FieldType.DATE, _label("Ngày sinh")),
                        Field("until", FieldType.MONTH, _label("Đến tháng")),
                        Field("cccd", FieldType.CITIZEN_ID, _label("Số CCCD")),
                        Field("amount", FieldType.MONEY, _label("Số tiền")),
                    ),
                ),
            ),
        ),
    ),
)

ALL_TYPES_DATA: dict[str, Any] = {
    "a": {
        "text": "Nguyễn Thị Hồng Nhung — Đồng bằng sông Cửu Long",
        "formula_like": '=HYPERLINK("http://example.invalid","x")',
        "long": "Dòng một.\nDòng hai: ư ơ đ ặ.\n" + "Ỹ" * 70_000,  # longer than one Excel cell
        "integer": 0,
        "money": 1_250_000_000_000,
        "date": "2025-02-05",
        "month": "2026-12",
        "year": 2025,
        "choice": "Nữ",
        "multi": ["Góp vốn", "Khác"],
        "cccd": "001085012345",
        "phone": "028 3923 8320",
        "email": "nhung@example.vn",
        "tax": "0301234567-001",
        "field_code": "20701",
    },
    "rows": [
        {"name": "Lê Quốc Hưng", "born": "1990-01-31", "until": "2025-01", "cccd": "079090000123", "amount": 5},
        {"name": "Trần Văn Đạt"},
    ],
}


def test_every_field_type_round_trips_with_diacritics(tmp_path: Path) -> None:
    path = tmp_path / "all.xlsx"
    write_draft(ALL_TYPES, ALL_TYPES_DATA, path)
    definition, data = read_draft(path, lambda form, version: ALL_TYPES)
    assert definition is ALL_TYPES
    assert data == ALL_TYPES_DATA


def test_cells_are_typed_and_ids_hidden(tmp_path: Path) -> None:
    path = tmp_path / "all.xlsx"
    write_draft(ALL_TYPES, ALL_TYPES_DATA, path)
    book = load_workbook(path)
    main, table, meta = book.worksheets
    assert main.title != table.title and "[" not in main.title
    values = {main.cell(row, 1).value: main.cell(row, 3) for row in range(2, main.max_row + 1)}
    assert values["a.date"].value == datetime(2025, 2, 5) and values["a.date"].number_format == "DD/MM/YYYY"
    assert values["a.month"].value == datetime(2026, 12, 1) and values["a.month"].number_format == "MM/YYYY"
    assert values["a.money"].value == 1_250_000_000_000 and values["a.money"].number_format == "#,##0"
    assert values["a.cccd"].value == "001085012345" and values["a.cccd"].data_type == "s"
    assert values["a.cccd"].number_format == "@"
    assert values["a.formula_like"].data_type == "s"  # text, never a formula
    assert main.column_dimensions["A"].hidden
    assert [c.value for c in table[1]][:2] == ["Họ và tên", "Ngày sinh"]
    assert [c.value for c in table[2]][:2] == ["name", "born"]
    assert table.row_dimensions[2].hidden
    assert meta.sheet_state == "hidden"


def test_a_workbook_of_another_form_is_refused(tmp_path: Path, complete_data: dict[str, Any]) -> None:
    path = tmp_path / "m1.xlsx"
    export_data(get_definition("mau-01"), complete_data, path)
    with pytest.raises(XlsxError) as caught:
        import_workbook(path, "mau-05")
    assert caught.value.code == "xlsx.form_mismatch"


def test_cells_a_clerk_broke_are_named_by_sheet_row_and_column(tmp_path: Path, complete_data: dict[str, Any]) -> None:
    path = tmp_path / "m1.xlsx"
    export_data(get_definition("mau-01"), complete_data, path)
    book = load_workbook(path)
    budget = next(ws for ws in book.worksheets if any(c.value == "task.budget.total_vnd" for c in ws["A"]))
    row = next(c.row for c in budget["A"] if c.value == "task.budget.total_vnd")
    budget.cell(row, 3).value = 1.5
    members = sheet_named(book, "Cá nhân tham gia")
    members["E3"] = 79185012345  # typed as a number: the leading zero is gone
    book.save(path)
    with pytest.raises(XlsxImportError) as caught:
        import_workbook(path, "mau-01")
    lines = [p.line("vi") for p in caught.value.problems]
    assert lines == [
        f"Trang «{budget.title}» / dòng {row} / cột C (Tổng kinh phí (đồng)) / "
        "cần số nguyên (đồng), nhưng ô có phần thập phân.",
        "Trang «Cá nhân tham gia thực hiện» / dòng 3 / cột E (Số CCCD) / Excel lưu giá trị này dưới dạng số "
        "nên đã mất số 0 ở đầu; hãy định dạng cột là Văn bản (Text) và nhập lại đủ chữ số.",
    ]


def sheet_named(book: Any, start: str) -> Any:
    return next(ws for ws in book.worksheets if ws.title.startswith(start))


# --- a clerk's own spreadsheet ------------------------------------------------------------------------------


def members_field() -> Field:
    return get_definition("mau-01").field("members")


def clerk_workbook(path: Path, header: list[Any], rows: list[list[Any]], title_rows: int = 2) -> Path:
    book = Workbook()
    notes = book.active
    notes.title = "Ghi chú"
    notes["A1"] = "Danh sách do phòng Tổ chức lập"
    sheet = book.create_sheet("DS thành viên")
    for n in range(title_rows):
        sheet.append([f"DANH SÁCH CÁN BỘ {n}"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_clerks_list_with_reordered_columns_and_headers_without_accents_imports(tmp_path: Path) -> None:
    path = clerk_workbook(
        tmp_path / "ds.xlsx",
        ["STT", "VAI TRO", " ho  va ten ", "Co quan cong tac", "So CCCD", "HỌC HÀM, HỌC VỊ"],
        [
            [1, "Chu nhiem", "Nguyễn Thị Hồng Nhung", "Viện KHTL miền Nam", "079185012345", "PGS.TS"],
            [None, None, None, None, None, None],  # a blank row between blocks
            [2, "thành viên CHÍNH", "Lê Quốc Hưng", "Viện KHTL miền Nam", None, "ThS"],
            [3, "Trưởng nhóm", "Phạm Văn An", None, 79185012345, None],
        ],
    )
    preview = read_table_field(members_field(), path)
    assert preview.sheet == "DS thành viên" and preview.header_row == 3
    assert preview.rows[:2] == [
        {
            "role": "Chủ nhiệm",
            "full_name": "Nguyễn Thị Hồng Nhung",
            "organisation": "Viện KHTL miền Nam",
            "citizen_id": "079185012345",
            "academic_title_degree": "PGS.TS",
        },
        {
            "role": "Thành viên chính",
            "full_name": "Lê Quốc Hưng",
            "organisation": "Viện KHTL miền Nam",
            "academic_title_degree": "ThS",
        },
    ]
    assert preview.rows[2]["role"] == "Trưởng nhóm"  # kept as typed, for the clerk to fix
    located = [(p.sheet, p.row, p.column, p.code, p.warning) for p in preview.problems]
    assert located == [
        ("DS thành viên", 3, "A", "xlsx.column_ignored", True),
        ("DS thành viên", 7, "B", "xlsx.cell.not_a_choice", False),
        ("DS thành viên", 7, "E", "xlsx.cell.lost_leading_zero", False),
        ("DS thành viên", 7, "D", "value.required", False),
    ]
    assert preview.problems[1].line("vi").startswith("Trang «DS thành viên» / dòng 7 / cột B (VAI TRO) / «Trưởng nhóm»")


def test_english_headers_and_a_missing_required_column(tmp_path: Path) -> None:
    path = clerk_workbook(tmp_path / "en.xlsx", ["Full name", "Role"], [["Lê Quốc Hưng", "Member"]], title_rows=0)
    preview = read_table_field(members_field(), path)
    assert preview.rows == [{"full_name": "Lê Quốc Hưng", "role": "Thành viên"}]
    # the missing column is told once, not once per row
    assert [(p.row, p.code) for p in preview.problems] == [(1, "xlsx.column_missing")]
    assert "Cơ quan công tác" in preview.problems[0].reason("vi")


def test_a_table_sheet_of_an_exported_draft_imports_as_a_clerks_list(
    tmp_path: Path, complete_data: dict[str, Any]
) -> None:
    path = tmp_path / "m1.xlsx"
    export_data(get_definition("mau-01"), complete_data, path)
    preview = read_table_field(members_field(), path)
    assert preview.rows == complete_data["members"]
    assert preview.problems == []


def test_no_header_row_is_a_clear_error(tmp_path: Path) -> None:
    path = clerk_workbook(tmp_path / "x.xlsx", ["Tên", "Tuổi"], [["A", 3]])
    with pytest.raises(XlsxError) as caught:
        read_table_field(members_field(), path)
    assert caught.value.code == "xlsx.no_header"
    assert "Họ và tên" in caught.value.message("vi")


def with_cached_values(path: Path, cached: dict[str, str]) -> None:
    """Give formulas the cached values Excel would have saved (openpyxl writes none)."""
    source = zipfile.ZipFile(path)
    parts = {name: source.read(name) for name in source.namelist()}
    source.close()
    for name, xml in parts.items():
        if name.startswith("xl/worksheets/"):
            text = xml.decode()
            for formula, value in cached.items():
                text = text.replace(f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{value}</v>")
                text = text.replace(f"<f>{formula}</f><v />", f"<f>{formula}</f><v>{value}</v>")
            parts[name] = text.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_formulas_are_read_as_their_cached_values_never_evaluated(tmp_path: Path) -> None:
    table = get_definition("mau-01").field("expected_products")
    path = clerk_workbook(
        tmp_path / "sp.xlsx",
        ["Tên sản phẩm", "Loại sản phẩm", "Số lượng"],
        [["Phần mềm", "Phần mềm", "=1+2"], ["Báo cáo", "Báo cáo", "=1+1"]],
        title_rows=0,
    )
    with_cached_values(path, {"1+2": "3"})  # the second formula has no cached value: empty, not computed
    preview = read_table_field(table, path)
    assert [r.get("quantity") for r in preview.rows] == [3, None]


# --- refusals -----------------------------------------------------------------------------------------------


def refused(path: Path) -> XlsxError:
    with pytest.raises(XlsxError) as caught:
        read_table_field(members_field(), path)
    with pytest.raises(XlsxError):
        import_workbook(path)
    return caught.value


def test_a_text_file_named_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ds.xlsx"
    path.write_text("Họ và tên\tVai trò\n", encoding="utf-8")
    error = refused(path)
    assert error.code == "xlsx.not_xlsx"
    assert error.message("vi") == "Tệp «ds.xlsx» không phải bảng tính Excel (.xlsx). Không có gì bị thay đổi."


def test_an_xls_renamed_xlsx_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "cu.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)
    error = refused(path)
    assert error.code == "xlsx.old_xls"
    assert "Lưu thành" in error.message("vi")


def test_another_zip_named_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "van-ban.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(path).code == "xlsx.not_xlsx"


def test_a_zip_bomb_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    path = clerk_workbook(tmp_path / "bom.xlsx", ["Họ và tên"], [["A"]])
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(64 * 1024 * 1024))  # 64 MiB of zeros: about 64 KiB packed
    assert path.stat().st_size < 1024 * 1024
    error = refused(path)
    assert error.code == "xlsx.zip_bomb"
    assert "bất thường" in error.message("vi")


def test_a_200_mb_file_is_refused_without_being_read(tmp_path: Path) -> None:
    path = tmp_path / "lon.xlsx"
    with path.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(200 * 1024 * 1024)  # sparse: no disk time
    error = refused(path)
    assert error.code == "xlsx.too_large"
    assert error.message("vi") == "Tệp «lon.xlsx» quá lớn (200 MB; tối đa 50 MB). Không có gì bị thay đổi."


def test_a_refused_file_changes_nothing(app_services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.xlsx"
    path.write_text("không phải bảng tính", encoding="utf-8")
    with pytest.raises(XlsxError):
        app_services.xlsx.import_as_draft(path)
    assert app_services.drafts.list() == []


def test_a_draft_round_trips_through_the_service(app_services, tmp_path: Path, complete_data: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    record = app_services.drafts.create("mau-01", complete_data)
    path = tmp_path / "nhap.xlsx"
    app_services.xlsx.export_draft(record.id, path)
    copy = app_services.xlsx.import_as_draft(path)
    assert copy.id != record.id
    assert app_services.drafts.get(copy.id).data == app_services.drafts.get(record.id).data
    preview = app_services.xlsx.read_table(get_definition("mau-01"), "members", path)
    assert preview.rows == complete_data["members"]


# --- the clipboard ------------------------------------------------------------------------------------------


def test_clipboard_text_is_split_as_excel_copies_it() -> None:
    text = 'Nguyễn An\t"Dòng 1\nDòng 2"\t"nói ""có"""\r\nLê Bình\t\tx\r\n'
    assert split_clipboard(text) == [["Nguyễn An", "Dòng 1\nDòng 2", 'nói "có"'], ["Lê Bình", "", "x"]]


def test_pasted_rows_go_by_position_or_by_header() -> None:
    table = members_field()
    by_position = paste_rows(table, "Viện A\tthanh vien\nViện B\tKhông rõ\n", start_column=2)
    assert by_position.rows == [
        {"organisation": "Viện A", "role": "Thành viên"},
        {"organisation": "Viện B", "role": "Không rõ"},
    ]
    assert [(p.row, p.column, p.code) for p in by_position.problems] == [(2, "B", "xlsx.cell.not_a_choice")]
    by_header = paste_rows(table, "Vai trò\tHọ và tên\nThư ký khoa học\tLê Quốc Hưng\n")
    assert by_header.rows == [{"role": "Thư ký khoa học", "full_name": "Lê Quốc Hưng"}]


# --- the command line ---------------------------------------------------------------------------------------


def test_cli_export_and_import_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vista_desktop.cli import main

    out, back = tmp_path / "m1.xlsx", tmp_path / "m1.json"
    assert main(["export-xlsx", str(FORMS / "mau-01" / "complete.json"), str(out)]) == 0
    assert main(["import-xlsx", "mau-01", str(out), str(back)]) == 0
    _definition, expected = read_draft_file(FORMS / "mau-01" / "complete.json")
    document = json.loads(back.read_text(encoding="utf-8"))
    assert document == {"form": "mau-01", "version": "2023", "data": expected}
    assert "m1.json" in capsys.readouterr().out


def test_cli_import_names_each_bad_cell_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from vista_desktop.cli import main

    out = tmp_path / "m1.xlsx"
    assert main(["export-xlsx", str(FORMS / "mau-01" / "complete.json"), str(out)]) == 0
    book = load_workbook(out)
    sheet_named(book, "Cá nhân tham gia")["E4"] = 7918501234.5
    book.save(out)
    capsys.readouterr()
    assert main(["import-xlsx", "mau-01", str(out), str(tmp_path / "x.json")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert re.fullmatch(r"Trang «Cá nhân tham gia thực hiện» / dòng 4 / cột E \(Số CCCD\) / .+", err[1])
    assert not (tmp_path / "x.json").exists()
    assert main(["import-xlsx", "mau-01", str(FORMS / "mau-01" / "complete.json"), str(tmp_path / "y.json")]) == 1


# --- catalogs -----------------------------------------------------------------------------------------------


def test_every_xlsx_message_key_is_in_both_catalogs() -> None:
    from vista_desktop.i18n import catalog

    package = ROOT / "src" / "vista_desktop"
    sources = [*package.joinpath("xlsx").glob("*.py"), package / "services" / "xlsx.py", package / "cli" / "xlsx.py"]
    sources += [
        package / "ui" / "xlsx_preview.py",
        package / "ui" / "main_window.py",
        package / "ui" / "table_editor.py",
    ]
    used = set()
    for path in sources:
        used |= set(re.findall(r"""["'](xlsx\.[a-z_.]+[a-z])["']""", path.read_text(encoding="utf-8")))
    used |= {f"xlsx.ui.column.{k}" for k in ("sheet", "row", "column", "reason")}
    assert len(used) > 30
    for language in ("vi", "en"):
        missing = sorted(k for k in used if k not in catalog(language))
        assert missing == [], language


# --- the GUI ------------------------------------------------------------------------------------------------


def members_widget(wizard):  # type: ignore[no-untyped-def]
    index = next(i for i, p in enumerate(wizard.section_pages) if "members" in p.rows)
    wizard.go_to(index)
    return wizard.section_pages[index].rows["members"].widget


def test_file_menu_exports_and_imports_excel(qtbot, window, app_services, complete_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMenu

    record = app_services.drafts.create("mau-01", complete_data)
    window.refresh()
    window.table.selectRow(0)
    names = [a.objectName() for a in window.findChild(QMenu, "file-menu").actions()]
    assert {"xlsx.ui.import_action", "xlsx.ui.export_action"} <= set(names)
    path = tmp_path / "m1.xlsx"
    running = window.export_xlsx(path)
    qtbot.waitUntil(lambda: running.done and path.exists())
    qtbot.waitUntil(lambda: "m1.xlsx" in window.statusBar().currentMessage())
    running = window.import_xlsx(path)
    qtbot.waitUntil(lambda: len(app_services.drafts.list()) == 2)
    copy = next(d for d in app_services.drafts.list() if d.id != record.id)
    assert app_services.drafts.get(copy.id).data == app_services.drafts.get(record.id).data


def test_file_menu_import_of_a_bad_file_shows_why(qtbot, window, app_services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    path = tmp_path / "cu.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    window.import_xlsx(path)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "error-box") is not None)
    assert "Excel 97–2003" in window.findChild(QMessageBox, "error-box").text()
    assert app_services.drafts.list() == []


def test_a_clerks_list_is_previewed_then_replaces_the_table(qtbot, window, complete_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton, QTableWidget

    from vista_desktop.ui.xlsx_preview import import_table_from_excel

    path = clerk_workbook(
        tmp_path / "ds.xlsx",
        ["Ho va ten", "VAI TRÒ", "co quan cong tac"],
        [["Phạm Văn An", "Thanh vien", "Viện A"], ["Đỗ Thị Bình", "Khách mời", "Viện B"]],
    )
    wizard = window.new_draft("mau-01")
    widget = members_widget(wizard)
    widget.replace_rows(complete_data["members"])
    import_table_from_excel(widget, path)
    qtbot.waitUntil(lambda: widget.preview_dialog is not None and widget.preview_dialog.isVisible())
    dialog = widget.preview_dialog
    problems = dialog.findChild(QTableWidget, "xlsx-preview-problems")
    assert problems.rowCount() == 1
    assert [problems.item(0, c).text() for c in range(3)] == ["DS thành viên", "5", "B (VAI TRÒ)"]
    assert widget.value() == complete_data["members"]  # nothing changed before the choice
    dialog.findChild(QPushButton, "xlsx-replace").click()
    assert widget.value() == [
        {"full_name": "Phạm Văn An", "role": "Thành viên", "organisation": "Viện A"},
        {"full_name": "Đỗ Thị Bình", "role": "Khách mời", "organisation": "Viện B"},
    ]
    assert wizard.session.data["members"][0]["full_name"] == "Phạm Văn An"
    wizard.close()


def test_a_cancelled_preview_changes_nothing_and_append_adds(qtbot, window, complete_data, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    from vista_desktop.ui.xlsx_preview import import_table_from_excel

    path = clerk_workbook(
        tmp_path / "ds.xlsx", ["Họ và tên", "Vai trò", "Cơ quan công tác"], [["An", "Thành viên", "X"]]
    )
    wizard = window.new_draft("mau-01")
    widget = members_widget(wizard)
    widget.replace_rows(complete_data["members"])
    for button, expected in (
        ("xlsx-cancel", complete_data["members"]),
        ("xlsx-append", [*complete_data["members"], {"full_name": "An", "role": "Thành viên", "organisation": "X"}]),
    ):
        widget.preview_dialog = None
        import_table_from_excel(widget, path)
        qtbot.waitUntil(lambda: widget.preview_dialog is not None and widget.preview_dialog.isVisible())
        widget.preview_dialog.findChild(QPushButton, button).click()
        assert widget.value() == expected
    wizard.close()


def test_ctrl_v_on_a_grid_pastes_rows_copied_from_excel(qtbot, window, complete_data) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    wizard = window.new_draft("mau-01")
    widget = members_widget(wizard)
    widget.replace_rows(complete_data["members"])
    widget.grid.setCurrentCell(1, 2)  # row 2, column «Cơ quan công tác»
    QGuiApplication.clipboard().setText("Viện Mới\tthanh vien chinh\r\nViện Khác\tThành viên\r\n")
    widget.grid.setFocus()
    qtbot.keyClick(widget.grid, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    rows = widget.value()
    assert rows[0] == complete_data["members"][0]
    assert rows[1] == {**complete_data["members"][1], "organisation": "Viện Mới", "role": "Thành viên chính"}
    assert rows[2] == {"organisation": "Viện Khác", "role": "Thành viên"}
    wizard.close()
