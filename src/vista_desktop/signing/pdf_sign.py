"""PAdES signatures with a visible stamp, each in its own field, added as incremental updates.

The output is written to a temporary file in the destination folder, signed in place (a large file is never
buffered whole in memory) and renamed on success; a failure leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from asn1crypto import x509

from vista_desktop.signing.certificates import CertificateInfo, check_can_sign
from vista_desktop.signing.errors import CertificateProblem, DocumentProblem, os_reason, read_head
from vista_desktop.signing.identities import Identity, open_signer
from vista_desktop.signing.stamp import stamp_params, stamp_style
from vista_desktop.signing.trust import TrustStore

log = logging.getLogger(__name__)

# Where a new field goes when the document has none of that name: the lower right of the last page.
DEFAULT_BOX = (330.0, 60.0, 555.0, 140.0)


@dataclass(frozen=True)
class FieldPlacement:
    name: str
    page: int  # from 0; -1 is the last page
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class SignRequest:
    source: Path
    target: Path
    field: str = "Signature1"
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


def _existing_fields(writer: object) -> set[str]:
    from pyhanko.sign.fields import enumerate_sig_fields

    return {name for name, _value, _ref in enumerate_sig_fields(writer.prev, filled_status=None)}  # type: ignore[attr-defined]


def _field_spec(placement: FieldPlacement, pages: int) -> Any:
    from pyhanko.sign.fields import SigFieldSpec

    page = placement.page if placement.page >= 0 else pages + placement.page
    x1, y1, x2, y2 = (round(v) for v in placement.box)
    return SigFieldSpec(placement.name, on_page=page, box=(x1, y1, x2, y2))


def _sign_copy(request: SignRequest, working: Path, signer: Any, info: CertificateInfo, moment: datetime) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.misc import PdfReadError
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
        if request.field not in existing:
            placement = request.placement or FieldPlacement(request.field, -1, DEFAULT_BOX)
            new_field = _field_spec(FieldPlacement(request.field, placement.page, placement.box), pages)
        meta = signers.PdfSignatureMetadata(
            field_name=request.field,
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
        pdf_signer.sign_pdf(
            writer, in_place=True, appearance_text_params=stamp_params(info.common_name, organisation, moment)
        )


def sign_pdf(
    request: SignRequest,
    identity: Identity,
    secret: str | None,
    trust: TrustStore | None = None,
    moment: datetime | None = None,
) -> SignResult:
    """Sign `request.source` into `request.target`. Raises SigningProblem with the reason a user can act on."""
    _check_pdf(request.source)
    trust = trust or TrustStore.default()
    moment = moment or datetime.now(UTC)
    target_dir = request.target.resolve().parent
    with open_signer(identity, secret) as opened:
        info = check_can_sign(opened.certificate, moment)
        check_chain(opened.certificate, opened.chain, trust)
        fd, name = tempfile.mkstemp(prefix=".vista-sign-", suffix=".pdf", dir=target_dir)
        os.close(fd)
        working = Path(name)
        try:
            shutil.copyfile(request.source, working)
            _sign_copy(request, working, opened.signer, info, moment)
            os.replace(working, request.target)
        except BaseException:  # no partial output, whatever went wrong
            working.unlink(missing_ok=True)
            raise
    log.info("signed %s in field %s", request.target.name, request.field)
    return SignResult(request.target, request.field, info, moment)


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


@dataclass(frozen=True)
class FieldState:
    name: str
    signed: bool


def signature_fields(path: Path) -> list[FieldState]:
    """The signature fields of a PDF and whether each is signed (for the sign dialog and the drafts list)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        with path.open("rb") as fh:
            reader = PdfFileReader(fh, strict=False)
            return [FieldState(str(name), value is not None) for name, value, _ in enumerate_sig_fields(reader)]
    except OSError as exc:
        raise DocumentProblem("sign.file_unreadable", path=str(path), reason=os_reason(exc)) from exc
    except (PdfReadError, ValueError, KeyError) as exc:
        raise DocumentProblem("sign.pdf_unreadable", path=str(path), reason=str(exc)) from exc
