"""forms list, validate."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_INVALID, EXIT_OK, guarded, print_error


@guarded
def cmd_forms_list(args: argparse.Namespace) -> int:
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


def print_problems(problems: list[object]) -> None:
    """Each problem as `field.id: message` (warnings marked), for people and for scripts alike."""
    for p in problems:
        prefix = f"{i18n.tr('cli.warning')}: " if getattr(p, "warning", False) else ""
        print_error(f"{p.field_id}: {prefix}{p.message()}")  # type: ignore[attr-defined]


@guarded
def cmd_validate(args: argparse.Namespace) -> int:
    from vista_desktop.forms.validation import is_valid, validate
    from vista_desktop.services.drafts import read_draft_file

    definition, data = read_draft_file(Path(args.data), args.form)
    problems = validate(definition, data)
    print_problems(list(problems))
    if not is_valid(problems):
        return EXIT_INVALID
    print(i18n.tr("cli.valid", form=definition.form_id, version=definition.version))
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    forms = sub.add_parser("forms", help="form definitions")
    forms_sub = forms.add_subparsers(dest="forms_command", required=True)
    listing = forms_sub.add_parser("list", help="list the forms")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_forms_list)

    check = sub.add_parser("validate", help="validate a JSON draft")
    check.add_argument("form")
    check.add_argument("data")
    check.set_defaults(handler=cmd_validate)
