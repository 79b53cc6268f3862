"""The sync client against the real intake server on 127.0.0.1: a signed dossier queued (verified and frozen),
sent exactly once, resumed from the server's offset after a cut, a lost answer reconciled by asking the server,
refusals stopped and shown, temporary failures retried with backoff, statuses and receipts flowing back; the
password in a keyring, never in the database."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import socket
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest

from vista_desktop import protocol as p
from vista_desktop.errors import VistaError

from .pki import PASSWORD as P12_PASSWORD
from .test_intake import ACCOUNT, PASSWORD, Fault, LiveServer, intake_config, start_server

CHUNK = 256 << 10


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


class CuttingProxy:
    """A TCP proxy on loopback that counts the bytes sent upstream and can drop every connection once that count
    passes `cut_after` (a cable pulled in the middle of a transfer)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.upstream_bytes = 0
        self.cut_after: int | None = None
        self.cuts = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(65536):
                if counted:
                    with self._lock:
                        self.upstream_bytes += len(data)
                        cut = self.cut_after is not None and self.upstream_bytes >= self.cut_after
                        if cut:
                            self.cut_after, self.cuts = None, self.cuts + 1
                    if cut:
                        self.drop_all()
                        return
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def drop_all(self) -> None:
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            # shutdown first: close() alone leaves a socket that another thread is reading open in the kernel.
            for step in (lambda s: s.shutdown(socket.SHUT_RDWR), lambda s: s.close()):
                with contextlib.suppress(OSError):
                    step(sock)

    def close(self) -> None:
        self.listener.close()
        self.drop_all()


# Fixtures -------------------------------------------------------------------------------------------------------


@pytest.fixture
def trust(pki):  # type: ignore[no-untyped-def]
    from vista_desktop.signing.trust import TrustStore, load_certificates

    store = TrustStore()
    store.add(load_certificates(pki.root_pem))
    return store


@pytest.fixture
def signed_dossier(tmp_path: Path, pki, trust):  # type: ignore[no-untyped-def]
    from vista_desktop.services.dossier import sign_manifest
    from vista_desktop.signing.identities import Pkcs12Identity

    folder = tmp_path / "hồ sơ"
    (folder / "phụ lục").mkdir(parents=True)
    (folder / "mau-05.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(700_000))
    (folder / "phụ lục" / "số liệu.csv").write_text("tỉnh,độ mặn\nBến Tre,4.2\n", encoding="utf-8")
    (folder / "phụ lục" / "rỗng.txt").write_bytes(b"")
    sign_manifest(folder, Pkcs12Identity(pki["pi"].p12), P12_PASSWORD, trust)
    return folder


def server_verifier(trust):  # type: ignore[no-untyped-def]
    from vista_desktop.services.dossier import _signature_verdict

    def verify(payload: bytes, signature: bytes) -> str:
        _signer, intact, trusted, problem = _signature_verdict(payload, signature, trust)
        return "" if intact and trusted else problem or "untrusted"

    return verify


@pytest.fixture
def live(tmp_path: Path, trust) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    server = start_server(intake_config(tmp_path, verify_signature=server_verifier(trust)))
    server.intake.db.add_account(ACCOUNT, PASSWORD)
    yield server
    server.stop()


@pytest.fixture
def sync(app_services):  # type: ignore[no-untyped-def]
    from vista_desktop.services.sync import RetryPolicy

    service = app_services.sync
    service.policy = RetryPolicy(base=0.01, cap=0.05, attempts_per_drain=4, max_inline_wait=1.0)
    service.chunk = CHUNK
    service.timeout = 5.0
    yield service
    app_services.close()


def drain(sync: Any) -> Any:
    from vista_desktop.tasks import TaskContext

    return sync.drain(TaskContext(), PASSWORD)


def server_file_hashes(live: LiveServer, submission: str) -> dict[str, str]:
    return {
        u.path: live.intake.files.sha256(u.id)[0] for u in live.intake.db.uploads_of(submission) if u.offset == u.length
    }


def dossier_hashes(folder: Path) -> dict[str, str]:
    manifest = json.loads((folder / "manifest.json").read_bytes())
    found = {f["path"]: f["sha256"] for f in manifest["files"]}
    for name in ("manifest.json", "manifest.json.p7s"):
        found[name] = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    return found


def entry(sync: Any, submission: str) -> Any:
    return next(e for e in sync.statuses() if e.submission == submission)


# Queue ----------------------------------------------------------------------------------------------------------


def test_queue_verifies_and_freezes_a_copy_that_later_edits_do_not_touch(sync, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    submission = sync.queue(signed_dossier, trust)
    queued = entry(sync, submission)
    assert queued.state == "queued" and queued.total_bytes == sum(
        f["size"] for f in json.loads((signed_dossier / "manifest.json").read_bytes())["files"]
    )
    frozen = Path(queued.folder)
    assert frozen != signed_dossier and dossier_hashes(frozen) == dossier_hashes(signed_dossier)
    (signed_dossier / "mau-05.pdf").write_bytes(b"edited after queueing")
    assert hashlib.sha256((frozen / "mau-05.pdf").read_bytes()).hexdigest() == dossier_hashes(frozen)["mau-05.pdf"]
    assert not os.access(frozen / "mau-05.pdf", os.W_OK) or os.geteuid() == 0
    with pytest.raises(VistaError) as refused:
        sync.queue(signed_dossier, trust)  # the edited file no longer matches the signed manifest
    assert refused.value.code == "sync.not_verified"


# Sending --------------------------------------------------------------------------------------------------------


def test_a_queued_dossier_arrives_once_byte_identical_and_the_review_flows_back(  # type: ignore[no-untyped-def]
    sync, live, signed_dossier, trust, memory_keyring
) -> None:
    from vista_intake.cli import main as intake_main

    submission = sync.queue(signed_dossier, trust)
    sync.configure(live.url, ACCOUNT)
    report = drain(sync)
    assert report.sent == [submission] and report.ok
    received = entry(sync, submission)
    assert received.state == "received" and received.receipt["signature"] == "verified"
    assert received.receipt["submission"] == submission
    assert server_file_hashes(live, submission) == dossier_hashes(signed_dossier)
    assert [s.uuid for s in live.intake.db.list_submissions()] == [submission]

    storage = ["--storage", str(live.config.storage)]
    assert (
        intake_main(["review", submission, "--accept", "--number", "15/2026/ĐK", "--certificate", "GCN-9", *storage])
        == 0
    )
    assert drain(sync).sent == [submission]
    accepted = entry(sync, submission)
    assert (accepted.state, accepted.registration_number, accepted.certificate_number) == (
        "accepted",
        "15/2026/ĐK",
        "GCN-9",
    )
    assert drain(sync).sent == []  # a final state is not asked again


def test_a_transfer_cut_midway_resumes_from_the_servers_offset(sync, live, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    proxy = CuttingProxy(int(live.url.rsplit(":", 1)[1]))
    try:
        submission = sync.queue(signed_dossier, trust)
        sync.configure(proxy.url, ACCOUNT)
        proxy.cut_after = 400_000  # inside the second chunk of mau-05.pdf
        report = drain(sync)
        assert proxy.cuts == 1
        assert report.sent == [submission], (entry(sync, submission), live.faults.seen)
        assert server_file_hashes(live, submission) == dossier_hashes(signed_dossier)
        payload = sum(f.stat().st_size for f in signed_dossier.rglob("*") if f.is_file())
        # Every byte once, plus at most the chunk in flight when the cable was pulled, plus HTTP headers.
        assert payload < proxy.upstream_bytes <= payload + CHUNK + 64_000
        patches = [m for m, path in live.faults.seen if m == "PATCH"]
        heads = [m for m, path in live.faults.seen if m == "HEAD"]
        assert len(heads) >= 2  # the offset after the cut came from the server
        assert len(patches) >= 4
    finally:
        proxy.close()


def test_the_same_submission_sent_again_exists_once(sync, live, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    submission = sync.queue(signed_dossier, trust)
    sync.configure(live.url, ACCOUNT)
    assert drain(sync).sent == [submission]
    first_receipt = entry(sync, submission).receipt
    # As if the app had been killed before it recorded the answer: the entry is sent all over again.
    sync._outbox().update(submission, state="queued", receipt=None, server_status=None)
    seen_before = len(live.faults.seen)
    assert drain(sync).sent == [submission]
    assert [s.uuid for s in live.intake.db.list_submissions()] == [submission]
    assert entry(sync, submission).receipt == first_receipt
    again = live.faults.seen[seen_before:]
    assert not any(method in ("PUT", "PATCH") for method, _ in again)  # the server already had it all


def test_an_answer_lost_after_the_server_committed_is_reconciled_by_asking(sync, live, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    submission = sync.queue(signed_dossier, trust)
    sync.configure(live.url, ACCOUNT)
    sync.timeout = 0.5
    live.faults.rules.append(Fault("POST", "/complete", "lose"))
    report = drain(sync)
    assert report.sent == [submission]
    assert entry(sync, submission).state == "received"
    completes = [path for method, path in live.faults.seen if method == "POST" and path.endswith("/complete")]
    assert len(completes) == 1  # the second attempt asked (GET) instead of completing again
    assert [s.uuid for s in live.intake.db.list_submissions()] == [submission]


def test_a_lost_chunk_answer_is_resolved_by_the_servers_offset(sync, live, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    submission = sync.queue(signed_dossier, trust)
    sync.configure(live.url, ACCOUNT)
    sync.timeout = 0.5
    live.faults.rules.append(Fault("PATCH", "/uploads/", "lose"))
    assert drain(sync).sent == [submission]
    assert server_file_hashes(live, submission) == dossier_hashes(signed_dossier)
    patched = sum(1 for method, _ in live.faults.seen if method == "PATCH")
    chunks = sum(-(-f.stat().st_size // CHUNK) for f in signed_dossier.rglob("*") if f.is_file() and f.stat().st_size)
    assert patched == chunks  # the committed chunk was not sent twice


# Refusals and retries -------------------------------------------------------------------------------------------


def test_a_wrong_password_stops_the_drain_and_says_so(sync, live, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.tasks import TaskContext

    submission = sync.queue(signed_dossier, trust)
    sync.configure(live.url, ACCOUNT)
    with pytest.raises(VistaError) as stopped:
        sync.drain(TaskContext(), "not the password")
    assert stopped.value.code == "sync.bad_credentials"
    assert "mật khẩu" in stopped.value.message()
    assert entry(sync, submission).state == "queued"
    assert live.intake.db.list_submissions() == []


def test_a_dossier_over_the_servers_limit_is_stopped_with_413(sync, tmp_path, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    server = start_server(intake_config(tmp_path / "small", max_file_bytes=100_000))
    server.intake.db.add_account(ACCOUNT, PASSWORD)
    try:
        submission = sync.queue(signed_dossier, trust)
        sync.configure(server.url, ACCOUNT)
        report = drain(sync)
        assert report.failed == [submission] and not report.ok
        stopped = entry(sync, submission)
        assert stopped.state == "failed" and stopped.last_error == "sync.too_large"
        assert sum(1 for method, _ in server.faults.seen if method == "PUT") == 1  # not retried
        from vista_desktop.services.sync import error_message

        assert "quá lớn" in error_message(stopped) or "lớn như vậy" in error_message(stopped)
    finally:
        server.stop()


def test_server_errors_are_retried_with_backoff_until_they_pass(sync, live, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    submission = sync.queue(signed_dossier, trust)
    sync.configure(live.url, ACCOUNT)
    live.faults.rules.append(Fault("PUT", "/submissions/", "status:503:0", times=2))
    assert drain(sync).sent == [submission]
    puts = [m for m, _ in live.faults.seen if m == "PUT"]
    assert len(puts) == 3


def test_retry_after_is_honoured_and_the_entry_waits(sync, live, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.tasks import TaskContext

    submission = sync.queue(signed_dossier, trust)
    sync.configure(live.url, ACCOUNT)
    live.faults.rules.append(Fault("PUT", "/submissions/", "status:429:120"))
    report = drain(sync)
    assert report.pending == [submission]
    waiting = entry(sync, submission)
    assert waiting.state != "failed" and waiting.last_error == "sync.server_busy"
    assert waiting.next_attempt_at >= datetime.now(UTC) + timedelta(seconds=110)
    assert sync.drain(TaskContext(), PASSWORD, respect_schedule=True).pending == []  # not due yet: left alone
    assert drain(sync).sent == [submission]  # "send now"


def test_a_captive_portal_200_page_is_never_success(sync, tmp_path, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    async def portal(request: Any) -> HTMLResponse:
        return HTMLResponse("<html><body>Đăng nhập Wi-Fi khách sạn</body></html>")

    app = Starlette(routes=[Route("/{rest:path}", portal, methods=["GET", "POST", "PUT", "HEAD", "PATCH", "OPTIONS"])])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.01)
    try:
        submission = sync.queue(signed_dossier, trust)
        sync.configure(f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}", ACCOUNT)
        report = drain(sync)
        assert report.sent == [] and report.pending == [submission]
        assert entry(sync, submission).last_error == "sync.not_intake_server"
    finally:
        server.should_exit = True
        thread.join(10)


def test_nothing_listening_is_a_network_error_retried_later(sync, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    submission = sync.queue(signed_dossier, trust)
    sync.configure(f"http://127.0.0.1:{port}", ACCOUNT)
    assert drain(sync).pending == [submission]
    assert entry(sync, submission).last_error == "sync.network"


def test_an_app_restart_resumes_from_the_server_after_the_server_restarts(  # type: ignore[no-untyped-def]
    app_services, tmp_path, signed_dossier, trust
) -> None:
    """Killed between chunks (no answer recorded), the next app sends only what the server does not have."""
    from vista_desktop.services.app import AppServices
    from vista_desktop.services.sync import RetryPolicy
    from vista_desktop.tasks import TaskContext

    config = intake_config(tmp_path, verify_signature=server_verifier(trust))
    server = start_server(config)
    server.intake.db.add_account(ACCOUNT, PASSWORD)
    sync = app_services.sync
    sync.chunk, sync.policy = CHUNK, RetryPolicy(base=0.01, cap=0.05, attempts_per_drain=1)
    submission = sync.queue(signed_dossier, trust)
    sync.configure(server.url, ACCOUNT)
    context = TaskContext()
    calls = 0

    def stop_after_two_chunks(fraction: float | None, message: str) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            context.cancel()

    context = TaskContext(stop_after_two_chunks)
    with pytest.raises(VistaError):
        sync.drain(context, PASSWORD)
    app_services.close()
    port = int(server.url.rsplit(":", 1)[1])
    server.stop()
    server = start_server(config, port)  # the server restarts too: only the database and storage remain
    try:
        sent_before = [m for m, _ in server.faults.seen]
        restarted = AppServices()
        restarted.sync.chunk = CHUNK
        assert restarted.sync.drain(TaskContext(), PASSWORD).sent == [submission]
        patches = sum(1 for method, _ in server.faults.seen if method == "PATCH")
        chunks = sum(
            -(-f.stat().st_size // CHUNK) for f in signed_dossier.rglob("*") if f.is_file() and f.stat().st_size
        )
        assert sent_before == [] and patches == chunks - 2
        assert server_file_hashes(server, submission) == dossier_hashes(signed_dossier)
        restarted.close()
    finally:
        server.stop()


# Credentials ----------------------------------------------------------------------------------------------------


def test_the_password_lives_in_the_keyring_never_in_the_database(sync, live, memory_keyring, app_services) -> None:  # type: ignore[no-untyped-def]
    sync.configure(live.url, ACCOUNT)
    assert sync.keyring_available()
    assert sync.remember_password(PASSWORD)
    assert sync.stored_password() == PASSWORD
    assert list(memory_keyring.secrets.values()) == [PASSWORD]
    database = app_services.database_path
    app_services.close()
    with sqlite3.connect(database) as con:
        dumped = "\n".join(con.iterdump())
    assert live.url in dumped and ACCOUNT in dumped and PASSWORD not in dumped


def test_without_a_keyring_backend_nothing_is_remembered(sync, live) -> None:  # type: ignore[no-untyped-def]
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        sync.configure(live.url, ACCOUNT)
        assert not sync.keyring_available()
        assert not sync.remember_password(PASSWORD)
        assert sync.stored_password() is None
    finally:
        keyring.set_keyring(previous)


# Command line ---------------------------------------------------------------------------------------------------


def test_cli_queue_then_sync(live, signed_dossier, pki, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from vista_desktop.cli import main

    assert main(["queue", str(signed_dossier), "--trust", str(pki.root_pem)]) == 0
    submission = capsys.readouterr().out.strip()
    assert p.is_submission_id(submission)
    monkeypatch.setenv("INTAKE_PASSWORD", PASSWORD)
    code = main(["sync", "--server", live.url, "--account", ACCOUNT, "--password-env", "INTAKE_PASSWORD"])
    out = capsys.readouterr().out
    assert code == 0 and submission in out and "đã nhận" in out
    monkeypatch.setenv("INTAKE_PASSWORD", "wrong")
    assert main(["sync", "--password-env", "INTAKE_PASSWORD"]) == 1
    assert "mật khẩu" in capsys.readouterr().err


# Crash loop -----------------------------------------------------------------------------------------------------


def test_killing_the_server_at_random_moments_ends_with_one_identical_submission(  # type: ignore[no-untyped-def]
    sync, tmp_path, pki, trust
) -> None:
    """The server process is killed (SIGKILL) at random moments while a dossier is being sent, and started again
    on the same database and storage; in the end the submission exists once, byte-identical."""
    import random
    import subprocess
    import sys
    import time

    from vista_desktop.services.dossier import sign_manifest
    from vista_desktop.signing.identities import Pkcs12Identity
    from vista_desktop.tasks import TaskContext
    from vista_intake.db import IntakeDatabase
    from vista_intake.files import FileStore

    folder = tmp_path / "lớn"
    folder.mkdir()
    (folder / "phụ lục.bin").write_bytes(os.urandom(24 << 20))
    (folder / "mau-12.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(300_000))
    sign_manifest(folder, Pkcs12Identity(pki["pi"].p12), P12_PASSWORD, trust)
    storage = tmp_path / "intake"
    env = {**os.environ, "INTAKE_PW": PASSWORD}
    intake = [sys.executable, "-m", "vista_intake.cli"]
    subprocess.run(
        [*intake, "accounts", "add", ACCOUNT, "--password-env", "INTAKE_PW", "--storage", str(storage)],
        env=env,
        check=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [*intake, "serve", "--port", str(port), "--storage", str(storage)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    server = start()
    kills = 0
    done = threading.Event()
    rng = random.Random(20261127)

    total = sum(f.stat().st_size for f in folder.iterdir())
    thresholds = sorted(rng.uniform(0.05, 0.95) * total for _ in range(8))

    def received() -> int:
        try:
            with sqlite3.connect(f"file:{storage / 'intake.sqlite3'}?mode=ro", uri=True, timeout=0.1) as con:
                return int(con.execute('SELECT coalesce(sum("offset"), 0) FROM uploads').fetchone()[0])
        except sqlite3.Error:
            return 0

    def killer() -> None:
        """Kill as the server's recorded progress passes each random threshold: always in mid-transfer."""
        nonlocal server, kills
        while thresholds and not done.is_set():
            if received() >= thresholds[0]:
                thresholds.pop(0)
                server.kill()
                server.wait()
                kills += 1
                server = start()
            time.sleep(0.005)

    from vista_desktop.services.sync import RetryPolicy

    sync.chunk = 1 << 20
    sync.timeout = 3.0
    sync.policy = RetryPolicy(base=0.05, cap=0.3, attempts_per_drain=1000, max_inline_wait=1.0)
    submission = sync.queue(folder, trust)
    sync.configure(f"http://127.0.0.1:{port}", ACCOUNT)
    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 120
        while True:
            report = sync.drain(TaskContext(), PASSWORD)
            if report.sent == [submission]:
                break
            assert not report.failed, entry(sync, submission)
            assert time.monotonic() < deadline, (kills, entry(sync, submission))
    finally:
        done.set()
        thread.join(30)
        server.kill()
        server.wait()
    db = IntakeDatabase(f"sqlite:///{storage / 'intake.sqlite3'}")
    try:
        assert [s.uuid for s in db.list_submissions()] == [submission]
        assert db.submission(submission).status == p.RECEIVED
        files = FileStore(storage)
        stored = {u.path: files.sha256(u.id)[0] for u in db.uploads_of(submission)}
    finally:
        db.dispose()
    assert stored == dossier_hashes(folder)
    assert kills == 8  # every kill came while the transfer was under way


def test_our_client_uploads_to_an_independent_tus_server_without_checksums(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """tuspyserver offers no checksum extension: the client reads Tus-Extension and sends plain chunks (the
    whole-file SHA-256 is then what completion checks), resuming from the offset that server reports."""
    import uvicorn
    from fastapi import FastAPI
    from tuspyserver import create_tus_router

    from vista_desktop.sync.client import IntakeClient
    from vista_desktop.sync.upload import OutgoingFile, _send_file

    files_dir = tmp_path / "tus-files"
    app = FastAPI()
    app.include_router(create_tus_router(prefix="api/v1/uploads", files_dir=str(files_dir)))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="critical", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.01)
    source = tmp_path / "annex.bin"
    source.write_bytes(os.urandom(700_000))
    client = IntakeClient(f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}")
    client._token = "not checked by this server"
    try:
        client.tus_capabilities()
        assert client.checksums is False
        item = OutgoingFile("annex.bin", source, source.stat().st_size)
        url = client.create_upload(str(uuid.uuid4()), item.path, item.size)
        with source.open("rb") as handle:
            client.patch(url, handle, 0, 100_000)  # a first chunk, then "a restart": resume from HEAD
        offsets: list[int] = []
        sent = _send_file(client, "", item, url, CHUNK, offsets.append, lambda: None)
        assert sent == item.size and offsets[0] == 100_000
        stored = [f for f in files_dir.iterdir() if f.stat().st_size == item.size]
        assert [hashlib.sha256(f.read_bytes()).hexdigest() for f in stored] == [
            hashlib.sha256(source.read_bytes()).hexdigest()
        ]
    finally:
        client.close()
        server.should_exit = True
        thread.join(10)


# TLS ------------------------------------------------------------------------------------------------------------


def _tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A department's own CA and a server certificate for 127.0.0.1 signed by it."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.now(UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Sở KH&CN thử nghiệm CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_pem, cert_pem, key_pem = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_pem.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return ca_pem, cert_pem, key_pem


def test_tls_is_always_verified_and_a_departments_ca_can_be_trusted(sync, tmp_path, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from vista_intake.app import create_app

    ca_pem, cert_pem, key_pem = _tls_files(tmp_path)
    app = create_app(intake_config(tmp_path))
    app.state.intake.db.add_account(ACCOUNT, PASSWORD)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="critical",
        lifespan="off",
        ssl_certfile=str(cert_pem),
        ssl_keyfile=str(key_pem),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.01)
    url = f"https://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        submission = sync.queue(signed_dossier, trust)
        sync.configure(url, ACCOUNT)
        assert drain(sync).pending == [submission]  # an unknown CA is refused, never waved through
        assert entry(sync, submission).last_error == "sync.network"
        assert app.state.intake.db.list_submissions() == []
        sync.configure(url, ACCOUNT, str(ca_pem))
        assert drain(sync).sent == [submission]
    finally:
        server.should_exit = True
        thread.join(10)


def test_an_expired_token_is_renewed_by_signing_in_again(sync, live, signed_dossier, trust) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete

    from vista_intake.db import tokens

    submission = sync.queue(signed_dossier, trust)
    sync.configure(live.url, ACCOUNT)
    patches = 0
    original, database = live.faults.app, live.intake.db

    async def expire_after_first_patch(scope, receive, send):  # type: ignore[no-untyped-def]
        nonlocal patches
        await original(scope, receive, send)
        if scope["type"] == "http" and scope["method"] == "PATCH":
            patches += 1
            if patches == 1:
                with database.engine.begin() as con:
                    con.execute(delete(tokens))  # every token expires at once

    live.faults.app = expire_after_first_patch
    try:
        assert drain(sync).sent == [submission]
    finally:
        live.faults.app = original
    sign_ins = [path for method, path in live.faults.seen if path == p.TOKEN_PATH]
    assert len(sign_ins) == 2
    assert server_file_hashes(live, submission) == dossier_hashes(signed_dossier)
