"""Python's collection of reference cycles, taken off the threads that happen to trigger it.

CPython collects cycles on whichever thread allocates past its threshold. With the GUI up that is often a
worker (opening the database, rendering, signing), and a Qt object caught in a cycle (a running task's QObject
and its future, a window and a lambda connected to one of its signals) is then destroyed on that worker, while
the GUI thread may be delivering one of its signals: Qt objects may only be deleted on their own thread, and
PySide's signal manager is not guarded against it. CI met it once as a segmentation fault while a worker
opened the database. The GUI therefore turns automatic collection off (`take_over`) and collects on its own
thread (`collect_due`, called from a timer by ui.garbage), generation by generation with CPython's thresholds.

Start-up makes some 90,000 objects that live as long as the app and only a few dozen cycles of garbage: a
collection then walks them all for 30-60 ms of the GUI thread, for nothing. So the GUI's start-up collects
nothing until it is over, and `settle` then sets what it made aside for good (`gc.freeze`).
The command line never calls this: it has no Qt objects, and collection stays automatic there.
"""

from __future__ import annotations

import gc

__all__ = ["collect_due", "settle", "take_over"]

_thresholds: tuple[int, int, int] | None = None
_starting = False


def take_over(*, starting: bool = False) -> None:
    """Turn automatic collection off; `collect_due` then applies the thresholds it had. `starting`: the app's
    start-up begins, and nothing is due until `settle`."""
    global _thresholds, _starting
    if _thresholds is None:
        first, second, third = gc.get_threshold()
        _thresholds = (max(first, 1), max(second, 1), max(third, 1))
    _starting = _starting or starting
    gc.disable()


def settle() -> int:
    """Start-up is over: what it made is set aside for good (`gc.freeze`; its few dozen garbage objects with
    it), so that no later collection walks it. Returns the count of objects set aside; once only."""
    global _starting
    if _starting:
        _starting = False
        gc.freeze()
    return gc.get_freeze_count()


def collect_due() -> int | None:
    """Collect, on the calling thread, the generation CPython would have collected by now (the oldest whose
    count has reached its threshold); None when nothing is due. The counts are those CPython keeps: objects
    allocated since the last collection, then the collections of the younger generation since the older one's."""
    if _starting:
        return None
    young, middle, old = gc.get_count()
    first, second, third = _thresholds or gc.get_threshold()
    if young < first:
        return None
    generation = 2 if middle + 1 >= second and old + 1 >= third else 1 if middle + 1 >= second else 0
    gc.collect(generation)
    return generation
