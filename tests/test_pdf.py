from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from vista_desktop.documents.render import render
from vista_desktop.forms.values import format_money


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


def test_english_document(tmp_path, mau01, complete_data) -> None:
    out = tmp_path / "en.pdf"
    render(mau01, complete_data, pdf=out, language="en")
    text = flat(" ".join(pdf_text(out)))
    assert "INFORMATION SHEET ON AN ONGOING STATE-FUNDED SCIENCE AND TECHNOLOGY TASK" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text  # the national title is never translated
