"""manifest sign|verify: the signed manifest of a dossier folder; dossier build|export|check: the Art. 12 results
dossier (services.dossier_builder)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_INVALID, EXIT_OK, guarded, print_error, report, run_task
from vista_desktop.cli.signing import add_identity_options, identity_from, secret_from, trust_from
from vista_desktop.tasks import Lane, TaskContext

if TYPE_CHECKING:
    from vista_desktop.services.dossier_builder import ExportResult, Finding, GeneratedDocument


@guarded
def cmd_manifest_sign(args: argparse.Namespace) -> int:
    from vista_desktop.services.dossier import sign_manifest

    folder = Path(args.folder)
    secret = secret_from(args)
    identity, trust = identity_from(args), trust_from(args)
    result = run_task(lambda ctx: sign_manifest(folder, identity, secret, trust, ctx), lane="signing")
    print(i18n.tr("sign.manifest_signed", count=result.files, signer=result.signer.common_name))
    return EXIT_OK


@guarded
def cmd_manifest_verify(args: argparse.Namespace) -> int:
    from vista_desktop.services.dossier import verify_manifest

    folder, trust = Path(args.folder), trust_from(args)
    report = run_task(lambda ctx: verify_manifest(folder, trust, ctx), lane="signing")
    lines = [i18n.tr(code) for code in report.problems]
    lines += [i18n.tr("manifest.added", name=n) for n in report.added]
    lines += [i18n.tr("manifest.missing", name=n) for n in report.missing]
    lines += [i18n.tr("manifest.changed", name=n) for n in report.changed]
    if args.json:
        fields = ("signer", "intact", "trusted", "added", "missing", "changed", "problems")
        payload = {"ok": report.ok, **{name: getattr(report, name) for name in fields}}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for line in lines or [i18n.tr("manifest.ok")]:
            print(line)
    return EXIT_OK if report.ok else EXIT_INVALID


_BUILD_FILES = (
    ("summary_report", "summary_report"),
    ("abstract_report", "abstract_report"),
    ("minutes", "acceptance_minutes"),
    ("author_order", "author_order_agreement"),
    ("ip_application", "ip_application"),
)


def _print_findings(findings: list[Finding]) -> None:
    for finding in findings:
        text = finding.message()
        print_error(text if finding.blocking else i18n.tr("dossier_builder.cli.warning", message=text))


def _signing_options(args: argparse.Namespace) -> dict[str, Any]:
    if not (args.pkcs12 or args.pkcs11_module):
        return {"trust": trust_from(args)}
    return {"identity": identity_from(args), "secret": secret_from(args), "trust": trust_from(args)}


def _export(args: argparse.Namespace, write: Callable[[TaskContext, dict[str, Any]], ExportResult]) -> int:
    from vista_desktop.services.dossier_builder import DossierIncomplete

    options = _signing_options(args)
    lane: Lane = "signing" if "identity" in options else "default"
    try:
        result = run_task(lambda ctx: write(ctx, options), lane=lane)
    except DossierIncomplete as incomplete:
        _print_findings(list(incomplete.findings))
        report(incomplete)
        return EXIT_INVALID
    _print_findings(list(result.warnings))
    print(i18n.tr("dossier_builder.cli.built", path=str(result.path), files=result.files, size=result.total_bytes))
    if result.signer:
        print(i18n.tr("dossier_builder.cli.signed_by", signer=result.signer))
    return EXIT_OK


def _generated(path: str | None, form_id: str, slot: str, name: str) -> list[GeneratedDocument]:
    from vista_desktop.services.dossier_builder import GeneratedDocument
    from vista_desktop.services.drafts import read_draft_file

    if not path:
        return []
    definition, data = read_draft_file(Path(path), form_id)
    return [GeneratedDocument(slot, definition.form_id, definition.version, data, name)]


@guarded
def cmd_dossier_build(args: argparse.Namespace) -> int:
    from vista_desktop.services.dossier_builder import DossierContents, hash_attachment, write_dossier

    generated = [
        *_generated(args.mau05, "mau-05", "registration_form", "mau-05.pdf"),
        *_generated(args.confirmation, "xac-nhan", "summary_report", "xac-nhan.pdf"),
    ]
    for index, path in enumerate(args.mau08, start=1):
        generated += _generated(path, "mau-08", "technology_description", f"mau-08-{index}.pdf")
    files = [(slot, path) for option, slot in _BUILD_FILES if (path := getattr(args, option))]
    files += [("annexes", path) for path in args.annex]

    def write(context: TaskContext, options: dict[str, Any]) -> ExportResult:
        hashing = context.share(0.0, 0.5)
        attached = tuple(hash_attachment(slot, Path(path), hashing) for slot, path in files)
        contents = DossierContents(tuple(generated), attached)
        return write_dossier(contents, Path(args.out), context.share(0.5, 1.0), **options)

    return _export(args, write)


@guarded
def cmd_dossier_export(args: argparse.Namespace) -> int:
    from vista_desktop.services.app import AppServices

    services = AppServices()
    builder = services.dossier_builder
    task_id = builder.task_id(args.id)
    try:
        return _export(args, lambda ctx, options: builder.export(task_id, Path(args.out), ctx, **options))
    finally:
        services.close()


@guarded
def cmd_dossier_sign(args: argparse.Namespace) -> int:
    """Sign every document of a task's dossier awaiting this signer, with one opening of the identity."""
    from vista_desktop.services.app import AppServices
    from vista_desktop.services.dossier_builder import DossierIncomplete

    services = AppServices()
    try:
        signing = services.dossier_signing
        task_id = services.dossier_builder.task_id(args.id)
        identity, secret, trust = identity_from(args), secret_from(args), trust_from(args)
        capacity, attached = args.capacity.replace("-", "_"), args.include_attached
        for waiting in signing.plan(task_id, capacity, include_attached=attached).waiting:
            print(i18n.tr("dossier_signing.cli.waiting", message=waiting.message()))
        out = Path(args.out) if args.out else None
        try:
            result = run_task(
                lambda ctx: signing.sign_all(
                    task_id, identity, secret, ctx, capacity=capacity, include_attached=attached, out=out, trust=trust
                ),
                lane="signing",
            )
        except DossierIncomplete as incomplete:
            _print_findings(list(incomplete.findings))
            report(incomplete)
            return EXIT_INVALID
    finally:
        services.close()
    for document in result.signed:
        print(i18n.tr("dossier_signing.cli.signed", name=document.name, field=document.field))
    print(i18n.tr("dossier_signing.cli.summary", count=len(result.signed), signer=result.signer))
    if result.export is not None:
        print(i18n.tr("dossier_builder.cli.built", path=str(result.export.path), files=result.export.files,
                      size=result.export.total_bytes))  # fmt: skip
    return EXIT_OK


@guarded
def cmd_dossier_check(args: argparse.Namespace) -> int:
    from vista_desktop.services.dossier_builder import check_dossier

    trust = trust_from(args)
    result = run_task(lambda ctx: check_dossier(Path(args.path), trust, ctx), lane="signing")
    lines = [i18n.tr(code) for code in result.problems]
    lines += [i18n.tr("dossier_builder.cli.missing_file", name=n) for n in result.missing]
    lines += [i18n.tr("dossier_builder.cli.extra", name=n) for n in result.added]
    lines += [i18n.tr("dossier_builder.cli.changed", name=n) for n in result.changed]
    lines += [finding.message() for finding in result.components]
    for line in lines:
        print_error(line)
    if result.signed and result.signer:
        print(i18n.tr("dossier_builder.cli.signed_by", signer=result.signer))
    elif not result.signed:
        print(i18n.tr("dossier_builder.cli.unsigned"))
    if result.ok:
        print(i18n.tr("dossier_builder.cli.ok"))
    return EXIT_OK if result.ok else EXIT_INVALID


def _add_signing_options(parser: argparse.ArgumentParser) -> None:
    """The identity that signs the manifest: optional here (an unsigned dossier is still a dossier)."""
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--pkcs12", metavar="FILE", help="sign the manifest with this .p12/.pfx file")
    source.add_argument("--pkcs11-module", metavar="LIB", help="sign the manifest with a token (its PKCS#11 driver)")
    parser.add_argument("--token-label", metavar="LABEL")
    parser.add_argument("--token-serial", metavar="SERIAL")
    parser.add_argument("--key-label", metavar="K")
    parser.add_argument("--pin-env", metavar="VAR", help="read the PIN or password from this environment variable")
    parser.add_argument("--trust", metavar="CA.pem", action="append", default=[], help="extra trusted certificate")


def _add_dossier_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dossier = sub.add_parser("dossier", help="build, export or check an Art. 12 results dossier")
    dossier_sub = dossier.add_subparsers(dest="dossier_command", required=True)
    build = dossier_sub.add_parser("build", help="render the forms, check everything, write a folder or .zip")
    build.add_argument("out", metavar="OUT")
    build.add_argument("--mau05", metavar="M5.json")
    build.add_argument("--mau08", metavar="M8.json", action="append", default=[])
    build.add_argument("--confirmation", metavar="XN.json")
    build.add_argument("--summary-report", metavar="F.pdf")
    build.add_argument("--abstract-report", metavar="F.pdf")
    build.add_argument("--minutes", metavar="F.pdf")
    build.add_argument("--author-order", metavar="F.pdf")
    build.add_argument("--ip-application", metavar="F.pdf")
    build.add_argument("--annex", metavar="FILE", action="append", default=[])
    _add_signing_options(build)
    build.set_defaults(handler=cmd_dossier_build)
    export = dossier_sub.add_parser("export", help="export a task's dossier assembled in the app")
    export.add_argument("id", metavar="TASK_OR_DRAFT_ID")
    export.add_argument("out", metavar="OUT")
    _add_signing_options(export)
    export.set_defaults(handler=cmd_dossier_export)
    sign = dossier_sub.add_parser("sign", help="sign every document of a task's dossier awaiting this signer")
    sign.add_argument("id", metavar="DRAFT_OR_TASK_ID")
    add_identity_options(sign)
    sign.add_argument("--as", dest="capacity", choices=("pi", "co-pi", "host"), default="host",
                      help="whose blocks to sign (default: the host organisation's)")  # fmt: skip
    sign.add_argument("--include-attached", action="store_true", help="also sign the attached PDFs (new block)")
    sign.add_argument("--out", metavar="OUT.zip", help="then export the dossier here with a signed manifest")
    sign.set_defaults(handler=cmd_dossier_sign)
    check = dossier_sub.add_parser("check", help="verify an exported dossier (folder or ZIP)")
    check.add_argument("path", metavar="DIR|ZIP")
    check.add_argument("--trust", metavar="CA.pem", action="append", default=[])
    check.set_defaults(handler=cmd_dossier_check)


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    _add_dossier_commands(sub)
    manifest = sub.add_parser("manifest", help="sign or verify a dossier folder's manifest")
    manifest_sub = manifest.add_subparsers(dest="manifest_command", required=True)
    m_sign = manifest_sub.add_parser("sign")
    m_sign.add_argument("folder")
    add_identity_options(m_sign)
    m_sign.set_defaults(handler=cmd_manifest_sign)
    m_verify = manifest_sub.add_parser("verify")
    m_verify.add_argument("folder")
    m_verify.add_argument("--trust", metavar="CA.pem", action="append", default=[])
    m_verify.add_argument("--json", action="store_true")
    m_verify.set_defaults(handler=cmd_manifest_verify)
