"""The storage folder: one file per upload, named by the server's own id (never by a name the client sent, so no
name can escape the folder), written in place at the offset the database records.

Two requests for one upload (a client retrying while its old connection is still being read, or two workers)
are kept apart by an exclusive `flock` on the file: the lock belongs to the open file and goes away with the
process, so a killed worker never leaves an upload locked.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
_READ = 1 << 20


class UploadBusy(Exception):
    """Another request holds the upload."""


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.uploads = root / "uploads"
        self.uploads.mkdir(parents=True, exist_ok=True)

    def path(self, upload_id: str) -> Path:
        if not _UPLOAD_ID.fullmatch(upload_id):
            raise ValueError("not an upload id")
        return self.uploads / upload_id

    def create(self, upload_id: str) -> None:
        self.path(upload_id).touch(exist_ok=True)

    @contextmanager
    def locked(self, upload_id: str) -> Iterator[BinaryIO]:
        path = self.path(upload_id)
        path.touch(exist_ok=True)
        with path.open("r+b") as handle:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise UploadBusy(upload_id) from exc
            try:
                yield handle
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def sha256(self, upload_id: str) -> tuple[str, int]:
        digest, size = hashlib.sha256(), 0
        with self.path(upload_id).open("rb") as handle:
            while block := handle.read(_READ):
                digest.update(block)
                size += len(block)
        return digest.hexdigest(), size

    def read_small(self, upload_id: str, limit: int) -> bytes:
        with self.path(upload_id).open("rb") as handle:
            return handle.read(limit + 1)

    def remove(self, upload_id: str) -> None:
        with suppress(FileNotFoundError):
            os.unlink(self.path(upload_id))
