"""The document model: the blocks of a Vietnamese administrative document (Decree 30/2020 layout)."""

from __future__ import annotations

from dataclasses import dataclass

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Header:
    """Issuer top-left (superior body above the host organisation), national title and motto top-right."""

    superior: str
    issuer: str
    form_number: str = ""
    date_line: str = ""


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
    label: str
    value: str
    long: bool = False  # long text: the value goes in its own paragraphs under the label
    caption_only: bool = False  # a label introducing the rows that follow


@dataclass(frozen=True)
class TableBlock:
    number: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative widths, first column is the row number (STT)


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
    language: str = "vi"
