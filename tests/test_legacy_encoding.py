"""Legacy Vietnamese encodings (TCVN3/ABC, VNI) in attached text documents: found in .txt, .csv, .docx and .doc,
reported as a warning in the dossier's checks, and never for Unicode Vietnamese, English or other languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from vista_desktop.dossier.encoding import TCVN3, VNI, detect_legacy, encode_legacy, is_syllable, legacy_encoding
from vista_desktop.services.dossier_builder import AttachedFile, DossierContents, file_findings, hash_attachment

MOTTO = "Cộng hòa xã hội chủ nghĩa Việt Nam"
REPORT = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM. Độc lập - Tự do - Hạnh phúc. Báo cáo tổng hợp kết quả thực hiện nhiệm vụ "
    "khoa học và công nghệ cấp quốc gia: nghiên cứu giải pháp ngăn mặn, giữ ngọt cho vùng đồng bằng sông Cửu Long. "
    "Đơn vị chủ trì: Viện Khoa học Thủy lợi miền Nam; chủ nhiệm: Nguyễn Thị Hường, ngày 15 tháng 3 năm 2024."
)
# How these lines read on a machine without the legacy fonts, as found in old documents (not produced by our table).
TCVN3_SEEN = "Céng hßa x· héi chñ nghÜa ViÖt Nam"
VNI_SEEN = "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam"


def test_the_tables_give_the_forms_seen_in_old_documents() -> None:
    assert encode_legacy(MOTTO, TCVN3).decode("latin-1") == TCVN3_SEEN
    assert encode_legacy(MOTTO, VNI).decode("latin-1") == VNI_SEEN
    assert encode_legacy("Độc lập - Tự do - Hạnh phúc", TCVN3).decode("latin-1") == "§éc lËp - Tù do - H¹nh phóc"
    assert encode_legacy("Độc lập - Tự do - Hạnh phúc", VNI).decode("latin-1") == "Ñoäc laäp - Töï do - Haïnh phuùc"


def test_syllable_shapes() -> None:
    assert all(is_syllable(w) for w in ("nghiêng", "quốc", "giường", "khuya", "Đường", "ỵ", "xoong", "THỦY"))
    assert not any(is_syllable(w) for w in ("hßa", "coäng", "für", "café", "strong", "hoàá"))


@pytest.mark.parametrize("text", [TCVN3_SEEN + ". " + "§éc lËp - Tù do - H¹nh phóc", REPORT])
def test_tcvn3_text_is_found(text: str) -> None:
    legacy = text if "§" in text else encode_legacy(text, TCVN3).decode("latin-1")
    assert detect_legacy(legacy) == TCVN3


@pytest.mark.parametrize("text", [VNI_SEEN + ". " + "Ñoäc laäp - Töï do - Haïnh phuùc", REPORT])
def test_vni_text_is_found(text: str) -> None:
    legacy = text if "Ñ" in text else encode_legacy(text, VNI).decode("latin-1")
    assert detect_legacy(legacy) == VNI


@pytest.mark.parametrize(
    "text",
    [
        REPORT,
        MOTTO,
        "Mã số thuế, tên tỉnh, độ mặn (‰), lượng mưa — ghi chú: hoà/hòa, thuỷ/thủy, khoẻ/khỏe, Quý, quỹ, ủy ban",
        "The quick brown fox jumps over the lazy dog. Final report of the national project, 2024.",
        "Straße für Ärzte, crème brûlée à la française, naïve café, Ærø Øresund, São Paulo, señor, © ® « » ·",
    ],
)
def test_unicode_and_other_languages_give_no_warning(text: str) -> None:
    assert detect_legacy(text) is None


def test_decomposed_unicode_vietnamese_gives_no_warning() -> None:
    import unicodedata

    assert detect_legacy(unicodedata.normalize("NFD", REPORT)) is None


def test_text_files_by_kind(tmp_path: Path) -> None:
    cases = {
        "tcvn3.txt": encode_legacy(REPORT, TCVN3),
        "vni.csv": encode_legacy("tỉnh,độ mặn,ghi chú\nBến Tre,4.2,nước lợ\n" + REPORT, VNI),
        "utf8.csv": ("tỉnh,độ mặn\nBến Tre,4.2\n" + REPORT).encode("utf-8-sig"),
        "utf16.txt": REPORT.encode("utf-16"),
        "english.txt": b"plain English, nothing to see\n",
        "report.pdf": encode_legacy(REPORT, TCVN3),  # not a text document: not looked at
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    found = {name: legacy_encoding(tmp_path / name) for name in cases}
    assert found == {
        "tcvn3.txt": TCVN3,
        "vni.csv": VNI,
        "utf8.csv": None,
        "utf16.txt": None,
        "english.txt": None,
        "report.pdf": None,
    }


def _docx(path: Path, text: str) -> Path:
    import docx

    document = docx.Document()
    for line in text.split(". "):
        paragraph = document.add_paragraph()
        paragraph.add_run(line[:10])  # Word splits text into runs: a word may straddle two
        paragraph.add_run(line[10:]).font.name = ".VnTime"
    document.save(str(path))
    return path


def test_a_docx_with_tcvn3_text_is_found_and_a_unicode_one_is_not(tmp_path: Path) -> None:
    legacy = _docx(tmp_path / "báo cáo cũ.docx", encode_legacy(REPORT, TCVN3).decode("latin-1"))
    modern = _docx(tmp_path / "báo cáo.docx", REPORT)
    assert legacy_encoding(legacy) == TCVN3
    assert legacy_encoding(modern) is None
    broken = tmp_path / "hỏng.docx"
    broken.write_bytes(b"PK\x03\x04 not really")
    assert legacy_encoding(broken) is None  # damaged, not legacy: other checks speak about it


def test_a_binary_doc_with_legacy_text_is_found_and_binary_noise_is_not(tmp_path: Path) -> None:
    import random

    noise = random.Random(9).randbytes(200_000)
    doc = tmp_path / "cũ.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0" + noise[:100_000] + encode_legacy(REPORT, VNI) + noise[100_000:])
    assert legacy_encoding(doc) == VNI
    only_noise = tmp_path / "ảnh.doc"
    only_noise.write_bytes(b"\xd0\xcf\x11\xe0" + noise)
    assert legacy_encoding(only_noise) is None


def test_the_dossier_check_warns_by_name_without_refusing(tmp_path: Path) -> None:
    annex = tmp_path / "số liệu.csv"
    annex.write_bytes(encode_legacy("tỉnh,độ mặn,ghi chú\n" + REPORT, TCVN3))
    clean = tmp_path / "sạch.csv"
    clean.write_text("tỉnh,độ mặn\n" + REPORT, encoding="utf-8")
    attached = (hash_attachment("annexes", annex), hash_attachment("annexes", clean))
    findings = file_findings(DossierContents((), attached))
    assert [(f.code, f.slot, f.blocking) for f in findings] == [("dossier_files.legacy_encoding", "annexes", False)]
    assert "«số liệu.csv»" in findings[0].message("vi") and "TCVN3" in findings[0].message("en")


def test_a_stored_copy_is_judged_by_its_original_name(tmp_path: Path) -> None:
    stored = tmp_path / "ab" / ("c" * 62)  # the store's names have no extension
    stored.parent.mkdir()
    stored.write_bytes(encode_legacy(REPORT, VNI))
    info = stored.stat()
    kept = AttachedFile("annexes", stored, info.st_size, info.st_mtime_ns, "0" * 64, None, tmp_path / "cũ.txt")
    assert [f.params["name"] for f in file_findings(DossierContents((), (kept,)), rehash=False)] == ["cũ.txt"]


def test_a_large_text_file_is_judged_on_its_beginning(tmp_path: Path) -> None:
    big = tmp_path / "lớn.txt"
    big.write_bytes(encode_legacy(REPORT, TCVN3) * 4000)  # about 1.3 MB: only the first MiB is read
    assert legacy_encoding(big) == TCVN3
