from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from vista_desktop.errors import VistaError
from vista_desktop.forms.loader import all_definitions, get_definition, load_definition_file
from vista_desktop.forms.model import FieldType
from vista_desktop.forms.schema import DefinitionError

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


MINIMAL = """\
form: x
version: "1"
title: X
sections:
  - id: s
    label: S
    fields:
      - id: a
        type: money
        label: {vi: "Tổng", en: "Total"}
      - id: b
        type: money
        label: B
      - id: rows
        type: table
        label: Rows
        columns:
          - {id: name, label: Name}
rules:
  - {kind: not_greater, fields: [b, a]}
"""


def load_text(tmp_path: Path, text: str, name: str = "x.v1.yaml") -> object:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_definition_file(path)


def rejected(tmp_path: Path, old: str, new: str) -> DefinitionError:
    assert old in MINIMAL
    with pytest.raises(DefinitionError) as caught:
        load_text(tmp_path, MINIMAL.replace(old, new, 1))
    return caught.value


def test_the_minimal_definition_loads(tmp_path: Path) -> None:
    definition = load_text(tmp_path, MINIMAL)
    assert definition.field("a").label.en == "Total"  # type: ignore[attr-defined]


def test_unknown_type_names_file_line_key_and_the_allowed_types(tmp_path: Path) -> None:
    error = rejected(tmp_path, "type: money\n        label: {vi", "type: txt\n        label: {vi")
    assert error.code == "definition.bad_type"
    assert (error.params["file"], error.params["line"], error.params["key"]) == ("x.v1.yaml", 9, "type")
    assert error.message("vi").startswith("x.v1.yaml, dòng 9, khóa `type`: «txt» không phải kiểu trường hợp lệ (text,")
    assert error.message("en").startswith("x.v1.yaml, line 9, key `type`: «txt» is not a valid field type (text,")
    assert isinstance(error, VistaError)
    assert str(error) == error.message("vi")


@pytest.mark.parametrize(
    ("old", "new", "code", "line", "key"),
    [
        ("        label: B", "        lable: B", "definition.unknown_key", 13, "lable"),  # a typo is not ignored
        ("        label: B\n", "", "definition.missing_key", 11, "label"),
        ("        label: B", "        label: B\n        label: C", "definition.duplicate_key", 14, "label"),
        ("        label: B", "        label: B\n        required: có", "definition.not_bool", 14, "required"),
        ("        label: B", "        label: B\n        max_rows: 5", "definition.not_for_type", 14, "max_rows"),
        ("label: Name}", "label: Name, max_length: 0}", "definition.too_small", 18, "max_length"),
        ("        label: B", "        label: B\n        min: 9\n        max: 1", "definition.min_above_max", 14, "min"),
        (
            "        type: money\n        label: B",
            "        type: choice\n        label: B",
            "definition.choices_missing",
            12,
            "type",
        ),
        ("      - id: b\n", "      - id: a\n", "definition.duplicate_id", 11, "id"),
        ("      - id: b\n", "      - id: B b\n", "definition.bad_id", 11, "id"),
        ("[b, a]", "[b, c]", "definition.unknown_field", 20, "fields"),
        ("[b, a]", "[b]", "definition.rule_arity", 20, "fields"),
        ("kind: not_greater", "kind: not_bigger", "definition.bad_rule", 20, "kind"),
        (
            "label: Name}",
            "label: Name, type: table, columns: [{id: x, label: X}]}",
            "definition.nested_table",
            18,
            "type",
        ),
        ("label: Name}", "label: Name}\n          - {id: name, label: Again}", "definition.duplicate_value", 19, ""),
        ("        label: B", "        label: B\n        type: text", "definition.duplicate_key", 14, "type"),
        ("        label: B", "        label: [B]", "definition.not_label", 13, "label"),
        ("title: X", "title: X\nlayout: {place_field: nowhere}", "definition.unknown_field", 4, "place_field"),
        ("title: X", "title: X\nsummary_field: 5", "definition.not_text", 4, "summary_field"),
        ("sections:\n", "sections: []\nx:\n", "definition.unknown_key", 5, "x"),
    ],
)
def test_mistakes_are_named_by_line_and_key(tmp_path: Path, old: str, new: str, code: str, line: int, key: str) -> None:
    error = rejected(tmp_path, old, new)
    assert (error.code, error.params["line"], error.params["key"]) == (code, line, key), error.message()
    for language in ("vi", "en"):
        text = error.message(language)
        assert "{" not in text.replace("{vi", "") and "x.v1.yaml" in text, text


def test_a_bad_regular_expression_is_named(tmp_path: Path) -> None:
    error = rejected(tmp_path, "label: Name}", "label: Name, pattern: '[0-9'}")
    assert error.code == "definition.bad_pattern" and error.params["line"] == 18


def test_yaml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    error = rejected(tmp_path, "        label: B", "        label: B: C")
    assert error.code == "definition.yaml_syntax" and error.params["line"] == 13
    assert "dòng 13" in error.message("vi")


def test_include_errors_name_the_block_file_and_its_line(tmp_path: Path) -> None:
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "b.yaml").write_text(
        "id: blk\nlabel: Block\nfields:\n  - id: c\n    label: C\n    requried: true\n", encoding="utf-8"
    )
    with pytest.raises(DefinitionError) as caught:
        load_text(tmp_path, MINIMAL.replace("sections:\n", "sections:\n  - include: blocks/b.yaml\n"))
    error = caught.value
    assert (error.code, error.params["file"], error.params["line"], error.params["key"]) == (
        "definition.unknown_key",
        "blocks/b.yaml",
        6,
        "requried",
    )
    assert error.message("vi").startswith("blocks/b.yaml, dòng 6, khóa `requried`:")


def test_include_of_a_missing_file_and_require_of_an_unknown_field(tmp_path: Path) -> None:
    error = rejected(tmp_path, "sections:\n", "sections:\n  - include: blocks/none.yaml\n")
    assert (error.code, error.params["line"]) == ("definition.include_missing", 5)
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "b.yaml").write_text("id: blk\nlabel: Block\nfields:\n  - {id: c, label: C}\n", "utf-8")
    error = rejected(tmp_path, "sections:\n", "sections:\n  - include: blocks/b.yaml\n    require: [c, d]\n")
    assert (error.code, error.params["line"]) == ("definition.not_in_block", 6)


def test_require_makes_block_fields_required(tmp_path: Path) -> None:
    (tmp_path / "blocks").mkdir()
    (tmp_path / "blocks" / "b.yaml").write_text("id: blk\nlabel: Block\nfields:\n  - {id: c, label: C}\n", "utf-8")
    definition = load_text(
        tmp_path, MINIMAL.replace("sections:\n", "sections:\n  - include: blocks/b.yaml\n    require: [c]\n")
    )
    assert definition.field("c").required  # type: ignore[attr-defined]


def test_limits_can_be_set_per_field(tmp_path: Path) -> None:
    from vista_desktop.forms.limits import DEFAULT_MAX_ROWS, max_length_of, max_rows_of

    definition = load_text(
        tmp_path,
        MINIMAL.replace("        label: Rows", "        label: Rows\n        max_rows: 7").replace(
            "label: Name}", "label: Name, max_length: 9}"
        ),
    )
    rows = definition.field("rows")  # type: ignore[attr-defined]
    assert max_rows_of(rows) == 7 and max_length_of(rows.column("name")) == 9
    assert max_rows_of(get_definition("mau-01").field("members")) == DEFAULT_MAX_ROWS


def test_every_rule_kind_of_the_schema_is_implemented() -> None:
    from vista_desktop.forms.schema import RULE_OPERANDS
    from vista_desktop.forms.validation import RULES

    assert set(RULE_OPERANDS) == set(RULES)


def test_the_titles_read_at_start_up_match_the_full_definitions() -> None:
    from vista_desktop.forms.loader import all_definitions, latest_definitions
    from vista_desktop.forms.titles import all_form_titles, form_titles, short_title

    assert [(t.form_id, t.version, t.short_title) for t in form_titles()] == [
        (d.form_id, d.version, d.short_title) for d in latest_definitions()
    ]
    # Every version, old ones included: the drafts list names a draft's form from these.
    assert sorted(all_form_titles()) == sorted((d.form_id, d.version) for d in all_definitions())
    for d in all_definitions():
        assert short_title(d.form_id, d.version) == d.short_title
    assert short_title("mau-01", "1999") is None
