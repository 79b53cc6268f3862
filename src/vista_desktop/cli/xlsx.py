"""export-xlsx, import-xlsx: drafts as Excel workbooks, for batch work."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_INVALID, EXIT_OK, guarded, print_error, run_task


@guarded
def cmd_export_xlsx(args: argparse.Namespace) -> int:
    from vista_desktop.services.drafts import read_draft_file
    from vista_desktop.services.xlsx import export_data

    definition, data = read_draft_file(Path(args.draft), args.form)
    out = Path(args.out)
    run_task(lambda context: export_data(definition, data, out, context))
    print(i18n.tr("xlsx.cli.exported", path=str(out)))
    return EXIT_OK


@guarded
def cmd_import_xlsx(args: argparse.Namespace) -> int:
    from vista_desktop.fileio import atomic_write
    from vista_desktop.services.drafts import draft_document
    from vista_desktop.services.xlsx import XlsxImportError, import_workbook

    source, out = Path(args.xlsx), Path(args.out)
    try:
        definition, data = run_task(lambda context: import_workbook(source, args.form, context))
    except XlsxImportError as exc:
        print_error(exc.message())
        for problem in exc.problems:
            print_error(problem.line())
        return EXIT_INVALID
    text = json.dumps(draft_document(definition, data), ensure_ascii=False, indent=2)
    atomic_write(out, text + "\n")
    print(i18n.tr("xlsx.cli.imported", path=str(out), form=definition.form_id, version=definition.version))
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = sub.add_parser("export-xlsx", help="write a JSON draft as an Excel workbook")
    export.add_argument("draft", help="DRAFT.json ({form, version, data}, or bare data with --form)")
    export.add_argument("out", help="OUT.xlsx")
    export.add_argument("--form", help="form id, when DRAFT.json holds bare data")
    export.set_defaults(handler=cmd_export_xlsx)

    back = sub.add_parser("import-xlsx", help="read a workbook written by export-xlsx back to a JSON draft")
    back.add_argument("form", help="the form the workbook must hold, e.g. mau-01")
    back.add_argument("xlsx", help="IN.xlsx")
    back.add_argument("out", help="OUT.json")
    back.set_defaults(handler=cmd_import_xlsx)
