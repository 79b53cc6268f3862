"""All signing work on one serialised thread with no asyncio loop running: pyHanko's synchronous API needs
that, and PKCS#11 drivers misbehave when two threads use one token at once."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="signing")


def submit(work: Callable[[], T]) -> Future[T]:
    return _executor.submit(work)


def run(work: Callable[[], T]) -> T:
    """Run `work` on the signing thread and wait for it (the CLI's way; the GUI uses `submit`)."""
    return submit(work).result()
