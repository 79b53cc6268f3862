from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from vista_desktop.documents import geometry
from vista_desktop.documents.builder import date_line, place_from_address, suggested_recipient
from vista_desktop.documents.model import WORKING_COPY_KEYWORD
from vista_desktop.documents.render import render
from vista_desktop.forms.values import format_money

MM = 72 / 25.4
LEFT, RIGHT = 30 * MM, 195 * MM


def pdf_text(path: Path) -> list[str]:
    return [unicodedata.normalize("NFC", page.extract_text() or "") for page in PdfReader(path).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def embedded_fonts(path: Path) -> dict[str, bool]:
    fonts: dict[str, bool] = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            embedded = bool(descriptor) and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2"))
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


@pytest.fixture
def rendered(tmp_path, mau01, complete_data):  # type: ignore[no-untyped-def]
    out = tmp_path / "mau01.pdf"
    result = render(mau01, complete_data, pdf=out)
    return out, result, complete_data


def test_every_value_entered_is_in_the_pdf(rendered) -> None:
    out, _, data = rendered
    text = flat(" ".join(pdf_text(out)))
    for value in (
        data["task"]["title"],
        data["task"]["code"],
        data["pi"]["full_name"],
        data["pi"]["citizen_id"],
        data["host_org"]["name"],
        data["host_org"]["address"],
        "Phần mềm dự báo mặn",
        "Lê Quốc Hưng",
        "Thư ký khoa học",
        "12/03/1985",
        "01/2025",
        "12/2026",
        "Ứng dụng cho các tỉnh ven biển.",
    ):
        assert flat(value) in text, value


def test_money_is_grouped_with_dots_and_other_sources_derived(rendered) -> None:
    out, _, _ = rendered
    text = flat(" ".join(pdf_text(out)))
    assert "1.250.000.000" in text
    assert "1.000.000.000" in text
    assert format_money(250_000_000) in text  # other sources = total − state


def test_national_title_motto_issuer_and_date_line(rendered) -> None:
    out, _, _ = rendered
    first = flat(pdf_text(out)[0])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in first
    assert "VIỆN KHOA HỌC THỦY LỢI MIỀN NAM" in first
    assert "Tp. Hồ Chí Minh, ngày 05 tháng 02 năm 2025" in first
    assert "PHIẾU THÔNG TIN VỀ NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ" in first


def test_fonts_are_embedded_and_only_the_bundled_family_is_used(rendered) -> None:
    out, _, _ = rendered
    fonts = embedded_fonts(out)
    assert fonts, "no fonts found"
    assert all(fonts.values()), fonts
    assert all("LiberationSerif" in name for name in fonts), fonts


def test_a4_and_page_numbers_from_page_two(rendered) -> None:
    out, result, _ = rendered
    reader = PdfReader(out)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert result.pages == len(reader.pages) >= 2
    texts = pdf_text(out)
    assert not texts[0].strip().startswith("1")
    for number, text in enumerate(texts[1:], start=2):
        assert text.strip().startswith(str(number)), text[:30]


def test_decomposed_input_comes_out_nfc(tmp_path, mau01, complete_data) -> None:
    name = "Nguyễn Thị Hồng Nhung"
    complete_data["pi"]["full_name"] = unicodedata.normalize("NFD", name)
    out = tmp_path / "nfd.pdf"
    render(mau01, complete_data, pdf=out)
    raw = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert name in raw  # as extracted, without normalising: the PDF itself holds NFC text
    assert unicodedata.normalize("NFD", name) not in raw


def test_signature_blocks_are_reported_where_they_landed(rendered) -> None:
    out, result, _ = rendered
    roles = [s.role for s in result.signatures]
    assert roles == ["pi", "head", "managing_unit"]
    reader = PdfReader(out)
    for placement in result.signatures:
        page = reader.pages[placement.page]
        x1, y1, x2, y2 = placement.box
        assert 0 < x1 < x2 <= float(page.mediabox.width)
        assert 0 < y1 < y2 <= float(page.mediabox.height)
        assert x2 - x1 > 150 and y2 - y1 > 50  # room for a visible stamp
    pi, head, _unit = result.signatures
    assert pi.page == head.page and pi.box[1] == head.box[1] and pi.box[2] <= head.box[0]
    page_text = pdf_text(out)[pi.page]
    assert "CHỦ NHIỆM NHIỆM VỤ" in page_text and "Trần Văn Đạt" in page_text


def test_long_texts_and_tables_break_across_pages(tmp_path, mau01, complete_data) -> None:
    paragraph = "Đánh giá diễn biến xâm nhập mặn theo mùa và đề xuất giải pháp thích ứng cho từng tiểu vùng. "
    complete_data["main_contents"] = "\n".join(paragraph * 6 for _ in range(40))
    complete_data["members"] = [
        {"full_name": f"Thành viên số {i}", "organisation": "Viện Khoa học Thủy lợi miền Nam", "role": "Thành viên"}
        for i in range(1, 121)
    ]
    out = tmp_path / "long.pdf"
    result = render(mau01, complete_data, pdf=out)
    assert result.pages >= 8
    text = flat(" ".join(pdf_text(out)))
    assert "Thành viên số 1 " in text and "Thành viên số 120" in text
    # The header row repeats on every page the table runs onto.
    assert sum("Họ và tên" in t and "Thành viên số" in t for t in pdf_text(out)) >= 3


def test_failed_render_leaves_no_file(tmp_path, mau01, complete_data, monkeypatch) -> None:
    import vista_desktop.documents.pdf as pdf_module

    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("layout failed")

    monkeypatch.setattr(pdf_module, "_flowables", boom)
    out = tmp_path / "never.pdf"
    with pytest.raises(RuntimeError):
        render(mau01, complete_data, pdf=out)
    assert list(tmp_path.iterdir()) == []


def test_documents_are_vietnamese_whatever_the_interface_language(tmp_path, mau01, complete_data) -> None:
    from vista_desktop import i18n

    i18n.set_language("en")
    out = tmp_path / "en-ui.pdf"
    render(mau01, complete_data, pdf=out)
    text = flat(" ".join(pdf_text(out)))
    assert "PHIẾU THÔNG TIN VỀ NHIỆM VỤ KHOA HỌC VÀ CÔNG NGHỆ" in text
    assert "INFORMATION SHEET" not in text and "Task title" not in text
    assert "STT" in text and "Không có" in text
    with pytest.raises(TypeError):
        render(mau01, complete_data, pdf=out, language="en")  # type: ignore[call-arg]


def test_progress_is_reported_up_to_one(tmp_path, mau01, complete_data) -> None:
    seen: list[float] = []
    render(mau01, complete_data, tmp_path / "a.pdf", tmp_path / "a.docx", on_progress=lambda f, m: seen.append(f))
    assert len(seen) > 10
    assert seen == sorted(seen) and seen[-1] == 1.0 and 0 <= seen[0] < 0.5


@pytest.mark.parametrize("stop_at", [0.1, 0.8, 1.0])
def test_cancelled_render_leaves_no_file_and_keeps_the_old_ones(tmp_path, mau01, complete_data, stop_at) -> None:
    pdf, docx = tmp_path / "old.pdf", tmp_path / "old.docx"
    pdf.write_bytes(b"old pdf")
    docx.write_bytes(b"old docx")

    class Cancelled(Exception):
        pass

    def cancel(fraction: float, message: str) -> None:
        assert message
        if fraction >= stop_at:
            raise Cancelled

    with pytest.raises(Cancelled):
        render(mau01, complete_data, pdf, docx, on_progress=cancel)
    assert pdf.read_bytes() == b"old pdf" and docx.read_bytes() == b"old docx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.docx", "old.pdf"]


def test_working_copy_is_watermarked_on_every_page_and_never_signable(tmp_path, mau01, complete_data) -> None:
    complete_data["main_contents"] = "Nội dung dài. " * 600  # several pages
    out = tmp_path / "draft.pdf"
    result = render(mau01, complete_data, pdf=out, working_copy=True)
    assert result.signatures == ()
    assert result.pages >= 3
    assert WORKING_COPY_KEYWORD in str(PdfReader(out).metadata.get("/Keywords", ""))
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            big = "".join(c["text"] for c in page.chars if c["size"] > 60)
            assert big == "DỰ THẢO", big
            grey = {tuple(c["non_stroking_color"] or ()) for c in page.chars if c["size"] > 60}
            assert all(min(color) > 0.7 for color in grey), grey  # light grey, the text stays readable


def test_official_render_is_not_a_working_copy(rendered) -> None:
    out, result, _ = rendered
    assert WORKING_COPY_KEYWORD not in str(PdfReader(out).metadata.get("/Keywords", ""))
    assert "DỰ THẢO" not in " ".join(pdf_text(out))
    assert len(result.signatures) == 3


@pytest.mark.parametrize(
    ("iso", "expected"),
    [
        ("2025-03-07", "ngày 07 tháng 3 năm 2025"),
        ("2024-04-10", "ngày 10 tháng 4 năm 2024"),
        ("2025-02-05", "ngày 05 tháng 02 năm 2025"),
        ("2025-01-20", "ngày 20 tháng 01 năm 2025"),
        ("2025-12-31", "ngày 31 tháng 12 năm 2025"),
    ],
)
def test_date_line_follows_decree_30(iso: str, expected: str) -> None:
    assert date_line("Hà Nội", iso) == f"Hà Nội, {expected}"


def test_date_line_in_the_pdf_has_no_padded_month(tmp_path, mau01, complete_data) -> None:
    complete_data["sheet"]["date"] = "2025-03-07"
    out = tmp_path / "march.pdf"
    render(mau01, complete_data, pdf=out)
    assert "Tp. Hồ Chí Minh, ngày 07 tháng 3 năm 2025" in flat(pdf_text(out)[0])


def test_everything_sits_in_one_frame_at_30_and_15_mm(rendered) -> None:
    out, _, _ = rendered
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                if char["bottom"] > 20 * MM:  # the page number lives in the top margin
                    assert char["x0"] >= LEFT - 0.01 and char["x1"] <= RIGHT + 0.01, char["text"]
            for edge in page.edges:
                assert edge["x0"] >= LEFT - 0.3 and edge["x1"] <= RIGHT + 0.3
            for line in page.extract_text_lines():
                if re.match(r"\d+(\.\d+)*\.\s", line["text"]) and line["top"] > 20 * MM:
                    assert abs(line["x0"] - LEFT) < 0.01, line["text"]  # not 32.1 mm (the frame's padding)
            for table in page.find_tables():
                assert abs(table.bbox[0] - LEFT) < 0.3 and abs(table.bbox[2] - RIGHT) < 0.3


def test_sizes_follow_decree_30(rendered) -> None:
    out, result, _ = rendered
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[result.signatures[0].page]
        words = page.extract_words(extra_attrs=["size", "fontname"])
        title = [w for w in words if w["text"] in ("CHỦ", "NHIỆM", "THỦ", "TRƯỞNG")]
        assert title and all(round(w["size"]) == 13 and "Bold" in w["fontname"] for w in title)
        for p in pdf.pages:
            for table in p.find_tables():
                cells = [c for c in p.chars if table.bbox[1] < c["top"] < table.bbox[3]]
                assert cells and min(round(c["size"]) for c in cells) >= 12
        first = pdf.pages[0].extract_text_lines()
        tops = {line["text"][:4]: line for line in first}
        gap = tops["1.3."]["top"] - tops["1.2."]["top"]
        assert gap >= geometry.leading(geometry.BODY_SIZE) + 6 - 0.01  # paragraph spacing ≥ 6 pt


def test_every_integer_people_read_is_grouped(tmp_path, mau01, complete_data) -> None:
    complete_data["expected_products"][0]["quantity"] = 50000
    out = tmp_path / "qty.pdf"
    render(mau01, complete_data, pdf=out)
    text = flat(" ".join(pdf_text(out)))
    assert "50.000" in text and "50000" not in text
    assert "079185012345" in text and "028 3923 8320" in text and "năm 2025" in text  # IDs, phones, years as typed


def test_issuer_breaks_between_names_not_inside(rendered) -> None:
    out, _, _ = rendered
    with pdfplumber.open(out) as pdf:
        lines = [line["text"] for line in pdf.pages[0].extract_text_lines()]
    assert any(line.startswith("THỦY LỢI MIỀN NAM") for line in lines), lines
    assert not any(line.rstrip().endswith("MIỀN") for line in lines)


def test_balanced_lines_keep_words_of_a_name_together() -> None:
    lines = geometry.balanced_lines("XÁC NHẬN CỦA ĐƠN VỊ QUẢN LÝ NHIỆM VỤ", "bold", 13, 78)
    assert lines == ["XÁC NHẬN CỦA ĐƠN VỊ", "QUẢN LÝ NHIỆM VỤ"]
    assert geometry.balanced_lines("VIỆN KHOA HỌC THỦY LỢI MIỀN NAM", "bold", 12, 72) == [
        "VIỆN KHOA HỌC",
        "THỦY LỢI MIỀN NAM",
    ]


def test_long_signer_names_wrap_inside_their_blocks(tmp_path, mau01, complete_data) -> None:
    pi_name = "Tôn Nữ Hoàng Phương Thảo Nguyễn Thị Hồng Nhung"
    head_name = "Công Tằng Tôn Nữ Thị Diệu Huyền Trần Văn Đạt Anh"
    complete_data["pi"]["full_name"] = pi_name
    complete_data["host_org"]["head_full_name"] = head_name
    out = tmp_path / "names.pdf"
    result = render(mau01, complete_data, pdf=out)
    pi, _head, _ = result.signatures
    with pdfplumber.open(out) as pdf:
        words = pdf.pages[pi.page].extract_words()
    middle = LEFT + (RIGHT - LEFT) / 2
    below = [w for w in words if w["bottom"] > pdf.pages[pi.page].height - pi.box[1]]
    left_words = [w for w in below if w["text"] in pi_name.split() and w["x1"] <= middle]
    right_words = [w for w in below if w["text"] in head_name.split() and w["x0"] >= middle]
    assert len(left_words) >= len(pi_name.split()) and len(right_words) >= len(head_name.split())
    assert all(w["x0"] >= LEFT and w["x1"] <= RIGHT for w in below)


def test_empty_optional_table_prints_none(rendered) -> None:
    out, _, _ = rendered
    text = flat(" ".join(pdf_text(out)))
    assert "2.8. Gia hạn: Không có" in text
    assert "Gia hạn đến" not in text  # no empty grid with its headers


def test_form_identity_annex_recipient_and_punctuation(rendered) -> None:
    out, result, _ = rendered
    first = flat(pdf_text(out)[0])
    assert first.startswith("Mẫu 1 (Ban hành kèm theo Thông tư số 14/2014/TT-BKHCN")
    assert "được sửa đổi, bổ sung bởi Thông tư số 11/2023/TT-BKHCN)" in first
    assert "Kính gửi: Tổ chức đầu mối thông tin khoa học và công nghệ" in first
    text = flat(" ".join(pdf_text(out)))
    assert "::" not in text and "tháng: " not in text
    assert "Thời gian thực hiện: từ tháng 01/2025" in text
    assert "Họ và tên thủ trưởng" not in text  # not an item of the form
    assert "Trần Văn Đạt" in pdf_text(out)[result.signatures[1].page]  # only under the head's signature


def test_recipient_from_the_field_or_the_managing_units_province(tmp_path, mau01, complete_data) -> None:
    from datetime import date

    complete_data["task"]["managing_unit"] = "Sở Khoa học và Công nghệ tỉnh Bạc Liêu"
    assert suggested_recipient(complete_data, date(2025, 2, 5)) == "Sở Khoa học và Công nghệ Bạc Liêu"
    assert suggested_recipient(complete_data, date(2025, 9, 1)) == "Sở Khoa học và Công nghệ Cà Mau"
    out = tmp_path / "province.pdf"
    render(mau01, complete_data, pdf=out)
    assert "Kính gửi: Sở Khoa học và Công nghệ Bạc Liêu" in flat(pdf_text(out)[0])
    complete_data["sheet"]["recipient"] = "Cục Thông tin, Thống kê"
    render(mau01, complete_data, pdf=out)
    assert "Kính gửi: Cục Thông tin, Thống kê" in flat(pdf_text(out)[0])


def test_place_comes_from_the_host_address_when_empty(tmp_path, mau01, complete_data) -> None:
    assert place_from_address("12 Phố Huế, Hai Bà Trưng, Hà Nội") == "Hà Nội"
    assert place_from_address("658 Võ Văn Kiệt, Thành phố Hồ Chí Minh") == "Tp. Hồ Chí Minh"
    assert place_from_address("") == ""
    del complete_data["sheet"]["place"]
    complete_data["host_org"]["address"] = "Số 2 đường Lê Lợi, phường Vĩnh Ninh, tỉnh Thừa Thiên Huế"
    out = tmp_path / "place.pdf"
    render(mau01, complete_data, pdf=out)
    assert "Thừa Thiên Huế, ngày 05 tháng 02 năm 2025" in flat(pdf_text(out)[0])
