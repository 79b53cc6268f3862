"""Writing files so that a crash never leaves half of one, and hashing them without loading them.

`atomic_path` is the one way the app writes a file the user keeps: a temporary file in the destination folder
(same file system, so the rename is atomic), flushed to disk, renamed over the target, removed on any failure.
The result gets the permissions any new file of the user would get (their umask), not the 0600 of a temporary
file, so a colleague on a shared folder can open it; a file that is replaced keeps its mode.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

CHUNK = 1 << 20


@cache
def _umask() -> int:
    try:  # Linux tells it without changing it
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _final_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) refuse fsync on a folder; the rename itself is done
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `target` to write to (by name or by handle); on leaving without an error it
    is flushed and renamed onto `target`; on any error it is removed and `target` is untouched."""
    target = Path(target)
    folder = target.resolve().parent
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix or ".tmp", dir=folder)
    os.close(fd)
    working = Path(name)
    try:
        yield working
        with working.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(working, _final_mode(target))
        os.replace(working, target)
    except BaseException:
        working.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def atomic_write(target: Path, content: bytes | str, encoding: str = "utf-8") -> None:
    """Write `content` to `target` atomically (see `atomic_path`)."""
    data = content.encode(encoding) if isinstance(content, str) else content
    with atomic_path(target) as working:
        working.write_bytes(data)


def sha256_file(path: Path, on_bytes: Callable[[int], None] | None = None, follow_links: bool = True) -> str:
    """SHA-256 of a file in one streaming pass of 1 MiB reads; `on_bytes(n)` after each chunk (progress, and a
    place to raise `Cancelled`). With `follow_links=False` a symbolic link fails to open (OSError), so a file
    swapped for a link after it was listed is never followed out of its folder."""
    digest = hashlib.sha256()
    flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | (0 if follow_links else getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(os.open(path, flags), "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if on_bytes is not None:
                on_bytes(len(chunk))
    return digest.hexdigest()
