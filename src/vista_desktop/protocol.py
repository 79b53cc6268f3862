"""The submission protocol shared by the desktop client (`vista_desktop.sync`) and the reference intake server
(`vista_intake`): its fixed points, the JSON shapes both sides check, and the tus 1.0 header helpers.

Pure standard library: the intake server imports this module and nothing else of the desktop app.

Fixed points (provincial systems and scripts rely on them):
- the OpenAPI document at `/openapi.json`; everything else under `/api/v1/`;
- `POST /api/v1/auth/token` with `{"account", "password"}` → `{"access_token", "expires_in"}` (a Bearer token);
- tus 1.0 at `/api/v1/uploads/` (core + creation, checksum (sha256), termination, expiration), each upload with
  `Upload-Metadata` keys `submission` (the UUID) and `path` (a path of the manifest, or one of `EXTRA_FILES`);
- `PUT /api/v1/submissions/{uuid}` with `{"manifest": …}`: the client-made UUID is the idempotency key (the same
  manifest again → 200 with the existing submission; another manifest → 409);
- `POST /api/v1/submissions/{uuid}/complete`: the server re-hashes every file against the manifest (and checks the
  manifest's detached signature when `manifest.json.p7s` was uploaded) and answers with the receipt;
- `GET /api/v1/submissions/{uuid}`: the status (`open`, `received`, `accepted` with the registration and
  certificate numbers, `returned` with reasons) and the receipt.

Every JSON answer of the API carries `"protocol": PROTOCOL` so that a client never takes a captive portal's 200
page, or any other server's JSON, for success.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PROTOCOL = "vista-intake/1"
API_PREFIX = "/api/v1"
OPENAPI_PATH = "/openapi.json"
TOKEN_PATH = f"{API_PREFIX}/auth/token"
UPLOADS_PATH = f"{API_PREFIX}/uploads/"
SUBMISSIONS_PATH = f"{API_PREFIX}/submissions"

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = ("creation", "checksum", "termination", "expiration")
CHECKSUM_ALGORITHM = "sha256"
TUS_CONTENT_TYPE = "application/offset+octet-stream"
# The tus checksum extension's status for a chunk whose checksum does not match.
STATUS_CHECKSUM_MISMATCH = 460

MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.json.p7s"
# Files a submission may carry beyond the manifest's list: the exact signed bytes of the manifest and its signature.
EXTRA_FILES = (MANIFEST_NAME, SIGNATURE_NAME)
MAX_EXTRA_FILE_BYTES = 256 << 20

# Submission states as the server reports them.
OPEN, RECEIVED, ACCEPTED, RETURNED = "open", "received", "accepted", "returned"
STATES = (OPEN, RECEIVED, ACCEPTED, RETURNED)
FINAL_STATES = (ACCEPTED, RETURNED)

# Error codes in `{"protocol", "error": code, "detail"}` bodies.
ERR_UNAUTHORIZED = "unauthorized"
ERR_BAD_CREDENTIALS = "bad_credentials"
ERR_TOO_MANY_ATTEMPTS = "too_many_attempts"
ERR_BAD_REQUEST = "bad_request"
ERR_MANIFEST_CONFLICT = "manifest_conflict"
ERR_TOO_LARGE = "too_large"
ERR_NOT_FOUND = "not_found"
ERR_OFFSET_MISMATCH = "offset_mismatch"
ERR_CHECKSUM_MISMATCH = "checksum_mismatch"
ERR_INCOMPLETE = "incomplete"
ERR_LOCKED = "locked"
ERR_WRONG_STATE = "wrong_state"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_DRIVE = re.compile(r"[A-Za-z]:")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ProtocolViolation(ValueError):
    """A message that does not follow the protocol (a malformed manifest, header or body)."""


def submission_path(submission: str) -> str:
    return f"{SUBMISSIONS_PATH}/{submission}"


def complete_path(submission: str) -> str:
    return f"{SUBMISSIONS_PATH}/{submission}/complete"


def is_submission_id(value: str) -> bool:
    """A canonical lower-case UUID, as the client generates it."""
    return bool(_UUID.fullmatch(value))


def safe_relative_path(value: object) -> str:
    """`value` as a relative forward-slash path that cannot name anything outside its folder, NFC."""
    if not isinstance(value, str):
        raise ProtocolViolation("path is not a string")
    parts = value.split("/")
    if (
        not value
        or len(value) > 1024
        or value.startswith("/")
        or "\\" in value
        or any(ord(c) < 32 for c in value)
        or _DRIVE.match(value)
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ProtocolViolation(f"unsafe path {value!r}")
    return unicodedata.normalize("NFC", value)


@dataclass(frozen=True)
class DeclaredFile:
    path: str
    size: int
    sha256: str
    slot: str | None = None


def manifest_files(manifest: object) -> tuple[DeclaredFile, ...]:
    """The files a manifest object declares, each checked (safe path, size, SHA-256), paths unique."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise ProtocolViolation("manifest has no files list")
    found: list[DeclaredFile] = []
    seen: set[str] = set()
    for raw in manifest["files"]:
        if not isinstance(raw, dict):
            raise ProtocolViolation("file entry is not an object")
        path = safe_relative_path(raw.get("path"))
        size, digest, slot = raw.get("size"), raw.get("sha256"), raw.get("slot")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise ProtocolViolation(f"bad size for {path}")
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise ProtocolViolation(f"bad sha256 for {path}")
        if slot is not None and not isinstance(slot, str):
            raise ProtocolViolation(f"bad slot for {path}")
        if path in seen or path in EXTRA_FILES:
            raise ProtocolViolation(f"duplicate or reserved path {path}")
        seen.add(path)
        found.append(DeclaredFile(path, size, digest, slot))
    return tuple(found)


def canonical_json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def manifest_digest(manifest: object) -> str:
    """SHA-256 of the manifest object in canonical JSON: what "the same manifest" means for idempotency."""
    return hashlib.sha256(canonical_json(manifest)).hexdigest()


# tus headers ------------------------------------------------------------------------------------------------------


def encode_metadata(values: Mapping[str, str]) -> str:
    """tus `Upload-Metadata`: comma-separated `key base64(value)` pairs (values may be Vietnamese: UTF-8)."""
    return ",".join(f"{key} {base64.b64encode(value.encode('utf-8')).decode('ascii')}" for key, value in values.items())


def decode_metadata(header: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in header.split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ProtocolViolation(f"bad Upload-Metadata value for {key!r}") from exc
    return values


def checksum_header(digest: bytes) -> str:
    """`Upload-Checksum` for a chunk whose raw SHA-256 is `digest`."""
    return f"{CHECKSUM_ALGORITHM} {base64.b64encode(digest).decode('ascii')}"


def parse_checksum_header(header: str) -> tuple[str, bytes]:
    algorithm, _, encoded = header.strip().partition(" ")
    try:
        return algorithm.lower(), base64.b64decode(encoded.strip(), validate=True)
    except binascii.Error as exc:
        raise ProtocolViolation("bad Upload-Checksum") from exc


def parse_offset(value: str | None) -> int:
    if value is None or not value.isdigit() or len(value) > 19:
        raise ProtocolViolation("bad Upload-Offset/Upload-Length")
    return int(value)


# Bodies -----------------------------------------------------------------------------------------------------------


def body(**fields: Any) -> dict[str, Any]:
    return {"protocol": PROTOCOL, **fields}


def error_body(code: str, detail: str = "") -> dict[str, Any]:
    return body(error=code, detail=detail)


def is_protocol_body(value: object) -> bool:
    return isinstance(value, dict) and value.get("protocol") == PROTOCOL


@dataclass(frozen=True)
class SubmissionStatus:
    """What `GET /api/v1/submissions/{uuid}` (and PUT, complete) answer, checked."""

    submission: str
    status: str
    manifest_sha256: str
    uploads: Mapping[str, tuple[str | None, int]]  # path -> (upload URL or None, offset received)
    registration_number: str | None
    certificate_number: str | None
    reasons: tuple[str, ...]
    receipt: Mapping[str, Any] | None

    @staticmethod
    def from_body(value: object) -> SubmissionStatus:
        if not is_protocol_body(value):
            raise ProtocolViolation("not a protocol body")
        assert isinstance(value, dict)
        status, files = value.get("status"), value.get("files")
        if status not in STATES or not isinstance(files, list):
            raise ProtocolViolation("bad submission body")
        uploads: dict[str, tuple[str | None, int]] = {}
        for item in files:
            if not isinstance(item, dict) or not isinstance(item.get("path"), str):
                raise ProtocolViolation("bad file entry")
            url, offset = item.get("upload"), item.get("offset", 0)
            if (url is not None and not isinstance(url, str)) or not isinstance(offset, int):
                raise ProtocolViolation("bad file entry")
            uploads[item["path"]] = (url, offset)
        reasons = value.get("reasons") or []
        receipt = value.get("receipt")
        return SubmissionStatus(
            submission=str(value.get("submission", "")),
            status=str(status),
            manifest_sha256=str(value.get("manifest_sha256", "")),
            uploads=uploads,
            registration_number=_optional_text(value.get("registration_number")),
            certificate_number=_optional_text(value.get("certificate_number")),
            reasons=tuple(str(r) for r in reasons) if isinstance(reasons, list) else (),
            receipt=receipt if isinstance(receipt, dict) else None,
        )


def _optional_text(value: object) -> str | None:
    return value if isinstance(value, str) else None
