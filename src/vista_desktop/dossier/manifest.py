"""The dossier manifest: the path, size and SHA-256 of every file, as the JSON document that gets signed.

Version 2 (written): `{"format": "vista-dossier-manifest", "version": 2, "created": ISO time, "app_version": …,
"files": [{"path": "relative/forward/slashes", "size": int, "sha256": hex, "slot": optional}, …]}`, plus any
further top-level keys a caller adds (form ids and versions). Version 1 (read only) named each file `name`.

A manifest comes from outside (a recipient verifies what a sender made), so reading it is strict: anything
malformed is a `DossierProblem` naming the reason, never a KeyError or a TypeError further on.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from vista_desktop import __version__
from vista_desktop.dossier.errors import DossierProblem
from vista_desktop.errors import os_reason

FORMAT = "vista-dossier-manifest"
VERSION = 2
READABLE_VERSIONS = (1, 2)
# Far above any real dossier (a million files is about 150 MB) yet a bound on what is read into memory.
MAX_MANIFEST_BYTES = 256 << 20
_HEADER = ("format", "version", "created", "app_version", "files")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DRIVE = re.compile(r"[A-Za-z]:")


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str
    slot: str | None = None

    def as_json(self) -> dict[str, object]:
        entry: dict[str, object] = {"path": self.path, "size": self.size, "sha256": self.sha256}
        if self.slot is not None:
            entry["slot"] = self.slot
        return entry


@dataclass(frozen=True)
class Manifest:
    files: tuple[FileEntry, ...]
    created: str = ""
    app_version: str = ""
    version: int = VERSION  # as read; always written as VERSION
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    def as_json(self) -> dict[str, Any]:
        return {
            **self.extra,
            "format": FORMAT,
            "version": VERSION,
            "created": self.created,
            "app_version": self.app_version,
            "files": [entry.as_json() for entry in self.files],
        }

    def to_bytes(self) -> bytes:
        """The exact bytes that are written and signed."""
        return (json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def new_manifest(entries: Sequence[FileEntry], extra: Mapping[str, Any] | None = None) -> Manifest:
    reserved = sorted(set(extra or {}) & set(_HEADER))
    if reserved:
        raise ValueError(f"reserved manifest keys: {reserved}")  # a programming error, not the user's
    created = datetime.now(UTC).astimezone().isoformat(timespec="seconds")
    return Manifest(tuple(entries), created, __version__, VERSION, MappingProxyType(dict(extra or {})))


# Reading ----------------------------------------------------------------------------------------------------------


def _damaged(source: str, reason: str, **params: object) -> DossierProblem:
    return DossierProblem(f"dossier.manifest_damaged.{reason}", path=source, **params)


def _checked_path(value: object, index: int, source: str) -> str:
    if not isinstance(value, str):
        raise _damaged(source, "wrong_type", index=index, field="path")
    parts = value.split("/")
    if (
        not value
        or value.startswith("/")
        or "\\" in value
        or "\x00" in value
        or _DRIVE.match(value)
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise _damaged(source, "unsafe_path", index=index, name=value)
    return unicodedata.normalize("NFC", value)


def _entry(raw: object, index: int, version: int, source: str) -> FileEntry:
    if not isinstance(raw, dict):
        raise _damaged(source, "entry_not_object", index=index)
    key = "path" if version >= 2 else "name"
    for name in (key, "size", "sha256"):
        if name not in raw:
            raise _damaged(source, "missing_field", index=index, field=name)
    size, digest, slot = raw["size"], raw["sha256"], raw.get("slot")
    if not isinstance(size, int) or isinstance(size, bool):
        raise _damaged(source, "wrong_type", index=index, field="size")
    if size < 0:
        raise _damaged(source, "bad_size", index=index)
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest.lower()):
        raise _damaged(source, "bad_sha256", index=index)
    if slot is not None and not isinstance(slot, str):
        raise _damaged(source, "wrong_type", index=index, field="slot")
    return FileEntry(_checked_path(raw[key], index, source), size, digest.lower(), slot)


def _header(document: object, source: str) -> tuple[dict[str, Any], int]:
    if not isinstance(document, dict):
        raise _damaged(source, "not_object")
    if document.get("format") != FORMAT:
        raise _damaged(source, "wrong_format")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _damaged(source, "bad_header", field="version")
    if version not in READABLE_VERSIONS:
        raise DossierProblem("dossier.manifest_newer", path=source, version=version)
    for name in ("created", "app_version"):
        if name in document and not isinstance(document[name], str):
            raise _damaged(source, "bad_header", field=name)
    if not isinstance(document.get("files"), list):
        raise _damaged(source, "files_not_list")
    return document, version


def parse_manifest(data: bytes, source: str) -> Manifest:
    """The manifest in `data` (from `source`, named in messages), checked entry by entry."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise _damaged(source, "too_large")
    try:
        loaded = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _damaged(source, "not_utf8") from exc
    except json.JSONDecodeError as exc:
        raise _damaged(source, "not_json", line=exc.lineno, column=exc.colno) from exc
    except RecursionError as exc:  # "[[[[…" thousands deep
        raise _damaged(source, "too_deep") from exc
    document, version = _header(loaded, source)
    entries = tuple(_entry(raw, index, version, source) for index, raw in enumerate(document["files"], start=1))
    seen: set[str] = set()
    for entry in entries:
        if entry.path in seen:
            raise _damaged(source, "duplicate_path", name=entry.path)
        seen.add(entry.path)
    extra = {k: v for k, v in document.items() if k not in _HEADER}
    return Manifest(
        entries, document.get("created", ""), document.get("app_version", ""), version, MappingProxyType(extra)
    )


def read_bounded(path: Path, limit: int, missing: str) -> bytes:
    """At most `limit` + 1 bytes of a small file (so that the reader can tell it is too large); `missing` is the
    key of the problem raised when there is no such file."""
    try:
        with path.open("rb") as fh:
            return fh.read(limit + 1)
    except FileNotFoundError as exc:
        raise DossierProblem(missing, path=str(path)) from exc
    except OSError as exc:
        raise DossierProblem("dossier.unreadable", path=str(path), reason=os_reason(exc)) from exc


def read_manifest(path: Path) -> Manifest:
    return parse_manifest(read_bounded(path, MAX_MANIFEST_BYTES, "dossier.no_manifest"), str(path))
