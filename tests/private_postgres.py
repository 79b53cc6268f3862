"""A private PostgreSQL cluster (the distribution's package) for the tests and the benchmarks: a free port, a
socket folder of its own, removed afterwards. Its server refuses to run as root, so it runs as the `postgres` user
on a folder that user owns."""

from __future__ import annotations

import glob
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PostgresMissing(RuntimeError):
    pass


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    path = found[-1] if found else shutil.which(name)
    if path is None:
        raise PostgresMissing("PostgreSQL must be installed (scripts/install.sh test installs it)")
    return path


@contextmanager
def private_postgres(durable: bool = False, max_connections: int = 100) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh cluster. `durable=False` (tests) turns fsync off; a benchmark keeps it on."""
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="vista-pg-"))
    shutil.chown(root, "postgres", "postgres")
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    shutil.chown(sockets, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    as_postgres = ["runuser", "-u", "postgres", "--"]
    subprocess.run(
        [*as_postgres, initdb, "-D", str(data), "-A", "trust", "-U", "postgres"], check=True, capture_output=True
    )
    options = f"-p {port} -k {sockets} -c listen_addresses='' -c max_connections={max_connections}"
    if not durable:
        options += " -c fsync=off"
    try:
        subprocess.run(
            [*as_postgres, pg_ctl, "-D", str(data), "-o", options, "-w", "-l", str(root / "log"), "start"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://postgres@/postgres?host={sockets}&port={port}"
    finally:
        subprocess.run([*as_postgres, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
