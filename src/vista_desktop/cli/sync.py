"""queue FOLDER and sync: put a signed dossier folder in the outbox, then send the outbox to the intake server."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_INVALID, EXIT_OK, CommandFailed, guarded, print_error, run_task
from vista_desktop.cli.signing import trust_from

if TYPE_CHECKING:
    from vista_desktop.services.app import AppServices


def _services() -> AppServices:
    from vista_desktop.services.app import AppServices

    return AppServices()


@guarded
def cmd_queue(args: argparse.Namespace) -> int:
    services = _services()
    try:
        folder, trust = Path(args.folder), trust_from(args)
        submission = run_task(lambda ctx: services.sync.queue(folder, trust, ctx))
    finally:
        services.close()
    print(submission)
    print_error(i18n.tr("sync.cli.queued", submission=submission))
    return EXIT_OK


def _password(args: argparse.Namespace, sync: object, server: str, account: str) -> str:
    from vista_desktop.services.sync import SyncService

    assert isinstance(sync, SyncService)
    if args.password_env:
        password = os.environ.get(args.password_env, "")
        if password and args.remember and sync.remember_password(password):
            print_error(i18n.tr("sync.cli.remembered"))
        if password:
            return password
    stored = sync.stored_password()
    if stored:
        return stored
    if not sync.keyring_available():
        print_error(i18n.tr("sync.cli.no_keyring"))
    if sys.stdin.isatty():
        return getpass.getpass(i18n.tr("sync.cli.password_prompt", account=account, server=server))
    print_error(i18n.tr("sync.cli.no_password", account=account, server=server))
    raise CommandFailed()


def _describe(entry: object) -> str:
    from vista_desktop.services.sync import error_message
    from vista_desktop.storage.outbox import OutboxEntry

    assert isinstance(entry, OutboxEntry)
    if entry.state == "accepted":
        detail = i18n.tr(
            "sync.accepted_numbers", number=entry.registration_number or "", certificate=entry.certificate_number or ""
        )
    elif entry.state == "returned":
        detail = "; ".join(entry.reasons)
    else:
        detail = error_message(entry)
    return i18n.tr(
        "sync.cli.line", submission=entry.submission, state=i18n.tr(f"sync.state.{entry.state}"), detail=detail
    )


@guarded
def cmd_sync(args: argparse.Namespace) -> int:
    services = _services()
    try:
        sync = services.sync
        server = sync.server()
        if args.server or args.account or args.ca_bundle:
            url = args.server or (server.server_url if server else "")
            account = args.account or (server.account if server else "")
            sync.configure(url, account, args.ca_bundle or (server.ca_bundle if server else None))
            server = sync.server()
        if server is None:
            from vista_desktop.services.sync import SyncServiceProblem

            raise SyncServiceProblem("sync.no_server")
        password = _password(args, sync, server.server_url, server.account)
        report = run_task(lambda ctx: sync.drain(ctx, password))
        entries = sync.statuses()
        for entry in entries:
            print(_describe(entry))
        if not entries:
            print(i18n.tr("sync.cli.empty"))
    finally:
        services.close()
    return EXIT_OK if report.ok else EXIT_INVALID


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    queue = sub.add_parser("queue", help="verify a signed dossier folder and put it in the outbox")
    queue.add_argument("folder")
    queue.add_argument("--trust", metavar="CA.pem", action="append", default=[])
    queue.set_defaults(handler=cmd_queue)
    sync = sub.add_parser("sync", help="send the outbox to the intake server and fetch statuses")
    sync.add_argument("--server", metavar="URL")
    sync.add_argument("--account", metavar="NAME")
    sync.add_argument("--ca-bundle", metavar="FILE", help="a department's own CA certificates (PEM)")
    sync.add_argument("--password-env", metavar="VAR")
    sync.add_argument("--remember", action="store_true", help="keep the password in the system keyring")
    sync.set_defaults(handler=cmd_sync)
