"""The dossier manifest: file names, sizes and SHA-256 of every file, signed as a detached CMS signature, so
that annexes that are not PDFs (data, software, media) are covered by the same signature."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from vista_desktop.signing.certificates import CertificateInfo, check_can_sign, describe
from vista_desktop.signing.errors import DocumentProblem, os_reason
from vista_desktop.signing.identities import Identity, open_signer
from vista_desktop.signing.pdf_sign import check_chain
from vista_desktop.signing.trust import TrustStore

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.p7s"
CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _dossier_files(folder: Path) -> list[Path]:
    files = [p for p in folder.rglob("*") if p.is_file() and p.name not in (MANIFEST, SIGNATURE)]
    return sorted(files, key=lambda p: p.relative_to(folder).as_posix())


def build_manifest(folder: Path) -> dict[str, Any]:
    entries = [
        {"name": p.relative_to(folder).as_posix(), "size": p.stat().st_size, "sha256": sha256_of(p)}
        for p in _dossier_files(folder)
    ]
    return {
        "format": "vista-dossier-manifest",
        "version": 1,
        "created": datetime.now(UTC).isoformat(),
        "files": entries,
    }


def _write_atomic(path: Path, data: bytes) -> None:
    fd, name = tempfile.mkstemp(prefix=".vista-", dir=path.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(name, path)


@dataclass(frozen=True)
class ManifestSignature:
    manifest: Path
    signature: Path
    signer: CertificateInfo
    files: int


def sign_manifest(
    folder: Path, identity: Identity, secret: str | None, trust: TrustStore | None = None
) -> ManifestSignature:
    """Hash every file of the dossier folder, write manifest.json and its detached signature manifest.json.p7s."""
    if not folder.is_dir():
        raise DocumentProblem("sign.file_unreadable", path=str(folder), reason="not a folder")
    trust = trust or TrustStore.default()
    manifest = build_manifest(folder)
    payload = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    with open_signer(identity, secret) as opened:
        info = check_can_sign(opened.certificate)
        check_chain(opened.certificate, opened.chain, trust)
        signed = asyncio.run(opened.signer.async_sign_general_data(payload, "sha256", detached=True))
    _write_atomic(folder / MANIFEST, payload)
    _write_atomic(folder / SIGNATURE, signed.dump())
    return ManifestSignature(folder / MANIFEST, folder / SIGNATURE, info, len(manifest["files"]))


@dataclass(frozen=True)
class ManifestReport:
    signer: str | None
    intact: bool
    trusted: bool
    added: tuple[str, ...]
    missing: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and not (self.added or self.missing or self.changed)


def verify_manifest(folder: Path, trust: TrustStore | None = None) -> ManifestReport:
    """Check the signature over manifest.json, then re-hash every file and name those added, missing or changed."""
    from asn1crypto import cms
    from pyhanko.sign.validation.generic_cms import async_validate_detached_cms

    trust = trust or TrustStore.default()
    try:
        payload = (folder / MANIFEST).read_bytes()
        content = cms.ContentInfo.load((folder / SIGNATURE).read_bytes())
        manifest = json.loads(payload)
        signed_data = content["content"]
        status = asyncio.run(async_validate_detached_cms(payload, signed_data, trust.validation_context()))
    except OSError as exc:
        raise DocumentProblem("sign.file_unreadable", path=str(exc.filename), reason=os_reason(exc)) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise DocumentProblem("sign.manifest_unreadable", path=str(folder), reason=str(exc)) from exc
    listed = {e["name"]: e for e in manifest.get("files", [])}
    present = {p.relative_to(folder).as_posix(): p for p in _dossier_files(folder)}
    changed = [
        name
        for name, entry in listed.items()
        if name in present
        and (present[name].stat().st_size != entry["size"] or sha256_of(present[name]) != entry["sha256"])
    ]
    return ManifestReport(
        signer=describe(status.signing_cert).common_name if status.signing_cert else None,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        added=tuple(sorted(set(present) - set(listed))),
        missing=tuple(sorted(set(listed) - set(present))),
        changed=tuple(sorted(changed)),
    )
