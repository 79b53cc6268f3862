"""PAdES signatures with a visible stamp, each in its own field, added as incremental updates.

Before anything is signed (and before a PIN is asked for) the input is checked: a working copy is refused, a
document whose existing signatures are broken or were followed by unsigned changes is refused (a signer never
endorses a tampered file), and the field is chosen — the next empty signature block in signing order when none is
named, never one that is already signed.

The output is written to a temporary file in the destination folder, signed in place (a large file is never
buffered whole in memory) and renamed on success; a failure leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509

from vista_desktop.fileio import atomic_path
from vista_desktop.signing.certificates import CertificateInfo, check_can_sign
from vista_desktop.signing.errors import CertificateProblem, DocumentProblem, os_reason, read_head
from vista_desktop.signing.identities import Identity, open_signer
from vista_desktop.signing.revisions import Change
from vista_desktop.signing.stamp import stamp_params, stamp_style
from vista_desktop.signing.trust import TrustStore

log = logging.getLogger(__name__)

# Where a new field goes when the document has none of that name: the lower right of the last page.
DEFAULT_BOX = (330.0, 60.0, 555.0, 140.0)

# The signature blocks of the forms, in the order people sign: principal investigator, head, managing unit.
SIGNING_ORDER = ("Sig_pi", "Sig_head", "Sig_managing_unit")
NEW_FIELD_PREFIX = "Signature"

# The renderer writes this token into a draft export's document-info /Keywords: such a file is never signed.
WORKING_COPY_TOKEN = "vista-working-copy"


@dataclass(frozen=True)
class FieldPlacement:
    name: str
    page: int  # from 0; -1 is the last page
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class SignRequest:
    source: Path
    target: Path
    field: str | None = None  # None: the next empty signature block in signing order (see choose_field)
    placement: FieldPlacement | None = None
    reason: str | None = None
    location: str | None = None
    organisation: str | None = None  # printed on the stamp; the certificate's O= when not given
    seal_image: Path | None = None
    timestamp_url: str | None = None
    certify: bool = False
    later_fields: tuple[FieldPlacement, ...] = ()  # created in the certified revision so certification holds


@dataclass(frozen=True)
class SignResult:
    path: Path
    field: str
    signer: CertificateInfo
    signed_at: datetime


def check_chain(cert: x509.Certificate, chain: tuple[x509.Certificate, ...], trust: TrustStore) -> None:
    """Refuse a certificate whose chain does not reach a trusted root, saying whose it is."""
    from pyhanko_certvalidator import CertificateValidator
    from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError

    context = trust.validation_context(extra=chain)
    validator = CertificateValidator(cert, intermediate_certs=list(chain), validation_context=context)
    try:
        asyncio.run(validator.async_validate_path())
    except (PathBuildingError, PathValidationError) as exc:
        raise CertificateProblem(
            "sign.cert_untrusted", name=cert.subject.native.get("common_name", ""), issuer=cert.issuer.human_friendly
        ) from exc


def _check_pdf(path: Path) -> None:
    if b"%PDF-" not in read_head(path, 1024, DocumentProblem, "sign.file_unreadable"):
        raise DocumentProblem("sign.not_a_pdf", path=str(path))


@dataclass(frozen=True)
class FieldState:
    name: str
    signed: bool


def choose_field(fields: list[FieldState], requested: str | None, placement: FieldPlacement | None = None) -> str:
    """The field to sign: `requested` if given (refused when already signed), else the first empty block in
    signing order, else any other empty field in document order, else a new name that collides with none."""
    by_name = {f.name: f for f in fields}
    if requested is not None:
        if requested in by_name and by_name[requested].signed:
            raise DocumentProblem("sign.field_filled", field=requested)
        return requested
    empty = [f.name for f in fields if not f.signed]
    for name in (*SIGNING_ORDER, *empty):
        if name in empty:
            return name
    if placement is not None and placement.name not in by_name:
        return placement.name
    return new_field_name(fields)


def new_field_name(fields: list[FieldState]) -> str:
    """A name for a new signature field that collides with none of `fields`: Signature1, Signature2, …"""
    names = {f.name for f in fields}
    number = 1
    while f"{NEW_FIELD_PREFIX}{number}" in names:
        number += 1
    return f"{NEW_FIELD_PREFIX}{number}"


def _is_working_copy(reader: Any) -> bool:
    try:
        keywords = reader.trailer["/Info"].get("/Keywords")
    except (KeyError, TypeError, AttributeError):
        return False
    tokens = re.split(r"[\s,;]+", str(keywords or "").casefold())
    return WORKING_COPY_TOKEN in tokens


def _read_fields(path: Path) -> tuple[list[FieldState], bool]:
    """The signature fields of `path` and whether it is a working copy."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            fields = [FieldState(str(name), bool(value)) for name, value, _ in enumerate_sig_fields(reader)]
            return fields, _is_working_copy(reader)
    except OSError as exc:
        raise DocumentProblem("sign.file_unreadable", path=str(path), reason=os_reason(exc)) from exc
    except Exception as exc:  # whatever pyHanko raises on a damaged file: the user is told, not shown a traceback
        raise DocumentProblem("sign.pdf_unreadable", path=str(path), reason=str(exc) or type(exc).__name__) from exc


class TamperedDocument(DocumentProblem):
    """The input's existing signatures do not verify. `params["problem"]` is the verification problem's key; the
    changes after the signature are named in the message, all in the language the message is asked in."""

    def __init__(self, code: str, changes: tuple[Change, ...] = (), **params: object) -> None:
        super().__init__(code, **params)
        self.changes = changes

    def message(self, language: str | None = None) -> str:
        from vista_desktop.i18n import tr

        detail = tr(str(self.params["problem"]), language)
        if self.changes:
            detail = f"{detail} ({'; '.join(c.message(language) for c in self.changes)})"
        return tr(self.code, language, **{**self.params, "problem": detail})


def _refuse_tampered(path: Path, trust: TrustStore) -> None:
    """Refuse to countersign a document whose existing signatures are broken or were followed by changes no
    signature accounts for. Who signed (trust, expiry) is the verifier's business and is not checked here: an
    expired certificate of an earlier signer must not block the next one."""
    from vista_desktop.signing.verify import verify_pdf

    report = verify_pdf(path, trust)
    problems = report.integrity_problems
    if not problems:
        return
    field, code = problems[0]
    if not field:
        raise TamperedDocument("sign.document_altered", path=str(path), problem=code)
    changes = next((s.changes for s in report.signatures if s.field == field), ())
    raise TamperedDocument("sign.existing_signature_broken", changes, path=str(path), field=field, problem=code)


def prepare(request: SignRequest, trust: TrustStore) -> str:
    """Every check on the input document before a signer is opened; returns the field to sign."""
    _check_pdf(request.source)
    fields, working_copy = _read_fields(request.source)
    if working_copy:
        raise DocumentProblem("sign.working_copy", path=str(request.source))
    field = choose_field(fields, request.field, request.placement)
    if any(f.signed for f in fields):
        _refuse_tampered(request.source, trust)
    return field


def _existing_fields(writer: object) -> set[str]:
    from pyhanko.sign.fields import enumerate_sig_fields

    return {name for name, _value, _ref in enumerate_sig_fields(writer.prev, filled_status=None)}  # type: ignore[attr-defined]


def _field_spec(placement: FieldPlacement, pages: int) -> Any:
    from pyhanko.sign.fields import SigFieldSpec

    page = placement.page if placement.page >= 0 else pages + placement.page
    x1, y1, x2, y2 = (round(v) for v in placement.box)
    return SigFieldSpec(placement.name, on_page=page, box=(x1, y1, x2, y2))


def _sign_copy(
    request: SignRequest, field: str, working: Path, signer: Any, info: CertificateInfo, moment: datetime
) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import FormFillingError, PdfError, PdfReadError
    from pyhanko.sign import fields, signers

    from vista_desktop.signing.tsa import timestamper

    with working.open("r+b") as fh:  # 'r+b': pyHanko streams in place instead of buffering the file
        try:
            writer = IncrementalPdfFileWriter(fh, strict=False)
        except (PdfReadError, ValueError) as exc:
            raise DocumentProblem("sign.pdf_unreadable", path=str(request.source), reason=str(exc)) from exc
        pages = int(writer.root["/Pages"]["/Count"])
        existing = _existing_fields(writer)
        for later in request.later_fields if request.certify else ():
            if later.name not in existing:
                fields.append_signature_field(writer, _field_spec(later, pages))
        new_field = None
        if field not in existing:
            placement = request.placement or FieldPlacement(field, -1, DEFAULT_BOX)
            new_field = _field_spec(FieldPlacement(field, placement.page, placement.box), pages)
        meta = signers.PdfSignatureMetadata(
            field_name=field,
            reason=request.reason,
            location=request.location,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=request.certify,
            docmdp_permissions=fields.MDPPerm.FILL_FORMS,
        )
        organisation = request.organisation or info.organisation
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            stamp_style=stamp_style(request.seal_image, with_org=bool(organisation)),
            new_field_spec=new_field,
            timestamper=timestamper(request.timestamp_url),
        )
        try:
            pdf_signer.sign_pdf(
                writer, in_place=True, appearance_text_params=stamp_params(info.common_name, organisation, moment)
            )
        except (FormFillingError, PdfError) as exc:  # pyHanko's own refusals (a field of another type, …)
            log.debug("pyHanko refused to sign %s", request.source.name, exc_info=True)
            raise DocumentProblem("sign.pdf_refused", path=str(request.source), reason=str(exc)) from exc


def sign_pdf(
    request: SignRequest,
    identity: Identity,
    secret: str | None,
    trust: TrustStore | None = None,
    moment: datetime | None = None,
) -> SignResult:
    """Sign `request.source` into `request.target`. Raises SigningProblem with the reason a user can act on."""
    from vista_desktop.signing.logs import quiet_pyhanko
    from vista_desktop.signing.same_signer import refuse_same_signer

    quiet_pyhanko()
    trust = trust or TrustStore.default()
    field = prepare(request, trust)
    moment = moment or datetime.now(UTC)
    with open_signer(identity, secret) as opened:
        info = check_can_sign(opened.certificate, moment)
        check_chain(opened.certificate, opened.chain, trust)
        refuse_same_signer(request.source, opened.certificate)  # one certificate, one block of a document
        # Signed in place on a copy beside the target (a large file is never buffered whole); no partial output.
        with atomic_path(request.target, suffix=".pdf") as working:
            shutil.copyfile(request.source, working)
            _sign_copy(request, field, working, opened.signer, info, moment)
    log.info("signed %s in field %s", request.target.name, field)
    return SignResult(request.target, field, info, moment)


def add_signature_fields(path: Path, placements: list[FieldPlacement]) -> None:
    """Empty signature fields on a rendered form's signature blocks, so every signer lands on the right block."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import append_signature_field

    with path.open("r+b") as fh:
        writer = IncrementalPdfFileWriter(fh, strict=False)
        pages = int(writer.root["/Pages"]["/Count"])
        existing = _existing_fields(writer)
        for placement in placements:
            if placement.name not in existing:
                append_signature_field(writer, _field_spec(placement, pages))
        writer.write_in_place()  # type: ignore[no-untyped-call]


def signature_fields(path: Path) -> list[FieldState]:
    """The signature fields of a PDF and whether each is signed (for the sign dialog and the drafts list)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            return [FieldState(str(name), bool(value)) for name, value, _ in enumerate_sig_fields(reader)]
    except OSError as exc:
        raise DocumentProblem("sign.file_unreadable", path=str(path), reason=os_reason(exc)) from exc
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DocumentProblem("sign.pdf_unreadable", path=str(path), reason=str(exc)) from exc
