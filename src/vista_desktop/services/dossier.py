"""Dossier use cases for the GUI and the CLI: sign a dossier folder's manifest, verify a folder against its signed
manifest. Both are tasks: pass the `TaskContext` for progress by bytes and cancel; signing runs on the signing
lane (`tasks.run(lambda ctx: sign_manifest(..., context=ctx), lane="signing")`).

The folder logic is `dossier/` (no pyHanko), the signature `signing.cms`. A problem that prevents the work raises
a `VistaError` (`DossierProblem`, `SigningProblem`, `Cancelled`); a signature or files that do not match are the
report's verdict.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop.dossier import (
    MANIFEST,
    SIGNATURE,
    DossierProblem,
    build_manifest,
    compare,
    parse_manifest,
    read_bounded,
)
from vista_desktop.dossier.manifest import MAX_MANIFEST_BYTES
from vista_desktop.errors import os_reason
from vista_desktop.fileio import atomic_path
from vista_desktop.signing.errors import DocumentProblem
from vista_desktop.tasks import TaskContext

if TYPE_CHECKING:
    from vista_desktop.signing.certificates import CertificateInfo
    from vista_desktop.signing.identities import Identity
    from vista_desktop.signing.trust import TrustStore

__all__ = ["ManifestReport", "ManifestSignature", "sign_manifest", "verify_manifest", "write_manifest_pair"]

# Share of the progress bar for hashing; the rest is the signature (a PIN pad may wait on the user).
_HASHING = 0.9
SIGNATURE_DAMAGED = "cms.signature_damaged"
NOT_INTACT = "dossier.signature_not_intact"
UNTRUSTED = "dossier.signature_untrusted"


@dataclass(frozen=True)
class ManifestSignature:
    manifest: Path
    signature: Path
    signer: CertificateInfo
    files: int


@dataclass(frozen=True)
class ManifestReport:
    signer: str | None  # the signer's common name; None when the signature could not be read
    intact: bool
    trusted: bool
    added: tuple[str, ...]
    missing: tuple[str, ...]
    changed: tuple[str, ...]
    problems: tuple[str, ...] = ()  # i18n keys about the signature (damaged, not intact, untrusted)

    @property
    def ok(self) -> bool:
        return self.intact and self.trusted and not (self.problems or self.added or self.missing or self.changed)


def write_manifest_pair(folder: Path, payload: bytes, signature: bytes) -> None:
    """manifest.json and manifest.json.p7s into `folder`: both fully written beside their targets before either
    replaces the old one, so an interruption leaves the old pair or the new one (the renames follow each other)."""
    try:
        with atomic_path(folder / SIGNATURE) as new_signature, atomic_path(folder / MANIFEST) as new_manifest:
            new_manifest.write_bytes(payload)
            new_signature.write_bytes(signature)
    except OSError as exc:
        raise DossierProblem("dossier.unwritable", path=str(folder), reason=os_reason(exc)) from exc


def sign_manifest(
    folder: Path,
    identity: Identity,
    secret: str | None,
    trust: TrustStore | None = None,
    context: TaskContext | None = None,
) -> ManifestSignature:
    """Hash every file of the dossier folder, then write manifest.json and its detached signature
    manifest.json.p7s. Cancelled while hashing, it writes nothing and leaves any earlier pair as it was."""
    from vista_desktop.signing.cms import sign_detached
    from vista_desktop.signing.trust import TrustStore

    context = context or TaskContext()
    trust = trust or TrustStore.default()
    manifest = build_manifest(folder, context=context.share(0.0, _HASHING))
    payload = manifest.to_bytes()
    context.progress(_HASHING, SIGNATURE)
    signature, signer = sign_detached(payload, identity, secret, trust)
    context.check()  # the last moment a cancel keeps the folder as it was
    write_manifest_pair(folder, payload, signature)
    context.progress(1.0, SIGNATURE)
    return ManifestSignature(folder / MANIFEST, folder / SIGNATURE, signer, len(manifest.files))


def _signature_verdict(payload: bytes, signature: bytes, trust: TrustStore) -> tuple[str | None, bool, bool, str]:
    """(signer, intact, trusted, problem key or "") for the detached signature over the manifest bytes."""
    from vista_desktop.signing.cms import verify_detached

    try:
        verdict = verify_detached(payload, signature, trust)
    except DocumentProblem as problem:
        if problem.code != SIGNATURE_DAMAGED:
            raise
        return None, False, False, SIGNATURE_DAMAGED
    signer = verdict.signer.common_name if verdict.signer is not None else None
    problem_key = "" if verdict.intact and verdict.trusted else (UNTRUSTED if verdict.intact else NOT_INTACT)
    return signer, verdict.intact, verdict.trusted, problem_key


def verify_manifest(
    folder: Path, trust: TrustStore | None = None, context: TaskContext | None = None
) -> ManifestReport:
    """Check the signature over manifest.json, then re-hash the files and name those added, missing or changed.
    A damaged signature is a verdict (the files are still compared); a damaged manifest raises DossierProblem
    with the reason, as there is then nothing to compare with."""
    from vista_desktop.signing.cms import MAX_SIGNATURE_BYTES
    from vista_desktop.signing.trust import TrustStore

    context = context or TaskContext()
    if not folder.is_dir():
        raise DossierProblem("dossier.not_a_folder", path=str(folder))
    trust = trust or TrustStore.default()
    payload = read_bounded(folder / MANIFEST, MAX_MANIFEST_BYTES, "dossier.no_manifest")
    signature = read_bounded(folder / SIGNATURE, MAX_SIGNATURE_BYTES, "dossier.no_signature")
    signer, intact, trusted, problem = _signature_verdict(payload, signature, trust)
    manifest = parse_manifest(payload, str(folder / MANIFEST))
    diff = compare(folder, manifest, context)
    return ManifestReport(
        signer, intact, trusted, diff.added, diff.missing, diff.changed, (problem,) if problem else ()
    )
