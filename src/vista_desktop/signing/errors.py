"""The signing package's errors: `VistaError`s with sign.* keys, grouped by what the user can do about them."""

from __future__ import annotations

from vista_desktop.errors import VistaError, os_reason

__all__ = [
    "CertificateProblem",
    "CredentialError",
    "DocumentProblem",
    "SigningProblem",
    "TokenError",
    "os_reason",
    "read_head",
]


class SigningProblem(VistaError):
    """Why a signature cannot be made or checked; `code` is an i18n key (sign.*)."""


class CredentialError(SigningProblem):
    """Wrong PIN or password, locked PIN, cancelled PIN pad."""


class TokenError(SigningProblem):
    """Token or module absent, removed during signing, or a device error."""


class CertificateProblem(SigningProblem):
    """The certificate itself cannot sign: expired, not yet valid, key usage, untrusted chain, no private key."""


class DocumentProblem(SigningProblem):
    """The input document cannot be signed or read."""


def read_head(path: object, size: int, problem: type[SigningProblem], code: str) -> bytes:
    """The first bytes of a file, or `problem(code)` saying why it cannot be read."""
    from pathlib import Path

    try:
        with Path(str(path)).open("rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise problem(code, path=str(path), reason=os_reason(exc)) from exc
