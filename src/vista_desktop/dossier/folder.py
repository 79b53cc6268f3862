"""A dossier folder and its manifest: building one from the folder, and comparing the folder with one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vista_desktop.dossier.hashing import Progress, hash_file, hash_files
from vista_desktop.dossier.manifest import Manifest, new_manifest
from vista_desktop.dossier.walk import list_files
from vista_desktop.tasks import TaskContext


def build_manifest(
    folder: Path,
    slots: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
    context: TaskContext | None = None,
) -> Manifest:
    """The manifest of every file in `folder` (`slots`: dossier slot by path, for the files that fill one)."""
    return new_manifest(hash_files(list_files(folder, context), slots, context), extra)


@dataclass(frozen=True)
class DossierDiff:
    added: tuple[str, ...]
    missing: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not (self.added or self.missing or self.changed)


def compare(folder: Path, manifest: Manifest, context: TaskContext | None = None) -> DossierDiff:
    """Files added, missing and changed since `manifest` was made. A file whose size differs is changed without
    reading it; the others are hashed, with progress over their bytes."""
    present = {f.path: f for f in list_files(folder, context)}
    listed = {e.path: e for e in manifest.files}
    both = [present[p] for p in listed if p in present]
    changed = {f.path for f in both if f.size != listed[f.path].size}
    to_hash = [f for f in both if f.path not in changed]
    progress = Progress(context, sum(f.size for f in to_hash))
    for file in to_hash:
        if context is not None:
            context.check()
        if hash_file(file, progress.for_file(file.path)) != listed[file.path].sha256:
            changed.add(file.path)
    return DossierDiff(
        added=tuple(sorted(set(present) - set(listed))),
        missing=tuple(sorted(set(listed) - set(present))),
        changed=tuple(sorted(changed)),
    )
