"""The document model: the blocks of a Vietnamese administrative document (Decree 30/2020 layout).

Official documents are always in Vietnamese, whatever the interface language; every text here is final (NFC,
punctuated) so that both renderers print the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
# The token in the PDF's /Keywords that marks a working copy: signing refuses a file that carries it.
WORKING_COPY_KEYWORD = "vista-working-copy"


@dataclass(frozen=True)
class Header:
    """Issuer top-left (superior body above the host organisation), national title and motto top-right."""

    superior: str
    issuer: str
    form_number: str = ""
    annex: str = ""  # the legal instrument the form is issued with, under the form number
    date_line: str = ""
    doc_number: str = ""  # "Số: …" under the issuer (documents of the organisation's own, such as xac-nhan)


@dataclass(frozen=True)
class Title:
    text: str
    subtitle: str = ""


@dataclass(frozen=True)
class Recipient:
    text: str


@dataclass(frozen=True)
class Heading:
    number: str
    text: str


@dataclass(frozen=True)
class KeyValue:
    number: str
    label: str  # punctuated: ends with the colon (or already holds one)
    value: str
    long: bool = False  # long text: the value goes in its own paragraphs under the label
    caption_only: bool = False  # a label introducing the rows that follow


@dataclass(frozen=True)
class TableBlock:
    number: str
    caption: str  # punctuated like KeyValue.label
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths_mm: tuple[float, ...]  # absolute, summing to the text width; the first column is the row number (STT)


@dataclass(frozen=True)
class SignatureBox:
    role: str
    title: str
    note: str
    name: str


@dataclass(frozen=True)
class SignatureRow:
    boxes: tuple[SignatureBox, ...]


Block = Header | Title | Recipient | Heading | KeyValue | TableBlock | SignatureRow


@dataclass(frozen=True)
class Document:
    title: str
    blocks: tuple[Block, ...]
    working_copy: bool = False  # a draft with errors: watermarked "DỰ THẢO", never signed
    language: str = "vi-VN"
