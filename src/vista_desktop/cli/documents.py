"""render: the official PDF (and DOCX) of a JSON draft, or with --draft a working copy of an invalid one."""

from __future__ import annotations

import argparse
from pathlib import Path

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_INVALID, EXIT_OK, guarded, report, run_task
from vista_desktop.cli.forms import print_problems


@guarded
def cmd_render(args: argparse.Namespace) -> int:
    from vista_desktop.services.app import AppServices
    from vista_desktop.services.documents import InvalidDraft, working_copy_path
    from vista_desktop.services.drafts import read_draft_file

    definition, data = read_draft_file(Path(args.data), args.form)
    documents = AppServices().documents
    pdf, docx = Path(args.pdf), Path(args.docx) if args.docx else None
    if args.draft:
        pdf, docx = working_copy_path(pdf), working_copy_path(docx) if docx else None
    try:
        run_task(lambda ctx: documents.render(definition, data, pdf, docx, working_copy=args.draft, context=ctx))
    except InvalidDraft as invalid:
        print_problems(list(invalid.problems))
        report(invalid)
        return EXIT_INVALID
    for out in filter(None, (pdf, docx)):
        print(i18n.tr("cli.working_copy" if args.draft else "cli.rendered", path=str(out)))
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    render = sub.add_parser("render", help="render a JSON draft to PDF (and DOCX)")
    render.add_argument("form")
    render.add_argument("data")
    render.add_argument("--pdf", required=True)
    render.add_argument("--docx")
    render.add_argument(
        "--draft", action="store_true", help="a draft with errors: a working copy marked DỰ THẢO, not for signing"
    )
    render.set_defaults(handler=cmd_render)
