from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from vista_desktop.forms.loader import DefinitionError, all_definitions, get_definition, load_definition_file
from vista_desktop.forms.model import FieldType

# Field ids of Mẫu 1 per shared/domain/forms.md (common blocks task, host_org, pi, co_pis, members + content).
MAU01_IDS = {
    "task.title",
    "task.code",
    "task.level",
    "task.type",
    "task.program",
    "task.field_code",
    "task.managing_unit",
    "task.approval_decision.number",
    "task.approval_decision.date",
    "task.approval_decision.issuer",
    "task.contract.number",
    "task.contract.date",
    "task.period.start",
    "task.period.end",
    "task.extensions",
    "task.budget.total_vnd",
    "task.budget.state_vnd",
    "task.budget.other_vnd",
    "host_org.name",
    "host_org.superior_body",
    "host_org.address",
    "host_org.phone",
    "host_org.email",
    "host_org.tax_code",
    "pi.full_name",
    "pi.academic_title",
    "pi.degree",
    "pi.gender",
    "pi.birth_date",
    "pi.citizen_id",
    "pi.position",
    "pi.organisation",
    "pi.phone",
    "pi.email",
    "co_pis",
    "members",
    "objectives",
    "main_contents",
    "methods",
    "expected_results",
    "expected_products",
    "application_address",
}


def test_mau01_has_every_item_of_the_specification(mau01) -> None:
    ids = {f.id for f in mau01.all_fields()}
    assert ids >= MAU01_IDS


def test_mau01_2023_citizen_id_is_required(mau01) -> None:
    field = mau01.field("pi.citizen_id")
    assert field.type is FieldType.CITIZEN_ID
    assert field.required


def test_contract_is_required_in_mau01_only_through_the_definition(mau01) -> None:
    assert mau01.field("task.contract.number").required
    assert mau01.field("task.contract.date").required
    assert not mau01.field("task.approval_decision.number").required


def test_table_columns_follow_the_specification(mau01) -> None:
    members = mau01.field("members")
    assert [c.id for c in members.columns] == [
        "full_name",
        "academic_title_degree",
        "organisation",
        "role",
        "citizen_id",
    ]
    roles = [c.value for c in members.column("role").choices]
    assert roles == ["Chủ nhiệm", "Thư ký khoa học", "Thành viên chính", "Thành viên"]
    kinds = [c.value for c in mau01.field("expected_products").column("kind").choices]
    assert "Sáng chế/giải pháp hữu ích" in kinds


def test_labels_are_nfc_and_bilingual() -> None:
    for definition in all_definitions():
        for field in definition.all_fields():
            assert field.label.vi and field.label.en, field.id
            assert unicodedata.is_normalized("NFC", field.label.vi), field.id


def test_other_budget_is_derived_not_typed(mau01) -> None:
    other = mau01.field("task.budget.other_vnd")
    assert other.derived is not None
    assert (other.derived.minuend, other.derived.subtrahend) == ("task.budget.total_vnd", "task.budget.state_vnd")


def test_newest_version_is_default() -> None:
    assert get_definition("mau-01").version == "2023"


def test_definition_with_unknown_type_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "x.v1.yaml"
    bad.write_text(
        "form: x\nversion: '1'\ntitle: X\nsections:\n - id: s\n   label: S\n   fields:\n"
        "    - {id: a, type: colour, label: A}\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match="unknown type"):
        load_definition_file(bad)


def test_rule_naming_an_unknown_field_is_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "x.v1.yaml"
    bad.write_text(
        "form: x\nversion: '1'\ntitle: X\nsections:\n - id: s\n   label: S\n   fields:\n"
        "    - {id: a, type: money, label: A}\nrules:\n - {kind: not_greater, fields: [a, b]}\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError, match="unknown field b"):
        load_definition_file(bad)
