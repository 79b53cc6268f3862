from __future__ import annotations

import unicodedata

import pytest

from vista_desktop.forms.data import check_depth, get_path, normalise_data, set_path
from vista_desktop.forms.limits import MAX_NESTING, InputLimitError
from vista_desktop.forms.values import (
    ValueParseError,
    clean_text,
    format_money,
    iso_to_date,
    mask,
    parse_date,
    parse_input,
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
        "pi": {"full_name": f"  {decomposed} ", "birth_date": "1985-03-12"},
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


def test_control_characters_are_removed_tab_and_new_line_kept(mau01) -> None:
    data = normalise_data(
        mau01, {"objectives": "Mục\x00 tiêu\x07\tmột\r\nhai\rba\x1b\x7f\x85", "pi": {"\x01full_name": "A"}}
    )
    assert data["objectives"] == "Mục tiêu\tmột\nhai\nba"
    assert data["pi"] == {"full_name": "A"}
    assert parse_input(mau01.field("pi.full_name"), "Lê\x08 Hưng\x0c") == "Lê Hưng"
    assert clean_text("a\ufffeb\uffff") == "ab"


def test_a_lone_surrogate_is_kept_for_validation_to_report(mau01, complete_data) -> None:
    from vista_desktop.forms.validation import validate

    complete_data["pi"]["full_name"] = "Nguy\ud800n"
    data = normalise_data(mau01, complete_data)
    assert data["pi"]["full_name"] == "Nguy\ud800n"
    assert ("pi.full_name", "value.bad_character") in {(p.field_id, p.code) for p in validate(mau01, data)}


def test_dates_in_files_are_iso_only(mau01) -> None:
    from vista_desktop.forms.validation import validate

    data = normalise_data(mau01, {"pi": {"birth_date": "20250205"}, "task": {"contract": {"date": "05/02/2025"}}})
    assert data["pi"]["birth_date"] == "20250205"  # kept as given, reported
    codes = {(p.field_id, p.code) for p in validate(mau01, data)}
    assert ("pi.birth_date", "value.not_date") in codes
    assert ("task.contract.date", "value.not_date") in codes
    assert iso_to_date("20250205") is None and iso_to_date("2025-02-05") is not None


def test_dates_on_screen_are_day_first() -> None:
    assert parse_date("05/02/2025") == "2025-02-05"
    for bad in ("20250205", "٠٥/٠٢/٢٠٢٥", "０５/０２/２０２５"):
        with pytest.raises(ValueParseError):
            parse_date(bad)
    with pytest.raises(ValueParseError):
        parse_month("٠٣/٢٠٢٥")


@pytest.mark.parametrize("text", ["١٢٣", "１２３", "12３"])
def test_numbers_are_ascii_digits_only(text: str) -> None:
    with pytest.raises(ValueParseError):
        parse_integer(text)


def test_a_number_of_thousands_of_digits_is_a_clear_problem() -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_integer("9" * 5000)  # int() itself refuses more than 4,300 digits with a bare ValueError
    assert caught.value.code == "value.number_too_long"


def test_deep_nesting_is_a_clear_error_not_recursion(mau01) -> None:
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(InputLimitError) as caught:
        check_depth({"objectives": deep})
    assert caught.value.code == "forms.too_deep"
    assert "64" in caught.value.message("vi")
    with pytest.raises(InputLimitError):
        normalise_data(mau01, {"extra": deep})
    shallow: object = "x"
    for _ in range(MAX_NESTING - 1):
        shallow = {"a": shallow}
    check_depth(shallow)
    check_depth("not a container")


def test_data_that_is_not_an_object_is_a_clear_error(mau01) -> None:
    with pytest.raises(InputLimitError):
        normalise_data(mau01, [1, 2])  # type: ignore[arg-type]


def test_rows_that_are_not_objects_are_kept_for_validation(mau01) -> None:
    data = normalise_data(mau01, {"members": [{"full_name": "A"}, 5, "x"]})
    assert data["members"][1:] == [5, "x"]


def test_long_values_are_not_parsed(mau01) -> None:
    long = "1" * 100_000
    data = normalise_data(mau01, {"task": {"budget": {"total_vnd": long}}})
    assert data["task"]["budget"]["total_vnd"] == long  # kept, validation reports it
