"""The ASGI application (Starlette): sign-in, submissions, tus uploads, completion and status.

`create_app(config)` for one process; `app_from_environment()` is the factory uvicorn's workers call
(`--factory`), reading the settings from the environment (see `config.IntakeConfig.from_environment`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from email.utils import format_datetime
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from vista_desktop import protocol as p
from vista_intake.config import IntakeConfig
from vista_intake.db import IntakeDatabase, Submission, Upload, iso, now, operator_key
from vista_intake.files import FileStore, UploadBusy
from vista_intake.openapi import openapi_document
from vista_intake.operator_page import (
    CHALLENGE,
    OPERATOR_PATH,
    PAGE_LIMIT,
    SECURITY_HEADERS,
    STATUS_LABELS,
    basic_credentials,
    render_submissions,
)
from vista_intake.receiving import BodyWriter, RunningHashes

log = logging.getLogger(__name__)

TUS_HEADERS = {"Tus-Resumable": p.TUS_VERSION}


class Refusal(Exception):
    """An answer other than success: the status, the protocol's error code and a detail."""

    def __init__(self, status: int, code: str, detail: str = "", headers: Mapping[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.detail = status, code, detail
        self.headers = dict(headers or {})


def _flush_to_disk(handle: Any) -> None:
    handle.flush()
    os.fsync(handle.fileno())


def _json(status: int, content: dict[str, Any], headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=dict(headers or {}))


def _expires(upload: Upload) -> str:
    return format_datetime(upload.expires_at.replace(tzinfo=UTC), usegmt=True)


class Intake:
    """The handlers, over one database and one storage folder (shared with the other workers)."""

    def __init__(self, config: IntakeConfig) -> None:
        self.config = config
        config.storage.mkdir(parents=True, exist_ok=True)
        self.db = IntakeDatabase(config.database_url)
        self.files = FileStore(config.storage)
        self.running = RunningHashes()
        # Writing, hashing and fsync of upload bodies: off the event loop, so one upload never stalls the others.
        self.io = ThreadPoolExecutor(max_workers=16, thread_name_prefix="intake-io")

    # Helpers ------------------------------------------------------------------------------------------------------

    def account(self, request: Request) -> str:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        account = self.db.account_for(token.strip()) if scheme.lower() == "bearer" and token else None
        if account is None:
            raise Refusal(401, p.ERR_UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})
        return account

    def own_submission(self, submission_id: str, account: str) -> Submission:
        found = self.db.submission(submission_id) if p.is_submission_id(submission_id) else None
        if found is None or found.account != account:
            raise Refusal(404, p.ERR_NOT_FOUND)
        return found

    def own_upload(self, request: Request) -> tuple[Upload, Submission]:
        account = self.account(request)
        upload_id = request.path_params["upload_id"]
        upload = self.db.upload(upload_id) if len(upload_id) == 32 else None
        if upload is None:
            raise Refusal(404, p.ERR_NOT_FOUND, headers=TUS_HEADERS)
        return upload, self.own_submission(upload.submission, account)

    @staticmethod
    def check_tus(request: Request) -> None:
        if request.headers.get("tus-resumable") != p.TUS_VERSION:
            raise Refusal(412, p.ERR_BAD_REQUEST, "Tus-Resumable 1.0.0 required", {"Tus-Version": p.TUS_VERSION})

    def status_body(self, submission: Submission) -> dict[str, Any]:
        uploaded = {u.path: u for u in self.db.uploads_of(submission.uuid)}
        files = []
        for declared in p.manifest_files(submission.manifest):
            upload = uploaded.get(declared.path)
            files.append(
                {
                    "path": declared.path,
                    "size": declared.size,
                    "upload": f"{p.UPLOADS_PATH}{upload.id}" if upload else None,
                    "offset": upload.offset if upload else 0,
                }
            )
        for name in p.EXTRA_FILES:
            if name in uploaded:
                extra = uploaded[name]
                files.append(
                    {
                        "path": name,
                        "size": extra.length,
                        "upload": f"{p.UPLOADS_PATH}{extra.id}",
                        "offset": extra.offset,
                    }
                )
        return p.body(
            submission=submission.uuid,
            status=submission.status,
            manifest_sha256=submission.manifest_sha256,
            created_at=iso(submission.created_at),
            received_at=iso(submission.received_at),
            registration_number=submission.registration_number,
            certificate_number=submission.certificate_number,
            reasons=submission.reasons,
            receipt=submission.receipt,
            files=files,
        )

    # Sign-in ------------------------------------------------------------------------------------------------------

    async def token(self, request: Request) -> Response:
        try:
            payload = await request.json()
        except ValueError as exc:
            raise Refusal(400, p.ERR_BAD_REQUEST, "JSON body required") from exc
        account, password = (payload.get("account"), payload.get("password")) if isinstance(payload, dict) else (0, 0)
        if not isinstance(account, str) or not isinstance(password, str) or not account or len(account) > 100:
            raise Refusal(400, p.ERR_BAD_REQUEST, "account and password required")
        window = self.config.sign_in_window
        if await run_in_threadpool(self.db.recent_failures, account, window) >= self.config.sign_in_failures:
            raise Refusal(429, p.ERR_TOO_MANY_ATTEMPTS, headers={"Retry-After": str(window)})
        token = await run_in_threadpool(self.db.sign_in, account, password, self.config.token_seconds)
        if token is None:
            raise Refusal(401, p.ERR_BAD_CREDENTIALS)
        return _json(200, p.body(access_token=token, token_type="Bearer", expires_in=self.config.token_seconds))

    # Submissions --------------------------------------------------------------------------------------------------

    async def put_submission(self, request: Request) -> Response:
        account = self.account(request)
        submission_id = request.path_params["submission"]
        if not p.is_submission_id(submission_id):
            raise Refusal(400, p.ERR_BAD_REQUEST, "the submission id is a lower-case UUID")
        try:
            payload = await request.json()
            manifest = payload["manifest"]
            declared = p.manifest_files(manifest)
        except (ValueError, KeyError, TypeError) as exc:
            raise Refusal(422, p.ERR_BAD_REQUEST, str(exc)[:200]) from exc
        total = sum(f.size for f in declared)
        too_big = [f.path for f in declared if f.size > self.config.max_file_bytes]
        if too_big or total > self.config.max_submission_bytes:
            detail = f"files over {self.config.max_file_bytes} bytes: {too_big}" if too_big else "submission too large"
            raise Refusal(413, p.ERR_TOO_LARGE, detail)
        digest = p.manifest_digest(manifest)
        submission, created = self.db.create_submission(submission_id, account, manifest, digest, total)
        if submission.account != account or submission.manifest_sha256 != digest:
            raise Refusal(409, p.ERR_MANIFEST_CONFLICT, "this submission id was used with another manifest")
        return _json(201 if created else 200, self.status_body(submission))

    async def get_submission(self, request: Request) -> Response:
        submission = self.own_submission(request.path_params["submission"], self.account(request))
        return _json(200, self.status_body(submission))

    async def complete(self, request: Request) -> Response:
        submission = self.own_submission(request.path_params["submission"], self.account(request))
        if submission.status == p.OPEN:
            problems, receipt = await run_in_threadpool(self.check_submission, submission)
            if problems:
                return _json(422, p.body(error=p.ERR_INCOMPLETE, detail="; ".join(problems[:20]), problems=problems))
            self.db.set_received(submission.uuid, receipt)  # False: another request completed it first
            found = self.db.submission(submission.uuid)
            assert found is not None
            submission = found
        return _json(200, self.status_body(submission))

    def check_submission(self, submission: Submission) -> tuple[list[str], dict[str, Any]]:
        """Re-hash every file against the manifest; check the signature over manifest.json when uploaded."""
        uploaded = {u.path: u for u in self.db.uploads_of(submission.uuid)}
        problems: list[str] = []
        for declared in p.manifest_files(submission.manifest):
            upload = uploaded.get(declared.path)
            if upload is None or upload.offset != upload.length:
                problems.append(f"missing: {declared.path}")
                continue
            digest, size = self.files.digest(upload.id)
            if digest != declared.sha256 or size != declared.size:
                problems.append(f"changed: {declared.path}")
        signature = self.signature_verdict(submission, uploaded, problems)
        receipt = {
            "protocol": p.PROTOCOL,
            "submission": submission.uuid,
            "account": submission.account,
            "manifest_sha256": submission.manifest_sha256,
            "files": len(p.manifest_files(submission.manifest)),
            "total_bytes": submission.total_bytes,
            "signature": signature,
            "received_at": iso(now()),
        }
        receipt["receipt_sha256"] = hashlib.sha256(p.canonical_json(receipt)).hexdigest()
        return problems, receipt

    def signature_verdict(self, submission: Submission, uploaded: Mapping[str, Upload], problems: list[str]) -> str:
        sig, raw = uploaded.get(p.SIGNATURE_NAME), uploaded.get(p.MANIFEST_NAME)
        for name, upload in ((p.SIGNATURE_NAME, sig), (p.MANIFEST_NAME, raw)):
            if upload is not None and upload.offset != upload.length:
                problems.append(f"missing: {name}")
                return "incomplete"
        if raw is not None:
            manifest_bytes = self.files.read_small(raw.id, p.MAX_EXTRA_FILE_BYTES)
            try:
                same = p.manifest_digest(json.loads(manifest_bytes.decode("utf-8"))) == submission.manifest_sha256
            except ValueError:
                same = False
            if not same:
                problems.append(f"changed: {p.MANIFEST_NAME}")
                return "manifest_differs"
        if sig is None:
            return "absent"
        if raw is None:
            problems.append(f"missing: {p.MANIFEST_NAME}")
            return "incomplete"
        verify = self.config.verify_signature
        if verify is None:
            return "not_checked"
        reason = verify(manifest_bytes, self.files.read_small(sig.id, p.MAX_EXTRA_FILE_BYTES))
        if reason:
            problems.append(f"signature: {reason}")
            return "invalid"
        return "verified"

    # tus ----------------------------------------------------------------------------------------------------------

    async def tus_options(self, request: Request) -> Response:
        return Response(
            status_code=204,
            headers={
                **TUS_HEADERS,
                "Tus-Version": p.TUS_VERSION,
                "Tus-Extension": ",".join(p.TUS_EXTENSIONS),
                "Tus-Checksum-Algorithm": p.CHECKSUM_ALGORITHM,
                "Tus-Max-Size": str(self.config.max_file_bytes),
            },
        )

    async def create_upload(self, request: Request) -> Response:
        self.check_tus(request)
        account = self.account(request)
        try:
            length = p.parse_offset(request.headers.get("upload-length"))
            metadata = p.decode_metadata(request.headers.get("upload-metadata", ""))
            submission_id, raw_path = metadata["submission"], metadata["path"]
        except (p.ProtocolViolation, KeyError) as exc:
            raise Refusal(400, p.ERR_BAD_REQUEST, "Upload-Length and metadata submission, path required") from exc
        submission = self.own_submission(submission_id, account)
        if submission.status != p.OPEN:
            raise Refusal(409, p.ERR_WRONG_STATE, f"submission is {submission.status}")
        path = raw_path if raw_path in p.EXTRA_FILES else self.declared_path(submission, raw_path, length)
        if raw_path in p.EXTRA_FILES and length > p.MAX_EXTRA_FILE_BYTES:
            raise Refusal(413, p.ERR_TOO_LARGE, headers=TUS_HEADERS)
        await run_in_threadpool(self.expire_uploads)
        upload, _created = self.db.create_upload(submission.uuid, path, length, self.config.upload_days)
        if upload.length != length:
            raise Refusal(409, p.ERR_MANIFEST_CONFLICT, "this file was created with another length")
        self.files.create(upload.id)
        headers = {**TUS_HEADERS, "Location": f"{p.UPLOADS_PATH}{upload.id}", "Upload-Expires": _expires(upload)}
        return Response(status_code=201, headers=headers)

    def declared_path(self, submission: Submission, raw_path: str, length: int) -> str:
        try:
            path = p.safe_relative_path(raw_path)
        except p.ProtocolViolation as exc:
            raise Refusal(400, p.ERR_BAD_REQUEST, "unsafe path") from exc
        sizes = {f.path: f.size for f in p.manifest_files(submission.manifest)}
        if path not in sizes:
            raise Refusal(400, p.ERR_BAD_REQUEST, "path not in the manifest")
        if length > self.config.max_file_bytes:
            raise Refusal(413, p.ERR_TOO_LARGE, headers=TUS_HEADERS)
        if length != sizes[path]:
            raise Refusal(400, p.ERR_BAD_REQUEST, "Upload-Length differs from the manifest")
        return path

    def expire_uploads(self) -> None:
        for upload in self.db.expired_uploads():
            self.files.remove(upload.id)
            self.db.delete_upload(upload.id)

    async def head_upload(self, request: Request) -> Response:
        self.check_tus(request)
        upload, _ = self.own_upload(request)
        return Response(
            status_code=200,
            headers={
                **TUS_HEADERS,
                "Upload-Offset": str(upload.offset),
                "Upload-Length": str(upload.length),
                "Upload-Expires": _expires(upload),
                "Cache-Control": "no-store",
            },
        )

    async def patch_upload(self, request: Request) -> Response:
        self.check_tus(request)
        upload, submission = self.own_upload(request)
        if submission.status != p.OPEN:
            raise Refusal(409, p.ERR_WRONG_STATE, headers=TUS_HEADERS)
        if request.headers.get("content-type") != p.TUS_CONTENT_TYPE:
            raise Refusal(415, p.ERR_BAD_REQUEST, f"Content-Type {p.TUS_CONTENT_TYPE} required", TUS_HEADERS)
        try:
            offset = p.parse_offset(request.headers.get("upload-offset"))
            checksum = request.headers.get("upload-checksum")
            expected = p.parse_checksum_header(checksum) if checksum else None
        except p.ProtocolViolation as exc:
            raise Refusal(400, p.ERR_BAD_REQUEST, str(exc), TUS_HEADERS) from exc
        if expected is not None and expected[0] != p.CHECKSUM_ALGORITHM:
            raise Refusal(400, p.ERR_BAD_REQUEST, "unsupported checksum algorithm", TUS_HEADERS)
        try:
            with self.files.locked(upload.id) as handle:
                new_offset = await self.append(request, upload, offset, expected, handle)
        except UploadBusy as exc:
            raise Refusal(
                423, p.ERR_LOCKED, "the upload is being written", {**TUS_HEADERS, "Retry-After": "1"}
            ) from exc
        fresh = self.db.upload(upload.id) or upload
        return Response(
            status_code=204,
            headers={**TUS_HEADERS, "Upload-Offset": str(new_offset), "Upload-Expires": _expires(fresh)},
        )

    async def append(
        self, request: Request, upload: Upload, offset: int, expected: tuple[str, bytes] | None, handle: Any
    ) -> int:
        """Write the body at the recorded offset; the database learns the new offset only once the bytes are on
        disk and (with a checksum) verified, so bytes past it are never trusted and are overwritten next time."""
        current = (self.db.upload(upload.id) or upload).offset  # read again under the lock
        if offset != current:
            raise Refusal(
                409, p.ERR_OFFSET_MISMATCH, f"offset is {current}", {**TUS_HEADERS, "Upload-Offset": str(current)}
            )
        handle.truncate(current)
        handle.seek(current)
        checksum = hashlib.sha256() if expected is not None else None
        running = self.running.resume(upload.id, current)
        # A checked body that is the whole file: its checksum is the whole-file hash, computed once, not twice.
        whole = checksum is not None and current == 0 and request.headers.get("content-length") == str(upload.length)
        body = BodyWriter(handle, self.io, checksum, None if whole else running)
        written = 0
        loop, idle = asyncio.get_running_loop(), self.config.idle_seconds
        try:
            # A peer silent for `idle_seconds` (a half-open connection after the network went away) counts as
            # gone, so it never holds the upload's lock for hours. One deadline moved on per piece: cheap.
            async with asyncio.timeout(idle) as deadline:
                async for piece in request.stream():
                    deadline.reschedule(loop.time() + idle)
                    if current + written + len(piece) > upload.length:
                        body.abandon()
                        handle.truncate(current)
                        raise Refusal(413, p.ERR_TOO_LARGE, "more bytes than Upload-Length", TUS_HEADERS)
                    written += len(piece)
                    await body.add(piece)
                await body.finish()
        except (ClientDisconnect, TimeoutError) as exc:
            body.settle()
            # Without a checksum the bytes that arrived are good (tus core); with one they cannot be checked.
            if expected is None and written:
                await self.commit(handle, upload, current, current + written, running)
            raise ClientDisconnect() from exc
        except BaseException:
            body.abandon()
            raise
        if checksum is not None and expected is not None and checksum.digest() != expected[1]:
            handle.truncate(current)
            raise Refusal(p.STATUS_CHECKSUM_MISMATCH, p.ERR_CHECKSUM_MISMATCH, headers=TUS_HEADERS)
        if whole:
            running = checksum
        if written:
            await self.commit(handle, upload, current, current + written, running)
        return current + written

    async def commit(self, handle: Any, upload: Upload, old: int, new: int, running: Any | None) -> None:
        await asyncio.get_running_loop().run_in_executor(self.io, _flush_to_disk, handle)
        if not self.db.advance(upload.id, old, new, self.config.upload_days):
            self.running.forget(upload.id)
            raise Refusal(409, p.ERR_OFFSET_MISMATCH, headers=TUS_HEADERS)
        if running is None:
            return
        if new == upload.length:
            self.running.forget(upload.id)
            await run_in_threadpool(self.files.save_digest, upload.id, running.hexdigest())
        else:
            self.running.keep(upload.id, new, running)

    async def delete_upload(self, request: Request) -> Response:
        self.check_tus(request)
        upload, submission = self.own_upload(request)
        if submission.status != p.OPEN:
            raise Refusal(409, p.ERR_WRONG_STATE, headers=TUS_HEADERS)
        try:
            with self.files.locked(upload.id):
                self.db.delete_upload(upload.id)
                self.files.remove(upload.id)
        except UploadBusy as exc:
            raise Refusal(423, p.ERR_LOCKED, headers={**TUS_HEADERS, "Retry-After": "1"}) from exc
        return Response(status_code=204, headers=TUS_HEADERS)

    # Operator page -------------------------------------------------------------------------------------------------

    async def operator_page(self, request: Request) -> Response:
        """The submissions, for the department's operators (HTTP Basic, rate-limited like sign-in)."""
        credentials = basic_credentials(request.headers.get("authorization", ""))
        if credentials is None:
            raise Refusal(401, p.ERR_UNAUTHORIZED, headers=CHALLENGE)
        name, password = credentials
        window = self.config.sign_in_window
        if await run_in_threadpool(self.db.recent_failures, operator_key(name), window) >= self.config.sign_in_failures:
            raise Refusal(429, p.ERR_TOO_MANY_ATTEMPTS, headers={"Retry-After": str(window)})
        if not await run_in_threadpool(self.db.check_operator, name, password):
            raise Refusal(401, p.ERR_BAD_CREDENTIALS, headers=CHALLENGE)
        status = request.query_params.get("status") or None
        if status is not None and status not in STATUS_LABELS:
            raise Refusal(400, p.ERR_BAD_REQUEST, "unknown status")
        items = await run_in_threadpool(self.db.list_submissions, status, PAGE_LIMIT)
        counts = await run_in_threadpool(self.db.count_by_status)
        page = render_submissions(items, counts, status, name, OPERATOR_PATH)
        return HTMLResponse(page, headers=SECURITY_HEADERS)

    async def openapi(self, request: Request) -> Response:
        return _json(200, openapi_document())


async def _refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refusal)
    return _json(exc.status, p.error_body(exc.code, exc.detail), exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return _json(exc.status_code, p.error_body(p.ERR_NOT_FOUND if exc.status_code == 404 else p.ERR_BAD_REQUEST))


async def _disconnected(request: Request, exc: Exception) -> Response:
    return Response(status_code=400)  # nobody reads it: the client is gone


def create_app(config: IntakeConfig) -> Starlette:
    intake = Intake(config)
    uploads = p.UPLOADS_PATH
    routes = [
        Route(p.OPENAPI_PATH, intake.openapi, methods=["GET"]),
        Route(p.TOKEN_PATH, intake.token, methods=["POST"]),
        Route(OPERATOR_PATH, intake.operator_page, methods=["GET"]),
        Route(f"{p.SUBMISSIONS_PATH}/{{submission}}", intake.put_submission, methods=["PUT"]),
        Route(f"{p.SUBMISSIONS_PATH}/{{submission}}", intake.get_submission, methods=["GET"]),
        Route(f"{p.SUBMISSIONS_PATH}/{{submission}}/complete", intake.complete, methods=["POST"]),
        Route(uploads, intake.tus_options, methods=["OPTIONS"]),
        Route(uploads, intake.create_upload, methods=["POST"]),
        Route(f"{uploads}{{upload_id}}", intake.tus_options, methods=["OPTIONS"]),
        Route(f"{uploads}{{upload_id}}", intake.head_upload, methods=["HEAD"]),
        Route(f"{uploads}{{upload_id}}", intake.patch_upload, methods=["PATCH"]),
        Route(f"{uploads}{{upload_id}}", intake.delete_upload, methods=["DELETE"]),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={Refusal: _refusal, HTTPException: _http_error, ClientDisconnect: _disconnected},
    )
    app.state.intake = intake
    return app


def app_from_environment() -> Starlette:
    return create_app(IntakeConfig.from_environment())
