"""Verifying the signatures of a PDF: per signature, and for the document as a whole.

"Unchanged since the last signature" needs more than pyHanko's bottom line, which accepts bytes appended after
%%EOF: the newest signature must also cover the entire file.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from vista_desktop.signing.certificates import describe
from vista_desktop.signing.errors import DocumentProblem, os_reason
from vista_desktop.signing.trust import TrustStore

log = logging.getLogger(__name__)

# Modification levels a later revision may reach without invalidating an earlier signature.
ALLOWED_MODIFICATIONS = {"NONE", "LTA_UPDATES", "FORM_FILLING"}


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
    problems: tuple[str, ...]  # i18n keys (verify.*)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerificationReport:
    path: Path
    signatures: tuple[SignatureReport, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def unchanged_since_last_signature(self) -> bool:
        return bool(self.signatures) and self.signatures[-1].coverage == "ENTIRE_FILE"

    @property
    def ok(self) -> bool:
        return (
            bool(self.signatures)
            and all(s.ok for s in self.signatures)
            and self.unchanged_since_last_signature
            and not self.problems
        )

    def as_json(self) -> dict[str, object]:
        return {
            "file": str(self.path),
            "ok": self.ok,
            "unchanged_since_last_signature": self.unchanged_since_last_signature,
            "problems": list(self.problems),
            "signatures": [
                {**asdict(s), "signing_time": s.signing_time.isoformat() if s.signing_time else None, "ok": s.ok}
                for s in self.signatures
            ],
        }


def _quiet_pyhanko() -> None:
    # pyHanko logs whole tracebacks at WARNING for an untrusted chain; the report says it instead.
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _report(embedded: object, context: object) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature

    status = validate_pdf_signature(embedded, context)  # type: ignore[arg-type]
    cert = describe(status.signing_cert)
    coverage = status.coverage.name if status.coverage is not None else "UNCLEAR"
    modification = status.modification_level.name if status.modification_level is not None else "OTHER"
    problems = []
    if not (status.intact and status.valid):
        problems.append("verify.not_intact")
    elif not status.trusted:
        problems.append("verify.untrusted")  # only meaningful for an intact signature
    if modification not in ALLOWED_MODIFICATIONS:
        problems.append("verify.modified_after")
    if status.docmdp_ok is False:
        problems.append("verify.certification_broken")
    return SignatureReport(
        field=str(embedded.field_name),  # type: ignore[attr-defined]
        signer=cert.common_name,
        organisation=cert.organisation,
        citizen_id=cert.citizen_id,
        tax_code=cert.tax_code,
        signing_time=status.signer_reported_dt,
        timestamped=status.timestamp_validity is not None,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        coverage=coverage,
        modification=modification,
        certifying=embedded.docmdp_level is not None,  # type: ignore[attr-defined]
        problems=tuple(problems),
    )


def verify_pdf(path: Path, trust: TrustStore | None = None) -> VerificationReport:
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    _quiet_pyhanko()
    trust = trust or TrustStore.default()
    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            embedded = list(reader.embedded_signatures)
            reports = tuple(_report(sig, trust.validation_context()) for sig in embedded)
    except OSError as exc:
        raise DocumentProblem("sign.file_unreadable", path=str(path), reason=os_reason(exc)) from exc
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DocumentProblem("sign.pdf_unreadable", path=str(path), reason=str(exc)) from exc
    problems: list[str] = []
    if not reports:
        problems.append("verify.no_signatures")
    elif reports[-1].coverage != "ENTIRE_FILE":
        problems.append("verify.changed_after_last")
    return VerificationReport(path, reports, tuple(problems))
