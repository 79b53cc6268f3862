"""sign, verify, tokens, trust: the signing commands, over the signing service."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from vista_desktop import i18n
from vista_desktop.cli.common import EXIT_INVALID, EXIT_OK, guarded, print_error, run_task

if TYPE_CHECKING:
    from vista_desktop.services.signing import CertificateInfo, Identity, SigningService, TrustStore


def signing_service() -> SigningService:
    from vista_desktop.services.signing import SigningService

    return SigningService()  # file-only work: nothing is recorded in the drafts database


def add_identity_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--pkcs12", metavar="FILE", help=".p12/.pfx certificate file")
    source.add_argument("--pkcs11-module", metavar="LIB", help="the token's PKCS#11 driver")
    parser.add_argument("--token-label", metavar="LABEL")
    parser.add_argument("--token-serial", metavar="SERIAL")
    parser.add_argument(
        "--key-label", metavar="K", help="choose the key by label (default: the key with a certificate)"
    )
    parser.add_argument("--pin-env", metavar="VAR", help="read the PIN or password from this environment variable")
    parser.add_argument("--trust", metavar="CA.pem", action="append", default=[], help="extra trusted certificate")


def identity_from(args: argparse.Namespace) -> Identity:
    service = signing_service()
    if args.pkcs12:
        return service.pkcs12_identity(Path(args.pkcs12))
    return service.pkcs11_identity(args.pkcs11_module, args.token_label, args.token_serial, key_label=args.key_label)


def secret_from(args: argparse.Namespace) -> str | None:
    """The PIN for this operation only: from the named variable, else asked on the terminal; never logged."""
    if args.pin_env:
        return os.environ.get(args.pin_env, "")
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(i18n.tr("cli.secret_prompt"))


def trust_from(args: argparse.Namespace) -> TrustStore:
    return signing_service().trust_store([Path(p) for p in args.trust])


@guarded
def cmd_sign(args: argparse.Namespace) -> int:
    service = signing_service()
    options: dict[str, object] = {
        "reason": args.reason,
        "location": args.location,
        "organisation": args.organisation,
        "seal_image": Path(args.seal) if args.seal else None,
        "timestamp_url": args.timestamp_url,
        "certify": args.certify,
    }
    if args.field:
        options["field"] = args.field
    request = service.request(Path(args.input), Path(args.output), **options)
    secret = secret_from(args)
    identity, trust = identity_from(args), trust_from(args)
    result = run_task(lambda ctx: service.sign(request, identity, secret, trust=trust, context=ctx), lane="signing")
    print(i18n.tr("sign.signed", path=str(result.path), field=result.field, signer=result.signer.common_name))
    return EXIT_OK


@guarded
def cmd_verify(args: argparse.Namespace) -> int:
    service = signing_service()
    trust = trust_from(args)
    report = run_task(lambda ctx: service.verify(Path(args.file), trust, ctx), lane="signing")
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for index, sig in enumerate(report.signatures, start=1):
            when = sig.signing_time.astimezone().strftime("%d/%m/%Y %H:%M:%S %z") if sig.signing_time else "?"
            print(i18n.tr("verify.signature_line", index=index, field=sig.field, signer=sig.signer, time=when))
            for line in sig.messages() or [i18n.tr("verify.signature_ok")]:
                print(f"  - {line}")
        for code in report.problems:
            print(i18n.tr(code))
        if report.ok:
            print(i18n.tr("verify.ok"))
    return EXIT_OK if report.ok else EXIT_INVALID


def certificate_json(info: CertificateInfo) -> dict[str, object]:
    data: dict[str, object] = asdict(info)
    return {
        k: sorted(v) if isinstance(v, frozenset) else v.isoformat() if hasattr(v, "isoformat") else v
        for k, v in data.items()
    }


@guarded
def cmd_tokens(args: argparse.Namespace) -> int:
    from vista_desktop.services.signing import SigningProblem

    service = signing_service()
    rows = []
    for module in service.token_modules(Path(args.module) if args.module else None):
        try:
            tokens = service.list_tokens(module)
        except SigningProblem as problem:
            print_error(problem.message())
            continue
        for token in tokens:
            certs = [
                {
                    "key_id": c.key_id.hex(),
                    "label": c.label,
                    **certificate_json(service.describe_certificate(c.certificate)),
                }
                for c in token.certificates
            ]
            rows.append(
                {
                    "module": str(module),
                    "label": token.label,
                    "serial": token.serial,
                    "pin_pad": token.pin_pad,
                    "pin_locked": token.pin_locked,
                    "pin_count_low": token.pin_count_low,
                    "pin_final_try": token.pin_final_try,
                    "certificates": certs,
                }
            )
    print(json.dumps(rows, ensure_ascii=False, indent=2))
    return EXIT_OK


@guarded
def cmd_trust_add(args: argparse.Namespace) -> int:
    for info in signing_service().trust_certificate(Path(args.file)):
        print(i18n.tr("trust.added", name=info.common_name))
    return EXIT_OK


@guarded
def cmd_trust_list(args: argparse.Namespace) -> int:
    rows = [{"root": root, **certificate_json(info)} for root, info in signing_service().trusted_certificates()]
    print(json.dumps(rows, ensure_ascii=False, indent=2))
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sign = sub.add_parser("sign", help="sign a PDF (PAdES, visible stamp, incremental update)")
    sign.add_argument("input")
    sign.add_argument("output")
    add_identity_options(sign)
    sign.add_argument(
        "--field", help="signature field (default: the next empty signature block: PI, head, managing unit)"
    )
    sign.add_argument("--reason")
    sign.add_argument("--location")
    sign.add_argument("--organisation", help="organisation printed on the stamp")
    sign.add_argument("--seal", metavar="IMAGE", help="seal image (transparent PNG) behind the stamp")
    sign.add_argument("--timestamp-url", metavar="URL", help="RFC 3161 timestamp authority")
    sign.add_argument("--certify", action="store_true", help="certify: later changes limited to signing fields")
    sign.set_defaults(handler=cmd_sign)

    verify = sub.add_parser("verify", help="verify the signatures of a PDF")
    verify.add_argument("file")
    verify.add_argument("--trust", metavar="CA.pem", action="append", default=[])
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=cmd_verify)

    trust = sub.add_parser("trust", help="the app's trusted roots and intermediates")
    trust_sub = trust.add_subparsers(dest="trust_command", required=True)
    trust_add = trust_sub.add_parser("add", help="trust a root or intermediate certificate (PEM or DER)")
    trust_add.add_argument("file")
    trust_add.set_defaults(handler=cmd_trust_add)
    trust_list = trust_sub.add_parser("list", help="list the trusted certificates as JSON")
    trust_list.set_defaults(handler=cmd_trust_list)

    tokens = sub.add_parser("tokens", help="list PKCS#11 tokens and their certificates (no PIN needed)")
    tokens.add_argument("--module", metavar="LIB")
    tokens.set_defaults(handler=cmd_tokens)
