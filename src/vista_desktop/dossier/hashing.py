"""Hashing the files of a dossier: one streaming pass each, progress by bytes over all of them, cancellable."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from vista_desktop.dossier.errors import DossierProblem
from vista_desktop.dossier.manifest import FileEntry
from vista_desktop.dossier.walk import DossierFile
from vista_desktop.errors import os_reason
from vista_desktop.fileio import sha256_file
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
