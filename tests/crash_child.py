"""Child process of test_crash: edits a draft in a loop through the real session and autosaver, and reports
each value once the app would show it as saved."""

from __future__ import annotations

import sys

from vista_desktop.services.app import AppServices


def main() -> None:
    draft_id, start = sys.argv[1], int(sys.argv[2])
    service = AppServices().drafts
    session = service.edit(draft_id, autosave_delay=0.0)
    i = start
    while True:
        session.set_value("objectives", f"Mục tiêu lần {i}")
        session.set_value("task.budget.total_vnd", i)
        session.flush()
        print(f"saved {i}", flush=True)
        i += 1


if __name__ == "__main__":
    main()
