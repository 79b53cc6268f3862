"""The command line: the GUI by default, and the same services for batch work and headless tests.

Exit status: 0 success, 1 invalid input (messages on stderr), 2 usage errors (argparse).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop import __version__, i18n
from vista_desktop.settings import LANGUAGES, load_settings

if TYPE_CHECKING:
    from vista_desktop.forms.data import Data
    from vista_desktop.forms.model import FormDefinition

# Form, document and storage modules are imported by the commands that use them: the GUI starts faster.
EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def print_error(text: str) -> None:
    print(text, file=sys.stderr)


def _cmd_forms_list(args: argparse.Namespace) -> int:
    from vista_desktop.forms.loader import latest_definitions

    lang = i18n.current_language()
    rows = [
        {"id": d.form_id, "version": d.version, "title": d.short_title.text(lang), "full_title": d.title.text(lang)}
        for d in latest_definitions()
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['id']}\t{row['version']}\t{row['title']}")
    return EXIT_OK


def _load(form: str, path: Path) -> tuple[FormDefinition, Data] | None:
    from vista_desktop.services.drafts import DraftFileError, read_draft_file

    try:
        return read_draft_file(path, form)
    except DraftFileError as exc:
        print_error(i18n.tr(exc.code, **exc.params))
        return None


def _cmd_validate(args: argparse.Namespace) -> int:
    from vista_desktop.forms.validation import is_valid, validate

    loaded = _load(args.form, Path(args.data))
    if loaded is None:
        return EXIT_INVALID
    definition, data = loaded
    problems = validate(definition, data)
    for p in problems:
        prefix = f"{i18n.tr('cli.warning')}: " if p.warning else ""
        print_error(f"{p.field_id}: {prefix}{p.message()}")
    if not is_valid(problems):
        return EXIT_INVALID
    print(i18n.tr("cli.valid", form=definition.form_id, version=definition.version))
    return EXIT_OK


def _cmd_render(args: argparse.Namespace) -> int:
    from vista_desktop.forms.validation import validate
    from vista_desktop.services.documents import render_documents

    loaded = _load(args.form, Path(args.data))
    if loaded is None:
        return EXIT_INVALID
    definition, data = loaded
    errors = [p for p in validate(definition, data) if not p.warning]
    if errors:
        print_error(i18n.tr("cli.invalid_draft", count=len(errors)))
    targets = ", ".join(filter(None, (args.pdf, args.docx)))
    try:
        render_documents(
            definition,
            data,
            Path(args.pdf),
            Path(args.docx) if args.docx else None,
            i18n.current_language(),
        )
    except OSError as exc:
        reason = f"{exc.strerror}: {exc.filename}" if exc.strerror and exc.filename else str(exc)
        print_error(i18n.tr("cli.render_failed", path=targets, reason=reason))
        return EXIT_INVALID
    for out in filter(None, (args.pdf, args.docx)):
        print(i18n.tr("cli.rendered", path=out))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vista-desktop", description="VISTA Desktop")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of messages (default: the saved setting)")
    sub = parser.add_subparsers(dest="command")

    forms = sub.add_parser("forms", help="form definitions")
    forms_sub = forms.add_subparsers(dest="forms_command", required=True)
    listing = forms_sub.add_parser("list", help="list the forms")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_cmd_forms_list)

    check = sub.add_parser("validate", help="validate a JSON draft")
    check.add_argument("form")
    check.add_argument("data")
    check.set_defaults(handler=_cmd_validate)

    render = sub.add_parser("render", help="render a JSON draft to PDF (and DOCX)")
    render.add_argument("form")
    render.add_argument("data")
    render.add_argument("--pdf", required=True)
    render.add_argument("--docx")
    render.set_defaults(handler=_cmd_render)

    from vista_desktop.cli_signing import add_commands

    add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    language = args.lang or os.environ.get("VISTA_DESKTOP_LANG") or load_settings().language
    i18n.set_language(language if language in LANGUAGES else "vi")
    if args.command is None:
        from vista_desktop.ui.app import run_gui

        return run_gui()
    result: int = args.handler(args)
    return result
