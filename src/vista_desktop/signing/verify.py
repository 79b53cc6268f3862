"""Verifying the signatures of a PDF: per signature, and for the document as a whole.

"Unchanged since the last signature" needs more than pyHanko's bottom line, which accepts bytes appended after
%%EOF: the newest signature must also cover the entire file.

pyHanko's modification level is not enough either: it accepts as "form filling" a new visible signature field or
a changed text value drawn over the task title between two signatures (a shadow attack). Every revision after a
signature is audited on its own (signing.revisions): only a signature field filled by a later valid signature is
accepted, anything else is reported by name.

Whatever a file holds, verification gives a report: a signature that cannot be read or checked is reported as
damaged, and a file cut short is checked up to its last complete revision. Only a file with no readable revision
at all raises (DocumentProblem).
"""

from __future__ import annotations

import io
import logging
import mmap
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from vista_desktop.signing.certificates import SIGNING_USAGES, describe
from vista_desktop.signing.errors import DocumentProblem, os_reason
from vista_desktop.signing.logs import quiet_pyhanko
from vista_desktop.signing.revisions import Change, audit_revisions
from vista_desktop.signing.trust import TrustStore

log = logging.getLogger(__name__)

# Modification levels a later revision may reach without invalidating an earlier signature.
ALLOWED_MODIFICATIONS = {"NONE", "LTA_UPDATES", "FORM_FILLING"}

# Problems (i18n keys) that say the document itself was altered or damaged — as opposed to who signed it — the
# most direct cause first: a broken signature explains the "changed after" of the signatures before it.
INTEGRITY_PROBLEMS = (
    "verify.damaged",
    "verify.not_intact",
    "verify.modified_after",
    "verify.certification_broken",
)
DOCUMENT_INTEGRITY_PROBLEMS = ("verify.file_damaged", "verify.changed_after_last")

# How many earlier %%EOF markers to try when a file cannot be read whole (a truncated download or copy).
SALVAGE_ATTEMPTS = 16


@dataclass(frozen=True)
class SignatureReport:
    field: str
    signer: str
    organisation: str
    citizen_id: str | None
    tax_code: str | None
    signing_time: datetime | None
    timestamped: bool
    intact: bool
    trusted: bool
    coverage: str  # ENTIRE_FILE, ENTIRE_REVISION, CONTIGUOUS_BLOCK_FROM_START, UNCLEAR
    modification: str  # NONE, FORM_FILLING, … OTHER: what later revisions changed
    certifying: bool
    problems: tuple[str, ...]  # i18n keys (verify.*), no parameters
    changes: tuple[Change, ...] = ()  # what changed after this signature that no later signature accounts for
    revision: int | None = None  # the revision this signature covers (None when it cannot be read)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def damaged(self) -> bool:
        return "verify.damaged" in self.problems

    def messages(self, language: str | None = None) -> list[str]:
        """Every problem of this signature in words, each change after it named."""
        from vista_desktop.i18n import tr

        return [tr(code, language) for code in self.problems] + [c.message(language) for c in self.changes]


@dataclass(frozen=True)
class VerificationReport:
    path: Path
    signatures: tuple[SignatureReport, ...]
    problems: tuple[str, ...] = field(default=())
    damaged: bool = False  # only a part of the file could be read

    @property
    def unchanged_since_last_signature(self) -> bool:
        return not self.damaged and bool(self.signatures) and self.signatures[-1].coverage == "ENTIRE_FILE"

    @property
    def ok(self) -> bool:
        return (
            bool(self.signatures)
            and all(s.ok for s in self.signatures)
            and self.unchanged_since_last_signature
            and not self.problems
        )

    @property
    def integrity_problems(self) -> list[tuple[str, str]]:
        """(field, problem) for every sign that the file was altered or damaged, whoever the signers are, the
        most specific first; the field is "" for a problem of the whole file."""
        found = [(s.field, p) for s in self.signatures for p in s.problems if p in INTEGRITY_PROBLEMS]
        found.sort(key=lambda item: INTEGRITY_PROBLEMS.index(item[1]))  # stable: signing order within a kind
        return found + [("", p) for p in DOCUMENT_INTEGRITY_PROBLEMS if p in self.problems]

    def as_json(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "ok": self.ok,
            "unchanged_since_last_signature": self.unchanged_since_last_signature,
            "damaged": self.damaged,
            "problems": list(self.problems),
            "signatures": [
                {
                    **asdict(s),
                    "signing_time": s.signing_time.isoformat() if s.signing_time else None,
                    "ok": s.ok,
                    "messages": s.messages(),
                }
                for s in self.signatures
            ],
        }


# --- one signature ---------------------------------------------------------------------------------------------


@dataclass
class _Candidate:
    """A filled signature field, before and after pyHanko has read and checked it."""

    name: str
    field: Any  # the field dictionary
    revision: int | None  # revision of its signature object
    embedded: Any = None  # EmbeddedPdfSignature, when readable
    status: Any = None  # PdfSignatureStatus, when it could be checked

    @property
    def valid(self) -> bool:
        return self.status is not None and bool(self.status.intact and self.status.valid)


def _candidates(reader: Any) -> Iterator[_Candidate]:
    from pyhanko.pdf_utils import generic
    from pyhanko.sign.fields import enumerate_sig_fields

    # Unlike reader.embedded_signatures, one unreadable signature does not hide the others, and a signature with an
    # unknown /SubFilter is reported instead of silently skipped.
    for name, value, field_ref in enumerate_sig_fields(reader, filled_status=True):
        revision = None
        if isinstance(value, generic.IndirectObject):
            try:
                revision = reader.xrefs.get_last_change(value.reference)
            except Exception:  # an object the cross-reference table does not know: damaged below
                revision = None
        yield _Candidate(str(name), field_ref, revision)


def _key_usage_constraints() -> Any:
    from pyhanko.sign.validation.settings import KeyUsageConstraints

    # The same rule as for signing (certificates.SIGNING_USAGES); pyHanko's default wants non-repudiation only.
    return KeyUsageConstraints(key_usage=set(SIGNING_USAGES), match_all_key_usages=False)


def _check(candidate: _Candidate, reader: Any, trust: TrustStore) -> None:
    """Read and validate one signature; leaves `embedded`/`status` None where that failed (logged at DEBUG)."""
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature

    try:
        candidate.embedded = EmbeddedPdfSignature(reader, candidate.field, candidate.name)
        if candidate.embedded.sig_object_type == "/DocTimeStamp":
            candidate.status = validate_pdf_timestamp(candidate.embedded, trust.validation_context())
        else:
            candidate.status = validate_pdf_signature(
                candidate.embedded, trust.validation_context(), key_usage_settings=_key_usage_constraints()
            )
        if candidate.revision is None:
            candidate.revision = candidate.embedded.signed_revision
    except Exception:  # anything pyHanko cannot read or check is a damaged signature, never a traceback
        log.debug("signature %s could not be checked", candidate.name, exc_info=True)
        candidate.status = None


def _trust_problem(status: Any, cert: Any) -> str:
    """Why an intact signature is not trusted, in the words that fit (not always "no trusted authority")."""
    info = describe(cert)
    if info.key_usage and not info.key_usage & SIGNING_USAGES:
        return "verify.cert_key_usage"
    if status.revoked:
        return "verify.cert_revoked"
    moments = [m for m in (getattr(status, "validation_time", None), _signing_time(status)) if m is not None]
    moments = moments or [datetime.now(UTC)]
    if any(m > info.not_after for m in moments):
        return "verify.cert_expired"
    if any(m < info.not_before for m in moments):
        return "verify.cert_not_yet_valid"
    return "verify.untrusted"


def _signing_time(status: Any) -> datetime | None:
    timestamp = getattr(status, "timestamp_validity", None)
    if timestamp is not None and timestamp.intact and timestamp.valid:
        return timestamp.timestamp  # type: ignore[no-any-return]
    return getattr(status, "signer_reported_dt", None) or getattr(status, "timestamp", None)


def _damaged_report(candidate: _Candidate, changes: tuple[Change, ...]) -> SignatureReport:
    signer = organisation = ""
    citizen_id = tax_code = None
    if candidate.embedded is not None:
        try:  # the certificate may still be readable when the rest is not; it helps a user say whose it was
            cert = describe(candidate.embedded.signer_cert)
            signer, organisation = cert.common_name, cert.organisation
            citizen_id, tax_code = cert.citizen_id, cert.tax_code
        except Exception:
            log.debug("no readable certificate in signature %s", candidate.name, exc_info=True)
    return SignatureReport(
        field=candidate.name,
        signer=signer,
        organisation=organisation,
        citizen_id=citizen_id,
        tax_code=tax_code,
        signing_time=None,
        timestamped=False,
        intact=False,
        trusted=False,
        coverage="UNCLEAR",
        modification="OTHER",
        certifying=False,
        problems=("verify.damaged",),
        changes=changes,
        revision=candidate.revision,
    )


def _report(candidate: _Candidate, changes: tuple[Change, ...]) -> SignatureReport:
    status, embedded = candidate.status, candidate.embedded
    cert = describe(status.signing_cert)
    coverage = status.coverage.name if status.coverage is not None else "UNCLEAR"
    modification = status.modification_level.name if status.modification_level is not None else "OTHER"
    certifying = embedded.docmdp_level is not None
    problems = []
    if not candidate.valid:
        problems.append("verify.not_intact")
    elif not status.trusted:
        problems.append(_trust_problem(status, status.signing_cert))  # only meaningful for an intact signature
    if modification not in ALLOWED_MODIFICATIONS or changes:
        problems.append("verify.modified_after")
    if certifying and status.docmdp_ok is False:
        problems.append("verify.certification_broken")
    return SignatureReport(
        field=candidate.name,
        signer=cert.common_name,
        organisation=cert.organisation,
        citizen_id=cert.citizen_id,
        tax_code=cert.tax_code,
        signing_time=_signing_time(status),
        timestamped=getattr(status, "timestamp_validity", None) is not None,
        intact=candidate.valid,
        trusted=bool(status.trusted),
        coverage=coverage,
        modification=modification,
        certifying=certifying,
        problems=tuple(problems),
        changes=changes,
        revision=candidate.revision,
    )


def _safe_report(candidate: _Candidate, changes: tuple[Change, ...]) -> SignatureReport:
    if candidate.status is None:
        return _damaged_report(candidate, changes)
    try:
        return _report(candidate, changes)
    except Exception:
        log.debug("signature %s could not be reported", candidate.name, exc_info=True)
        return _damaged_report(candidate, changes)


# --- the document ----------------------------------------------------------------------------------------------


def _verify_reader(reader: Any, trust: TrustStore) -> tuple[tuple[SignatureReport, ...], list[str]]:
    problems: list[str] = []
    try:
        candidates = list(_candidates(reader))
    except Exception:  # a form tree that cannot be walked (cycles, wrong types)
        log.debug("signature fields could not be listed", exc_info=True)
        return (), ["verify.file_damaged"]
    for candidate in candidates:
        _check(candidate, reader, trust)
    # In signing order; a signature whose revision cannot be told goes last, where it cannot hide a change.
    candidates.sort(key=lambda c: (c.revision is None, c.revision or 0))

    accounted: dict[int, frozenset[str]] = {}
    for candidate in candidates:
        if candidate.valid and candidate.revision is not None:
            accounted[candidate.revision] = accounted.get(candidate.revision, frozenset()) | {candidate.name}
    known = [c.revision for c in candidates if c.revision is not None]
    audits = audit_revisions(reader, accounted, min(known)) if known else {}

    reports = []
    for candidate in candidates:
        since = candidate.revision
        changes = tuple(
            change
            for revision, found in sorted(audits.items())
            if since is not None and revision > since
            for change in found
        )
        reports.append(_safe_report(candidate, changes))
    return tuple(reports), problems


def _open_reader(stream: IO[bytes]) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(stream, strict=False)
    _ = reader.root  # make it read the trailer and the catalog now, not halfway through the checks
    return reader


def _readable_prefixes(data: bytes | mmap.mmap) -> Iterator[int]:
    """Lengths of the file up to each earlier %%EOF marker, newest first: where an incremental update ended."""
    end = len(data)
    for _ in range(SALVAGE_ATTEMPTS):
        at = data.rfind(b"%%EOF", 0, end)
        if at < 0:
            return
        length = at + len(b"%%EOF")
        while length < len(data) and data[length : length + 1] in (b"\r", b"\n"):
            length += 1
        yield length
        end = at


def _salvage(fh: IO[bytes], trust: TrustStore) -> tuple[tuple[SignatureReport, ...], list[str]] | None:
    """Check the longest part of a damaged file that ends at a complete revision; None when there is none."""
    try:
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    with mapped:
        for length in _readable_prefixes(mapped):
            if length >= len(mapped):
                continue  # the whole file is what failed
            try:
                reader = _open_reader(io.BytesIO(mapped[:length]))
                reports, problems = _verify_reader(reader, trust)
            except Exception:
                log.debug("no readable revision ending at byte %d", length, exc_info=True)
                continue
            log.info("damaged PDF: checked its first %d bytes of %d", length, len(mapped))
            return reports, problems
    return None


def verify_pdf(path: Path, trust: TrustStore | None = None) -> VerificationReport:
    """The verdict on every signature of `path`. Raises DocumentProblem only for a file that cannot be opened or
    has no readable PDF revision at all; anything wrong inside a signature is in the report."""
    quiet_pyhanko()
    trust = trust or TrustStore.default()
    damaged = False
    try:
        with path.open("rb") as fh:
            try:
                reader = _open_reader(fh)
            except Exception as exc:
                salvaged = _salvage(fh, trust)
                if salvaged is None:
                    raise DocumentProblem(
                        "sign.pdf_unreadable", path=str(path), reason=str(exc) or type(exc).__name__
                    ) from exc
                reports, problems = salvaged
                problems = ["verify.file_damaged", *problems]
                damaged = True
            else:
                reports, problems = _verify_reader(reader, trust)
    except OSError as exc:
        raise DocumentProblem("sign.file_unreadable", path=str(path), reason=os_reason(exc)) from exc
    if not reports:
        if "verify.file_damaged" not in problems:
            problems.append("verify.no_signatures")
    elif reports[-1].coverage != "ENTIRE_FILE" and not damaged and not reports[-1].damaged:
        # (a damaged last signature says so itself: the file is not "changed after" it, the signature is broken)
        problems.append("verify.changed_after_last")
    return VerificationReport(path, reports, tuple(dict.fromkeys(problems)), damaged)
