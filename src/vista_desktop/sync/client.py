"""The HTTP side of the protocol. Every answer is checked twice: the expected status code AND the expected body or
headers (a protocol JSON body, the tus headers), so that a captive portal's "200 OK" page, a proxy's error or
another server is never taken for success.

Errors are classified once, here: `SyncRetry` (network errors, 408, 423, 429, 460, 5xx, an answer that is not
the protocol's) or `SyncProblem` (400, 401 on sign-in, 403, 409, 413, 422). TLS is always verified; a
department's own CA bundle may be added.
"""

from __future__ import annotations

import hashlib
import json
import ssl
import time
from collections.abc import Iterator, Mapping
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, BinaryIO

import httpx

from vista_desktop import protocol as p
from vista_desktop.sync.errors import SyncProblem, SyncRetry

_RETRY_STATUSES = {408, 423, 425, 429, 500, 502, 503, 504, p.STATUS_CHECKSUM_MISMATCH}
_STOP_STATUSES = {400: "sync.rejected", 403: "sync.forbidden", 413: "sync.too_large", 422: "sync.rejected"}
_BLOCK = 1 << 20


class TokenExpired(Exception):
    """A 401 on an authenticated request: sign in again, then repeat."""


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _detail(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if p.is_protocol_body(body):
        return f"HTTP {response.status_code} {body.get('error', '')}: {body.get('detail', '')}".strip()
    return f"HTTP {response.status_code}"


def file_chunks(handle: BinaryIO, offset: int, length: int) -> Iterator[bytes]:
    """`length` bytes of an open file from `offset`, in blocks: the body of a streamed request (flat memory)."""
    handle.seek(offset)
    left = length
    while left > 0:
        block = handle.read(min(_BLOCK, left))
        if not block:
            raise SyncProblem("sync.file_changed", path=getattr(handle, "name", ""))
        left -= len(block)
        yield block


def chunk_sha256(handle: BinaryIO, offset: int, length: int) -> bytes:
    digest = hashlib.sha256()
    for block in file_chunks(handle, offset, length):
        digest.update(block)
    return digest.digest()


class IntakeClient:
    def __init__(
        self,
        server_url: str,
        *,
        ca_bundle: Path | None = None,
        timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        verify: ssl.SSLContext | bool = True
        if ca_bundle is not None:
            # The department's CA on top of the system's, never instead of verification.
            context = ssl.create_default_context()
            context.load_verify_locations(cafile=str(ca_bundle))
            verify = context
        self.server_url = server_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.server_url,
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=15.0),
            follow_redirects=False,  # a redirect is a portal or a misconfiguration, never our answer
            transport=transport,
        )
        self._token: str | None = None
        self._credentials: tuple[str, str] | None = None
        self.checksums = True

    def close(self) -> None:
        self._http.close()

    # Transport ----------------------------------------------------------------------------------------------------

    def _send(
        self, method: str, url: str, expect: tuple[int, ...], *, auth: bool = True, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if auth:
            if self._token is None:
                self.sign_in_again()
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = self._http.request(method, url, headers=headers, **kwargs)
        except httpx.TimeoutException as exc:
            raise SyncRetry("sync.timeout", reason=type(exc).__name__) from exc
        except httpx.TransportError as exc:
            raise SyncRetry("sync.network", reason=str(exc) or type(exc).__name__) from exc
        if response.status_code in expect:
            return response
        status = response.status_code
        if status == 401 and auth:
            self._token = None
            raise TokenExpired()
        if status == 401:
            raise SyncProblem("sync.bad_credentials")
        if status in _RETRY_STATUSES:
            raise SyncRetry("sync.server_busy", _retry_after(response), detail=_detail(response))
        if status in _STOP_STATUSES:
            raise SyncProblem(_STOP_STATUSES[status], detail=_detail(response))
        if status == 409:
            raise SyncProblem("sync.conflict", detail=_detail(response))
        raise SyncRetry("sync.not_intake_server", _retry_after(response), detail=f"HTTP {status}")

    def _call(self, method: str, url: str, expect: tuple[int, ...], **kwargs: Any) -> httpx.Response:
        """An authenticated request, repeated once after signing in again if the token expired. Only for
        requests that are safe to repeat (all of this protocol's but a PATCH, whose body is a stream)."""
        try:
            return self._send(method, url, expect, **kwargs)
        except TokenExpired:
            self.sign_in_again()
            try:
                return self._send(method, url, expect, **kwargs)
            except TokenExpired as exc:
                raise SyncProblem("sync.forbidden", detail="HTTP 401") from exc

    @staticmethod
    def _protocol_json(response: httpx.Response) -> dict[str, Any]:
        try:
            body = response.json()
        except (ValueError, UnicodeDecodeError) as exc:
            raise SyncRetry("sync.not_intake_server", detail=f"HTTP {response.status_code}, not JSON") from exc
        if not p.is_protocol_body(body):
            raise SyncRetry("sync.not_intake_server", detail=f"HTTP {response.status_code}, not the protocol")
        assert isinstance(body, dict)
        return body

    @staticmethod
    def _tus_checked(response: httpx.Response) -> httpx.Response:
        if response.headers.get("tus-resumable") != p.TUS_VERSION:
            raise SyncRetry("sync.not_intake_server", detail=f"HTTP {response.status_code}, no Tus-Resumable")
        return response

    def _status(self, response: httpx.Response) -> p.SubmissionStatus:
        try:
            return p.SubmissionStatus.from_body(self._protocol_json(response))
        except p.ProtocolViolation as exc:
            raise SyncRetry("sync.not_intake_server", detail=str(exc)) from exc

    # Sign-in ------------------------------------------------------------------------------------------------------

    def sign_in(self, account: str, password: str) -> None:
        self._credentials = (account, password)
        self.sign_in_again()

    def sign_in_again(self) -> None:
        if self._credentials is None:
            raise SyncProblem("sync.no_account")
        account, password = self._credentials
        response = self._send("POST", p.TOKEN_PATH, (200,), auth=False, json={"account": account, "password": password})
        body = self._protocol_json(response)
        token = body.get("access_token")
        if not isinstance(token, str) or not token or not isinstance(body.get("expires_in"), int):
            raise SyncRetry("sync.not_intake_server", detail="no access_token")
        self._token = token

    # Submissions --------------------------------------------------------------------------------------------------

    def get_submission(self, submission: str) -> p.SubmissionStatus | None:
        try:
            response = self._call("GET", p.submission_path(submission), (200, 404))
        except SyncProblem:
            raise
        if response.status_code == 404:
            self._protocol_json(response)  # a portal's 404 page is not "the server has no such submission"
            return None
        return self._status(response)

    def put_submission(self, submission: str, manifest: Mapping[str, Any]) -> p.SubmissionStatus:
        content = json.dumps({"manifest": manifest}, ensure_ascii=False).encode("utf-8")
        response = self._call(
            "PUT",
            p.submission_path(submission),
            (200, 201),
            content=content,
            headers={"Content-Type": "application/json"},
        )
        return self._status(response)

    def complete(self, submission: str) -> p.SubmissionStatus:
        return self._status(self._call("POST", p.complete_path(submission), (200,)))

    # tus ----------------------------------------------------------------------------------------------------------

    def tus_capabilities(self) -> None:
        """Read OPTIONS: use per-chunk checksums only if the server offers sha256 (an independent tus server may
        not; the whole-file SHA-256 is then checked at completion)."""
        response = self._tus_checked(self._send("OPTIONS", p.UPLOADS_PATH, (200, 204), auth=False))
        if p.TUS_VERSION not in response.headers.get("tus-version", "").split(","):
            raise SyncRetry("sync.not_intake_server", detail="tus 1.0 not offered")
        extensions = {e.strip() for e in response.headers.get("tus-extension", "").split(",")}
        algorithms = {a.strip() for a in response.headers.get("tus-checksum-algorithm", "").split(",")}
        self.checksums = "checksum" in extensions and p.CHECKSUM_ALGORITHM in algorithms

    def create_upload(self, submission: str, path: str, length: int) -> str:
        response = self._tus_checked(
            self._call(
                "POST",
                p.UPLOADS_PATH,
                (201,),
                headers={
                    "Tus-Resumable": p.TUS_VERSION,
                    "Upload-Length": str(length),
                    "Upload-Metadata": p.encode_metadata(
                        {
                            "submission": submission,
                            "path": path,
                            # What other tus servers expect (tus-js-client's keys); ours reads `path`.
                            "filename": path.rsplit("/", 1)[-1],
                            "filetype": "application/octet-stream",
                        }
                    ),
                },
            )
        )
        location = str(response.headers.get("location") or "")
        if not location:
            raise SyncRetry("sync.not_intake_server", detail="no Location")
        return location

    def upload_offset(self, url: str) -> int:
        response = self._tus_checked(self._call("HEAD", url, (200,), headers={"Tus-Resumable": p.TUS_VERSION}))
        try:
            return p.parse_offset(response.headers.get("upload-offset"))
        except p.ProtocolViolation as exc:
            raise SyncRetry("sync.not_intake_server", detail="no Upload-Offset") from exc

    def patch(self, url: str, handle: BinaryIO, offset: int, length: int, checksum: bytes | None = None) -> int:
        """Send `length` bytes from `offset` (with `checksum`, the chunk's SHA-256, if the server checks them; it
        is computed here when not given); the server's new offset. A 409 (the server has another offset) is
        answered with that offset, read again with HEAD: the server, never local memory, says where to go on."""
        headers = {"Tus-Resumable": p.TUS_VERSION, "Upload-Offset": str(offset), "Content-Type": p.TUS_CONTENT_TYPE}
        headers["Content-Length"] = str(length)
        if self.checksums:
            digest = checksum if checksum is not None else chunk_sha256(handle, offset, length)
            headers["Upload-Checksum"] = p.checksum_header(digest)
        try:
            response = self._send(
                "PATCH", url, (204, 409), headers=headers, content=file_chunks(handle, offset, length)
            )
        except TokenExpired:
            self.sign_in_again()
            return self.upload_offset(url)
        if response.status_code == 409:
            return self.upload_offset(url)
        self._tus_checked(response)
        try:
            return p.parse_offset(response.headers.get("upload-offset"))
        except p.ProtocolViolation as exc:
            raise SyncRetry("sync.not_intake_server", detail="no Upload-Offset") from exc
