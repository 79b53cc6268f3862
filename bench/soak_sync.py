"""Soak test of sync as a new user would run it (issue #10, "Done when", first bullet): two installations of the app
(two data folders via VISTA_DESKTOP_DATA_DIR, each with its own database) and one intake server
(`vista-desktop intake serve`, SQLite, its own storage folder) on 127.0.0.1.

Each installation signs (`manifest sign`) and queues (`queue`) a dossier with one large annex plus two small
dossiers while the server is down; the server is then started and each installation drains its outbox with
`vista-desktop sync` in its own process. At random moments during the transfers the server or one running sync
process is killed with SIGKILL and started again, until at least KILLS kills; when every outbox is empty before
that, each installation queues one more large dossier (a "round") so that every kill lands mid-transfer. Then
everything is left to finish and checked: every queued submission exists on the server exactly once, every stored
file's SHA-256 (computed here from the stored bytes) equals the source's, and every outbox entry says received.

The apps reach the server through a byte-counting TCP relay in this process, so the bytes sent beyond the payload
(retransmitted chunks + HTTP overhead) are measured, not guessed.

    python bench/soak_sync.py [SIZE_MIB] [KILLS] [--seed N] [--keep]

Defaults: 1024 MiB, 50 kills. Data lives under a temporary folder in /tmp, removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.pki makes the throwaway certificates

APP = [str(Path(sys.executable).with_name("vista-desktop"))]
ACCOUNT, PASSWORD = "soak", "soak-password-1"
P12_ENV, INTAKE_ENV = "SOAK_P12_PASSWORD", "SOAK_INTAKE_PASSWORD"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def make_large(path: Path, mebibytes: int, tag: bytes) -> None:
    """Distinct per installation (the tag) and per MiB (the index), without paying for gigabytes of urandom."""
    block = os.urandom(1 << 20)
    with path.open("wb") as out:
        for index in range(mebibytes):
            out.write(tag + index.to_bytes(8, "big") + block[len(tag) + 8 :])


class CountingRelay:
    """127.0.0.1:port → the server's port, counting the bytes the clients send. A connection that cannot reach
    the server is closed at once (what a client sees when nothing listens behind a proxy)."""

    def __init__(self, upstream: int) -> None:
        self.upstream = upstream
        self.sent = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream), timeout=2)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, counted: bool) -> None:
        buffer = bytearray(1 << 20)
        view = memoryview(buffer)
        try:
            while count := source.recv_into(buffer):
                target.sendall(view[:count])
                if counted:
                    with self._lock:
                        self.sent += count
        except OSError:
            pass
        finally:
            for end in (source, target):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()


@dataclass
class Installation:
    name: str
    home: Path
    env: dict[str, str]
    log: Path
    expected: dict[str, dict[str, str]] = field(default_factory=dict)  # submission → path → sha256
    process: subprocess.Popen[bytes] | None = None
    runs: int = 0
    exits: dict[int, int] = field(default_factory=dict)

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run([*APP, *args], env=self.env, capture_output=True, check=False)
        with self.log.open("ab") as log:
            log.write(b"$ " + " ".join(args).encode() + b"\n" + done.stdout + done.stderr)
        if check and done.returncode != 0:
            raise RuntimeError(f"{self.name}: {args} → {done.returncode}: {done.stderr.decode()[-2000:]}")
        return done.stdout.decode()

    def outbox(self) -> dict[str, str]:
        with sqlite3.connect(f"file:{self.home / 'vista.sqlite3'}?mode=ro", uri=True, timeout=5) as con:
            return dict(con.execute("SELECT submission, state FROM outbox").fetchall())


class Soak:
    def __init__(self, root: Path, mebibytes: int, kills: int, seed: int) -> None:
        from tests.pki import PASSWORD as P12_PASSWORD
        from tests.pki import make_pki

        self.root, self.mebibytes, self.target_kills = root, mebibytes, kills
        self.rng = random.Random(seed)
        self.pki = make_pki(root / "pki")
        base_env = {**os.environ, P12_ENV: P12_PASSWORD, INTAKE_ENV: PASSWORD, "PYTHONUNBUFFERED": "1"}
        self.server_port = free_port()
        self.storage = root / "intake"
        self.server_env = {**base_env, "VISTA_DESKTOP_DATA_DIR": str(root / "server-app")}
        self.server_log = root / "server.log"
        self.server: subprocess.Popen[bytes] | None = None
        self.server_starts = 0
        self.relay = CountingRelay(self.server_port)
        self.apps = [
            Installation(
                name, root / name, {**base_env, "VISTA_DESKTOP_DATA_DIR": str(root / name)}, root / f"{name}.log"
            )
            for name in ("app-a", "app-b")
        ]
        self.kills = {"server": 0, "app": 0}
        self.kill_log: list[str] = []
        self.anomalies: list[str] = []
        self.payload = 0
        self.rounds = 0

    # Preparing, offline ------------------------------------------------------------------------------------------

    def prepare(self) -> None:
        subprocess.run(
            [*APP, "intake", "accounts", "add", ACCOUNT, "--password-env", INTAKE_ENV, "--storage", str(self.storage)],
            env=self.server_env,
            check=True,
            capture_output=True,
        )
        # The server run from the app checks each manifest's signature against its own trust store.
        subprocess.run(
            [*APP, "trust", "add", str(self.pki.root_pem)], env=self.server_env, check=True, capture_output=True
        )
        for app in self.apps:
            app.home.mkdir(parents=True)
            make_large(self.root / f"{app.name}-annex.bin", self.mebibytes, app.name.encode())
            self.queue_round(app, small=2)

    def queue_round(self, app: Installation, small: int = 0) -> None:
        """One dossier with the large annex (hard-linked: queue freezes its own copy), then `small` small ones."""
        index = len(app.expected)
        self.queue(app, index, large=True)
        for extra in range(small):
            self.queue(app, index + 1 + extra, large=False)

    def queue(self, app: Installation, index: int, large: bool) -> None:
        folder = self.root / "sources" / app.name / f"hồ sơ {index}"
        (folder / "phụ lục").mkdir(parents=True)
        (folder / "mau-05.pdf").write_bytes(b"%PDF-1.7\n" + os.urandom(self.rng.randrange(50_000, 900_000)))
        (folder / "phụ lục" / "số liệu.csv").write_text(f"vòng,{index}\nBến Tre,4.2\n", encoding="utf-8")
        if large:
            os.link(self.root / f"{app.name}-annex.bin", folder / "phụ lục" / "dữ liệu đo.bin")
        app.run(
            "manifest",
            "sign",
            str(folder),
            "--pkcs12",
            str(self.pki["pi"].p12),
            "--pin-env",
            P12_ENV,
            "--trust",
            str(self.pki.root_pem),
        )
        submission = app.run("queue", str(folder), "--trust", str(self.pki.root_pem)).strip().splitlines()[-1]
        # Every file of the folder (the signed manifest and its signature travel too), hashed here from the source.
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        app.expected[submission] = {p.relative_to(folder).as_posix(): sha256_file(p) for p in files}
        self.payload += sum(p.stat().st_size for p in files)

    # Processes -----------------------------------------------------------------------------------------------------

    def start_server(self) -> None:
        self.server_starts += 1
        with self.server_log.open("ab") as log:
            self.server = subprocess.Popen(
                [*APP, "intake", "serve", "--port", str(self.server_port), "--storage", str(self.storage)],
                env=self.server_env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_sync(self, app: Installation) -> None:
        app.runs += 1
        url = f"http://127.0.0.1:{self.relay.port}"
        with app.log.open("ab") as log:
            log.write(f"$ sync (run {app.runs})\n".encode())
            log.flush()
            app.process = subprocess.Popen(
                [*APP, "sync", "--server", url, "--account", ACCOUNT, "--password-env", INTAKE_ENV],
                env=app.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the process and anything it started
        process.wait()

    def pending(self, app: Installation) -> bool:
        return any(state in ("queued", "uploading") for state in app.outbox().values())

    def tend_syncs(self) -> None:
        """Restart a sync that ended while its outbox still has work (an exit 1 after the server went away)."""
        for app in self.apps:
            if app.process is not None and app.process.poll() is not None:
                code = app.process.returncode
                app.exits[code] = app.exits.get(code, 0) + 1
                app.process = None
            if app.process is None and self.pending(app):
                self.start_sync(app)

    def transferring(self) -> list[Installation]:
        return [a for a in self.apps if a.process is not None and a.process.poll() is None]

    # The soak ------------------------------------------------------------------------------------------------------

    def run(self) -> float:
        started = time.monotonic()
        self.prepare()
        print(f"queued offline: {sum(len(a.expected) for a in self.apps)} dossiers, payload {self.payload >> 20} MiB")
        for app in self.apps:  # offline: sign-in fails, the entries wait, nothing is lost
            app.runs += 1
            app.run(
                "sync",
                "--server",
                f"http://127.0.0.1:{self.relay.port}",
                "--account",
                ACCOUNT,
                "--password-env",
                INTAKE_ENV,
                check=False,
            )
            if set(app.outbox().values()) != {"queued"}:
                self.anomalies.append(f"{app.name}: outbox after an offline sync: {app.outbox()}")
        self.start_server()
        kills = 0
        while kills < self.target_kills:
            self.tend_syncs()
            if not self.transferring():
                if any(self.pending(a) for a in self.apps):
                    time.sleep(0.2)
                    continue
                self.rounds += 1  # everything arrived before enough kills: queue more so kills land mid-transfer
                for app in self.apps:
                    self.queue_round(app)
                continue
            before = self.relay.sent
            time.sleep(self.rng.uniform(0.3, 4.0))
            running = self.transferring()
            if not running or self.relay.sent == before:
                continue  # nothing moved meanwhile (backoff, start-up): a kill now would not be mid-transfer
            if self.rng.random() < 0.5:
                assert self.server is not None
                self.kill(self.server)
                self.kills["server"] += 1
                self.kill_log.append(f"{time.monotonic() - started:7.1f}s server")
                time.sleep(self.rng.uniform(0.0, 2.0))  # the apps find nothing listening for a moment
                self.start_server()
            else:
                app = self.rng.choice(running)
                assert app.process is not None
                self.kill(app.process)
                app.process = None
                self.kills["app"] += 1
                self.kill_log.append(f"{time.monotonic() - started:7.1f}s {app.name}")
            kills += 1
            print(f"kill {kills}: {self.kill_log[-1].split()[-1]}, relay {self.relay.sent >> 20} MiB", flush=True)
        deadline = time.monotonic() + max(600, self.mebibytes)  # "stuck outbox" if not done by then
        while any(self.pending(a) for a in self.apps) or self.transferring():
            if time.monotonic() > deadline:
                self.anomalies.append(
                    "outbox still not empty long after the last kill: " + str([a.outbox() for a in self.apps])
                )
                break
            self.tend_syncs()
            time.sleep(0.2)
        return time.monotonic() - started

    def stop(self) -> None:
        for process in [self.server, *(a.process for a in self.apps)]:
            if process is not None and process.poll() is None:
                self.kill(process)

    # Checks ----------------------------------------------------------------------------------------------------------

    def check(self) -> dict[str, int]:
        from vista_intake.db import IntakeDatabase
        from vista_intake.files import FileStore

        expected = {s: files for app in self.apps for s, files in app.expected.items()}
        db = IntakeDatabase(f"sqlite:///{self.storage / 'intake.sqlite3'}")
        store = FileStore(self.storage)
        checked = 0
        try:
            on_server = db.list_submissions()
            uuids = [s.uuid for s in on_server]
            if sorted(uuids) != sorted(expected):
                self.anomalies.append(f"server has {sorted(uuids)}, queued {sorted(expected)}")
            manifests = [s.manifest_sha256 for s in on_server]
            if len(set(manifests)) != len(manifests):
                self.anomalies.append("two submissions on the server with the same manifest (a duplicate)")
            for submission in on_server:
                if submission.status != "received":
                    self.anomalies.append(f"{submission.uuid}: server status {submission.status}")
                uploads = db.uploads_of(submission.uuid)
                stored = {u.path: sha256_file(store.path(u.id)) for u in uploads}
                if len(uploads) != len(stored) or stored != expected.get(submission.uuid):
                    self.anomalies.append(f"{submission.uuid}: stored files differ from the source")
                checked += len(stored)
        finally:
            db.dispose()
        for app in self.apps:
            for queued, state in app.outbox().items():
                if state != "received":
                    self.anomalies.append(f"{app.name}: outbox {queued} is {state}")
        logs = [self.server_log, *(a.log for a in self.apps)]
        for log in logs:
            text = log.read_text(encoding="utf-8", errors="replace")
            if "Traceback" in text:
                self.anomalies.append(f"a traceback in {log.name}")
        return {"submissions": len(expected), "files": checked}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("size_mib", nargs="?", type=int, default=1024)
    parser.add_argument("kills", nargs="?", type=int, default=50)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--keep", action="store_true", help="leave the data folder for a post-mortem")
    args = parser.parse_args()
    need = args.size_mib * (1 << 20) * 2 * 3 * 4  # 2 installations × (source, frozen copy, stored) × some rounds
    free = shutil.disk_usage(tempfile.gettempdir()).free
    if free < need:
        print(f"not enough room in {tempfile.gettempdir()}: {free >> 30} GiB free, {need >> 30} GiB wanted")
        return 2
    root = Path(tempfile.mkdtemp(prefix="vista-soak-"))
    print(f"data in {root}, seed {args.seed}")
    soak = Soak(root, args.size_mib, args.kills, args.seed)
    try:
        seconds = soak.run()
    finally:
        soak.stop()
    counts = soak.check()
    excess = soak.relay.sent - soak.payload
    print()
    print(
        f"annex {args.size_mib} MiB, {counts['submissions']} submissions ({soak.rounds} extra rounds), "
        f"{counts['files']} files checked, payload {soak.payload / (1 << 20):.0f} MiB"
    )
    print(
        f"kills: server {soak.kills['server']}, app {soak.kills['app']}; server starts {soak.server_starts}; "
        f"sync runs {[a.runs for a in soak.apps]}, exit codes {[a.exits for a in soak.apps]}"
    )
    print(f"total time {seconds:.0f} s")
    print(
        f"bytes sent by the apps {soak.relay.sent / (1 << 20):.0f} MiB: "
        f"{excess / (1 << 20):.0f} MiB beyond the payload "
        f"({excess / max(1, soak.payload):.1%}; resent chunks cut by a kill + HTTP overhead)"
    )
    print("anomalies: " + ("; ".join(soak.anomalies) if soak.anomalies else "none"))
    if args.keep:
        print(f"kept {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if soak.anomalies else 0


if __name__ == "__main__":
    sys.exit(main())
