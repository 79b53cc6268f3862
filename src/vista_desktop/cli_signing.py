"""The signing commands of the command line: sign, verify, manifest, tokens."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from vista_desktop import i18n

if TYPE_CHECKING:
    from vista_desktop.signing.identities import Identity
    from vista_desktop.signing.trust import TrustStore

from vista_desktop.cli import EXIT_INVALID, EXIT_OK, print_error

T = TypeVar("T")


def _attempt(work: Callable[[], T]) -> T | None:
    """Run `work`; a SigningProblem becomes its message on stderr and None (the caller exits 1)."""
    from vista_desktop.signing import SigningProblem

    try:
        return work()
    except SigningProblem as problem:
        print_error(problem.message())
        return None


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


def _identity(args: argparse.Namespace) -> Identity:
    from vista_desktop.signing.identities import Pkcs11Identity, Pkcs12Identity

    if args.pkcs12:
        return Pkcs12Identity(Path(args.pkcs12))
    return Pkcs11Identity(args.pkcs11_module, args.token_label, args.token_serial, key_label=args.key_label)


def _secret(args: argparse.Namespace) -> str | None:
    """The PIN for this operation only: from the named variable, else asked on the terminal; never logged."""
    if args.pin_env:
        return os.environ.get(args.pin_env, "")
    if not sys.stdin.isatty():
        return None
    return getpass.getpass(i18n.tr("cli.secret_prompt"))


def _trust(paths: list[str]) -> TrustStore:
    from vista_desktop.signing.trust import TrustStore

    return TrustStore.default([Path(p) for p in paths])


def cmd_sign(args: argparse.Namespace) -> int:
    from vista_desktop.signing import worker
    from vista_desktop.signing.pdf_sign import SignRequest, sign_pdf

    request = SignRequest(
        source=Path(args.input),
        target=Path(args.output),
        field=args.field,
        reason=args.reason,
        location=args.location,
        organisation=args.organisation,
        seal_image=Path(args.seal) if args.seal else None,
        timestamp_url=args.timestamp_url,
        certify=args.certify,
    )
    secret = _secret(args)
    result = _attempt(lambda: worker.run(lambda: sign_pdf(request, _identity(args), secret, _trust(args.trust))))
    if result is None:
        return EXIT_INVALID
    print(i18n.tr("sign.signed", path=str(result.path), field=result.field, signer=result.signer.common_name))
    return EXIT_OK


def cmd_verify(args: argparse.Namespace) -> int:
    from vista_desktop.signing.verify import verify_pdf

    report = _attempt(lambda: verify_pdf(Path(args.file), _trust(args.trust)))
    if report is None:
        return EXIT_INVALID
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        for index, sig in enumerate(report.signatures, start=1):
            when = sig.signing_time.astimezone().strftime("%d/%m/%Y %H:%M:%S %z") if sig.signing_time else "?"
            print(i18n.tr("verify.signature_line", index=index, field=sig.field, signer=sig.signer, time=when))
            for code in sig.problems or ("verify.signature_ok",):
                print(f"  - {i18n.tr(code)}")
        for code in report.problems:
            print(i18n.tr(code))
        if report.ok:
            print(i18n.tr("verify.ok"))
    return EXIT_OK if report.ok else EXIT_INVALID


def cmd_manifest_sign(args: argparse.Namespace) -> int:
    from vista_desktop.signing import worker
    from vista_desktop.signing.manifest import sign_manifest

    secret = _secret(args)
    folder = Path(args.folder)
    result = _attempt(lambda: worker.run(lambda: sign_manifest(folder, _identity(args), secret, _trust(args.trust))))
    if result is None:
        return EXIT_INVALID
    print(i18n.tr("sign.manifest_signed", count=result.files, signer=result.signer.common_name))
    return EXIT_OK


def cmd_manifest_verify(args: argparse.Namespace) -> int:
    from vista_desktop.signing.manifest import verify_manifest

    report = _attempt(lambda: verify_manifest(Path(args.folder), _trust(args.trust)))
    if report is None:
        return EXIT_INVALID
    lines = [i18n.tr("verify.not_intact")] if not report.intact else []
    lines += [i18n.tr("verify.untrusted")] if report.intact and not report.trusted else []
    lines += [i18n.tr("manifest.added", name=n) for n in report.added]
    lines += [i18n.tr("manifest.missing", name=n) for n in report.missing]
    lines += [i18n.tr("manifest.changed", name=n) for n in report.changed]
    if args.json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "signer": report.signer,
                    "intact": report.intact,
                    "trusted": report.trusted,
                    "added": report.added,
                    "missing": report.missing,
                    "changed": report.changed,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for line in lines or [i18n.tr("manifest.ok")]:
            print(line)
    return EXIT_OK if report.ok else EXIT_INVALID


def cmd_tokens(args: argparse.Namespace) -> int:
    from vista_desktop.signing import SigningProblem
    from vista_desktop.signing.certificates import describe
    from vista_desktop.signing.tokens import candidate_modules, list_tokens

    modules = [Path(args.module)] if args.module else candidate_modules()
    rows = []
    for module in modules:
        try:
            tokens = list_tokens(module)
        except SigningProblem as problem:
            print_error(problem.message())
            continue
        for token in tokens:
            certs = [
                {"key_id": c.key_id.hex(), "label": c.label, **_cert_json(describe(c.certificate))}
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


def _cert_json(info: object) -> dict[str, object]:
    from dataclasses import asdict

    data: dict[str, object] = asdict(info)  # type: ignore[call-overload]
    return {
        k: sorted(v) if isinstance(v, frozenset) else v.isoformat() if hasattr(v, "isoformat") else v
        for k, v in data.items()
    }


def cmd_trust_add(args: argparse.Namespace) -> int:
    from vista_desktop.signing.certificates import describe
    from vista_desktop.signing.trust import install_user_certificate

    certs = _attempt(lambda: install_user_certificate(Path(args.file)))
    if certs is None:
        return EXIT_INVALID
    for cert in certs:
        print(i18n.tr("trust.added", name=describe(cert).common_name))
    return EXIT_OK


def cmd_trust_list(args: argparse.Namespace) -> int:
    from vista_desktop.signing.certificates import describe
    from vista_desktop.signing.trust import TrustStore

    store = TrustStore.default()
    rows = [
        {"root": cert in store.roots, **_cert_json(describe(cert))} for cert in [*store.roots, *store.intermediates]
    ]
    print(json.dumps(rows, ensure_ascii=False, indent=2))
    return EXIT_OK


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sign = sub.add_parser("sign", help="sign a PDF (PAdES, visible stamp, incremental update)")
    sign.add_argument("input")
    sign.add_argument("output")
    add_identity_options(sign)
    sign.add_argument("--field", default="Signature1", help="signature field (created if absent)")
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
