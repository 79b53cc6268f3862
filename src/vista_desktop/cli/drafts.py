"""drafts list|import: the app's local drafts, for scripts and batch work."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_OK, guarded

if TYPE_CHECKING:
    from vista_desktop.services.app import AppServices
    from vista_desktop.services.drafts import DraftSummary


def _services() -> AppServices:
    from vista_desktop.services.app import AppServices

    return AppServices()


def _row(summary: DraftSummary, task_names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": summary.id,
        "form": summary.form_id,
        "version": summary.form_version,
        "title": summary.title,
        "status": summary.status,
        "task_id": summary.task_id,
        "task": task_names.get(summary.task_id or "", ""),
        "updated_at": summary.updated_at.isoformat(),
    }


@guarded
def cmd_drafts_list(args: argparse.Namespace) -> int:
    services = _services()
    try:
        tasks = {t.id: t.code or t.title for t in services.results.tasks()}
        rows = [_row(s, tasks) for s in services.drafts.list()]
    finally:
        services.close()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print(i18n.tr("cli.drafts.empty"))
    else:
        for row in rows:
            print("\t".join((row["id"], row["form"], row["status"], row["updated_at"], row["task"], row["title"])))
    return EXIT_OK


@guarded
def cmd_drafts_import(args: argparse.Namespace) -> int:
    services = _services()
    try:
        record = services.drafts.import_file(Path(args.file))
    finally:
        services.close()
    print(record.id)
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    drafts = sub.add_parser("drafts", help="the app's drafts")
    drafts_sub = drafts.add_subparsers(dest="drafts_command", required=True)
    listing = drafts_sub.add_parser("list", help="list the drafts (newest first)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_drafts_list)
    importing = drafts_sub.add_parser("import", help="import a JSON draft; prints the new draft's id")
    importing.add_argument("file")
    importing.set_defaults(handler=cmd_drafts_import)
