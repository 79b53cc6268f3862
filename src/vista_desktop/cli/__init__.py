"""The command line: the GUI by default, and the same services for batch work and headless tests.

One module per command group (forms, documents, signing, dossier, database); `common` holds the exit codes, the
one place errors become messages, and the terminal progress bar. Commands call services only.

Exit status: 0 success, 1 invalid input (messages on stderr), 2 usage errors (argparse).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from vista_desktop import __version__, i18n
from vista_desktop.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, print_error
from vista_desktop.settings import LANGUAGES, load_settings

if TYPE_CHECKING:
    import argparse

__all__ = ["EXIT_INVALID", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    # The command modules load here, not with the package: a plain start of the GUI never needs them.
    import argparse

    from vista_desktop.cli import database, deadlines, documents, dossier, drafts, forms, intake, signing, sync, xlsx

    parser = argparse.ArgumentParser(prog="vista-desktop", description="VISTA Desktop")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of messages (default: the saved setting)")
    sub = parser.add_subparsers(dest="command")
    for group in (forms, documents, signing, dossier, database, xlsx, deadlines, drafts, sync, intake):
        group.add_commands(sub)
    return parser


def run_gui() -> int:
    from vista_desktop.collection import take_over

    take_over(starting=True)  # collections wait for the GUI thread and the end of start-up (see collection)
    from vista_desktop.services.app import AppServices

    services = AppServices()
    # The drafts list is read (sqlite3 alone) while PySide6 and the window load: filled when the window shows.
    services.prefetch_list()
    try:
        from vista_desktop.ui.app import run_gui as start
    except ImportError as exc:  # a server or a minimal install without PySide6: the commands still work
        print_error(i18n.tr("cli.no_gui", reason=str(exc)))
        return EXIT_INVALID
    return start(services)


def _set_language(requested: str | None) -> None:
    language = requested or os.environ.get("VISTA_DESKTOP_LANG") or load_settings().language
    i18n.set_language(language if language in LANGUAGES else "vi")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if not arguments:
        # The GUI on its own: no parser and no command modules before the window (start-up time).
        _set_language(None)
        return run_gui()
    args = build_parser().parse_args(arguments)
    _set_language(args.lang)
    if args.command is None:
        return run_gui()
    from vista_desktop.logging_setup import configure_logging

    configure_logging()  # unexpected errors go to the log file, never as a traceback on the terminal
    result: int = args.handler(args)
    return result
