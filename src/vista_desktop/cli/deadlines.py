"""deadlines [--json], deadlines due KIND DATE: every draft's legal deadline, and the due date of an event."""

from __future__ import annotations

import argparse
import json
from datetime import date

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_OK, guarded


def _iso_date(text: str) -> date:
    from vista_desktop.services.deadlines import DeadlineInputError

    try:
        return date.fromisoformat(text) if len(text) == 10 else date.fromisoformat("")
    except ValueError as exc:
        raise DeadlineInputError("deadlines.bad_date", value=text) from exc


@guarded
def cmd_list(args: argparse.Namespace) -> int:
    from vista_desktop.services.app import AppServices

    today = _iso_date(args.today) if args.today else date.today()
    services = AppServices()
    try:
        found = services.deadlines.all(today)
    finally:
        services.close()
    rows = [
        {
            "draft_id": d.draft_id,
            "form": d.form_id,
            "title": d.title,
            "kind": d.kind.value,
            "event": d.event.isoformat() if d.event else None,
            "due": d.due.isoformat() if d.due else None,
            "days_left": d.days_left(today),
            "state": d.state.value,
        }
        for d in found
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            state = i18n.tr(f"deadlines.state.{row['state']}")
            print(f"{row['due'] or '?'}\t{state}\t{row['form']}\t{row['title']}")
    return EXIT_OK


@guarded
def cmd_due(args: argparse.Namespace) -> int:
    from vista_desktop.services.deadlines import legal_due
    from vista_desktop.services.update_periods import DEFAULT_DAYS, UpdatePeriodService

    working_days = args.working_days
    if working_days is None:  # an explicit --working-days wins over the body's setting
        working_days = UpdatePeriodService().days_for(args.body) if args.body else DEFAULT_DAYS
    due = legal_due(
        args.kind,
        _iso_date(args.date),
        working_days=working_days,
        ip_filed=_iso_date(args.ip_filed) if args.ip_filed else None,
        report_year=args.year,
    )
    print(due.isoformat())
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    deadlines = sub.add_parser("deadlines", help="legal deadlines: every draft's, or the due date of an event")
    deadlines.add_argument("--json", action="store_true")
    deadlines.add_argument("--today", help="count as of this day (YYYY-MM-DD) instead of today")
    deadlines.set_defaults(handler=cmd_list)
    deadlines_sub = deadlines.add_subparsers(dest="deadlines_command")
    due = deadlines_sub.add_parser("due", help="the legal due date of an event (e.g. update-sheet 2026-02-13)")
    due.add_argument("kind", help="mau-01 (contract date), update-sheet (approval), mau-05 (acceptance), mau-12")
    due.add_argument("date", help="the event's date, YYYY-MM-DD")
    due.add_argument("--working-days", type=int, help="update-sheet period (default: the body's setting, else 15)")
    due.add_argument("--body", help="update-sheet: the managing body, whose period set in the app applies")
    due.add_argument("--ip-filed", help="mau-05: date of an industrial-property filing after acceptance")
    due.add_argument("--year", type=int, default=1, help="mau-12: the reporting year, 1-5")
    due.set_defaults(handler=cmd_due)
