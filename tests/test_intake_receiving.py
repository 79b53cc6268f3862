"""How the intake server receives large PATCH bodies: written and hashed one block behind the event loop, with the
whole-file SHA-256 carried from PATCH to PATCH, so completion need not read a large file again — and reads it
again whenever that digest cannot be trusted (a file changed since, or a PATCH served by another process)."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_intake import (
    ACCOUNT,
    PASSWORD,
    LiveServer,
    create_upload,
    intake_config,
    open_submission,
    patch,
    sign_in,
    start_server,
)
from vista_desktop import protocol as p

MIB = 1 << 20


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    from vista_intake import files

    # Every finished upload counts as large, so that these few-MiB files exercise the received digest.
    monkeypatch.setattr(files, "RECEIVED_DIGEST_MIN_BYTES", 0)
    server = start_server(intake_config(tmp_path, max_file_bytes=64 * MIB, max_submission_bytes=64 * MIB))
    server.intake.db.add_account(ACCOUNT, PASSWORD)
    yield server
    server.stop()


@pytest.fixture
def http(big: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=big.url, timeout=30) as client:
        yield client


def stored(server: LiveServer, url: str) -> Path:
    path: Path = server.intake.files.path(url.rsplit("/", 1)[1])
    return path


def count_rereads(server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    store = server.intake.files
    reads: list[str] = []
    original = store.sha256

    def counted(upload_id: str) -> tuple[str, int]:
        reads.append(upload_id)
        return original(upload_id)  # type: ignore[no-any-return]

    monkeypatch.setattr(store, "sha256", counted)
    return reads


def test_bodies_of_several_blocks_arrive_whole_and_checked(big: LiveServer, http: httpx.Client) -> None:
    from vista_intake.receiving import BLOCK

    data = os.urandom(2 * BLOCK + 12_345)  # three blocks, the last a partial one
    auth = sign_in(http)
    submission = open_submission(http, auth, {"annex.bin": data})
    url = create_upload(http, auth, submission, "annex.bin", len(data)).headers["Location"]
    head = BLOCK + 7
    wrong = patch(http, auth, url, 0, data[:head], hashlib.sha256(data[:head] + b"x").digest())
    assert wrong.status_code == p.STATUS_CHECKSUM_MISMATCH
    assert http.head(url, headers=auth).headers["Upload-Offset"] == "0"
    assert stored(big, url).stat().st_size == 0  # refused bytes are gone, not left past the offset
    assert patch(http, auth, url, 0, data[:head], hashlib.sha256(data[:head]).digest()).status_code == 204
    rest = data[head:]
    answer = patch(http, auth, url, head, rest, hashlib.sha256(rest).digest())
    assert answer.status_code == 204
    assert answer.headers["Upload-Offset"] == str(len(data))
    assert stored(big, url).read_bytes() == data


def test_completion_uses_the_digest_computed_while_receiving(
    big: LiveServer, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = os.urandom(3 * MIB)
    auth = sign_in(http)
    submission = open_submission(http, auth, {"annex.bin": data})
    url = create_upload(http, auth, submission, "annex.bin", len(data)).headers["Location"]
    for start in range(0, len(data), MIB):  # three PATCHes: the running hash goes on from one to the next
        piece = data[start : start + MIB]
        assert patch(http, auth, url, start, piece, hashlib.sha256(piece).digest()).status_code == 204
    rereads = count_rereads(big, monkeypatch)
    response = http.post(p.complete_path(submission), headers=auth)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == p.RECEIVED
    assert rereads == []


def test_a_file_changed_after_it_was_received_is_read_again_and_refused(
    big: LiveServer, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = os.urandom(MIB)
    auth = sign_in(http)
    submission = open_submission(http, auth, {"annex.bin": data})
    url = create_upload(http, auth, submission, "annex.bin", len(data)).headers["Location"]
    assert patch(http, auth, url, 0, data, hashlib.sha256(data).digest()).status_code == 204
    time.sleep(0.05)  # past the file system's clock tick: the change shows in the file's times
    damaged = bytearray(data)
    damaged[1000] ^= 0xFF
    stored(big, url).write_bytes(bytes(damaged))
    rereads = count_rereads(big, monkeypatch)
    response = http.post(p.complete_path(submission), headers=auth)
    assert response.status_code == 422
    assert response.json()["problems"] == ["changed: annex.bin"]
    assert len(rereads) == 1


def test_an_upload_continued_without_the_running_hash_is_read_again_at_completion(
    big: LiveServer, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = os.urandom(2 * MIB)
    auth = sign_in(http)
    submission = open_submission(http, auth, {"annex.bin": data})
    url = create_upload(http, auth, submission, "annex.bin", len(data)).headers["Location"]
    assert patch(http, auth, url, 0, data[:MIB], hashlib.sha256(data[:MIB]).digest()).status_code == 204
    big.intake.running.forget(url.rsplit("/", 1)[1])  # the next PATCH reached another worker process
    assert patch(http, auth, url, MIB, data[MIB:], hashlib.sha256(data[MIB:]).digest()).status_code == 204
    rereads = count_rereads(big, monkeypatch)
    response = http.post(p.complete_path(submission), headers=auth)
    assert response.status_code == 200, response.text
    assert len(rereads) == 1


def test_a_refused_patch_leaves_the_running_hash_where_it_was(
    big: LiveServer, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = os.urandom(2 * MIB)
    auth = sign_in(http)
    submission = open_submission(http, auth, {"annex.bin": data})
    url = create_upload(http, auth, submission, "annex.bin", len(data)).headers["Location"]
    assert patch(http, auth, url, 0, data[:MIB], hashlib.sha256(data[:MIB]).digest()).status_code == 204
    garbage = os.urandom(MIB)
    refused = patch(http, auth, url, MIB, garbage, hashlib.sha256(data[MIB:]).digest())
    assert refused.status_code == p.STATUS_CHECKSUM_MISMATCH
    assert patch(http, auth, url, MIB, data[MIB:], hashlib.sha256(data[MIB:]).digest()).status_code == 204
    rereads = count_rereads(big, monkeypatch)
    response = http.post(p.complete_path(submission), headers=auth)
    assert response.status_code == 200, response.text  # the garbage never entered the whole-file digest
    assert rereads == []


def test_a_whole_file_in_one_checked_patch_needs_no_second_read(
    big: LiveServer, http: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = os.urandom(5 * MIB + 3)  # its checksum is also the whole-file digest
    auth = sign_in(http)
    submission = open_submission(http, auth, {"annex.bin": data})
    url = create_upload(http, auth, submission, "annex.bin", len(data)).headers["Location"]
    assert patch(http, auth, url, 0, data, hashlib.sha256(data).digest()).status_code == 204
    rereads = count_rereads(big, monkeypatch)
    response = http.post(p.complete_path(submission), headers=auth)
    assert response.status_code == 200, response.text
    assert rereads == []


def test_a_cut_patch_without_checksum_keeps_every_byte_that_arrived(big: LiveServer, http: httpx.Client) -> None:
    """tus core: without a checksum, bytes received before the connection broke count — including those still
    gathered in the event loop, not yet handed to the writing thread."""
    import socket
    from urllib.parse import urlsplit

    from vista_intake.receiving import BLOCK

    data = os.urandom(3 * BLOCK)
    sent = BLOCK + BLOCK // 2 + 1001  # one block handed over, part of the next gathered
    auth = sign_in(http)
    submission = open_submission(http, auth, {"annex.bin": data})
    url = create_upload(http, auth, submission, "annex.bin", len(data)).headers["Location"]
    where = urlsplit(big.url)
    head = (
        f"PATCH {url} HTTP/1.1\r\nHost: {where.netloc}\r\nAuthorization: {auth['Authorization']}\r\n"
        f"Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: {p.TUS_CONTENT_TYPE}\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    ).encode()
    with socket.create_connection((where.hostname, where.port)) as connection:
        connection.sendall(head + data[:sent])
        time.sleep(0.3)  # the server has read it all
    deadline = time.monotonic() + 10
    while http.head(url, headers=auth).headers["Upload-Offset"] != str(sent) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert http.head(url, headers=auth).headers["Upload-Offset"] == str(sent)
    assert stored(big, url).read_bytes()[:sent] == data[:sent]
    rest = data[sent:]
    assert patch(http, auth, url, sent, rest, hashlib.sha256(rest).digest()).status_code == 204
    assert http.post(p.complete_path(submission), headers=auth).status_code == 200
