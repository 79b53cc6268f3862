"""The one atomic writer and the one streaming hasher."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import pytest

from vista_desktop.fileio import atomic_path, atomic_write, sha256_file


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_users_umask_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o002)  # a shared office folder: group-writable files
    try:
        atomic_write(tmp_path / "a.json", "{}")
    finally:
        os.umask(old)
    # _umask is read once per process; what matters is that the file is readable by others, unlike mkstemp's 0600
    assert mode(tmp_path / "a.json") & 0o044 == 0o044


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "b.txt"
    target.write_text("old")
    target.chmod(0o640)
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert mode(target) == 0o640


def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "c.pdf"
    target.write_bytes(b"old")

    def write_then_fail() -> None:
        with atomic_path(target, suffix=".pdf") as working:
            working.write_bytes(b"half")
            raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.pdf"]


def test_sha256_streams_and_reports_bytes(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    path = tmp_path / "annex.bin"
    path.write_bytes(data)
    seen: list[int] = []
    assert sha256_file(path, seen.append) == hashlib.sha256(data).hexdigest()
    assert sum(seen) == len(data)
    assert max(seen) <= 1024 * 1024


def test_sha256_can_refuse_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.bin"
    real.write_bytes(b"x")
    link = tmp_path / "link.bin"
    link.symlink_to(real)
    assert sha256_file(link) == hashlib.sha256(b"x").hexdigest()
    with pytest.raises(OSError, match="symbolic links") as caught:
        sha256_file(link, follow_links=False)
    assert caught.value.errno == errno.ELOOP
