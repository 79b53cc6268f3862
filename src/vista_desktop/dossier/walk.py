"""Listing the files of a dossier folder without following anything.

An exported dossier must be plain files and folders: a symbolic link (to a file or a folder, dangling or not), a
Windows junction, a device, a FIFO or a socket anywhere inside it is refused by name, never followed or skipped,
so that what is hashed is exactly what a recipient receives. Only the top-level manifest pair is left out.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from vista_desktop.dossier.errors import DossierProblem
from vista_desktop.errors import os_reason
from vista_desktop.tasks import TaskContext

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.p7s"
_RESERVED = frozenset({MANIFEST, SIGNATURE})
# A junction is not a symlink to os.DirEntry on Python 3.11, but it leads out of the folder just the same.
_JUNCTION = 0xA0000003  # stat.IO_REPARSE_TAG_MOUNT_POINT, which the type stubs know on Windows only


@dataclass(frozen=True)
class DossierFile:
    path: str  # relative to the dossier, forward slashes, NFC (the manifest's spelling)
    location: Path
    size: int


def _entries(folder: Path, shown: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as listing:
            return list(listing)
    except OSError as exc:
        raise DossierProblem("dossier.unreadable", path=shown or ".", reason=os_reason(exc)) from exc


def _lstat(entry: os.DirEntry[str], name: str) -> os.stat_result:
    try:
        return entry.stat(follow_symlinks=False)
    except OSError as exc:
        raise DossierProblem("dossier.unreadable", path=name, reason=os_reason(exc)) from exc


def _kind(entry: os.DirEntry[str], name: str) -> str:
    """'dir' or 'file', or the refusal of anything else."""
    info = _lstat(entry, name)
    if entry.is_symlink() or stat.S_ISLNK(info.st_mode) or getattr(info, "st_reparse_tag", 0) == _JUNCTION:
        raise DossierProblem("dossier.link_refused", name=name)
    if stat.S_ISDIR(info.st_mode):
        return "dir"
    if not stat.S_ISREG(info.st_mode):
        raise DossierProblem("dossier.special_refused", name=name)
    return "file"


def list_files(folder: Path, context: TaskContext | None = None) -> list[DossierFile]:
    """Every file of the dossier, sorted by path. Names are compared in NFC, as macOS and Windows keep the marks of
    Vietnamese names decomposed or composed as they were typed; two names equal in NFC are refused as ambiguous."""
    if not folder.is_dir():
        raise DossierProblem("dossier.not_a_folder", path=str(folder))
    found: dict[str, DossierFile] = {}
    taken: set[str] = set()  # folders too: two folders equal in NFC would merge their files unseen
    pending: list[tuple[Path, str]] = [(folder, "")]
    while pending:
        if context is not None:
            context.check()
        where, prefix = pending.pop()
        for entry in _entries(where, prefix.rstrip("/")):
            if not prefix and entry.name in _RESERVED:
                continue
            name = prefix + unicodedata.normalize("NFC", entry.name)
            if "\\" in entry.name:  # the manifest separates folders with "/" on every system
                raise DossierProblem("dossier.unportable_name", name=name)
            kind = _kind(entry, name)
            if name in taken:
                raise DossierProblem("dossier.ambiguous_names", name=name)
            taken.add(name)
            if kind == "dir":
                pending.append((Path(entry.path), name + "/"))
                continue
            found[name] = DossierFile(name, Path(entry.path), _lstat(entry, name).st_size)
    return [found[name] for name in sorted(found)]
