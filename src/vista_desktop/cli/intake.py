"""intake serve|accounts add|review|list: the reference intake server (package vista_intake, imported only when
the command runs; it needs the `server` extra: starlette, uvicorn)."""

from __future__ import annotations

import argparse

from vista_desktop.cli.common import guarded

# The server run from this app checks each manifest's signature with the app's own trust store.
DESKTOP_VERIFIER = "vista_desktop.services.sync:verify_manifest_signature"


@guarded
def cmd_intake(args: argparse.Namespace) -> int:
    from vista_intake.cli import dispatch

    if args.intake_command == "serve" and not args.verifier:
        args.verifier = DESKTOP_VERIFIER
    return dispatch(args)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from vista_intake.cli import add_arguments

    intake = sub.add_parser("intake", help="the reference intake server (serve, accounts, review)")
    intake_sub = intake.add_subparsers(dest="intake_command", required=True)
    add_arguments(intake_sub)
    intake.set_defaults(handler=cmd_intake)
