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
