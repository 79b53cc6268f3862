"""What is refused before openpyxl opens a file: it must be an OOXML zip, at most `MAX_FILE_BYTES`, and its
declared uncompressed sizes bounded (zip bombs).

The declared sizes are enough: Python's zipfile never returns more bytes of a member than its declared size
(`ZipExtFile` cuts the output there and then fails the CRC), so a member that lies about its size cannot expand
past what was checked here.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop.errors import FileProblem, os_reason
from vista_desktop.xlsx.errors import XlsxError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

MIB = 1024 * 1024
# A workbook of a whole draft with 10,000 members is about 0.5 MB; 50 MB is far beyond any clerk's list.
MAX_FILE_BYTES = 50 * MIB
# Everything inside, decompressed. Sheet XML compresses about 10–30 times; 300 MB bounds memory and time.
MAX_UNCOMPRESSED_BYTES = 300 * MIB
# Per member above `_RATIO_FLOOR`: real sheets stay well under 100:1, bombs are at 1000:1 and beyond.
MAX_RATIO = 200
_RATIO_FLOOR = 1 * MIB
MAX_MEMBERS = 10_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97–2003) and other OLE compound files
_ZIP_MAGIC = b"PK\x03\x04"


def _size_mb(size: int) -> str:
    return f"{size / MIB:.0f}"


def check_xlsx_file(path: Path) -> None:
    """Raise `XlsxError` (or `FileProblem`) unless `path` is an .xlsx workbook that is safe to open."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise XlsxError("xlsx.too_large", file=name, size=_size_mb(size), limit=_size_mb(MAX_FILE_BYTES))
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise FileProblem("file.unreadable", path=str(path), reason=os_reason(exc)) from exc
    if head.startswith(_OLE_MAGIC):
        raise XlsxError("xlsx.old_xls", file=name)
    if not head.startswith(_ZIP_MAGIC):
        raise XlsxError("xlsx.not_xlsx", file=name)
    _check_zip(path)


def _check_zip(path: Path) -> None:
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise XlsxError("xlsx.zip_bomb", file=name)
            names = {m.filename for m in members}
            total = 0
            for member in members:
                total += member.file_size
                ratio_too_high = member.file_size > _RATIO_FLOOR and (
                    member.file_size > MAX_RATIO * max(member.compress_size, 1)
                )
                if ratio_too_high or total > MAX_UNCOMPRESSED_BYTES:
                    raise XlsxError("xlsx.zip_bomb", file=name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise XlsxError("xlsx.damaged", file=name, reason=str(exc)) from exc
    except OSError as exc:
        raise FileProblem("file.unreadable", path=str(path), reason=os_reason(exc)) from exc
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        # A .docx, an .ods or any other zip renamed .xlsx
        raise XlsxError("xlsx.not_xlsx", file=name)


@contextmanager
def open_workbook(path: Path) -> Iterator[Workbook]:
    """Check the file, then open it read-only with formulas as their cached values (never evaluated)."""
    check_xlsx_file(path)
    from vista_desktop.xlsx.strings import load_read_only

    try:
        workbook = load_read_only(path)
    except OSError as exc:
        raise FileProblem("file.unreadable", path=str(path), reason=os_reason(exc)) from exc
    except Exception as exc:  # openpyxl raises KeyError, ValueError, XML errors… on damaged parts
        raise XlsxError("xlsx.damaged", file=path.name, reason=f"{type(exc).__name__}: {exc}") from exc
    try:
        yield workbook
    finally:
        workbook.close()
