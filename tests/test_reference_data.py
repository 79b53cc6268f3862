"""Reference tables (34 provincial units, S&T fields), a newer table in the data folder, the definition key
`completer` and the wizard's completer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vista_desktop.forms.schema import COMPLETER_NAMES
from vista_desktop.paths import data_dir
from vista_desktop.services.reference import (
    COMPLETERS,
    completions,
    field_classification,
    province_after_2025,
    provinces_2025,
)


def test_the_34_units_cover_the_63_old_provinces() -> None:
    units = provinces_2025()
    assert len(units) == 34
    old = [p for u in units for p in u.merged_from]
    assert len(old) == len(set(old)) == 63
    assert province_after_2025("Bà Rịa – Vũng Tàu") == "Tp. Hồ Chí Minh"
    assert province_after_2025("Phú Yên") == "Đăk Lăk"
    assert province_after_2025("Atlantis") is None
    hcm = next(u for u in units if u.name == "Tp. Hồ Chí Minh")
    assert hcm.department == "Sở Khoa học và Công nghệ Thành phố Hồ Chí Minh"


def test_field_classification_and_a_newer_table(isolated_profile: Path) -> None:
    codes = {c.code: c.name_vi for c in field_classification()}
    assert codes["401"] == "Trồng trọt" and codes["3"] == "Khoa học y, dược"
    newer = data_dir() / "reference" / "st_fields_2008.csv"
    newer.parent.mkdir(parents=True, exist_ok=True)
    newer.write_text("code,name_vi,name_en\n40107,Chọn tạo giống cây trồng,Plant breeding\n", encoding="utf-8")
    assert [(c.value, c.label) for c in completions("st_field")] == [("40107", "40107 – Chọn tạo giống cây trồng")]
    newer.write_text("mã,tên\n1,x\n", encoding="utf-8")  # damaged: the shipped table is used
    assert len(field_classification()) > 50


def test_completer_names_agree_and_unknown_names_are_refused(tmp_path: Path) -> None:
    from vista_desktop.forms.loader import get_definition, load_definition_file
    from vista_desktop.forms.schema import DefinitionError

    assert set(COMPLETER_NAMES) == set(COMPLETERS)
    assert get_definition("mau-01").field("task.field_code").completer == "st_field"
    source = Path(get_definition.__code__.co_filename).parent / "definitions" / "cap_nhat.v2023.yaml"
    broken = tmp_path / "cap_nhat.v2023.yaml"
    broken.write_text(source.read_text(encoding="utf-8").replace("completer: recipient", "completer: tinh"))
    with pytest.raises(DefinitionError) as error:
        load_definition_file(broken)
    assert "tinh" in error.value.message() and error.value.params["key"] == "completer"


def test_wizard_field_completes_the_code(qtbot: Any) -> None:
    from vista_desktop.forms.loader import get_definition
    from vista_desktop.ui.field_widgets import LineField

    widget = LineField(get_definition("mau-01").field("task.field_code"))
    qtbot.addWidget(widget)
    seen: list[Any] = []
    widget.valueChanged.connect(lambda _id, value: seen.append(value))
    completer = widget.edit.completer()
    assert completer is not None
    completer.setCompletionPrefix("trồng")
    assert completer.currentCompletion() == "401 – Trồng trọt"
    completer.activated.emit("401 – Trồng trọt")
    qtbot.waitUntil(lambda: widget.edit.text() == "401")
    assert seen[-1] == "401"
