from __future__ import annotations

import unicodedata

import pytest

from vista_desktop.forms.data import get_path, normalise_data, set_path
from vista_desktop.forms.values import (
    ValueParseError,
    format_money,
    mask,
    parse_date,
    parse_integer,
    parse_month,
    vietnamese_date_line,
)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(0, "0"), (999, "999"), (1000, "1.000"), (1250000000, "1.250.000.000"), (-45000, "-45.000")],
)
def test_money_is_grouped_with_dots(amount: int, shown: str) -> None:
    assert format_money(amount) == shown


@pytest.mark.parametrize("text", ["1.250.000.000", "1 250 000 000", "1250000000", "1.250.000.000 đ"])
def test_money_reads_the_ways_people_type_it(text: str) -> None:
    assert parse_integer(text) == 1_250_000_000


@pytest.mark.parametrize("text", ["1,5", "12a", "1.250,50"])
def test_money_refuses_what_is_not_whole_dong(text: str) -> None:
    with pytest.raises(ValueParseError):
        parse_integer(text)


def test_dates_and_months() -> None:
    assert parse_date("5/2/2025") == "2025-02-05"
    assert parse_date("05.02.2025") == "2025-02-05"
    assert parse_date("2025-02-05") == "2025-02-05"
    assert parse_month("3/2025") == "2025-03"
    for bad in ("31/02/2025", "2025/13/01", "hôm nay"):
        with pytest.raises(ValueParseError):
            parse_date(bad)
    with pytest.raises(ValueParseError):
        parse_month("13/2025")


def test_date_line_has_leading_zeros() -> None:
    assert vietnamese_date_line("Hà Nội", "2025-02-05") == "Hà Nội, ngày 05 tháng 02 năm 2025"
    assert vietnamese_date_line("Huế", "2025-11-23") == "Huế, ngày 23 tháng 11 năm 2025"
    assert "ngày" in vietnamese_date_line("Hà Nội", None) and "2025" not in vietnamese_date_line("Hà Nội", None)


def test_mask_hides_the_middle_of_a_citizen_id() -> None:
    assert mask("001085012345") == "001••••••345"


def test_normalise_data_makes_text_nfc_and_types_values(mau01) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    data = {
        "pi": {"full_name": f"  {decomposed} ", "birth_date": "12/03/1985"},
        "task": {"budget": {"total_vnd": "1.250.000.000", "other_vnd": 5}},
    }
    out = normalise_data(mau01, data)
    assert out["pi"]["full_name"] == unicodedata.normalize("NFC", "Nguyễn Thị Hồng Nhung")
    assert out["pi"]["birth_date"] == "1985-03-12"
    assert out["task"]["budget"]["total_vnd"] == 1_250_000_000
    assert "other_vnd" not in out["task"]["budget"]  # derived values are computed, never stored


def test_set_path_creates_and_prunes() -> None:
    data: dict = {}
    set_path(data, "task.budget.total_vnd", 5)
    assert get_path(data, "task.budget.total_vnd") == 5
    set_path(data, "task.budget.total_vnd", None)
    assert data == {}


def test_choices_are_matched_ignoring_case_and_in_english(mau01) -> None:
    out = normalise_data(mau01, {"pi": {"gender": "nữ"}, "task": {"level": "national", "type": "Khác"}})
    assert out["pi"]["gender"] == "Nữ"
    assert out["task"]["level"] == "Quốc gia"
    assert normalise_data(mau01, {"pi": {"gender": "khác"}})["pi"]["gender"] == "khác"  # kept, then reported


def test_a_citizen_id_given_as_a_number_is_kept_and_reported(mau01) -> None:
    from vista_desktop.forms.validation import validate

    data = normalise_data(mau01, {"pi": {"citizen_id": 79185012345}})  # the leading zero is lost in a number
    assert data["pi"]["citizen_id"] == "79185012345"
    codes = {(p.field_id, p.code) for p in validate(mau01, data)}
    assert ("pi.citizen_id", "citizen_id.format") in codes
