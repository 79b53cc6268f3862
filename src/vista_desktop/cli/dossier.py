"""manifest sign|verify: the signed manifest of a dossier folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_INVALID, EXIT_OK, guarded, run_task
from vista_desktop.cli.signing import add_identity_options, identity_from, secret_from, trust_from


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


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
