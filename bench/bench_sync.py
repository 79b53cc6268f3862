"""Sync over loopback: one N MB file (default 1024) sent with the sync client (PUT submission, tus PATCH chunks
with SHA-256 per chunk, completion) against a raw streamed httpx PUT of the same bytes to a sink on the same server
process that writes them to a new file (no hashing), twice: once answered when the bytes are in the page cache,
once after an fsync (like for like: the tus server makes each PATCH durable before it acknowledges the offset).
The three run in turn `--repeat` times (default 3: this machine is shared, one run says little), each after the
previous run's pages are written out and its files removed, untimed; prints the medians, the ratios, the CPU
seconds of the client and of the server per transfer, and the peak memory of the client (this process) and the
server (its own process). Run under `taskset -c 0` to see one core.

    python bench/bench_sync.py [MB] [CHUNK_MB] [--repeat N]
    python bench/bench_sync.py --concurrent 100 [--workers 4] [--db postgresql | --db postgresql+psycopg://…]

The second form sends N small submissions at once to `vista-intake serve --workers W`: N clients sign in at once
(scrypt per password check: deliberately costly), then each sends one submission (PUT, tus create + PATCH,
complete); it reports both phases' wall time, the submissions' throughput and 95th percentile latency, and CPU
seconds. `--db postgresql` starts a private, durable PostgreSQL cluster for the run (tests/private_postgres.py).
BENCH_PROFILE=FILE runs the server's main process under cProfile (use with --workers 1).

Where the time goes (cProfile of both sides at 256 MB, then CPU seconds per GB): the sync computes three SHA-256
passes the raw PUT does not (the client's per-chunk checksum, the server's check of it, the server's whole-file
hash), about 0.7 s of one core each per GB here; everything else (HTTP parsing, writes, fsync per PATCH) costs
about what the raw PUT costs. On two shared cores the ratio is therefore bound by CPU, not by the protocol:
measured at 1 GiB, the sync costs 4.3 CPU seconds (client 1.4, server 2.9) where the raw PUT costs 2.2 (client
1.0, server 1.2), and the 2.1 s difference is the three hash passes; with one core the sync/durable ratio is 74 %,
with two 66 %. Hiding the hashes behind the transfer needs a core for each hashing thread.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SERVER = r"""
import os
import sys
import uuid
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
    # A new file per upload, as the tus server does (the bench removes both kinds between runs: see `settle`).
    with (storage / f"raw-{uuid.uuid4().hex}.bin").open("wb") as out:
        async for piece in request.stream():
            out.write(piece)
        if request.url.path.endswith("/durable"):  # on disk before the answer, as the tus server's offsets are
            out.flush()
            os.fsync(out.fileno())
    return Response(status_code=204)

app = Starlette(
    routes=[Route("/raw", sink, methods=["PUT"]), Route("/raw/durable", sink, methods=["PUT"]), Mount("/", intake)]
)
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


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(megabytes: int, chunk: int, repeat: int) -> None:
    """Raw and sync alternately `repeat` times (this machine is shared: one run says little); medians reported."""
    import statistics

    import httpx

    from vista_desktop.sync.client import IntakeClient
    from vista_desktop.sync.upload import send_submission

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
        raw_times: list[float] = []
        durable_times: list[float] = []
        sync_times: list[float] = []
        client_cpu: list[float] = []
        server_cpu: list[float] = []
        raw_server_cpu: list[float] = []
        raw_client_cpu: list[float] = []
        try:
            wait_for(port)
            base = f"http://127.0.0.1:{port}"
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

            def body():  # type: ignore[no-untyped-def]
                with data.open("rb") as handle:
                    while block := handle.read(1 << 20):
                        yield block

            def settle() -> None:
                """Between runs, untimed: the previous run's dirty pages are written out (not during the next run)
                and its files removed, so every run starts with the same free memory. On this VM a page the guest
                has never used costs several times a recycled one: a run writing 1 GiB into new pages while the
                page cache keeps growing measured 2-4x the CPU of the same run on recycled pages."""
                os.sync()
                for name in [*(root / "server").glob("raw-*.bin"), *(root / "server" / "uploads").iterdir()]:
                    name.unlink()

            def raw_put(url: str) -> float:
                settle()
                with httpx.Client(timeout=600) as raw:
                    start = time.perf_counter()
                    response = raw.put(url, content=body())
                    elapsed = time.perf_counter() - start
                assert response.status_code == 204, response.status_code
                return elapsed

            client = IntakeClient(base, timeout=600)
            client.sign_in("bench", "bench-password")
            for _ in range(repeat):
                raw_cpu, mine = cpu_seconds(server.pid), os.times()
                raw_times.append(raw_put(f"{base}/raw"))
                after = os.times()
                raw_server_cpu.append(cpu_seconds(server.pid) - raw_cpu)
                raw_client_cpu.append(after.user + after.system - mine.user - mine.system)
                durable_times.append(raw_put(f"{base}/raw/durable"))

                settle()
                mine, theirs = os.times(), cpu_seconds(server.pid)
                start = time.perf_counter()
                status = send_submission(client, str(uuid.uuid4()), folder, json.dumps(manifest).encode(), chunk=chunk)
                sync_times.append(time.perf_counter() - start)
                after = os.times()
                client_cpu.append(after.user + after.system - mine.user - mine.system)
                server_cpu.append(cpu_seconds(server.pid) - theirs)
                assert status.status == "received", status
            client.close()
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            server_peak = peak_kib(server.pid)
        finally:
            server.terminate()
            server.wait(10)
    raw_seconds, sync_seconds = statistics.median(raw_times), statistics.median(sync_times)
    durable_seconds = statistics.median(durable_times)
    mib = megabytes
    print(f"file: {mib} MiB, chunk {chunk >> 20} MiB, {repeat} runs each (medians; all: raw {_list(raw_times)} s,")
    print(f"  raw durable {_list(durable_times)} s, sync {_list(sync_times)} s)")
    print(f"raw streamed httpx PUT, written to the page cache: {raw_seconds:.2f} s ({mib / raw_seconds:.0f} MiB/s)")
    print(
        f"raw streamed httpx PUT, on disk (fsync) before the 204: {durable_seconds:.2f} s "
        f"({mib / durable_seconds:.0f} MiB/s)"
    )
    print(f"sync (PUT + tus + complete): {sync_seconds:.2f} s ({mib / sync_seconds:.0f} MiB/s)")
    print(
        f"sync throughput / raw on disk: {durable_seconds / sync_seconds:.0%} (best: "
        f"{min(durable_times) / min(sync_times):.0%}); / raw to the page cache: {raw_seconds / sync_seconds:.0%} "
        f"(best: {min(raw_times) / min(sync_times):.0%})"
    )
    print(
        f"CPU seconds per sync: client {statistics.median(client_cpu):.2f}, server {statistics.median(server_cpu):.2f}"
    )
    print(
        f"CPU seconds per raw PUT: client {statistics.median(raw_client_cpu):.2f}, "
        f"server {statistics.median(raw_server_cpu):.2f}"
    )
    print(f"CPUs this process may use: {len(os.sched_getaffinity(0))}")
    print(f"client peak RSS: {rss_after / 1024:.0f} MiB (before the uploads: {rss_before / 1024:.0f} MiB)")
    print(f"server peak RSS: {server_peak / 1024:.0f} MiB")


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


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
        serve = intake
        if os.environ.get("BENCH_PROFILE"):  # the server's main process under cProfile (use with --workers 1)
            serve = [sys.executable, "-m", "cProfile", "-o", os.environ["BENCH_PROFILE"], "-m", "vista_intake.cli"]
        env = {**os.environ, "BENCH_PW": "bench-password"}
        subprocess.run(
            [*intake, "accounts", "add", "bench", "--password-env", "BENCH_PW", *location], env=env, check=True
        )
        port = free_port()
        server = subprocess.Popen(
            [*serve, "serve", "--port", str(port), "--workers", str(workers), *location],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(port)
            time.sleep(1.0)  # every worker up

            url = f"http://127.0.0.1:{port}"
            clients = [IntakeClient(url, timeout=120) for _ in range(count)]

            def sign_in(client: IntakeClient) -> float:
                start = time.perf_counter()
                client.sign_in("bench", "bench-password")
                return time.perf_counter() - start

            def submit(client: IntakeClient) -> float:
                start = time.perf_counter()
                status = send_submission(client, str(uuid.uuid4()), folder, manifest)
                assert status.status == "received", status
                return time.perf_counter() - start

            with ThreadPoolExecutor(count) as pool:
                mine, theirs = os.times(), tree_cpu_seconds(server.pid)
                start = time.perf_counter()
                sign_ins = sorted(pool.map(sign_in, clients))
                sign_in_wall = time.perf_counter() - start
                start = time.perf_counter()
                latencies = sorted(pool.map(submit, clients))
                elapsed = time.perf_counter() - start
                after = os.times()
                client_cpu = after.user + after.system - mine.user - mine.system
                server_cpu = tree_cpu_seconds(server.pid) - theirs
            for client in clients:
                client.close()
        finally:
            server.send_signal(signal.SIGINT)  # uvicorn shuts down cleanly (and cProfile writes its file)
            server.wait(20)
    print(f"{count} concurrent clients, server with {workers} workers on {'PostgreSQL' if db_url else 'SQLite'}")
    print(
        f"sign-in (scrypt n=2^14 per password check): all {count} in {sign_in_wall:.2f} s, p95 {_p95(sign_ins):.2f} s"
    )
    print(
        f"submissions (PUT, tus create + PATCH of 20 kB, complete): {count} in {elapsed:.2f} s, "
        f"throughput {count / elapsed:.1f} submissions/s"
    )
    print(
        f"submission latency median {statistics.median(latencies):.2f} s, p95 {_p95(latencies):.2f} s, "
        f"max {latencies[-1]:.2f} s"
    )
    print(
        f"end to end (sign-in + submission) {(sign_in_wall + elapsed):.2f} s: {count / (sign_in_wall + elapsed):.1f}/s"
    )
    print(
        f"CPU seconds, both phases: client process {client_cpu:.1f}, server workers {server_cpu:.1f} (2 cores shared)"
    )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def tree_cpu_seconds(pid: int) -> float:
    """CPU of a process and its descendants still running (uvicorn's workers)."""
    total = cpu_seconds(pid)
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            total += tree_cpu_seconds(int(child))
    return total


if __name__ == "__main__":
    if "--concurrent" in sys.argv:
        args = sys.argv[1:]
        option = lambda name, default: args[args.index(name) + 1] if name in args else default  # noqa: E731
        count, workers, db = int(option("--concurrent", "100")), int(option("--workers", "4")), option("--db", "")
        if db == "postgresql":  # a private cluster started here, durable (fsync on), as a department would run it
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.private_postgres import private_postgres

            with private_postgres(durable=True) as url:
                concurrent(count, workers, url)
        else:
            concurrent(count, workers, db)
    else:
        numbers = [a for a in sys.argv[1:] if not a.startswith("--")]
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
        if "--repeat" in sys.argv:
            numbers.remove(str(repeat))
        main(int(numbers[0]) if numbers else 1024, (int(numbers[1]) if len(numbers) > 1 else 64) << 20, repeat)
