"""The reference intake server, live on 127.0.0.1 (uvicorn on a thread): its fixed points, tus 1.0 with the
checksum, creation, termination and expiration extensions, idempotent submissions, size limits, safe names,
sign-in with rate limiting, and completion that re-hashes every file."""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from vista_desktop import protocol as p

ACCOUNT, PASSWORD = "so-khcn-ben-tre", "mật-khẩu-đủ-dài"

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass
class Fault:
    """Misbehaviour injected in front of the app for requests matching `method` and a path containing `path`."""

    method: str
    path: str
    action: str  # "status:NNN[:retry-after]" answers without the app; "lose" runs the app and never answers
    times: int = 1


@dataclass
class Faults:
    app: Any
    rules: list[Fault] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.seen.append((scope["method"], scope["path"]))
        rule = next(
            (r for r in self.rules if r.times > 0 and r.method == scope["method"] and r.path in scope["path"]), None
        )
        if rule is None:
            await self.app(scope, receive, send)
            return
        rule.times -= 1
        if rule.action.startswith("status:"):
            _, code, *retry = rule.action.split(":")
            headers = [(b"retry-after", retry[0].encode())] if retry else []
            await send({"type": "http.response.start", "status": int(code), "headers": headers})
            await send({"type": "http.response.body", "body": b"Service Unavailable"})
            return

        async def swallow(message: dict[str, Any]) -> None:
            return None

        await self.app(scope, receive, swallow)  # the server commits; the answer is lost on the way
        await asyncio.sleep(2.0)
        await send({"type": "http.response.start", "status": 599, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@dataclass
class LiveServer:
    url: str
    config: Any
    faults: Faults
    server: Any
    thread: threading.Thread

    @property
    def intake(self) -> Any:
        return self.faults.app.state.intake

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def start_server(config: Any, port: int = 0) -> LiveServer:
    import uvicorn

    from vista_intake.app import create_app

    app = create_app(config)
    faults = Faults(app)
    server = uvicorn.Server(uvicorn.Config(faults, host="127.0.0.1", port=port, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the intake server did not start"
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()[1]
    return LiveServer(f"http://127.0.0.1:{bound}", config, faults, server, thread)


def intake_config(tmp_path: Path, **overrides: Any) -> Any:
    from vista_intake.config import IntakeConfig

    return replace(IntakeConfig(storage=tmp_path / "intake"), **overrides)


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = start_server(intake_config(tmp_path, max_file_bytes=1 << 20, max_submission_bytes=3 << 20))
    server.intake.db.add_account(ACCOUNT, PASSWORD)
    yield server
    server.stop()


@pytest.fixture
def http(live: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client


def sign_in(http: httpx.Client, account: str = ACCOUNT, password: str = PASSWORD) -> dict[str, str]:
    response = http.post(p.TOKEN_PATH, json={"account": account, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}", "Tus-Resumable": p.TUS_VERSION}


def manifest_of(files: dict[str, bytes]) -> dict[str, Any]:
    entries = [{"path": k, "size": len(v), "sha256": hashlib.sha256(v).hexdigest()} for k, v in files.items()]
    return {"format": "vista-dossier-manifest", "version": 2, "created": "", "app_version": "", "files": entries}


def create_upload(http: httpx.Client, auth: dict[str, str], submission: str, path: str, length: int) -> httpx.Response:
    metadata = p.encode_metadata({"submission": submission, "path": path})
    return http.post(p.UPLOADS_PATH, headers={**auth, "Upload-Length": str(length), "Upload-Metadata": metadata})


def patch(
    http: httpx.Client, auth: dict[str, str], url: str, offset: int, data: bytes, checksum: bytes | None = None
) -> httpx.Response:
    headers = {**auth, "Upload-Offset": str(offset), "Content-Type": p.TUS_CONTENT_TYPE}
    if checksum is not None:
        headers["Upload-Checksum"] = p.checksum_header(checksum)
    return http.patch(url, content=data, headers=headers)


def open_submission(http: httpx.Client, auth: dict[str, str], files: dict[str, bytes]) -> str:
    submission = str(uuid.uuid4())
    response = http.put(p.submission_path(submission), json={"manifest": manifest_of(files)}, headers=auth)
    assert response.status_code == 201, response.text
    return submission


# Fixed points ---------------------------------------------------------------------------------------------------


def test_the_openapi_document_is_served_and_describes_every_route(live: LiveServer, http: httpx.Client) -> None:
    from starlette.routing import Route

    document = http.get(p.OPENAPI_PATH).json()
    assert document["openapi"].startswith("3.")
    routes = [r for r in live.faults.app.routes if isinstance(r, Route)]
    assert routes
    for route in routes:
        described = document["paths"].get(route.path)
        assert described is not None, route.path
        for method in route.methods or ():
            if method != "HEAD" or route.methods == {"HEAD"}:
                assert method.lower() in described, (route.path, method)
    assert all(path == p.OPENAPI_PATH or path.startswith(p.API_PREFIX + "/") for path in document["paths"])


def test_tus_options_announce_version_extensions_and_sha256(http: httpx.Client) -> None:
    response = http.options(p.UPLOADS_PATH)
    assert response.status_code == 204
    assert response.headers["Tus-Resumable"] == "1.0.0"
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {"creation", "checksum", "termination", "expiration"}
    assert response.headers["Tus-Checksum-Algorithm"] == "sha256"


# Sign-in --------------------------------------------------------------------------------------------------------


def test_sign_in_gives_an_expiring_bearer_token_and_refuses_a_wrong_password(http: httpx.Client) -> None:
    response = http.post(p.TOKEN_PATH, json={"account": ACCOUNT, "password": PASSWORD})
    body = response.json()
    assert response.status_code == 200 and body["expires_in"] > 0 and len(body["access_token"]) > 20
    wrong = http.post(p.TOKEN_PATH, json={"account": ACCOUNT, "password": "nope"})
    assert wrong.status_code == 401 and wrong.json()["error"] == p.ERR_BAD_CREDENTIALS
    assert http.get(p.submission_path(str(uuid.uuid4())), headers={"Authorization": "Bearer forged"}).status_code == 401


def test_repeated_wrong_passwords_are_rate_limited_even_for_the_right_one(live: LiveServer, http: httpx.Client) -> None:
    for _ in range(live.config.sign_in_failures):
        assert http.post(p.TOKEN_PATH, json={"account": ACCOUNT, "password": "guess"}).status_code == 401
    limited = http.post(p.TOKEN_PATH, json={"account": ACCOUNT, "password": PASSWORD})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0


def test_passwords_are_stored_as_scrypt_hashes(live: LiveServer) -> None:
    from sqlalchemy import select

    from vista_intake.db import accounts

    with live.intake.db.engine.connect() as con:
        stored = con.execute(select(accounts.c.password_hash)).scalar_one()
    assert stored.startswith("scrypt$") and PASSWORD not in stored


# Submissions ----------------------------------------------------------------------------------------------------


def test_same_uuid_and_manifest_is_the_same_submission_another_manifest_conflicts(http: httpx.Client) -> None:
    auth = sign_in(http)
    files = {"mau-05.pdf": b"%PDF-1.7 a"}
    submission = open_submission(http, auth, files)
    again = http.put(p.submission_path(submission), json={"manifest": manifest_of(files)}, headers=auth)
    assert again.status_code == 200 and again.json()["submission"] == submission
    other = http.put(p.submission_path(submission), json={"manifest": manifest_of({"x.pdf": b"b"})}, headers=auth)
    assert other.status_code == 409 and other.json()["error"] == p.ERR_MANIFEST_CONFLICT


def test_another_account_cannot_see_or_take_a_submission(live: LiveServer, http: httpx.Client) -> None:
    live.intake.db.add_account("other", "other-password")
    submission = open_submission(http, sign_in(http), {"a.pdf": b"a"})
    other = sign_in(http, "other", "other-password")
    assert http.get(p.submission_path(submission), headers=other).status_code == 404
    taken = http.put(p.submission_path(submission), json={"manifest": manifest_of({"a.pdf": b"a"})}, headers=other)
    assert taken.status_code == 409


@pytest.mark.parametrize("name", ["../evil.pdf", "/etc/passwd", "a/../../b", "C:/x", "a\\b", "a//b"])
def test_names_that_could_escape_the_storage_folder_are_refused(http: httpx.Client, name: str) -> None:
    auth = sign_in(http)
    manifest = manifest_of({name: b"x"})
    response = http.put(p.submission_path(str(uuid.uuid4())), json={"manifest": manifest}, headers=auth)
    assert response.status_code == 422


def test_size_limits_per_file_and_per_submission_are_413(http: httpx.Client) -> None:
    auth = sign_in(http)
    big = manifest_of({"a.bin": b""})
    big["files"][0]["size"] = (1 << 20) + 1
    assert http.put(p.submission_path(str(uuid.uuid4())), json={"manifest": big}, headers=auth).status_code == 413
    many = manifest_of({f"{i}.bin": b"" for i in range(4)})
    for entry in many["files"]:
        entry["size"] = 1 << 20
    assert http.put(p.submission_path(str(uuid.uuid4())), json={"manifest": many}, headers=auth).status_code == 413


# tus ------------------------------------------------------------------------------------------------------------


def test_upload_in_chunks_with_checksums_then_complete_gives_a_receipt(live: LiveServer, http: httpx.Client) -> None:
    auth = sign_in(http)
    data = bytes(range(256)) * 1000
    submission = open_submission(http, auth, {"phụ lục/số liệu.bin": data})
    created = create_upload(http, auth, submission, "phụ lục/số liệu.bin", len(data))
    assert created.status_code == 201 and created.headers["Tus-Resumable"] == "1.0.0"
    assert "Upload-Expires" in created.headers
    url = created.headers["Location"]
    # A re-sent creation (its answer lost) finds the same upload.
    assert create_upload(http, auth, submission, "phụ lục/số liệu.bin", len(data)).headers["Location"] == url
    first = patch(http, auth, url, 0, data[:100_000], hashlib.sha256(data[:100_000]).digest())
    assert first.status_code == 204 and first.headers["Upload-Offset"] == "100000"
    wrong_offset = patch(http, auth, url, 0, data[:10])
    assert wrong_offset.status_code == 409
    bad_sum = patch(http, auth, url, 100_000, data[100_000:], hashlib.sha256(b"other").digest())
    assert bad_sum.status_code == 460
    head = http.head(url, headers=auth)
    assert head.status_code == 200 and head.headers["Upload-Offset"] == "100000"
    assert head.headers["Upload-Length"] == str(len(data)) and head.headers["Cache-Control"] == "no-store"
    assert patch(http, auth, url, 100_000, data[100_000:], hashlib.sha256(data[100_000:]).digest()).status_code == 204
    done = http.post(p.complete_path(submission), headers=auth)
    body = done.json()
    assert done.status_code == 200 and body["status"] == p.RECEIVED
    assert body["receipt"]["submission"] == submission and body["receipt"]["total_bytes"] == len(data)
    stored = live.intake.files.path(url.rsplit("/", 1)[1])
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == hashlib.sha256(data).hexdigest()
    assert stored.parent == live.config.storage / "uploads"  # stored under the server's id, not the client's name


def test_upload_refuses_a_length_unlike_the_manifest_and_bytes_beyond_it(http: httpx.Client) -> None:
    auth = sign_in(http)
    submission = open_submission(http, auth, {"a.bin": b"12345"})
    assert create_upload(http, auth, submission, "a.bin", 6).status_code == 400
    assert create_upload(http, auth, submission, "not-listed.bin", 5).status_code == 400
    url = create_upload(http, auth, submission, "a.bin", 5).headers["Location"]
    assert patch(http, auth, url, 0, b"123456").status_code == 413
    assert http.head(url, headers=auth).headers["Upload-Offset"] == "0"
    missing_tus = http.head(url, headers={"Authorization": auth["Authorization"]})
    assert missing_tus.status_code == 412


def test_complete_re_hashes_and_names_missing_and_changed_files(live: LiveServer, http: httpx.Client) -> None:
    auth = sign_in(http)
    files = {"a.bin": b"aaaa", "b.bin": b"bbbb"}
    submission = open_submission(http, auth, files)
    url = create_upload(http, auth, submission, "a.bin", 4).headers["Location"]
    assert patch(http, auth, url, 0, b"aaaa").status_code == 204
    live.intake.files.path(url.rsplit("/", 1)[1]).write_bytes(b"aaXa")  # damaged on the server's disk
    response = http.post(p.complete_path(submission), headers=auth)
    assert response.status_code == 422
    assert set(response.json()["problems"]) == {"changed: a.bin", "missing: b.bin"}
    assert http.get(p.submission_path(submission), headers=auth).json()["status"] == p.OPEN


def test_termination_deletes_the_upload_and_its_file(live: LiveServer, http: httpx.Client) -> None:
    auth = sign_in(http)
    submission = open_submission(http, auth, {"a.bin": b"abc"})
    url = create_upload(http, auth, submission, "a.bin", 3).headers["Location"]
    patch(http, auth, url, 0, b"ab")
    stored = live.intake.files.path(url.rsplit("/", 1)[1])
    assert stored.exists()
    assert http.delete(url, headers=auth).status_code == 204
    assert not stored.exists()
    assert http.head(url, headers=auth).status_code == 404


def test_expired_uploads_are_removed(live: LiveServer, http: httpx.Client) -> None:
    from sqlalchemy import update

    from vista_intake.db import uploads

    auth = sign_in(http)
    submission = open_submission(http, auth, {"a.bin": b"abc", "b.bin": b"d"})
    url = create_upload(http, auth, submission, "a.bin", 3).headers["Location"]
    with live.intake.db.engine.begin() as con:
        con.execute(update(uploads).values(expires_at=uploads.c.created_at))
    create_upload(http, auth, submission, "b.bin", 1)  # creation sweeps expired uploads
    assert http.head(url, headers=auth).status_code == 404


def test_review_from_the_operator_command_flows_into_the_status(live: LiveServer, http: httpx.Client) -> None:
    from vista_intake.cli import main

    auth = sign_in(http)
    submission = open_submission(http, auth, {"a.bin": b"a"})
    location = ["--storage", str(live.config.storage)]
    assert main(["review", submission, "--accept", "--number", "12/2026/ĐKKQ", "--certificate", "C-7", *location]) == 1
    url = create_upload(http, auth, submission, "a.bin", 1).headers["Location"]
    patch(http, auth, url, 0, b"a")
    assert http.post(p.complete_path(submission), headers=auth).status_code == 200
    assert main(["review", submission, "--accept", "--number", "12/2026/ĐKKQ", "--certificate", "C-7", *location]) == 0
    body = http.get(p.submission_path(submission), headers=auth).json()
    assert (body["status"], body["registration_number"], body["certificate_number"]) == (
        p.ACCEPTED,
        "12/2026/ĐKKQ",
        "C-7",
    )


# The operator's commands, as separate processes ------------------------------------------------------------------


def test_cli_accounts_add_then_serve_with_two_workers_sharing_db_and_storage(tmp_path: Path) -> None:
    """`vista-desktop intake accounts add` and `intake serve --workers 2`: every request may land on either
    worker, so a whole upload that succeeds shows that no state lives in a process."""
    import os
    import socket
    import subprocess
    import sys

    storage = tmp_path / "intake"
    env = {**os.environ, "INTAKE_PW": PASSWORD}
    command = [sys.executable, "-m", "vista_desktop"]
    added = subprocess.run(
        [*command, "intake", "accounts", "add", ACCOUNT, "--password-env", "INTAKE_PW", "--storage", str(storage)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*command, "intake", "serve", "--port", str(port), "--workers", "2", "--storage", str(storage)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    http.options(p.UPLOADS_PATH)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                    time.sleep(0.1)
            auth = sign_in(http)
            data = os.urandom(300_000)
            submission = open_submission(http, auth, {"a.bin": data})
            url = create_upload(http, auth, submission, "a.bin", len(data)).headers["Location"]
            for offset in range(0, len(data), 50_000):
                piece = data[offset : offset + 50_000]
                response = patch(http, auth, url, offset, piece, hashlib.sha256(piece).digest())
                assert response.status_code == 204, response.text
            assert http.post(p.complete_path(submission), headers=auth).json()["status"] == p.RECEIVED
    finally:
        server.terminate()
        server.wait(20)


def test_a_second_writer_of_one_upload_is_told_to_retry(live: LiveServer, http: httpx.Client) -> None:
    auth = sign_in(http)
    submission = open_submission(http, auth, {"a.bin": b"abcdef"})
    url = create_upload(http, auth, submission, "a.bin", 6).headers["Location"]
    with live.intake.files.locked(url.rsplit("/", 1)[1]):  # another worker is writing it
        busy = patch(http, auth, url, 0, b"abc")
    assert busy.status_code == 423 and "Retry-After" in busy.headers
    assert patch(http, auth, url, 0, b"abc").status_code == 204


# PostgreSQL ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    from tests.private_postgres import PostgresMissing, pg_bin, private_postgres

    try:
        pg_bin("initdb")
    except PostgresMissing as exc:
        pytest.fail(str(exc))
    with private_postgres() as url:
        yield url


def test_the_server_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    server = start_server(intake_config(tmp_path, db_url=postgres_url))
    try:
        server.intake.db.add_account(ACCOUNT, PASSWORD)
        assert server.intake.db.engine.dialect.name == "postgresql"
        with httpx.Client(base_url=server.url, timeout=10) as http:
            assert http.post(p.TOKEN_PATH, json={"account": ACCOUNT, "password": "x"}).status_code == 401
            auth = sign_in(http)
            data = os.urandom(200_000)
            files = {"phụ lục/a.bin": data}
            submission = open_submission(http, auth, files)
            again = http.put(p.submission_path(submission), json={"manifest": manifest_of(files)}, headers=auth)
            assert again.status_code == 200
            other = http.put(p.submission_path(submission), json={"manifest": manifest_of({"b": b"b"})}, headers=auth)
            assert other.status_code == 409
            url = create_upload(http, auth, submission, "phụ lục/a.bin", len(data)).headers["Location"]
            assert create_upload(http, auth, submission, "phụ lục/a.bin", len(data)).headers["Location"] == url
            assert patch(http, auth, url, 0, data[:1000], hashlib.sha256(data[:1000]).digest()).status_code == 204
            assert patch(http, auth, url, 0, data[:1000]).status_code == 409
            assert patch(http, auth, url, 1000, data[1000:]).status_code == 204
            done = http.post(p.complete_path(submission), headers=auth).json()
            assert done["status"] == p.RECEIVED and done["receipt"]["total_bytes"] == len(data)
        assert server.intake.db.review(submission, p.RETURNED, reasons=["Thiếu Mẫu 12"])
        assert server.intake.db.submission(submission).reasons == ["Thiếu Mẫu 12"]
    finally:
        server.stop()
        server.intake.db.dispose()


# Interoperability -------------------------------------------------------------------------------------------------


def test_the_independent_tuspy_client_uploads_to_our_server(live: LiveServer, http: httpx.Client) -> None:
    import io

    from tusclient import client as tus

    auth = sign_in(http)
    data = os.urandom(250_000)
    submission = open_submission(http, auth, {"phụ lục/dữ liệu.bin": data})
    uploads = tus.TusClient(live.url + p.UPLOADS_PATH, headers={"Authorization": auth["Authorization"]})
    uploader = uploads.uploader(
        file_stream=io.BytesIO(data),
        chunk_size=60_000,
        metadata={"submission": submission, "path": "phụ lục/dữ liệu.bin"},
    )
    uploader.upload()
    done = http.post(p.complete_path(submission), headers=auth).json()
    assert done["status"] == p.RECEIVED
    assert done["receipt"]["total_bytes"] == len(data)


def test_schema_driven_requests_find_no_server_error(live: LiveServer, http: httpx.Client) -> None:
    """schemathesis generates requests from the served OpenAPI document for every operation, signed in and not;
    the server answers each with a refusal or a success, never a 5xx."""
    import schemathesis
    from hypothesis import HealthCheck, given, reject, settings
    from schemathesis.core.errors import SerializationNotPossible

    @schemathesis.serializer(p.TUS_CONTENT_TYPE)
    def tus_chunk(ctx: Any, value: Any) -> bytes:
        return value if isinstance(value, bytes) else str(value).encode()

    token = sign_in(http)["Authorization"]
    schema = schemathesis.openapi.from_url(live.url + p.OPENAPI_PATH)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: Any) -> None:
            for headers in ({"Authorization": token}, {}):
                try:
                    response = case.call(base_url=live.url, headers={**(case.headers or {}), **headers})
                except SerializationNotPossible:
                    reject()  # a body schemathesis cannot encode (seen once in a full run): not a server answer
                assert response.status_code < 500, (
                    case.method,
                    case.formatted_path,
                    response.status_code,
                    response.text,
                )

        check()
