"""The results-registration dossier of Art. 12 (Circular 14/2014 as amended in 2023): its slots, what fills them,
what is missing and why, and exporting it as a folder or a ZIP with its manifest (and a detached signature).

Generated documents (Mẫu 5, the confirmation of completion, Mẫu 8) come from the task's drafts; the user's own
files are attached BY REFERENCE: path, size, modification time and SHA-256 from one streaming pass, never copied
into the database. A file changed since it was attached is found by its size and time, then by its hash — and
exporting hashes every byte it writes, so a change slipped in between is refused by name too.

Export writes nothing that survives a failure or a cancel: a ZIP goes through `fileio.atomic_path`, a folder is
built beside its target under a temporary name and renamed at the end.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from vista_desktop.dossier import MANIFEST, SIGNATURE, DossierProblem, FileEntry, Manifest, new_manifest
from vista_desktop.dossier.manifest import MAX_MANIFEST_BYTES, parse_manifest
from vista_desktop.errors import FileProblem, VistaError, os_reason
from vista_desktop.fileio import CHUNK, atomic_path, sha256_file
from vista_desktop.forms.data import Data, get_path
from vista_desktop.forms.loader import get_definition
from vista_desktop.i18n import tr
from vista_desktop.services.results import MAU05, MAU08, XAC_NHAN, is_state_secret, processes
from vista_desktop.tasks import TaskContext

if TYPE_CHECKING:
    from vista_desktop.services.documents import DocumentService
    from vista_desktop.services.drafts import DraftService
    from vista_desktop.services.results import ResultsService
    from vista_desktop.signing.identities import Identity
    from vista_desktop.signing.trust import TrustStore
    from vista_desktop.storage.dossier_files import AttachedFileRecord, DossierFileRepository

__all__ = [
    "SLOTS",
    "AttachedFile",
    "DossierBuilderService",
    "DossierCheck",
    "DossierContents",
    "DossierIncomplete",
    "DossierSlot",
    "ExportResult",
    "Finding",
    "GeneratedDocument",
    "SlotState",
    "check_dossier",
    "completeness",
    "file_findings",
    "hash_attachment",
    "write_dossier",
]

REQUIRED, CONDITIONAL, OPTIONAL = "required", "conditional", "optional"
MISSING, ATTACHED, GENERATED, SIGNED = "missing", "attached", "generated", "signed"
_PDF_MAGIC = b"%PDF-"
_HEADER_WINDOW = 1024  # readers accept the header anywhere in the first kilobyte
_CHECKING = 0.1  # share of the export's bar for checking files; the rest is writing
# Instead of an identity: signs the manifest's bytes with an identity already open → (signature, signer's name).
ManifestSigner = Callable[[bytes], tuple[bytes, str]]


@dataclass(frozen=True)
class DossierSlot:
    id: str
    requirement: str  # REQUIRED, CONDITIONAL (Mẫu 8 when a process is listed) or OPTIONAL ("if any")
    user_files: bool  # the user attaches files to it
    generated_form: str | None  # the form drafted into it, if any
    pdf_only: bool
    multiple: bool

    @property
    def label(self) -> str:
        return tr(f"dossier_builder.slot.{self.id}")


SLOTS: tuple[DossierSlot, ...] = (
    DossierSlot("registration_form", REQUIRED, False, MAU05, True, False),
    DossierSlot("summary_report", REQUIRED, True, XAC_NHAN, True, False),
    DossierSlot("abstract_report", REQUIRED, True, None, True, False),
    DossierSlot("acceptance_minutes", REQUIRED, True, None, True, False),
    DossierSlot("author_order_agreement", OPTIONAL, True, None, True, False),
    DossierSlot("ip_application", OPTIONAL, True, None, True, False),
    DossierSlot("technology_description", CONDITIONAL, False, MAU08, True, True),
    DossierSlot("annexes", OPTIONAL, True, None, False, True),
)
_BY_ID = {s.id: s for s in SLOTS}
# Components whose absence makes an exported dossier incomplete (checked again from its manifest).
_REQUIRED_USER = ("summary_report", "abstract_report", "acceptance_minutes")


def _missing_user_file(slot_id: str) -> Finding:
    # A component made of a user file and a generated document says which part is missing, not just its name.
    both = _BY_ID[slot_id].user_files and _BY_ID[slot_id].generated_form is not None
    return Finding("dossier_builder.missing_summary_file" if both else "dossier_builder.missing_required", slot_id)


def slot(slot_id: str) -> DossierSlot:
    try:
        return _BY_ID[slot_id]
    except KeyError:
        raise VistaError("dossier_builder.unknown_slot", slot=slot_id) from None


@dataclass(frozen=True)
class Finding:
    """One thing missing or wrong; `blocking` ones stop the export, the others are warnings."""

    code: str  # i18n key
    slot: str | None = None
    params: Mapping[str, object] = field(default_factory=dict)
    blocking: bool = True

    def message(self, language: str | None = None) -> str:
        label = tr(f"dossier_builder.slot.{self.slot}", language) if self.slot else ""
        return tr(self.code, language, slot=label, **self.params)


class DossierIncomplete(VistaError):
    """The dossier cannot be exported: `findings` says each reason."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        blocking = [f for f in findings if f.blocking]
        super().__init__("dossier_builder.incomplete", count=len(blocking))
        self.findings = tuple(findings)


@dataclass(frozen=True)
class GeneratedDocument:
    slot: str
    form_id: str
    version: str
    data: Data
    name: str  # file name inside its slot folder
    pdf: Path | None = None  # an exported (perhaps signed) PDF still matching the draft: used as it is
    draft_id: str | None = None


@dataclass(frozen=True)
class AttachedFile:
    slot: str
    path: Path
    size: int
    mtime_ns: int
    sha256: str
    id: int | None = None
    original: Path | None = None  # kept in the content store: `path` is the copy, this the file attached

    @property
    def shown_path(self) -> Path:
        """The file as the user knows it (its name also names it inside an exported dossier)."""
        return self.original or self.path


@dataclass(frozen=True)
class DossierContents:
    generated: tuple[GeneratedDocument, ...] = ()
    attached: tuple[AttachedFile, ...] = ()

    def mau05(self) -> GeneratedDocument | None:
        return next((g for g in self.generated if g.form_id == MAU05), None)


# --- attaching ----------------------------------------------------------------------------------------------------


def hash_attachment(slot_id: str, path: Path, context: TaskContext | None = None) -> AttachedFile:
    """A user file for `slot_id`, by reference: one streaming pass for its SHA-256 (progress by bytes, cancel)."""
    slot(slot_id)
    path = Path(path).absolute()
    try:
        before = path.stat()
        if not path.is_file():
            raise FileProblem("file.unreadable", path=str(path), reason=tr("file.reason.is_folder"))
        listener = context.bytes_listener(before.st_size, path.name) if context is not None else None
        digest = sha256_file(path, listener)
        after = path.stat()
    except OSError as exc:
        raise FileProblem("file.unreadable", path=str(path), reason=os_reason(exc)) from exc
    if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns):
        raise VistaError("dossier_builder.file_changing", name=path.name)
    return AttachedFile(slot_id, path, after.st_size, after.st_mtime_ns, digest)


def attachment_state(file: AttachedFile, context: TaskContext | None = None, rehash: bool = True) -> str:
    """ "ok", "missing" or "changed": size and time first; a touched file of the same size is hashed again
    (with `rehash`), so that a copy over it with the same bytes is not a change."""
    try:
        info = file.path.stat()
    except OSError:
        return "missing"
    if info.st_size != file.size:
        return "changed"
    if info.st_mtime_ns == file.mtime_ns or not rehash:
        return "ok" if info.st_mtime_ns == file.mtime_ns else "changed"
    listener = context.bytes_listener(info.st_size, file.path.name) if context is not None else None
    try:
        return "ok" if sha256_file(file.path, listener) == file.sha256 else "changed"
    except OSError:
        return "missing"


# --- checks -------------------------------------------------------------------------------------------------------


def _generated(contents: DossierContents, form_id: str) -> list[GeneratedDocument]:
    return [g for g in contents.generated if g.form_id == form_id]


def _attached(contents: DossierContents, slot_id: str) -> list[AttachedFile]:
    return [a for a in contents.attached if a.slot == slot_id]


def _text(data: Data, field_id: str) -> str:
    value = get_path(data, field_id)
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _process_findings(mau05: Data, mau08s: Sequence[GeneratedDocument]) -> list[Finding]:
    described = {_text(g.data, "technology.name").casefold() for g in mau08s}
    products = get_path(mau05, "products") or []
    return [
        Finding("dossier_builder.missing_mau08", "technology_description", {"product": _text(products[i], "name")})
        for i in processes(mau05)
        if _text(products[i], "name").casefold() not in described
    ]


def _form_findings(document: GeneratedDocument) -> list[Finding]:
    from vista_desktop.services.documents import blocking_problems

    if document.pdf is not None:
        return []  # an exported PDF was valid when it was made, and may be signed: it is used as it is
    problems = blocking_problems(get_definition(document.form_id, document.version), document.data)
    if not problems:
        return []
    return [Finding("dossier_builder.form_invalid", document.slot, {"form": document.form_id, "count": len(problems)})]


def completeness(contents: DossierContents) -> list[Finding]:
    """Exactly what is missing and why: each required slot left empty, each process product without its Mẫu 8,
    a state-secret task (never submitted online), generated forms with errors, several files in a one-file slot."""
    findings: list[Finding] = []
    mau05 = contents.mau05()
    if mau05 is None:
        findings.append(Finding("dossier_builder.missing_required", "registration_form"))
    if not _generated(contents, XAC_NHAN):
        findings.append(Finding("dossier_builder.missing_confirmation", "summary_report"))
    for slot_id in _REQUIRED_USER:
        if not _attached(contents, slot_id):
            findings.append(_missing_user_file(slot_id))
    if mau05 is not None:
        findings += _process_findings(mau05.data, _generated(contents, MAU08))
        if is_state_secret(mau05.data):
            level = _text(mau05.data, "security_classification")
            findings.append(Finding("dossier_builder.state_secret", "registration_form", {"level": level}))
    for document in contents.generated:
        findings += _form_findings(document)
    for candidate in SLOTS:
        count = len(_attached(contents, candidate.id))
        if count > 1 and not candidate.multiple:
            findings.append(Finding("dossier_builder.too_many_files", candidate.id, {"count": count}))
        if count and not candidate.user_files:
            findings.append(Finding("dossier_builder.no_user_files", candidate.id))
    return findings


def _pdf_header_ok(path: Path) -> bool:
    with path.open("rb") as fh:
        return _PDF_MAGIC in fh.read(_HEADER_WINDOW)


def _encrypted(path: Path) -> bool | None:
    """Whether the PDF is encrypted (a password, even an empty one); None when pypdf cannot read it at all."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        return bool(PdfReader(path, strict=False).is_encrypted)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _signature_findings(path: Path, slot_id: str, trust: TrustStore | None) -> list[Finding]:
    from vista_desktop.dossier.hashing import contains_bytes

    try:
        # A signature's dictionary is never compressed (its /Contents is patched in place), so a PDF without the
        # bytes "/ByteRange" is unsigned: no need to load pyHanko (0.4 s, 40 MB) for the usual scanned PDF.
        if not contains_bytes(path, b"/ByteRange"):
            return []
    except OSError as exc:
        return [Finding("dossier_builder.file_unreadable", slot_id, {"name": path.name, "reason": os_reason(exc)})]
    from vista_desktop.services.signing import SigningService

    try:
        if not any(f.signed for f in SigningService.fields(path)):
            return []  # scanned from the paper original: allowed unsigned
        report = SigningService.verify(path, trust)
    except VistaError as problem:
        return [Finding("dossier_builder.signature_unreadable", slot_id, {"name": path.name, "reason": str(problem)})]
    if report.integrity_problems or not all(s.intact for s in report.signatures):
        return [Finding("dossier_builder.signature_broken", slot_id, {"name": path.name})]
    if not all(s.trusted for s in report.signatures):
        return [Finding("dossier_builder.signature_untrusted", slot_id, {"name": path.name}, blocking=False)]
    return []


def pdf_findings(path: Path, slot_id: str, trust: TrustStore | None = None) -> list[Finding]:
    """A PDF slot must really hold a PDF, without a password (the regulation forbids one), and its signatures,
    if any, must hold."""
    name = path.name
    try:
        if not _pdf_header_ok(path):
            return [Finding("dossier_builder.not_pdf", slot_id, {"name": name})]
    except OSError as exc:
        return [Finding("dossier_builder.file_unreadable", slot_id, {"name": name, "reason": os_reason(exc)})]
    encrypted = _encrypted(path)
    if encrypted is None:
        return [Finding("dossier_builder.pdf_damaged", slot_id, {"name": name})]
    if encrypted:
        return [Finding("dossier_builder.pdf_encrypted", slot_id, {"name": name})]
    return _signature_findings(path, slot_id, trust)


def encoding_findings(file: AttachedFile) -> list[Finding]:
    """A warning (not a refusal) for a text document in a legacy Vietnamese encoding (TCVN3, VNI)."""
    from vista_desktop.dossier.encoding import legacy_encoding

    found = legacy_encoding(file.path, file.shown_path.suffix)  # a stored copy's name has no extension
    if found is None:
        return []
    name = file.shown_path.name
    return [Finding("dossier_files.legacy_encoding", file.slot, {"name": name, "encoding": found}, blocking=False)]


def file_findings(
    contents: DossierContents,
    trust: TrustStore | None = None,
    context: TaskContext | None = None,
    rehash: bool = True,
) -> list[Finding]:
    """Each attached file still there and unchanged, and each PDF slot holding a sound PDF."""
    findings: list[Finding] = []
    for file in contents.attached:
        if context is not None:
            context.check()
        state = attachment_state(file, context, rehash)
        if state != "ok":
            findings.append(Finding(f"dossier_builder.file_{state}", file.slot, {"name": str(file.path)}))
        elif slot(file.slot).pdf_only:
            findings += pdf_findings(file.path, file.slot, trust)
        else:
            findings += encoding_findings(file)
    for document in contents.generated:
        if document.pdf is not None:
            findings += pdf_findings(document.pdf, document.slot, trust)
    return findings


# --- exporting ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    name: str  # path inside the dossier
    source: Path
    slot: str
    expected_sha256: str | None  # an attached file: the hash it had when attached


@dataclass(frozen=True)
class ExportResult:
    path: Path
    files: int
    total_bytes: int
    signer: str | None
    warnings: tuple[Finding, ...]


def _unique(name: str, taken: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, number = name, 2
    while candidate.casefold() in taken:
        candidate = f"{stem}-{number}{dot}{suffix}"
        number += 1
    taken.add(candidate.casefold())
    return candidate


def _render_all(generated: Sequence[GeneratedDocument], folder: Path, context: TaskContext) -> dict[int, Path]:
    from vista_desktop.services.documents import render_documents

    rendered: dict[int, Path] = {}
    for index, document in enumerate(generated):
        context.progress(index / max(len(generated), 1), document.name)
        if document.pdf is not None:
            rendered[index] = document.pdf
            continue
        target = folder / f"{index}.pdf"
        render_documents(get_definition(document.form_id, document.version), document.data, target)
        rendered[index] = target
    return rendered


def _members(contents: DossierContents, rendered: Mapping[int, Path]) -> list[_Member]:
    taken: dict[str, set[str]] = {}
    members = []
    for index, document in enumerate(contents.generated):
        name = _unique(unicodedata.normalize("NFC", document.name), taken.setdefault(document.slot, set()))
        members.append(_Member(f"{document.slot}/{name}", rendered[index], document.slot, None))
    for file in contents.attached:
        base = unicodedata.normalize("NFC", file.shown_path.name).replace("\\", "_")
        name = _unique(base, taken.setdefault(file.slot, set()))
        members.append(_Member(f"{file.slot}/{name}", file.path, file.slot, file.sha256))
    return sorted(members, key=lambda m: m.name)


def _copy_hashing(member: _Member, sink: IO[bytes], on_bytes: Callable[[int], None]) -> FileEntry:
    from vista_desktop.dossier.hashing import copy_hashing

    try:
        size, sha = copy_hashing(member.source, sink, on_bytes)  # one read: hashed on a second thread
    except OSError as exc:
        raise FileProblem("file.unreadable", path=str(member.source), reason=os_reason(exc)) from exc
    if member.expected_sha256 is not None and sha != member.expected_sha256:
        raise VistaError("dossier_builder.changed_while_exporting", name=str(member.source))
    return FileEntry(member.name, size, sha, member.slot)


class _ZipSink:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        info = zipfile.ZipInfo(name, date_time=_zip_time())
        info.compress_type = zipfile.ZIP_STORED
        with self.archive.open(info, "w", force_zip64=True) as sink:
            yield sink

    def write(self, name: str, data: bytes) -> None:
        with self.open(name) as sink:
            sink.write(data)


class _FolderSink:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as sink:
            yield sink

    def write(self, name: str, data: bytes) -> None:
        with self.open(name) as sink:
            sink.write(data)


def _zip_time() -> tuple[int, int, int, int, int, int]:
    from datetime import datetime

    now = datetime.now()
    return (now.year, now.month, now.day, now.hour, now.minute, now.second)


def _write_members(sink: _ZipSink | _FolderSink, members: Sequence[_Member], context: TaskContext) -> list[FileEntry]:
    total = sum(_size(m.source) for m in members)
    listener = context.bytes_listener(total, "")
    entries = []
    for member in members:
        context.check()
        with sink.open(member.name) as out:
            entries.append(_copy_hashing(member, out, listener))
    return entries


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as exc:
        raise FileProblem("file.unreadable", path=str(path), reason=os_reason(exc)) from exc


def _extra(contents: DossierContents) -> dict[str, Any]:
    mau05 = contents.mau05()
    data = mau05.data if mau05 is not None else {}
    return {
        "dossier": "art12-2023",
        "forms": [{"form": g.form_id, "version": g.version, "slot": g.slot} for g in contents.generated],
        "task": {"title": _text(data, "task.title"), "code": _text(data, "task.code")},
        "processes": len(processes(data)),
    }


@contextmanager
def _folder_output(out: Path) -> Iterator[Path]:
    """A folder built beside `out` and renamed onto it at the end; removed on any failure."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise VistaError("dossier_builder.output_exists", path=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    working = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield working
        if out.exists():
            out.rmdir()
        os.replace(working, out)
    except BaseException:
        shutil.rmtree(working, ignore_errors=True)
        raise


def _sign(
    payload: bytes, identity: Identity | ManifestSigner | None, secret: str | None, trust: TrustStore | None
) -> tuple[bytes | None, str | None]:
    if identity is None:
        return None, None
    if callable(identity):  # a signing session already open (services.dossier_signing: one PIN for everything)
        return identity(payload)
    from vista_desktop.signing.cms import sign_detached
    from vista_desktop.signing.trust import TrustStore

    signature, signer = sign_detached(payload, identity, secret, trust or TrustStore.default())
    return signature, signer.common_name


def write_dossier(
    contents: DossierContents,
    out: Path,
    context: TaskContext | None = None,
    *,
    identity: Identity | ManifestSigner | None = None,
    secret: str | None = None,
    trust: TrustStore | None = None,
) -> ExportResult:
    """Check everything, then write the dossier to `out` (a `.zip`, else a folder): the generated documents
    rendered official, the attached files under their slot folders, manifest.json and, with an identity, its
    detached signature manifest.json.p7s. Anything blocking raises `DossierIncomplete` before a byte is written;
    a failure or cancel later leaves nothing at `out`."""
    context = context or TaskContext()
    out = Path(out)
    findings = completeness(contents) + file_findings(contents, trust, context.share(0.0, _CHECKING), rehash=False)
    if any(f.blocking for f in findings):
        raise DossierIncomplete(findings)
    with tempfile.TemporaryDirectory(prefix="vista-dossier-") as scratch:
        rendered = _render_all(contents.generated, Path(scratch), context.share(_CHECKING, 2 * _CHECKING))
        members = _members(contents, rendered)
        writing = context.share(2 * _CHECKING, 1.0)
        try:
            if out.suffix.lower() == ".zip":
                with (
                    atomic_path(out) as working,
                    zipfile.ZipFile(working, "w", zipfile.ZIP_STORED, allowZip64=True) as archive,
                ):
                    manifest, signer = _fill(_ZipSink(archive), members, contents, writing, identity, secret, trust)
            else:
                with _folder_output(out) as working_folder:
                    sink = _FolderSink(working_folder)
                    manifest, signer = _fill(sink, members, contents, writing, identity, secret, trust)
        except OSError as exc:
            raise FileProblem("file.write_failed", path=str(out), reason=os_reason(exc)) from exc
    warnings = tuple(f for f in findings if not f.blocking)
    return ExportResult(out, len(manifest.files), sum(e.size for e in manifest.files), signer, warnings)


def _fill(
    sink: _ZipSink | _FolderSink,
    members: Sequence[_Member],
    contents: DossierContents,
    context: TaskContext,
    identity: Identity | ManifestSigner | None,
    secret: str | None,
    trust: TrustStore | None,
) -> tuple[Manifest, str | None]:
    manifest = new_manifest(_write_members(sink, members, context), _extra(contents))
    payload = manifest.to_bytes()
    signature, signer = _sign(payload, identity, secret, trust)
    context.check()  # the last moment a cancel leaves nothing behind
    sink.write(MANIFEST, payload)
    if signature is not None:
        sink.write(SIGNATURE, signature)
    return manifest, signer


# --- verifying an exported dossier ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DossierCheck:
    signed: bool
    signer: str | None
    intact: bool
    trusted: bool
    added: tuple[str, ...]
    missing: tuple[str, ...]
    changed: tuple[str, ...]
    components: tuple[Finding, ...]  # required components the manifest does not list
    problems: tuple[str, ...] = ()  # i18n keys about the signature

    @property
    def ok(self) -> bool:
        signature_ok = not self.signed or (self.intact and self.trusted)
        return signature_ok and not (self.problems or self.added or self.missing or self.changed or self.components)


def _component_findings(manifest: Manifest, absent: Sequence[str] = ()) -> list[Finding]:
    """Required components the dossier lacks: not listed in its manifest, or listed but their file is gone."""
    gone = set(absent)
    slots = [e.slot for e in manifest.files if e.path not in gone]
    forms = manifest.extra.get("forms")
    form_ids = {f.get("form") for f in forms if isinstance(f, dict)} if isinstance(forms, list) else set()
    findings = []
    if MAU05 not in form_ids:
        findings.append(Finding("dossier_builder.missing_required", "registration_form"))
    if XAC_NHAN not in form_ids:
        findings.append(Finding("dossier_builder.missing_confirmation", "summary_report"))
    user_counts = {s: slots.count(s) for s in _REQUIRED_USER}
    user_counts["summary_report"] -= 1 if XAC_NHAN in form_ids else 0
    findings += [_missing_user_file(s) for s, n in user_counts.items() if n < 1]
    expected = manifest.extra.get("processes")
    described = slots.count("technology_description")
    if isinstance(expected, int) and described < expected:
        findings.append(
            Finding("dossier_builder.mau08_count", "technology_description", {"expected": expected, "found": described})
        )
    return findings


def _verdict(payload: bytes, signature: bytes | None, trust: TrustStore | None) -> tuple[str | None, bool, bool, str]:
    if signature is None:
        return None, False, False, ""
    from vista_desktop.services.dossier import _signature_verdict
    from vista_desktop.signing.trust import TrustStore

    return _signature_verdict(payload, signature, trust or TrustStore.default())


def _zip_member_bytes(archive: zipfile.ZipFile, name: str, limit: int) -> bytes | None:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        raise DossierProblem("dossier.manifest_damaged.too_large", path=name)
    with archive.open(info) as fh:
        return fh.read(limit + 1)


def _hash_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, on_bytes: Callable[[int], None]) -> str | None:
    """SHA-256 of a member as stored; None when its CRC does not match (the bytes were altered)."""
    digest = hashlib.sha256()
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                on_bytes(len(chunk))
    except zipfile.BadZipFile:
        return None
    return digest.hexdigest()


def _check_zip(path: Path, trust: TrustStore | None, context: TaskContext) -> DossierCheck:
    from vista_desktop.signing.cms import MAX_SIGNATURE_BYTES

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise VistaError("dossier_builder.zip_damaged", path=str(path), reason=str(exc)) from exc
    with archive:
        payload = _zip_member_bytes(archive, MANIFEST, MAX_MANIFEST_BYTES)
        if payload is None:
            raise DossierProblem("dossier.no_manifest", path=str(path))
        signature = _zip_member_bytes(archive, SIGNATURE, MAX_SIGNATURE_BYTES)
        signer, intact, trusted, problem = _verdict(payload, signature, trust)
        manifest = parse_manifest(payload, f"{path}:{MANIFEST}")
        members = {
            unicodedata.normalize("NFC", i.filename): i
            for i in archive.infolist()
            if not i.is_dir() and i.filename not in (MANIFEST, SIGNATURE)
        }
        listed = {e.path: e for e in manifest.files}
        both = [p for p in listed if p in members]
        changed = {p for p in both if members[p].file_size != listed[p].size}
        listener = context.bytes_listener(sum(members[p].file_size for p in both if p not in changed), path.name)
        for name in both:
            context.check()
            if name not in changed and _hash_member(archive, members[name], listener) != listed[name].sha256:
                changed.add(name)
    return DossierCheck(
        signature is not None,
        signer,
        intact,
        trusted,
        tuple(sorted(set(members) - set(listed))),
        tuple(sorted(set(listed) - set(members))),
        tuple(sorted(changed)),
        tuple(_component_findings(manifest, sorted(set(listed) - set(members)))),
        (problem,) if problem else (),
    )


def _check_folder(folder: Path, trust: TrustStore | None, context: TaskContext) -> DossierCheck:
    from vista_desktop.dossier import compare, read_manifest
    from vista_desktop.services.dossier import verify_manifest

    manifest = read_manifest(folder / MANIFEST)
    if (folder / SIGNATURE).exists():
        report = verify_manifest(folder, trust, context)
        return DossierCheck(
            True,
            report.signer,
            report.intact,
            report.trusted,
            report.added,
            report.missing,
            report.changed,
            tuple(_component_findings(manifest, report.missing)),
            report.problems,
        )
    diff = compare(folder, manifest, context)
    components = tuple(_component_findings(manifest, diff.missing))
    return DossierCheck(False, None, False, False, diff.added, diff.missing, diff.changed, components)


def check_dossier(path: Path, trust: TrustStore | None = None, context: TaskContext | None = None) -> DossierCheck:
    """An exported dossier (folder or ZIP, read in place: a ZIP is never extracted) against its manifest and
    signature: files missing, extra or changed, and required components the manifest does not list."""
    context = context or TaskContext()
    path = Path(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return _check_zip(path, trust, context)
    if not path.is_dir():
        raise DossierProblem("dossier.not_a_folder", path=str(path))
    return _check_folder(path, trust, context)


# --- the dossier of a task in the app -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotState:
    slot: DossierSlot
    state: str  # MISSING, ATTACHED, GENERATED or SIGNED
    generated: tuple[GeneratedDocument, ...]
    attached: tuple[AttachedFile, ...]
    needed: bool  # required, or conditional and called for (a process is listed)


def _record_file(record: AttachedFileRecord) -> AttachedFile:
    original = Path(record.original_path) if record.original_path else None
    path = Path(record.path)
    return AttachedFile(record.slot, path, record.size, record.mtime_ns, record.sha256, record.id, original)


_FILE_NAMES = {MAU05: "mau-05.pdf", XAC_NHAN: "xac-nhan.pdf", MAU08: "mau-08.pdf"}
_FORM_SLOTS = {MAU05: "registration_form", XAC_NHAN: "summary_report", MAU08: "technology_description"}


class DossierBuilderService:
    """The dossier of one task: its generated documents from the task's drafts, its attached files, their checks
    and the export."""

    def __init__(
        self,
        drafts: DraftService,
        results: ResultsService,
        documents: DocumentService,
        files: Callable[[], DossierFileRepository],
        store_root: Callable[[], Path] | None = None,
    ) -> None:
        self._drafts, self._results, self._documents, self._files = drafts, results, documents, files
        self._store_root = store_root or _default_store_root

    def task_id(self, task_or_draft_id: str) -> str:
        """A task id as given, or the task of a draft (an ungrouped draft gets its task now)."""
        from vista_desktop.storage.drafts import TaskNotFoundError

        try:
            return self._results.task(task_or_draft_id).id
        except TaskNotFoundError:
            return self._results.task_of(task_or_draft_id).id

    def contents(self, task_id: str) -> DossierContents:
        generated = []
        for summary in self._results.drafts_of_task(task_id):
            if summary.form_id not in _FORM_SLOTS:
                continue
            record = self._drafts.get(summary.id)
            exported = self._documents.form_pdf(record.id)
            usable = exported if exported is not None and not self._documents.outdated(record.id) else None
            generated.append(
                GeneratedDocument(
                    _FORM_SLOTS[record.form_id],
                    record.form_id,
                    record.form_version,
                    record.data,
                    _FILE_NAMES[record.form_id],
                    usable,
                    record.id,
                )
            )
        attached = tuple(_record_file(r) for r in self._files().of_task(task_id))
        return DossierContents(tuple(generated), attached)

    def attach(self, task_id: str, slot_id: str, path: Path, context: TaskContext | None = None) -> AttachedFile:
        """Hash the file (a task: progress, cancel) and remember it by reference."""
        file = hash_attachment(slot_id, path, context)
        if context is not None:
            context.check()  # cancelled at the very end: nothing is recorded
        record = self._files().add(task_id, slot_id, str(file.path), file.size, file.mtime_ns, file.sha256)
        return _record_file(record)

    def detach(self, file_id: int) -> None:
        self._files().remove(file_id)

    def keep_copy(self, file: AttachedFile, context: TaskContext | None = None) -> AttachedFile:
        """Copy an attached file into the app's content store (a task: progress, cancel; the copy's hash checked
        against the attached one) and point the dossier at the copy, so that moving or deleting the original no
        longer breaks it. The original path stays for display and names the file in an export."""
        from vista_desktop.dossier.store import ContentStore

        store = ContentStore(self._store_root())
        if store.holds(file.path):
            return file  # already kept
        stored = store.keep(file.path, file.sha256, context)
        if file.id is None:
            return AttachedFile(file.slot, stored.path, stored.size, stored.mtime_ns, file.sha256, None, file.path)
        if context is not None:
            context.check()  # cancelled at the very end: the dossier still points at the original
        return _record_file(self._files().point_at_copy(file.id, str(stored.path), stored.mtime_ns))

    def accept_change(self, file: AttachedFile, context: TaskContext | None = None) -> AttachedFile:
        """Take a changed attached file as it is now (hashed again)."""
        fresh = hash_attachment(file.slot, file.path, context)
        if file.id is not None:
            self._files().refresh(file.id, fresh.size, fresh.mtime_ns, fresh.sha256)
        return AttachedFile(fresh.slot, fresh.path, fresh.size, fresh.mtime_ns, fresh.sha256, file.id)

    def slot_states(self, task_id: str) -> list[SlotState]:
        contents = self.contents(task_id)
        mau05 = contents.mau05()
        has_process = mau05 is not None and bool(processes(mau05.data))
        states = []
        for candidate in SLOTS:
            generated = tuple(g for g in contents.generated if g.slot == candidate.id)
            attached = tuple(_attached(contents, candidate.id))
            needed = candidate.requirement == REQUIRED or (candidate.requirement == CONDITIONAL and has_process)
            states.append(SlotState(candidate, _state(candidate, generated, attached), generated, attached, needed))
        return states

    def findings(
        self, task_id: str, trust: TrustStore | None = None, context: TaskContext | None = None
    ) -> list[Finding]:
        """The completeness report and the file checks (changed files found by size and time, then hash)."""
        contents = self.contents(task_id)
        return completeness(contents) + file_findings(contents, trust, context)

    def export(
        self,
        task_id: str,
        out: Path,
        context: TaskContext | None = None,
        *,
        identity: Identity | ManifestSigner | None = None,
        secret: str | None = None,
        trust: TrustStore | None = None,
    ) -> ExportResult:
        return write_dossier(self.contents(task_id), out, context, identity=identity, secret=secret, trust=trust)


def _default_store_root() -> Path:
    from vista_desktop.paths import data_dir

    return data_dir() / "store"


def _state(candidate: DossierSlot, generated: Sequence[GeneratedDocument], attached: Sequence[AttachedFile]) -> str:
    if candidate.user_files and candidate.generated_form is not None and not (generated and attached):
        return MISSING  # the summary report needs the user's PDF and the generated confirmation
    if not generated and not attached:
        return MISSING
    if generated and all(g.pdf is not None and _signed(g.pdf) for g in generated):
        return SIGNED
    return GENERATED if generated else ATTACHED


def _signed(pdf: Path) -> bool:
    from vista_desktop.services.signing import signing_state

    try:
        return signing_state(pdf).complete
    except (VistaError, OSError):
        return False
