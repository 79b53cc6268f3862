"""Forged and damaged PDFs for the signing hardening tests: shadow attacks between signatures, broken signature
dictionaries and CMS blobs, and signatures made straight with pyHanko (bypassing the app's certificate checks).

Every helper edits a file in place, as an attacker with the file and a PDF library would.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from .pki import PASSWORD

# The task title of a rendered Mẫu 1 sits near the top of page 1.
TITLE_BOX = (60.0, 600.0, 550.0, 780.0)
SHADOW_TEXT = b"NHIEM VU DA BI THAY THE"


def _appearance(writer, box: tuple[float, float, float, float], text: bytes):  # type: ignore[no-untyped-def]
    """An opaque white box with text on it: drawn over the page, it hides what the signer saw."""
    from pyhanko.pdf_utils import generic

    width, height = box[2] - box[0], box[3] - box[1]
    font = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Font"),
            generic.NameObject("/Subtype"): generic.NameObject("/Type1"),
            generic.NameObject("/BaseFont"): generic.NameObject("/Helvetica"),
        }
    )
    content = b"1 1 1 rg 0 0 %.1f %.1f re f 0 0 0 rg BT /F1 18 Tf 10 %.1f Td (%s) Tj ET" % (
        width,
        height,
        height / 2,
        text,
    )
    stream = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/XObject"),
            generic.NameObject("/Subtype"): generic.NameObject("/Form"),
            generic.NameObject("/BBox"): generic.ArrayObject(generic.FloatObject(v) for v in (0, 0, width, height)),
            generic.NameObject("/Resources"): generic.DictionaryObject(
                {
                    generic.NameObject("/Font"): generic.DictionaryObject(
                        {generic.NameObject("/F1"): writer.add_object(font)}
                    )
                }
            ),
        },
        stream_data=content,
    )
    return writer.add_object(stream)


def _page(writer, index: int):  # type: ignore[no-untyped-def]
    return writer.root["/Pages"]["/Kids"][index].get_object()


def _rect(box: tuple[float, float, float, float]):  # type: ignore[no-untyped-def]
    from pyhanko.pdf_utils import generic

    return generic.ArrayObject(generic.FloatObject(v) for v in box)


def _add_widget_field(path: Path, name: str, field_type: str, page: int, box, value=None) -> None:  # type: ignore[no-untyped-def]
    """A new form field with its own visible widget and appearance, in a new incremental update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with path.open("r+b") as fh:
        writer = IncrementalPdfFileWriter(fh, strict=False)
        page_obj = _page(writer, page)
        page_ref = writer.root["/Pages"].raw_get("/Kids")[page]
        field = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/Widget"),
                generic.NameObject("/FT"): generic.NameObject(field_type),
                generic.NameObject("/T"): generic.TextStringObject(name),
                generic.NameObject("/F"): generic.NumberObject(4),
                generic.NameObject("/Rect"): _rect(box),
                generic.NameObject("/P"): page_ref,
                generic.NameObject("/AP"): generic.DictionaryObject(
                    {generic.NameObject("/N"): _appearance(writer, box, SHADOW_TEXT)}
                ),
            }
        )
        if value is not None:
            field[generic.NameObject("/V")] = generic.TextStringObject(value)
        field_ref = writer.add_object(field)
        annots = page_obj.get("/Annots")
        if annots is None:
            page_obj[generic.NameObject("/Annots")] = generic.ArrayObject([field_ref])
        else:
            annots = annots.get_object()
            annots.append(field_ref)
            if isinstance(page_obj.raw_get("/Annots"), generic.IndirectObject):
                writer.update_container(annots)
        writer.update_container(page_obj)
        acroform = writer.root["/AcroForm"]
        acroform["/Fields"].append(field_ref)
        writer.update_container(acroform["/Fields"])
        writer.update_container(acroform)
        writer.update_root()
        writer.write_in_place()


def add_shadow_signature_field(path: Path, name: str = "Shadow", page: int = 0, box=TITLE_BOX) -> None:  # type: ignore[no-untyped-def]
    """The shadow attack of issue 8: a new, unsigned, visible signature field whose appearance covers the title."""
    _add_widget_field(path, name, "/Sig", page, box)


def add_text_field(path: Path, name: str, value: str, page: int = 0, box=TITLE_BOX) -> None:  # type: ignore[no-untyped-def]
    _add_widget_field(path, name, "/Tx", page, box, value)


def _field(writer, name: str):  # type: ignore[no-untyped-def]
    for ref in writer.root["/AcroForm"]["/Fields"]:
        if ref.get_object().get("/T") == name:
            return ref.get_object()
    raise KeyError(name)


def change_text_field(path: Path, name: str, value: str) -> None:
    """A new value (and a new appearance showing it) for an existing text field."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with path.open("r+b") as fh:
        writer = IncrementalPdfFileWriter(fh, strict=False)
        field = _field(writer, name)
        field[generic.NameObject("/V")] = generic.TextStringObject(value)
        box = tuple(float(v) for v in field["/Rect"])
        field[generic.NameObject("/AP")] = generic.DictionaryObject(
            {generic.NameObject("/N"): _appearance(writer, box, value.encode("ascii"))}
        )
        writer.update_container(field)
        writer.write_in_place()


def replace_appearance(path: Path, name: str, text: bytes = SHADOW_TEXT) -> None:
    """Only the appearance stream of an existing field changes: the value stays, what is shown does not."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with path.open("r+b") as fh:
        writer = IncrementalPdfFileWriter(fh, strict=False)
        field = _field(writer, name)
        box = tuple(float(v) for v in field["/Rect"])
        field[generic.NameObject("/AP")] = generic.DictionaryObject(
            {generic.NameObject("/N"): _appearance(writer, box, text)}
        )
        writer.update_container(field)
        writer.write_in_place()


def add_annotation(path: Path, page: int = 0, box=TITLE_BOX) -> None:  # type: ignore[no-untyped-def]
    """A FreeText annotation drawn over the title."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with path.open("r+b") as fh:
        writer = IncrementalPdfFileWriter(fh, strict=False)
        page_obj = _page(writer, page)
        annot = generic.DictionaryObject(
            {
                generic.NameObject("/Type"): generic.NameObject("/Annot"),
                generic.NameObject("/Subtype"): generic.NameObject("/FreeText"),
                generic.NameObject("/Rect"): _rect(box),
                generic.NameObject("/Contents"): generic.TextStringObject("NHIEM VU DA BI THAY THE"),
                generic.NameObject("/DA"): generic.TextStringObject("/Helv 18 Tf 0 g"),
                generic.NameObject("/AP"): generic.DictionaryObject(
                    {generic.NameObject("/N"): _appearance(writer, box, SHADOW_TEXT)}
                ),
            }
        )
        ref = writer.add_object(annot)
        annots = page_obj.get("/Annots")
        if annots is None:
            page_obj[generic.NameObject("/Annots")] = generic.ArrayObject([ref])
        else:
            annots = annots.get_object()
            annots.append(ref)
            if isinstance(page_obj.raw_get("/Annots"), generic.IndirectObject):
                writer.update_container(annots)
        writer.update_container(page_obj)
        writer.write_in_place()


def set_keywords(path: Path, keywords: str) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    with path.open("r+b") as fh:
        writer = IncrementalPdfFileWriter(fh, strict=False)
        info = writer.trailer["/Info"]
        info[generic.NameObject("/Keywords")] = generic.TextStringObject(keywords)
        writer.update_container(info)
        writer.write_in_place()


# --- damaged signature dictionaries and CMS blobs -------------------------------------------------------------


def _last_signature_span(data: bytes) -> tuple[int, int]:
    """Where the hex digits of the last /Contents <...> of a signature lie."""
    matches = list(re.finditer(rb"/Contents\s*<([0-9A-Fa-f]{1000,})>", data))
    assert matches, "no signature contents found"
    return matches[-1].start(1), matches[-1].end(1)


def null_byte_range(path: Path) -> None:
    """`/ByteRange [0 a b c]` of the last signature becomes `/ByteRange null` (same length, so offsets hold)."""
    data = bytearray(path.read_bytes())
    matches = list(re.finditer(rb"/ByteRange\s*\[[^\]]*\]", data))
    assert matches, "no byte range found"
    match = matches[-1]
    replacement = b"/ByteRange null"
    data[match.start() : match.end()] = replacement.ljust(match.end() - match.start())
    path.write_bytes(bytes(data))


SHA256_OID_HEX = b"0609608648016503040201"


def corrupt_digest_algorithm(path: Path) -> None:
    """The signer's digest algorithm OID in the last CMS blob becomes an unknown one."""
    data = bytearray(path.read_bytes())
    start, end = _last_signature_span(bytes(data))
    hex_blob = bytes(data[start:end]).upper()
    hits = [m.start() for m in re.finditer(SHA256_OID_HEX, hex_blob)]
    assert len(hits) >= 2, "expected the OID in digestAlgorithms and in the SignerInfo"
    for hit in hits:
        at = start + hit + len(SHA256_OID_HEX) - 2
        data[at : at + 2] = b"7F"
    path.write_bytes(bytes(data))


def garbage_contents(path: Path) -> None:
    data = bytearray(path.read_bytes())
    start, end = _last_signature_span(bytes(data))
    data[start:end] = (b"DEADBEEF" * ((end - start) // 8 + 1))[: end - start]
    path.write_bytes(bytes(data))


def truncate(path: Path, keep: float = 0.97) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


# --- signatures made without the app's checks -----------------------------------------------------------------


def sign_raw(source: Path, target: Path, p12: Path, field: str, password: str = PASSWORD) -> None:
    """Sign with pyHanko directly, as another tool would: no certificate checks before signing."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12_data(p12.read_bytes(), [], passphrase=password.encode())
    with source.open("rb") as src, target.open("wb") as out:
        writer = IncrementalPdfFileWriter(src, strict=False)
        meta = signers.PdfSignatureMetadata(
            field_name=field, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        signers.PdfSigner(meta, signer=signer).sign_pdf(writer, output=out)


@dataclass
class FuturePki:
    root_pem: Path
    future_p12: Path


def make_future_pki(folder: Path) -> FuturePki:
    """A root of its own and a signing certificate that only becomes valid in 2090."""
    folder.mkdir(parents=True, exist_ok=True)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "VISTA Future Root CA")])
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Đỗ Chưa Tới")])
    usage = {
        "content_commitment": True,
        "key_encipherment": False,
        "data_encipherment": False,
        "key_agreement": False,
        "encipher_only": False,
        "decipher_only": False,
    }
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2100, 1, 1, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, **usage), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2090, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2095, 1, 1, tzinfo=dt.UTC))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False, **usage), critical=True
        )
        .sign(root_key, hashes.SHA256())
    )
    root_pem, p12 = folder / "future-root.pem", folder / "future.p12"
    root_pem.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"future", key, leaf, [root], serialization.BestAvailableEncryption(PASSWORD.encode())
        )
    )
    return FuturePki(root_pem, p12)
