"""The S&T field classification: the shipped two levels, and a newer, deeper table dropped into the data folder
(codes of any depth, parents inferred from the code prefix), a damaged one falling back."""

from __future__ import annotations

from pathlib import Path

import pytest

from vista_desktop.paths import data_dir
from vista_desktop.services.reference import completions, field_classification
from vista_desktop.services.st_fields import (
    ClassificationFileError,
    classification,
    lineage,
    parse_classification,
)

DEEPER = """code,name_vi,name_en
4,Khoa học nông nghiệp,Agricultural sciences
401,Trồng trọt,"Agriculture, forestry and fisheries"
401.07,Chọn tạo giống cây trồng,Plant breeding
4010701,Chọn tạo giống lúa,Rice breeding
40108,Bảo vệ thực vật,Plant protection
9,Lĩnh vực khác,Other
90001,Mã lẻ không có cha trung gian,A code whose middle level is missing
"""


def user_table(name: str, text: str) -> Path:
    path = data_dir() / "reference" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_table_has_two_levels() -> None:
    entries = {e.code: e for e in classification()}
    assert entries["4"].level == 1 and entries["4"].parent is None
    assert entries["401"].level == 2 and entries["401"].parent == "4"
    assert {e.level for e in entries.values()} == {1, 2}


def test_a_deeper_newer_table_in_the_data_folder_is_used() -> None:
    user_table("st_fields_2025.csv", DEEPER)
    entries = {e.code: e for e in classification()}
    assert list(entries) == ["4", "401", "40107", "4010701", "40108", "9", "90001"]
    assert (entries["40107"].parent, entries["40107"].level) == ("401", 3)
    assert (entries["4010701"].parent, entries["4010701"].level) == ("40107", 4)
    assert (entries["90001"].parent, entries["90001"].level) == ("9", 2)  # the nearest code that begins it
    assert [e.code for e in lineage(list(entries.values()), "4010701")] == ["4", "401", "40107", "4010701"]
    # The wizard's completer offers the 5-digit codes the form asks for.
    assert ("40107", "40107 – Chọn tạo giống cây trồng") in [(c.value, c.label) for c in completions("st_field")]
    assert [c.code for c in field_classification()][:3] == ["4", "401", "40107"]


def test_an_explicit_parent_column_wins_over_the_prefix() -> None:
    rows = [
        {"code": "1", "name_vi": "A"},
        {"code": "2", "name_vi": "B"},
        {"code": "105", "name_vi": "C", "parent": "2"},
    ]
    assert [(e.code, e.parent, e.level) for e in parse_classification(rows)] == [
        ("1", None, 1),
        ("2", None, 1),
        ("105", "2", 2),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ma,ten\n1,x\n", "missing columns"),
        ("code,name_vi\n1,x\n1A,y\n", "not digits"),
        ("code,name_vi\n1,x\n1,y\n", "repeated"),
        ("code,name_vi,parent\n1,x,\n101,y,7\n", "not in the table"),
        ("code,name_vi,parent\n1,x,101\n101,y,1\n", "circle"),
        ("code,name_vi\n", "no codes"),
    ],
)
def test_a_damaged_table_is_refused_and_the_next_one_used(text: str, reason: str) -> None:
    from vista_desktop.services.st_fields import read_classification

    path = user_table("st_fields_2030.csv", text)
    with pytest.raises(ClassificationFileError, match=reason):
        read_classification(path)
    user_table("st_fields_2025.csv", DEEPER)
    assert classification()[2].code == "40107"  # the 2030 table is skipped, 2025 used
    path.unlink()
    (data_dir() / "reference" / "st_fields_2025.csv").unlink()
    assert len(classification()) > 50  # the shipped table
