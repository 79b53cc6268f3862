"""One submission, driven by what the server already has: each attempt starts by asking the server (GET the
submission, HEAD each upload), so an attempt cut anywhere — before the server created the submission, after it
committed a chunk but before the answer arrived, after completion — is resolved by the next one, never by sending
blindly again. The frozen dossier folder is only read."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vista_desktop import protocol as p
from vista_desktop.sync.client import IntakeClient, chunk_sha256
from vista_desktop.sync.errors import SyncProblem, SyncRetry

DEFAULT_CHUNK = 64 << 20
# The first PATCH of each file is short: its checksum must be computed before anything is sent, while every
# later chunk's is computed on a thread as the one before it is on the wire.
FIRST_CHUNK = 8 << 20
# (bytes of this submission on the server so far, its total)
ByteProgress = Callable[[int, int], None]


@dataclass(frozen=True)
class OutgoingFile:
    path: str  # as in the manifest
    source: Path
    size: int


def outgoing_files(folder: Path, manifest_bytes: bytes) -> tuple[dict[str, Any], list[OutgoingFile]]:
    """The manifest object and every file to send: the manifest's files, then manifest.json (its exact signed
    bytes) and manifest.json.p7s."""
    manifest = json.loads(manifest_bytes.decode("utf-8"))
    files = [OutgoingFile(f.path, folder.joinpath(*f.path.split("/")), f.size) for f in p.manifest_files(manifest)]
    for name in p.EXTRA_FILES:
        source = folder / name
        if source.is_file():
            files.append(OutgoingFile(name, source, source.stat().st_size))
    return manifest, files


def send_submission(
    client: IntakeClient,
    submission: str,
    folder: Path,
    manifest_bytes: bytes,
    progress: ByteProgress | None = None,
    chunk: int = DEFAULT_CHUNK,
    check: Callable[[], None] = lambda: None,
) -> p.SubmissionStatus:
    """Bring the submission to `received` (or report its later status); raises SyncRetry or SyncProblem.
    `check` runs before each chunk and may raise (the user cancelled): the server keeps what it has."""
    manifest, files = outgoing_files(folder, manifest_bytes)
    status = client.get_submission(submission)
    if status is None:
        status = client.put_submission(submission, manifest)
    if status.manifest_sha256 and status.manifest_sha256 != p.manifest_digest(manifest):
        raise SyncProblem("sync.conflict", detail="the server holds another manifest under this id")
    if status.status != p.OPEN:
        return status
    client.tus_capabilities()
    total = sum(f.size for f in files)
    done = sum(min(status.uploads.get(f.path, (None, 0))[1], f.size) for f in files)
    for item in files:
        url, offset = status.uploads.get(item.path, (None, 0))
        if url is not None and offset == item.size:
            continue
        done -= min(offset, item.size)

        def on_bytes(sent: int, before: int = done) -> None:
            if progress is not None:
                progress(before + sent, total)

        done += _send_file(client, submission, item, url, chunk, on_bytes, check)
    return client.complete(submission)


def _send_file(
    client: IntakeClient,
    submission: str,
    item: OutgoingFile,
    url: str | None,
    chunk: int,
    on_bytes: Callable[[int], None],
    check: Callable[[], None],
) -> int:
    if url is None:
        url = client.create_upload(submission, item.path, item.size)
    offset = client.upload_offset(url)
    on_bytes(offset)
    try:
        handle = item.source.open("rb")
    except OSError as exc:
        raise SyncProblem("sync.file_missing", path=str(item.source), reason=str(exc)) from exc
    with handle, _ChunkHasher(item, chunk, client.checksums) as hasher:
        if handle.seek(0, 2) != item.size:
            raise SyncProblem("sync.file_changed", path=str(item.source))
        length = min(FIRST_CHUNK, chunk, item.size - offset)
        while offset < item.size:
            check()
            length = min(length, item.size - offset)
            checksum = hasher.digest(offset, length)
            hasher.prepare(offset + length, min(chunk, item.size - offset - length))  # hashed while this is sent
            new_offset = client.patch(url, handle, offset, length, checksum)
            if new_offset <= offset or new_offset > item.size:
                raise SyncRetry("sync.no_progress", detail=f"offset {offset} -> {new_offset}")
            offset = new_offset
            on_bytes(offset)
            length = chunk
    return offset


class _ChunkHasher:
    """The SHA-256 of the next chunk, computed on a thread (with its own file handle) while the current chunk is
    being sent: hashing then costs no time on the wire. hashlib releases the GIL on large blocks."""

    def __init__(self, item: OutgoingFile, chunk: int, enabled: bool) -> None:
        self.item, self.chunk, self.enabled = item, chunk, enabled
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="sync-hash") if enabled else None
        self._pending: tuple[int, int, Future[bytes]] | None = None

    def __enter__(self) -> _ChunkHasher:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _hash(self, offset: int, length: int) -> bytes:
        with self.item.source.open("rb") as handle:
            return chunk_sha256(handle, offset, length)

    def prepare(self, offset: int, length: int) -> None:
        if self._pool is not None and length > 0:
            self._pending = (offset, length, self._pool.submit(self._hash, offset, length))

    def digest(self, offset: int, length: int) -> bytes | None:
        if not self.enabled:
            return None
        if self._pending is not None and self._pending[:2] == (offset, length):
            return self._pending[2].result()
        return self._hash(offset, length)  # the server moved us elsewhere (a 409 answered with its offset)
