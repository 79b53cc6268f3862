"""database backups|restore: the drafts database's automatic backups, for when the GUI cannot start."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_OK, guarded

if TYPE_CHECKING:
    from vista_desktop.services.app import AppServices


def _services() -> AppServices:
    from vista_desktop.services.app import AppServices

    return AppServices()


@guarded
def cmd_backups(args: argparse.Namespace) -> int:
    services = _services()
    rows = [
        {"path": str(b.path), "kind": b.kind, "taken_at": b.taken_at.isoformat(), "size": b.size}
        for b in services.database.backups()
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['taken_at']}\t{row['kind']}\t{row['path']}")
    return EXIT_OK


@guarded
def cmd_restore(args: argparse.Namespace) -> int:
    services = _services()
    try:
        aside = services.database.restore(Path(args.backup))
    finally:
        services.close()
    print(i18n.tr("ui.backups.done", aside=str(aside or "")))
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    database = sub.add_parser("database", help="the drafts database: backups and restore")
    database_sub = database.add_subparsers(dest="database_command", required=True)
    listing = database_sub.add_parser("backups", help="list the automatic backups (newest first)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_backups)
    restore = database_sub.add_parser("restore", help="replace the drafts by a backup (the current file is kept)")
    restore.add_argument("backup")
    restore.set_defaults(handler=cmd_restore)
