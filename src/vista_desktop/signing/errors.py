"""Signing errors as data: an i18n key and its parameters; the CLI and the GUI turn them into a message."""

from __future__ import annotations


class SigningProblem(Exception):
    """Why a signature cannot be made or checked; `code` is an i18n key (sign.*)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def message(self, language: str | None = None) -> str:
        from vista_desktop.i18n import tr

        return tr(self.code, language, **self.params)


class CredentialError(SigningProblem):
    """Wrong PIN or password, locked PIN, cancelled PIN pad."""


class TokenError(SigningProblem):
    """Token or module absent, removed during signing, or a device error."""


class CertificateProblem(SigningProblem):
    """The certificate itself cannot sign: expired, not yet valid, key usage, untrusted chain, no private key."""


class DocumentProblem(SigningProblem):
    """The input document cannot be signed or read."""


def os_reason(exc: OSError) -> str:
    """The operating system's words for a file error (e.g. 'No such file or directory')."""
    return exc.strerror or str(exc)


def read_head(path: object, size: int, problem: type[SigningProblem], code: str) -> bytes:
    """The first bytes of a file, or `problem(code)` saying why it cannot be read."""
    from pathlib import Path

    try:
        with Path(str(path)).open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise problem(code, path=str(path), reason=os_reason(exc)) from exc
