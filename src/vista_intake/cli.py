"""Operator commands: serve, add an account, review a submission. Used by `vista-intake` and, through
`vista_desktop.cli.intake`, by `vista-desktop intake`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from vista_intake.config import ENV_DB, ENV_STORAGE, ENV_VERIFIER, IntakeConfig, load_verifier

if TYPE_CHECKING:
    from vista_intake.db import IntakeDatabase

DEFAULT_PORT = 8765


def _say(text: str, error: bool = False) -> None:
    stream = sys.stderr if error else sys.stdout
    stream.write(text + "\n")


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the intake server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--workers", type=int, default=1)
    _add_location(serve)
    serve.add_argument("--verifier", default="", help="module:function checking the manifest's signature")
    accounts = sub.add_parser("accounts", help="manage the accounts that may submit")
    accounts_sub = accounts.add_subparsers(dest="accounts_command", required=True)
    add = accounts_sub.add_parser("add", help="create an account or set its password")
    add.add_argument("name")
    add.add_argument("--password-env", required=True, metavar="VAR")
    _add_location(add)
    operators = sub.add_parser("operators", help="manage the operators who may open the operator page")
    operators_sub = operators.add_subparsers(dest="operators_command", required=True)
    add_operator = operators_sub.add_parser("add", help="create an operator or set their password")
    add_operator.add_argument("name")
    add_operator.add_argument("--password-env", required=True, metavar="VAR")
    _add_location(add_operator)
    review = sub.add_parser("review", help="accept a received submission with its numbers, or return it")
    review.add_argument("uuid")
    decision = review.add_mutually_exclusive_group(required=True)
    decision.add_argument("--accept", action="store_true")
    decision.add_argument("--return", dest="return_", action="store_true")
    review.add_argument("--number")
    review.add_argument("--certificate")
    review.add_argument("--reason", action="append", default=[])
    _add_location(review)
    listing = sub.add_parser("list", help="the submissions received")
    _add_location(listing)


def _add_location(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=os.environ.get(ENV_DB, ""), help="SQLAlchemy URL (default: SQLite in storage)")
    parser.add_argument("--storage", default=os.environ.get(ENV_STORAGE, "intake-data"))


def config_from(args: argparse.Namespace, verifier: str = "") -> IntakeConfig:
    storage = Path(args.storage)
    storage.mkdir(parents=True, exist_ok=True)
    return IntakeConfig(storage=storage, db_url=args.db, verify_signature=load_verifier(verifier))


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from vista_intake.app import create_app

    verifier = getattr(args, "verifier", "")
    config = config_from(args, verifier)
    if args.workers <= 1:
        uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="info")
        return 0
    os.environ.update({ENV_DB: config.db_url, ENV_STORAGE: str(config.storage), ENV_VERIFIER: verifier})
    uvicorn.run(
        "vista_intake.app:app_from_environment", factory=True, host=args.host, port=args.port, workers=args.workers
    )
    return 0


def add_account(args: argparse.Namespace) -> int:
    return _add_with_password(args, lambda db, password: db.add_account(args.name, password), f"account {args.name}")


def add_operator(args: argparse.Namespace) -> int:
    if len(args.name) > 90:
        _say("an operator name has at most 90 characters", error=True)
        return 2
    where = "the operator page is /api/v1/operator/submissions"
    return _add_with_password(
        args, lambda db, password: db.add_operator(args.name, password), f"operator {args.name}", where
    )


def _add_with_password(
    args: argparse.Namespace, add: Callable[[IntakeDatabase, str], object], what: str, note: str = ""
) -> int:
    """An account or an operator, its password read from the environment variable named by --password-env."""
    from vista_intake.db import IntakeDatabase

    password = os.environ.get(args.password_env, "")
    if not password:
        _say(f"the environment variable {args.password_env} holds no password", error=True)
        return 1
    db = IntakeDatabase(config_from(args).database_url)
    try:
        add(db, password)
    finally:
        db.dispose()
    _say(f"{what} ready" + (f": {note}" if note else ""))
    return 0


def review(args: argparse.Namespace) -> int:
    from vista_desktop import protocol as p
    from vista_intake.db import IntakeDatabase

    if args.accept and not (args.number and args.certificate):
        _say("--accept needs --number and --certificate", error=True)
        return 2
    if args.return_ and not args.reason:
        _say("--return needs at least one --reason", error=True)
        return 2
    config = config_from(args)
    db = IntakeDatabase(config.database_url)
    try:
        found = db.submission(args.uuid)
        if found is None:
            _say(f"no submission {args.uuid}", error=True)
            return 1
        if args.accept:
            done = db.review(args.uuid, p.ACCEPTED, number=args.number, certificate=args.certificate)
        else:
            done = db.review(args.uuid, p.RETURNED, reasons=list(args.reason))
    finally:
        db.dispose()
    if not done:
        _say(f"submission {args.uuid} is {found.status}: only a received submission can be reviewed", error=True)
        return 1
    _say(f"{args.uuid}: {'accepted' if args.accept else 'returned'}")
    return 0


def list_submissions(args: argparse.Namespace) -> int:
    from vista_intake.db import IntakeDatabase, iso

    config = config_from(args)
    db = IntakeDatabase(config.database_url)
    try:
        for item in db.list_submissions():
            number = item.registration_number or ""
            _say(f"{item.uuid}\t{item.status}\t{item.account}\t{item.total_bytes}\t{iso(item.created_at)}\t{number}")
    finally:
        db.dispose()
    return 0


def dispatch(args: argparse.Namespace) -> int:
    if args.intake_command == "serve":
        return serve(args)
    if args.intake_command == "accounts":
        return add_account(args)
    if args.intake_command == "operators":
        return add_operator(args)
    if args.intake_command == "review":
        return review(args)
    return list_submissions(args)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vista-intake", description="VISTA intake server")
    sub = parser.add_subparsers(dest="intake_command", required=True)
    add_arguments(sub)
    return dispatch(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
