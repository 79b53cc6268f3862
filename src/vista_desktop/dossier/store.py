"""The app's own content-addressed store of dossier files: a copy kept on request, so that a file the user later
moves, renames or deletes does not break the dossier.

A copy lives at `<root>/<first two hex digits of its SHA-256>/<the other 62>`: the same bytes are stored once
however many dossiers hold them, and a stored copy never changes (its name is its content). Copying streams the
file through `fileio.atomic_path` (a 5 GB annex is never held in memory, a cancel or failure leaves nothing
under its final name and the temporary file is removed), then reads the written copy back and hashes it before it
takes its name, so that a copy is only ever kept when its bytes are exactly those that were attached.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

from vista_desktop.dossier.errors import DossierProblem
from vista_desktop.dossier.hashing import copy_hashing
from vista_desktop.errors import os_reason
from vista_desktop.fileio import atomic_path, sha256_file
from vista_desktop.tasks import TaskContext

_SHA256 = re.compile(r"[0-9a-f]{64}")
_COPYING = 0.8  # share of the bar for the copy; the rest is reading the copy back


@dataclass(frozen=True)
class StoredFile:
    path: Path
    size: int
    sha256: str
    mtime_ns: int


class ContentStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def location(self, sha256: str) -> Path:
        if not _SHA256.fullmatch(sha256):
            raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def holds(self, path: Path) -> bool:
        """Whether `path` is a copy inside this store (a file already kept is not copied again)."""
        try:
            return Path(path).resolve().is_relative_to(self.root.resolve())
        except OSError:
            return False

    def keep(self, source: Path, sha256: str, context: TaskContext | None = None) -> StoredFile:
        """A stored copy of `source`, whose bytes must still have the SHA-256 `sha256` (the one it was attached
        with): copied with progress and cancel, or the copy already there. A source changed since then is refused
        by name and nothing is stored."""
        target = self.location(sha256)
        if target.is_file():
            return self._stored(target, sha256)
        context = context or TaskContext()
        source = Path(source)
        try:
            total = source.stat().st_size
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with atomic_path(target) as working:
                    self._copy(source, working, sha256, total, context)
            finally:
                _remove_if_empty(target.parent)
        except OSError as exc:
            raise DossierProblem("dossier_files.copy_failed", name=source.name, reason=os_reason(exc)) from exc
        return self._stored(target, sha256)

    @staticmethod
    def _copy(source: Path, working: Path, sha256: str, total: int, context: TaskContext) -> None:
        with working.open("wb") as sink:
            _size, copied = copy_hashing(source, sink, context.share(0.0, _COPYING).bytes_listener(total, source.name))
        if copied != sha256:
            raise DossierProblem("dossier_files.changed_since_attached", name=source.name)
        # The written bytes, read back: a faulty disk or a full one that lost a write is caught before keeping it.
        check = context.share(_COPYING, 1.0).bytes_listener(total, source.name)
        if sha256_file(working, check) != sha256:
            raise DossierProblem("dossier_files.copy_corrupt", name=source.name)

    @staticmethod
    def _stored(target: Path, sha256: str) -> StoredFile:
        info = target.stat()
        return StoredFile(target, info.st_size, sha256, info.st_mtime_ns)


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not empty: another copy lives there
        folder.rmdir()
