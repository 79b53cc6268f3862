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
# From this size on, completion uses the SHA-256 computed while the bytes arrived (see `save_digest`) instead of
# reading the file again (a second pass over gigabytes); below it the re-read costs milliseconds, so it is kept.
RECEIVED_DIGEST_MIN_BYTES = 16 << 20
_DIGEST_SUFFIX = ".sha256"


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

    def save_digest(self, upload_id: str, hexdigest: str) -> None:
        """Record the SHA-256 of a finished upload, computed from the very bytes this process wrote, with the
        file's identity (size, inode, modification and change times): any later write to the file changes them
        and the record is then ignored. Written after the data's fsync, renamed into place: a crash leaves either
        no record (completion re-reads) or a whole one."""
        info = self.path(upload_id).stat()
        record = f"{hexdigest} {info.st_size} {info.st_ino} {info.st_mtime_ns} {info.st_ctime_ns}\n"
        sidecar = self.uploads / f"{upload_id}{_DIGEST_SUFFIX}"
        partial = sidecar.with_suffix(".partial")
        partial.write_text(record, encoding="ascii")
        os.replace(partial, sidecar)

    def digest(self, upload_id: str) -> tuple[str, int]:
        """(SHA-256 hex, size) of the upload's file: the recorded digest when it is large and unchanged since it
        was recorded, else read again."""
        with suppress(OSError, ValueError):
            hexdigest, size, inode, mtime, ctime = (
                (self.uploads / f"{upload_id}{_DIGEST_SUFFIX}").read_text(encoding="ascii").split()
            )
            info = self.path(upload_id).stat()
            if (
                info.st_size >= RECEIVED_DIGEST_MIN_BYTES
                and (info.st_size, info.st_ino, info.st_mtime_ns, info.st_ctime_ns)
                == (int(size), int(inode), int(mtime), int(ctime))
                and re.fullmatch(r"[0-9a-f]{64}", hexdigest)
            ):
                return hexdigest, info.st_size
        return self.sha256(upload_id)

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
        path = self.path(upload_id)
        for name in (path, self.uploads / f"{upload_id}{_DIGEST_SUFFIX}"):
            with suppress(FileNotFoundError):
                os.unlink(name)
