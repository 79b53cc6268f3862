"""A very long text renders in time linear in its length: laid out in sentence-sized pieces that read as one
paragraph, every word kept."""

from __future__ import annotations

import random
from pathlib import Path

from pypdf import PdfReader

from vista_desktop.documents.pdf import LONG_PARAGRAPH_CHARS, _pieces

WORDS = [
    "nghiên",
    "cứu",
    "giống",
    "lúa",
    "chịu",
    "mặn",
    "cho",
    "vùng",
    "đồng",
    "bằng",
    "sông",
    "Cửu",
    "Long",
    "trong",
    "điều",
    "kiện",
    "biến",
    "đổi",
    "khí",
    "hậu",
]


def prose(chars: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(rng.choice(WORDS) + ("." if rng.random() < 0.05 else ""))
    return " ".join(words)


def test_pieces_keep_every_word_and_stay_small() -> None:
    for text in (prose(50_000), "x" * 20_000, ("một câu ngắn. " * 3000).strip(), prose(7_000).replace(".", "")):
        pieces = _pieces(text)
        assert " ".join(pieces).split() == text.split() or "".join(pieces) == text
        assert all(len(p) <= LONG_PARAGRAPH_CHARS for p in pieces)


def test_a_100k_paragraph_renders_whole(tmp_path: Path, mau01, complete_data) -> None:
    from vista_desktop.services.documents import render_documents

    text = prose(100_000)
    complete_data["objectives"] = text
    pdf = tmp_path / "long.pdf"
    outputs = render_documents(mau01, complete_data, pdf)
    assert outputs.pages > 25
    extracted = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    last_words = " ".join(text.split()[-4:])
    assert last_words in " ".join(extracted.split())


def test_names_within_their_limits_always_render(tmp_path: Path, mau01, complete_data) -> None:
    from vista_desktop.forms.limits import max_length_of
    from vista_desktop.services.documents import render_documents

    for field_id in ("host_org.name", "host_org.superior_body", "pi.full_name", "host_org.head_full_name"):
        limit = max_length_of(mau01.field(field_id))
        assert limit <= 500  # what a header or a signature block can print
        data = {**complete_data, "host_org": dict(complete_data["host_org"]), "pi": dict(complete_data["pi"])}
        section, name = field_id.split(".")
        data.setdefault(section, {})[name] = ("Viện Khoa học Thủy lợi Miền Nam " * 30)[:limit]
        render_documents(mau01, data, tmp_path / "ok.pdf", working_copy=True)


def test_a_value_beyond_its_limit_prints_cut_not_never(tmp_path: Path, mau01, complete_data) -> None:
    """Only a working copy of an invalid draft can hold it; it prints what a header can hold, then "…"."""
    from vista_desktop.services.documents import render_documents

    complete_data["host_org"]["name"] = "Viện Thủy lợi " + "a@." * 5000  # no space to break at, 15,000 characters
    complete_data["objectives"] = "x" * 150_000  # beyond the 100,000 of a long text
    pdf = tmp_path / "x.pdf"
    render_documents(mau01, complete_data, pdf, working_copy=True)
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages[:1])
    assert "VIỆN THỦY LỢI" in text
