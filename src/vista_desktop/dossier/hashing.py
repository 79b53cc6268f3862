"""Hashing the files of a dossier: one streaming pass each, progress by bytes over all of them, cancellable; and
copying a file while hashing it (the export, the content store)."""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO

from vista_desktop.dossier.errors import DossierProblem
from vista_desktop.dossier.manifest import FileEntry
from vista_desktop.dossier.walk import DossierFile
from vista_desktop.errors import os_reason
from vista_desktop.fileio import CHUNK, sha256_file
from vista_desktop.tasks import TaskContext


class Progress:
    """Bytes hashed so far over all the files, moving one bar (the context raises `Cancelled` when asked)."""

    def __init__(self, context: TaskContext | None, total: int) -> None:
        self.context, self.total, self.done = context, total, 0

    def for_file(self, name: str) -> Callable[[int], None]:
        def on_bytes(count: int) -> None:
            self.done += count
            if self.context is not None:
                self.context.progress(self.done / self.total if self.total else None, name)

        return on_bytes


def hash_file(file: DossierFile, on_bytes: Callable[[int], None] | None = None) -> str:
    try:
        return sha256_file(file.location, on_bytes, follow_links=False)
    except OSError as exc:
        raise DossierProblem("dossier.unreadable", path=file.path, reason=os_reason(exc)) from exc


def hash_files(
    files: Sequence[DossierFile], slots: Mapping[str, str] | None = None, context: TaskContext | None = None
) -> tuple[FileEntry, ...]:
    """One streaming pass over every file; progress by bytes over all of them."""
    progress = Progress(context, sum(f.size for f in files))
    entries = []
    for file in files:
        if context is not None:
            context.check()  # an empty file reports no bytes
        before = progress.done
        digest = hash_file(file, progress.for_file(file.path))
        # The size of what was hashed, not of what was listed: a file still being written stays consistent.
        entries.append(FileEntry(file.path, progress.done - before, digest, (slots or {}).get(file.path)))
    return tuple(entries)


# Copying while hashing. On the 2-core machines the app runs on, SHA-256 (about 1.1 GB/s) and the write with its
# ZIP CRC cost about the same: hashing on a second thread (hashlib releases the GIL) overlaps them, and a bounded
# queue keeps memory flat (at most _QUEUE_DEPTH chunks in flight). Small files are hashed inline.
COPY_CHUNK = 1 << 20  # 4 MiB chunks measured slower: each pass (hash, CRC, write) then misses the cache
_QUEUE_DEPTH = 2
_INLINE_BELOW = 8 << 20


class _InlineDigest:
    def __init__(self) -> None:
        self._digest = hashlib.sha256()

    def update(self, chunk: bytes) -> None:
        self._digest.update(chunk)

    def finish(self) -> str:
        return self._digest.hexdigest()


class _BackgroundDigest:
    """A SHA-256 fed in order from a worker thread."""

    def __init__(self) -> None:
        self._digest = hashlib.sha256()
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUE_DEPTH)
        self._thread = threading.Thread(target=self._run, name="dossier-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            self._digest.update(chunk)

    def update(self, chunk: bytes) -> None:
        self._queue.put(chunk)

    def finish(self) -> str:
        """The digest of everything given (waits for the worker); also the way to stop it after a failure."""
        self._queue.put(None)
        self._thread.join()
        return self._digest.hexdigest()


def copy_hashing(
    source: Path, sink: IO[bytes], on_bytes: Callable[[int], None] | None = None, follow_links: bool = True
) -> tuple[int, str]:
    """Stream `source` into `sink` in one read, returning the bytes copied and their SHA-256. `on_bytes(n)` after
    each chunk may raise (cancel): the copy stops there. Raises OSError from reading or writing."""
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(os.open(source, flags), "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        digest = _BackgroundDigest() if size >= _INLINE_BELOW else _InlineDigest()
        copied = 0
        try:
            while chunk := fh.read(COPY_CHUNK):
                digest.update(chunk)
                sink.write(chunk)
                copied += len(chunk)
                if on_bytes is not None:
                    on_bytes(len(chunk))
        finally:
            sha = digest.finish()
    return copied, sha


def contains_bytes(path: Path, needle: bytes) -> bool:
    """Whether `needle` occurs anywhere in the file: one streaming pass (a match across two reads is found)."""
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if needle in tail + chunk[: len(needle) - 1] or needle in chunk:
                return True
            tail = chunk[-(len(needle) - 1) :] if len(needle) > 1 else b""
    return False
