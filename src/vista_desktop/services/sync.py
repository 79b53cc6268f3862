"""Submit when online: queue a signed dossier (verified, then frozen: copied into the app's outbox folder, read
only) and drain the outbox to the intake server on the task runner.

A drain asks the server first for every submission (see `sync.upload`), so it may be cut at any moment and run
again. Temporary failures (network, timeouts, 408/429/5xx) are retried with exponential backoff and jitter,
honouring Retry-After; refusals (wrong password, 403, 409, 413, 422) stop the entry and keep the reason for the
user. Statuses, numbers and receipts come back into the outbox rows.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import shutil
import stat
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop import protocol as p
from vista_desktop.errors import VistaError, os_reason
from vista_desktop.i18n import tr
from vista_desktop.tasks import TaskContext

if TYPE_CHECKING:
    from vista_desktop.signing.trust import TrustStore
    from vista_desktop.storage.outbox import OutboxEntry, OutboxRepository, ServerAccount
    from vista_desktop.sync.client import IntakeClient

log = logging.getLogger(__name__)

# The reference server's defaults: a dossier over them is refused when queued, not after an hour of upload.
MAX_FILE_BYTES = 8 << 30
MAX_SUBMISSION_BYTES = 32 << 30
_COPY_BLOCK = 1 << 20
_MAX_RETRY_AFTER = 86400.0


class SyncServiceProblem(VistaError):
    """The outbox cannot take this dossier, or no server is set up."""


@dataclass(frozen=True)
class RetryPolicy:
    base: float = 2.0  # seconds before the first retry
    cap: float = 3600.0
    attempts_per_drain: int = 4  # tries of one submission within one drain before it waits for the next
    max_inline_wait: float = 30.0  # a drain sleeps at most this long between tries; longer waits are scheduled

    def delay(self, attempts: int, retry_after: float | None) -> float:
        backoff = min(self.cap, self.base * 2 ** max(0, attempts - 1)) * random.uniform(0.5, 1.0)
        # The server's Retry-After wins over a shorter backoff (bounded, so a wrong header cannot park it for good).
        return float(max(backoff, min(retry_after or 0.0, _MAX_RETRY_AFTER)))


@dataclass
class DrainReport:
    sent: list[str] = field(default_factory=list)  # now received (or later) on the server
    pending: list[str] = field(default_factory=list)  # will be retried
    failed: list[str] = field(default_factory=list)  # stopped: the user must act

    @property
    def ok(self) -> bool:
        return not self.pending and not self.failed


def verify_manifest_signature(payload: bytes, signature: bytes) -> str:
    """For an intake server run from this app (`vista-desktop intake serve`): "" when the detached signature
    over the manifest is intact and chains to the app's trust store, else why not."""
    from vista_desktop.services.dossier import _signature_verdict
    from vista_desktop.signing.trust import TrustStore

    _signer, intact, trusted, problem = _signature_verdict(payload, signature, TrustStore.default())
    return "" if intact and trusted else problem or "not trusted"


class SyncService:
    def __init__(
        self,
        outbox: Callable[[], OutboxRepository],
        outbox_folder: Callable[[], Path],
        policy: RetryPolicy | None = None,
    ) -> None:
        self._outbox = outbox
        self._folder = outbox_folder
        self.policy = policy or RetryPolicy()
        self.chunk = 64 << 20
        self.timeout = 60.0  # seconds without an answer before an attempt counts as cut (then the server is asked)
        self.sleep: Callable[[float], None] = time.sleep

    # Settings and credentials --------------------------------------------------------------------------------------

    def server(self) -> ServerAccount | None:
        return self._outbox().server()

    def configure(self, server_url: str, account: str, ca_bundle: str | None = None) -> None:
        from vista_desktop.storage.outbox import ServerAccount

        if not server_url.startswith(("https://", "http://")):
            raise SyncServiceProblem("sync.bad_server_url", url=server_url)
        self._outbox().set_server(ServerAccount(server_url.rstrip("/"), account, ca_bundle))

    def stored_password(self) -> str | None:
        from vista_desktop.sync.credentials import load_password

        server = self.server()
        return None if server is None else load_password(server.server_url, server.account)

    def remember_password(self, password: str) -> bool:
        """False when there is no keyring: the caller asks again next session and says why."""
        from vista_desktop.sync.credentials import save_password

        server = self.server()
        return server is not None and save_password(server.server_url, server.account, password)

    @staticmethod
    def keyring_available() -> bool:
        from vista_desktop.sync.credentials import keyring_available

        return keyring_available()

    # Queue ------------------------------------------------------------------------------------------------------

    def queue(
        self,
        folder: Path,
        trust: TrustStore | None = None,
        context: TaskContext | None = None,
        draft_id: str | None = None,
    ) -> str:
        """Verify the dossier's signed manifest, freeze a copy in the outbox and queue it; its submission UUID."""
        from vista_desktop.dossier import MANIFEST, SIGNATURE, parse_manifest, read_bounded
        from vista_desktop.dossier.manifest import MAX_MANIFEST_BYTES
        from vista_desktop.services.dossier import verify_manifest

        context = context or TaskContext()
        report = verify_manifest(folder, trust, context.share(0.0, 0.45))
        if not report.ok:
            problems = [*report.problems, *report.added, *report.missing, *report.changed]
            raise SyncServiceProblem("sync.not_verified", path=str(folder), detail=", ".join(problems))
        payload = read_bounded(folder / MANIFEST, MAX_MANIFEST_BYTES, "dossier.no_manifest")
        manifest = parse_manifest(payload, str(folder / MANIFEST))
        total = sum(f.size for f in manifest.files)
        too_big = [f.path for f in manifest.files if f.size > MAX_FILE_BYTES]
        if too_big or total > MAX_SUBMISSION_BYTES:
            raise SyncServiceProblem("sync.dossier_too_large", names=", ".join(too_big) or str(folder))
        submission = str(uuid.uuid4())
        frozen = self._freeze(
            folder, [(f.path, f.sha256) for f in manifest.files], submission, context.share(0.45, 1.0)
        )
        try:
            self._outbox().add(submission, str(frozen), payload.decode("utf-8"), total, draft_id)
        except Exception:
            _remove_tree(frozen)
            raise
        for name in (MANIFEST, SIGNATURE):
            assert (frozen / name).is_file()
        return submission

    def _freeze(self, folder: Path, files: list[tuple[str, str]], submission: str, context: TaskContext) -> Path:
        """Copy the dossier into the outbox, hashing as it copies (a file changed since it was verified is
        refused), read only; a half-made copy is named .partial and never queued."""
        from vista_desktop.dossier import MANIFEST, SIGNATURE

        root = self._folder()
        partial, final = root / f"{submission}.partial", root / submission
        total = sum((folder.joinpath(*path.split("/"))).stat().st_size for path, _ in files) or 1
        on_bytes = context.bytes_listener(total, tr("sync.progress.freezing"))
        try:
            partial.mkdir(parents=True)
            for path, digest in files:
                target = partial.joinpath(*path.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                if _copy_hashing(folder.joinpath(*path.split("/")), target, on_bytes) != digest:
                    raise SyncServiceProblem("sync.changed_while_queueing", name=path)
            for name in (MANIFEST, SIGNATURE):
                shutil.copyfile(folder / name, partial / name)
            _make_read_only(partial)
            os.replace(partial, final)
        except OSError as exc:
            _remove_tree(partial)
            raise SyncServiceProblem("sync.cannot_freeze", path=str(root), reason=os_reason(exc)) from exc
        except BaseException:
            _remove_tree(partial)
            raise
        return final

    def statuses(self) -> list[OutboxEntry]:
        return self._outbox().all()

    def retry(self, submission: str) -> None:
        """Put a stopped entry back in the queue (after the user fixed the password or the server)."""
        from vista_desktop.storage.outbox import QUEUED

        self._outbox().update(submission, state=QUEUED, next_attempt_at=None, last_error=None, attempts=0)

    # Drain ------------------------------------------------------------------------------------------------------

    def make_client(self, server: ServerAccount) -> IntakeClient:
        from vista_desktop.sync.client import IntakeClient

        ca_bundle = Path(server.ca_bundle) if server.ca_bundle else None
        return IntakeClient(server.server_url, ca_bundle=ca_bundle, timeout=self.timeout)

    def probe(self, timeout: float = 5.0) -> bool | None:
        """Whether the configured server answers as an intake server (one unauthenticated OPTIONS on the tus
        endpoint, so a captive portal's 200 reads as offline); None when no server is set up."""
        from vista_desktop.sync.client import IntakeClient
        from vista_desktop.sync.errors import SyncProblem, SyncRetry

        server = self.server()
        if server is None:
            return None
        try:
            client = IntakeClient(
                server.server_url,
                ca_bundle=Path(server.ca_bundle) if server.ca_bundle else None,
                timeout=timeout,
            )
        except OSError:  # an unreadable CA bundle: the drain will say so in detail
            return False
        try:
            client.tus_capabilities()
        except (SyncRetry, SyncProblem):
            return False
        finally:
            client.close()
        return True

    def drain(self, context: TaskContext, password: str, respect_schedule: bool = False) -> DrainReport:
        """Send every active entry (only those due, with `respect_schedule`) and refresh the status of those
        waiting for review. A wrong password or a refused account stops the whole drain (SyncProblem)."""
        from vista_desktop.sync.errors import SyncRetry

        outbox = self._outbox()
        server = outbox.server()
        if server is None:
            raise SyncServiceProblem("sync.no_server")
        now = datetime.now(UTC)
        entries = [
            e for e in outbox.active() if not respect_schedule or e.next_attempt_at is None or e.next_attempt_at <= now
        ]
        report = DrainReport()
        if not entries:
            return report
        client = self.make_client(server)
        try:
            try:
                client.sign_in(server.account, password)
            except SyncRetry as retry:
                for entry in entries:
                    self._schedule(entry.submission, entry.attempts + 1, retry)
                report.pending = [e.submission for e in entries]
                return report
            grand_total = sum(e.total_bytes for e in entries if e.state != "received") or 1
            base = 0
            for entry in entries:
                share = 0 if entry.state == "received" else entry.total_bytes

                def progress(done: int, _total: int, base: int = base) -> None:
                    context.progress(min(1.0, (base + done) / grand_total), tr("sync.progress.sending"))

                self._attempt(client, entry, progress, report, context)
                base += share
        finally:
            client.close()
        return report

    def _attempt(
        self,
        client: IntakeClient,
        entry: OutboxEntry,
        progress: Callable[[int, int], None],
        report: DrainReport,
        context: TaskContext,
    ) -> None:
        from vista_desktop.storage.outbox import UPLOADING
        from vista_desktop.sync.errors import SyncProblem, SyncRetry
        from vista_desktop.sync.upload import send_submission

        outbox = self._outbox()
        attempts = entry.attempts
        for _ in range(self.policy.attempts_per_drain):
            context.check()
            try:
                if entry.state == "received":
                    status = client.get_submission(entry.submission)
                    if status is None:
                        raise SyncProblem("sync.lost_on_server")
                else:
                    outbox.update(entry.submission, state=UPLOADING)
                    status = send_submission(
                        client,
                        entry.submission,
                        Path(entry.folder),
                        entry.manifest_json.encode("utf-8"),
                        progress,
                        self.chunk,
                        context.check,
                    )
            except SyncRetry as retry:
                attempts += 1
                delay = self._schedule(entry.submission, attempts, retry)
                log.info("submission %s: retry in %.1f s (%s)", entry.submission, delay, retry.code)
                if delay > self.policy.max_inline_wait:
                    break
                self._wait(delay, context)
                continue
            except SyncProblem as problem:
                self._stop(entry.submission, attempts + 1, problem)
                report.failed.append(entry.submission)
                return
            self._record(entry.submission, status)
            report.sent.append(entry.submission)
            return
        report.pending.append(entry.submission)

    def _wait(self, seconds: float, context: TaskContext) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            context.check()
            self.sleep(min(left, 0.2))

    def _schedule(self, submission: str, attempts: int, retry: VistaError) -> float:
        retry_after = getattr(retry, "retry_after", None)
        delay = self.policy.delay(attempts, retry_after)
        self._outbox().update(
            submission,
            attempts=attempts,
            next_attempt_at=datetime.now(UTC) + timedelta(seconds=delay),
            last_error=retry.code,
            last_error_detail=json.dumps({k: str(v) for k, v in retry.params.items()}, ensure_ascii=False),
        )
        return delay

    def _stop(self, submission: str, attempts: int, problem: VistaError) -> None:
        from vista_desktop.storage.outbox import FAILED

        self._outbox().update(
            submission,
            state=FAILED,
            attempts=attempts,
            next_attempt_at=None,
            last_error=problem.code,
            last_error_detail=json.dumps({k: str(v) for k, v in problem.params.items()}, ensure_ascii=False),
        )

    def _record(self, submission: str, status: p.SubmissionStatus) -> None:
        from vista_desktop.storage.outbox import ACCEPTED, RECEIVED, RETURNED

        state = {p.ACCEPTED: ACCEPTED, p.RETURNED: RETURNED}.get(status.status, RECEIVED)
        self._outbox().update(
            submission,
            state=state,
            server_status=status.status,
            registration_number=status.registration_number,
            certificate_number=status.certificate_number,
            reasons=list(status.reasons),
            receipt=dict(status.receipt) if status.receipt is not None else None,
            attempts=0,
            next_attempt_at=None,
            last_error=None,
            last_error_detail=None,
        )


def error_message(entry: OutboxEntry) -> str:
    """The stored reason of an entry's last failure, in the user's language."""
    if not entry.last_error:
        return ""
    try:
        params = json.loads(entry.last_error_detail or "{}")
    except ValueError:
        params = {}
    return tr(entry.last_error, **params)


def _copy_hashing(source: Path, target: Path, on_bytes: Callable[[int], None]) -> str:
    digest = hashlib.sha256()
    with source.open("rb") as reader, target.open("xb") as writer:
        while block := reader.read(_COPY_BLOCK):
            writer.write(block)
            digest.update(block)
            on_bytes(len(block))
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest()


def _make_read_only(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(stat.S_IRUSR | stat.S_IRGRP)


def _remove_tree(folder: Path) -> None:
    def writable(function: Callable[..., object], path: str, _exc: object) -> None:
        os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
        function(path)

    if folder.exists():
        shutil.rmtree(folder, onerror=writable)


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_SUBMISSION_BYTES",
    "DrainReport",
    "RetryPolicy",
    "SyncService",
    "SyncServiceProblem",
    "error_message",
    "verify_manifest_signature",
]
