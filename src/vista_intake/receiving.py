"""Receiving a PATCH body fast: the event loop only gathers the body into blocks, while a thread writes and
hashes the previous block (hashlib and file writes release the GIL), so receiving, writing and hashing overlap.

The whole-file SHA-256 is carried along from PATCH to PATCH in `RunningHashes`, so that completion need not read
a large file again. That is a cache, not state the protocol depends on: a PATCH served by another worker, or after
a restart, finds no running hash (or one at another offset) and the file is then hashed again at completion.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import hashlib
import sys
import threading
from collections import OrderedDict
from typing import Any, BinaryIO

BLOCK = 4 << 20  # per request at most two blocks are in memory: the one being written, the one being gathered
_KEEP = 1024  # running hashes kept (a few hundred bytes each): the uploads being sent right now


def _libc_sync_file_range() -> Any | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    return function


_sync_file_range = _libc_sync_file_range()
_SYNC_FILE_RANGE_WRITE = 2


def start_writeback(handle: BinaryIO, offset: int, length: int) -> None:
    """Ask the kernel to start writing these bytes to disk now, without waiting (Linux): the fsync that ends the
    PATCH then finds little left to do, instead of the whole body at once while the client waits."""
    if _sync_file_range is not None:
        handle.flush()
        _sync_file_range(handle.fileno(), offset, length, _SYNC_FILE_RANGE_WRITE)


class RunningHashes:
    """The SHA-256 of each upload's bytes [0, offset), for the uploads this process has received from the start."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._hashes: OrderedDict[str, tuple[int, Any]] = OrderedDict()

    def resume(self, upload_id: str, offset: int) -> Any | None:
        """A hash to go on with from `offset` (a copy: a refused PATCH must leave the kept one as it was)."""
        if offset == 0:
            return hashlib.sha256()
        with self._lock:
            kept = self._hashes.get(upload_id)
        return kept[1].copy() if kept is not None and kept[0] == offset else None

    def keep(self, upload_id: str, offset: int, running: Any) -> None:
        with self._lock:
            self._hashes[upload_id] = (offset, running)
            self._hashes.move_to_end(upload_id)
            while len(self._hashes) > _KEEP:
                self._hashes.popitem(last=False)

    def forget(self, upload_id: str) -> None:
        with self._lock:
            self._hashes.pop(upload_id, None)


class BodyWriter:
    """Writes a request body at the file's position and hashes it (the PATCH's checksum and the running whole-file
    hash, each on its own thread), one block behind the event loop."""

    def __init__(
        self, handle: BinaryIO, pool: concurrent.futures.Executor, checksum: Any | None, running: Any | None
    ) -> None:
        self.handle, self.pool, self.checksum, self.running = handle, pool, checksum, running
        self._pieces: list[bytes] = []
        self._gathered = 0
        self._pending: list[concurrent.futures.Future[None]] = []

    async def add(self, piece: bytes) -> None:
        self._pieces.append(piece)
        self._gathered += len(piece)
        if self._gathered >= BLOCK:
            await self._hand_over()

    async def finish(self) -> None:
        """Everything added is written and hashed."""
        await self._hand_over()
        await self._wait()

    def settle(self) -> None:
        """On the way out after an error or a cut: the block in hand is written before the file is touched again
        (the bytes that arrived count, as in tus core; the caller decides whether to keep them)."""
        pieces, self._pieces, self._gathered = self._pieces, [], 0
        pending, self._pending = self._pending, []
        concurrent.futures.wait(pending)
        for future in pending:
            future.result()  # a block that failed to be written: nothing after it may count as received
        if pieces:
            self._write(pieces)
            if self.running is not None:
                _update(self.running, pieces)

    def abandon(self) -> None:
        """On the way out after a refusal or a failure: the thread's block is finished (the caller may truncate the
        file next); nothing more is written."""
        pending, self._pending, self._pieces, self._gathered = self._pending, [], [], 0
        concurrent.futures.wait(pending)

    async def _hand_over(self) -> None:
        await self._wait()
        pieces, self._pieces, self._gathered = self._pieces, [], 0
        if not pieces:
            return
        self._pending = [self.pool.submit(self._write, pieces)]
        if self.running is not None:
            self._pending.append(self.pool.submit(_update, self.running, pieces))

    async def _wait(self) -> None:
        pending, self._pending = self._pending, []
        try:
            for future in pending:
                await asyncio.wrap_future(future)
        finally:
            concurrent.futures.wait(pending)  # cancelled while waiting: the thread still finishes its block first

    def _write(self, pieces: list[bytes]) -> None:
        start = self.handle.tell()
        for piece in pieces:
            self.handle.write(piece)
        start_writeback(self.handle, start, self.handle.tell() - start)
        if self.checksum is not None:
            _update(self.checksum, pieces)


def _update(digest: Any, pieces: list[bytes]) -> None:
    for piece in pieces:
        digest.update(piece)
