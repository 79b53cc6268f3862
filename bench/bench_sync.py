"""Sync over loopback: one N MB file (default 1024) sent with the sync client (PUT submission, tus PATCH chunks
with SHA-256 per chunk, completion with the server's full re-hash) against a raw streamed httpx PUT of the same
bytes to a sink on the same server process that writes them to disk. Prints both times, the ratio, and the peak
memory of the client (this process) and the server (its own process).

    python bench/bench_sync.py [MB] [CHUNK_MB]
    python bench/bench_sync.py --concurrent 100 [--workers 4] [--db postgresql+psycopg://…]

The second form sends N small submissions at once (each: sign in, PUT, tus upload, complete) to
`vista-intake serve --workers W` and reports the throughput and the 95th percentile latency.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SERVER = r"""
import sys
from pathlib import Path
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Mount, Route
from vista_intake.app import create_app
from vista_intake.config import IntakeConfig

storage = Path(sys.argv[1])
intake = create_app(IntakeConfig(storage=storage, max_file_bytes=64 << 30, max_submission_bytes=64 << 30))
intake.state.intake.db.add_account("bench", "bench-password")

async def sink(request):
    with (storage / "raw.bin").open("wb") as out:
        async for piece in request.stream():
            out.write(piece)
    return Response(status_code=204)

app = Starlette(routes=[Route("/raw", sink, methods=["PUT"]), Mount("/", intake)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def make_file(path: Path, megabytes: int) -> str:
    digest = hashlib.sha256()
    block = os.urandom(1 << 20)
    with path.open("wb") as out:
        for index in range(megabytes):
            piece = index.to_bytes(8, "big") + block[8:]
            out.write(piece)
            digest.update(piece)
    return digest.hexdigest()


def main() -> None:
    import httpx

    from vista_desktop.sync.client import IntakeClient
    from vista_desktop.sync.upload import send_submission

    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
    chunk = (int(sys.argv[2]) if len(sys.argv) > 2 else 64) << 20
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "dossier"
        folder.mkdir()
        data = folder / "annex.bin"
        digest = make_file(data, megabytes)
        manifest = {
            "format": "vista-dossier-manifest",
            "version": 2,
            "files": [{"path": "annex.bin", "size": data.stat().st_size, "sha256": digest}],
        }
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(root / "server"), str(port)])
        try:
            wait_for(port)
            base = f"http://127.0.0.1:{port}"
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

            def body():  # type: ignore[no-untyped-def]
                with data.open("rb") as handle:
                    while block := handle.read(1 << 20):
                        yield block

            with httpx.Client(timeout=600) as raw:
                start = time.perf_counter()
                response = raw.put(f"{base}/raw", content=body())
                raw_seconds = time.perf_counter() - start
                assert response.status_code == 204, response.status_code

            client = IntakeClient(base, timeout=600)
            client.sign_in("bench", "bench-password")
            start = time.perf_counter()
            status = send_submission(client, str(uuid.uuid4()), folder, json.dumps(manifest).encode(), chunk=chunk)
            sync_seconds = time.perf_counter() - start
            client.close()
            assert status.status == "received", status
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            server_peak = peak_kib(server.pid)
        finally:
            server.terminate()
            server.wait(10)
    mib = megabytes
    print(f"file: {mib} MiB, chunk {chunk >> 20} MiB")
    print(f"raw streamed httpx PUT: {raw_seconds:.2f} s ({mib / raw_seconds:.0f} MiB/s)")
    print(f"sync (PUT + tus + complete): {sync_seconds:.2f} s ({mib / sync_seconds:.0f} MiB/s)")
    print(f"sync throughput / raw: {raw_seconds / sync_seconds:.0%}")
    print(f"client peak RSS: {rss_after / 1024:.0f} MiB (before the uploads: {rss_before / 1024:.0f} MiB)")
    print(f"server peak RSS: {server_peak / 1024:.0f} MiB")


def concurrent(count: int, workers: int, db_url: str) -> None:
    import statistics
    from concurrent.futures import ThreadPoolExecutor

    from vista_desktop.sync.client import IntakeClient
    from vista_desktop.sync.upload import send_submission

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = root / "dossier"
        folder.mkdir()
        payload = os.urandom(20_000)
        (folder / "mau-01.pdf").write_bytes(payload)
        manifest = json.dumps(
            {
                "format": "vista-dossier-manifest",
                "version": 2,
                "files": [{"path": "mau-01.pdf", "size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}],
            }
        ).encode()
        location = ["--storage", str(root / "server"), *(["--db", db_url] if db_url else [])]
        intake = [sys.executable, "-m", "vista_intake.cli"]
        env = {**os.environ, "BENCH_PW": "bench-password"}
        subprocess.run(
            [*intake, "accounts", "add", "bench", "--password-env", "BENCH_PW", *location], env=env, check=True
        )
        port = free_port()
        server = subprocess.Popen(
            [*intake, "serve", "--port", str(port), "--workers", str(workers), *location],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(port)
            time.sleep(1.0)  # every worker up

            def one(_: int) -> float:
                start = time.perf_counter()
                client = IntakeClient(f"http://127.0.0.1:{port}", timeout=120)
                try:
                    client.sign_in("bench", "bench-password")
                    status = send_submission(client, str(uuid.uuid4()), folder, manifest)
                finally:
                    client.close()
                assert status.status == "received", status
                return time.perf_counter() - start

            start = time.perf_counter()
            with ThreadPoolExecutor(count) as pool:
                latencies = sorted(pool.map(one, range(count)))
            elapsed = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(20)
    p95 = latencies[max(0, int(0.95 * len(latencies)) - 1)]
    print(f"{count} concurrent submissions, {workers} workers, {'PostgreSQL' if db_url else 'SQLite'}")
    print(f"wall time {elapsed:.2f} s, throughput {count / elapsed:.1f} submissions/s")
    print(f"latency median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, max {latencies[-1]:.2f} s")


if __name__ == "__main__":
    if "--concurrent" in sys.argv:
        args = sys.argv[1:]
        option = lambda name, default: args[args.index(name) + 1] if name in args else default  # noqa: E731
        concurrent(int(option("--concurrent", "100")), int(option("--workers", "4")), option("--db", ""))
    else:
        main()
