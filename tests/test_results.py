"""Results registration: tasks and their migration, Mẫu 5 drafted from Mẫu 1, the confirmation and Mẫu 8 from
Mẫu 5, cross-form rules, one signature block per co-PI, a 300-member / 200-product Mẫu 5 rendered whole, the
`drafts` commands and the drafts list's actions."""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from vista_desktop.documents.builder import build_document
from vista_desktop.documents.model import SignatureRow
from vista_desktop.forms.data import normalise_data
from vista_desktop.forms.loader import get_definition
from vista_desktop.forms.schema import DefinitionError, read_definition
from vista_desktop.forms.validation import validate
from vista_desktop.services.results import ResultsProblem, cross_form_problems, is_state_secret, processes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = Path(__file__).parent / "forms"
sys.path.insert(0, str(ROOT / "bench"))
from bench_mau05 import large_mau05  # noqa: E402


def example(form: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / form / "complete.json").read_text(encoding="utf-8"))["data"]
    return data


def roles_and_names(definition: Any, data: dict[str, Any]) -> list[tuple[str, str]]:
    document = build_document(definition, normalise_data(definition, data))
    return [(b.role, b.name) for row in document.blocks if isinstance(row, SignatureRow) for b in row.boxes]


# --- signature blocks repeated per co-PI ---------------------------------------------------------------------


def test_every_co_pi_gets_a_signature_block_in_order() -> None:
    definition = get_definition("mau-05", "2023")
    data = large_mau05(members=3, products=1)
    assert roles_and_names(definition, data) == [
        ("pi", "Nguyễn Thị Hồng Nhung"),
        ("co_pi_1", "Phạm Minh Tuấn"),
        ("co_pi_2", "Đỗ Văn Bình"),
        ("co_pi_3", "Hoàng Quốc Việt"),
        ("head", "Trần Văn Đạt"),
    ]
    data.pop("co_pis")
    assert [role for role, _ in roles_and_names(definition, data)] == ["pi", "head"]


def test_confirmation_signer_title_takes_the_authority_prefix_and_position() -> None:
    definition = get_definition("xac-nhan", "2023")
    document = build_document(definition, normalise_data(definition, example("xac-nhan")))
    boxes = [b for row in document.blocks if isinstance(row, SignatureRow) for b in row.boxes]
    assert [(b.role, b.title, b.name) for b in boxes] == [
        ("head", "KT. PHÓ VIỆN TRƯỞNG", "Trần Văn Đạt"),
        ("organisation", "TỔ CHỨC CHỦ TRÌ", "Viện Khoa học Thủy lợi miền Nam"),
    ]
    assert document.blocks[0].doc_number == "Số: 15/XN-VKHTLMN"  # type: ignore[union-attr]


FORM_HEAD = """form: x
version: "1"
title: T
sections:
  - id: s
    label: S
    fields:
      - {id: a, label: A}
      - id: rows
        type: table
        label: R
        columns: [{id: name, label: N}]
signatures:
"""


@pytest.mark.parametrize(
    ("signature", "key", "code"),
    [
        ("  - {role: r, title: T, repeat_for: a, name_column: name}", "repeat_for", "definition.not_a_table"),
        ("  - {role: r, title: T, repeat_for: rows, name_column: nom}", "name_column", "definition.unknown_column"),
        ("  - {role: r, title: T, repeat_for: rows}", "name_column", "definition.missing_key"),
        ("  - {role: r, title: T, repeat_for: rows, name_column: name, name_field: a}", "name_field", ""),
        ("  - {role: r, title: T, title_field: b}", "title_field", "definition.unknown_field"),
    ],
)
def test_signature_repeat_keys_are_checked(tmp_path: Path, signature: str, key: str, code: str) -> None:
    path = tmp_path / "x.v1.yaml"
    path.write_text(FORM_HEAD + signature + "\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as caught:
        read_definition(path)
    assert caught.value.params["key"] == key
    assert caught.value.code == (code or "definition.not_with_repeat")
    assert "{" not in caught.value.message("vi")


# --- the 300-member, 200-product Mẫu 5 ------------------------------------------------------------------------


def test_large_mau05_renders_every_value_in_order_with_a_field_per_signer(app_services, tmp_path: Path) -> None:
    definition = get_definition("mau-05", "2023")
    data = normalise_data(definition, large_mau05())
    assert validate(definition, data) == []
    pdf, docx = tmp_path / "m5.pdf", tmp_path / "m5.docx"
    outputs = app_services.documents.render(definition, data, pdf, docx)  # its speed: bench/bench_mau05.py
    assert outputs.pages > 20
    assert [s.role for s in outputs.signatures] == ["pi", "co_pi_1", "co_pi_2", "co_pi_3", "head"]
    # The signatures stand together on the last page, never alone on it.
    assert {s.page for s in outputs.signatures} == {outputs.pages - 1}

    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    members = [f"Tác giả Thứ {i:03d}" for i in range(1, 301)]
    products = [f"Sản phẩm mã SP{i:03d}" for i in range(1, 201)]
    positions = [text.find(value) for value in members + products]
    assert -1 not in positions, [v for v, p in zip(members + products, positions, strict=True) if p == -1][:5]
    assert positions == sorted(positions), "authors and products keep their order"
    # Split tables repeat their header row on every page they run onto.
    pages = text.split("\f")
    member_pages = [p for p in pages if "Tác giả Thứ" in p]
    assert len(member_pages) > 3 and all("Họ và tên" in p for p in member_pages)
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    with pdf.open("rb") as handle:
        names = [name for name, *_ in enumerate_sig_fields(PdfFileReader(handle))]
    assert names == ["Sig_pi", "Sig_co_pi_1", "Sig_co_pi_2", "Sig_co_pi_3", "Sig_head"]

    from docx import Document

    body = "\n".join(c.text for t in Document(str(docx)).tables for r in t.rows for c in r.cells)
    assert all(value in body for value in members + products)


# --- tasks in storage -------------------------------------------------------------------------------------------


def test_tasks_migration_adds_a_column_and_keeps_drafts_and_revisions(tmp_path: Path) -> None:
    from vista_desktop.storage.database import make_engine, upgrade_schema
    from vista_desktop.storage.drafts import DraftRepository

    path = tmp_path / "old.db"
    engine = make_engine(path)
    upgrade_schema(engine, "0004_document_data_hash")
    old = DraftRepository(engine)
    with pytest.raises(OperationalError, match="no such table: tasks"):
        old.tasks()
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute(
        "INSERT INTO drafts (id, form_id, form_version, title, status, data_json, revision, created_at, updated_at)"
        " VALUES ('d1', 'mau-01', '2023', 'A', 'draft', '{}', 1, '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
    )
    con.execute(
        "INSERT INTO draft_revisions (draft_id, number, form_version, status, data_json, sealed, saved_at)"
        " VALUES ('d1', 1, '2023', 'draft', '{}', 0, '2025-01-01 00:00:00')"
    )
    con.commit()
    con.close()

    engine = make_engine(path)
    upgrade_schema(engine)
    repository = DraftRepository(engine)
    assert repository.get("d1").task_id is None  # existing drafts stay ungrouped
    assert len(repository.revisions("d1")) == 1
    task = repository.create_task("Nhiệm vụ A", "A-01")
    repository.assign_task("d1", task.id)
    assert [d.id for d in repository.drafts_of_task(task.id)] == ["d1"]
    assert repository.tasks() == [task]
    engine.dispose()


# --- prefill ---------------------------------------------------------------------------------------------------


@pytest.fixture
def mau01_draft(app_services):  # type: ignore[no-untyped-def]
    return app_services.drafts.create("mau-01", example("mau-01"))


def test_mau05_from_mau01_types_nothing_twice_and_joins_the_task(app_services, mau01_draft) -> None:
    results = app_services.results
    mau05 = results.prefill_mau05(mau01_draft.id)
    source = example("mau-01")
    assert mau05.form_id == "mau-05"
    for block in ("task", "host_org", "pi", "members"):
        assert mau05.data[block] == normalise_data(get_definition("mau-01"), source)[block]
    assert mau05.data["products"] == [{"name": "Phần mềm dự báo mặn", "kind": "Phần mềm", "quantity": 1}]
    assert mau05.data["actual_period"] == {"start": "2025-01", "end": "2026-12"}
    assert "date" not in mau05.data["sheet"]  # the new sheet's date is its own
    # Both drafts are in one task, named by the task's code.
    mau01 = app_services.drafts.get(mau01_draft.id)
    assert mau01.task_id is not None and mau05.task_id == mau01.task_id
    assert results.task(mau01.task_id).code == "ĐTĐL.CN-12/25"
    assert [d.form_id for d in results.drafts_of_task(mau01.task_id)] == ["mau-01", "mau-05"]
    # What is left to type: the end of the task, never what the Mẫu 1 already held.
    left = {p.field_id.split(".")[0].split("[")[0] for p in validate(get_definition("mau-05"), mau05.data)}
    assert left == {
        "acceptance",
        "summary",
        "publications",
        "training",
        "application_recommendations",
        "security_classification",
    }
    # A second Mẫu 5 from the same Mẫu 1 joins the same task rather than making another.
    again = results.prefill_mau05(mau01_draft.id)
    assert again.task_id == mau01.task_id and len(results.tasks()) == 1


def test_actual_period_ends_with_the_last_extension(app_services) -> None:
    data = example("mau-01")
    data["task"]["extensions"] = [{"until": "2027-06", "decision": "QĐ 1"}, {"until": "2027-03", "decision": "QĐ 2"}]
    draft = app_services.drafts.create("mau-01", data)
    assert app_services.results.prefill_mau05(draft.id).data["actual_period"] == {"start": "2025-01", "end": "2027-06"}


def test_confirmation_and_mau08_from_mau05(app_services) -> None:
    results = app_services.results
    mau05 = app_services.drafts.create("mau-05", example("mau-05"))
    confirmation = results.prefill_confirmation(mau05.id)
    data = confirmation.data
    assert data["acceptance"] == example("mau-05")["acceptance"]
    assert data["host_org"] == {
        "name": "Viện Khoa học Thủy lợi miền Nam",
        "superior_body": "Bộ Nông nghiệp và Môi trường",
    }
    assert data["place"] == "Tp. Hồ Chí Minh"
    assert data["statement"].startswith("Viện Khoa học Thủy lợi miền Nam xác nhận Báo cáo tổng hợp")
    assert [row["item"] for row in data["finalised_items"]] == [
        "Báo cáo tổng hợp kết quả thực hiện nhiệm vụ",
        "Phần mềm dự báo mặn",
        "Quy trình vận hành cống ngăn mặn",
    ]
    # Only the signer's position is left to type.
    assert [p.field_id for p in validate(get_definition("xac-nhan"), data)] == ["signer.position"]

    assert processes(mau05.data) == [1]
    assert results.missing_mau08(mau05.id) == [1]
    mau08 = results.prefill_mau08(mau05.id, 1)
    tech = mau08.data["technology"]
    assert tech["name"] == "Quy trình vận hành cống ngăn mặn"
    assert tech["origin_task"].endswith("(ĐTĐL.CN-12/25)") and tech["field_code"] == "20701"
    assert mau08.data["contact"] == {"name": "Nguyễn Thị Hồng Nhung", "email": "nhung@example.vn"}
    assert results.missing_mau08(mau05.id) == []
    task_id = app_services.drafts.get(mau05.id).task_id
    assert {d.form_id for d in results.drafts_of_task(task_id)} == {"mau-05", "xac-nhan", "mau-08"}

    with pytest.raises(ResultsProblem) as caught:
        results.prefill_mau08(mau05.id, 5)
    assert "6" in caught.value.message("vi") and "2" in caught.value.message("vi")
    with pytest.raises(ResultsProblem):
        results.prefill_confirmation(confirmation.id)  # not a Mẫu 5


# --- cross-form rules -------------------------------------------------------------------------------------------


def test_mau05_disagreeing_with_mau01_is_reported(app_services, mau01_draft) -> None:
    results = app_services.results
    mau05 = results.prefill_mau05(mau01_draft.id)
    assert results.check(mau05.id) == []
    data = copy.deepcopy(mau05.data)
    data["task"]["code"] = "ĐTĐL.CN-13/25"
    data["task"]["contract"]["number"] = "13/2025/HĐ-ĐTĐL"
    data["pi"]["citizen_id"] = "079185099999"
    data["security_classification"] = "Mật"
    app_services.drafts.repository.save(mau05.id, data, "t")
    problems = results.check(mau05.id)
    assert [(p.field_id, p.code, p.warning) for p in problems] == [
        ("task.code", "results.differs_from_mau01", False),
        ("task.contract.number", "results.differs_from_mau01", False),
        ("pi.citizen_id", "results.differs_from_mau01", False),
        ("security_classification", "results.state_secret", True),
    ]
    definition = get_definition("mau-05")
    text = problems[2].located_message(definition, "vi")
    assert text.startswith("Số căn cước công dân") and "079185099999" in text and "079185012345" in text
    assert "{" not in problems[3].message("en")


def test_cross_form_rules_ignore_what_one_side_lacks_and_case() -> None:
    mau01 = example("mau-01")
    mau05 = example("mau-05")
    assert cross_form_problems(mau05, mau01) == []
    mau05["task"]["code"] = mau05["task"]["code"].lower()
    del mau05["task"]["contract"]
    assert cross_form_problems(mau05, mau01) == []
    mau05["task"]["contract"] = {"date": "2025-01-16"}
    assert [p.field_id for p in cross_form_problems(mau05, mau01)] == ["task.contract.date"]
    assert not is_state_secret(mau05) and is_state_secret({"security_classification": "Tuyệt mật"})


# --- command line -----------------------------------------------------------------------------------------------


def test_drafts_import_prints_the_id_and_list_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    from vista_desktop.cli import main

    assert main(["drafts", "import", str(EXAMPLES / "mau-05" / "complete.json")]) == 0
    draft_id = capsys.readouterr().out.strip()
    assert len(draft_id) == 36
    assert main(["drafts", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["form"], r["task_id"]) for r in rows] == [(draft_id, "mau-05", None)]
    assert main(["drafts", "import", str(EXAMPLES / "mau-05")]) == 1
    assert capsys.readouterr().err.strip()


# --- the drafts list --------------------------------------------------------------------------------------------


def test_list_drafts_mau05_from_a_mau01_and_shows_the_task(qtbot, window, app_services, mau01_draft) -> None:
    from vista_desktop.ui.drafts_model import TASK

    window.refresh(select=mau01_draft.id)
    actions = window.results_actions
    assert actions.mau05_action.isEnabled() and not actions.confirmation_action.isEnabled()
    record = actions.draft_mau05()
    assert record is not None and record.form_id == "mau-05"
    assert record.id in window.wizards
    window.wizards[record.id].close()
    window.refresh(select=record.id)
    assert window.selected().id == record.id  # type: ignore[union-attr]
    assert actions.confirmation_action.isEnabled() and actions.mau08_action.isEnabled()
    model = window.model
    tasks_shown = {model.data(model.index(r, TASK)) for r in range(model.rowCount())}
    assert tasks_shown == {"ĐTĐL.CN-12/25"}
    box = actions.check()
    assert box is not None and "khớp" in box.text()
    box.close()


@pytest.mark.parametrize("form_id", ["mau-05", "xac-nhan", "mau-08"])
def test_the_generic_wizard_shows_every_section_and_value_of_the_new_forms(window, app_services, form_id: str) -> None:
    draft = app_services.drafts.create(form_id, example(form_id))
    wizard = window._open_wizard(draft.id)
    definition = get_definition(form_id)
    assert [p.title() for p in wizard.section_pages] == [s.label.text("vi") for s in definition.sections]
    assert wizard.session.problems() == []
    # Every field has its widget, tables and multi-choices included.
    for field in definition.all_fields():
        assert wizard.go_to_field(field.id) is not None, field.id
    wizard.close()


def test_list_drafts_mau08_for_the_process_the_user_picks(qtbot, window, app_services) -> None:
    mau05 = app_services.drafts.create("mau-05", example("mau-05"))
    window.refresh(select=mau05.id)
    dialog = window.results_actions.draft_mau08()
    assert dialog is not None and dialog.textValue() == "2. Quy trình vận hành cống ngăn mặn"  # the process first
    dialog.accept()
    made = [d for d in app_services.drafts.list() if d.form_id == "mau-08"]
    assert len(made) == 1 and made[0].title == "Quy trình vận hành cống ngăn mặn"
    assert made[0].task_id == app_services.drafts.get(mau05.id).task_id is not None
    window.wizards[made[0].id].close()
