"""PKCS#11 modules and the tokens behind them: found, checked before loading, loaded once, listed without login."""

from __future__ import annotations

import logging
import os
import struct
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import x509

from vista_desktop.signing.errors import CertificateProblem, CredentialError, SigningProblem, TokenError, read_head

log = logging.getLogger(__name__)

# Driver names collected from the Vietnamese CAs (shared/domain/tokens.md); none is guaranteed to exist.
WINDOWS_CANDIDATES = (
    "viettel-ca_v6.dll",
    "viettel-ca_v5.dll",
    "viettel-ca_v4.dll",
    "viettel-ca_v3.dll",
    "viettel-ca_v2.dll",
    "viettel-ca_v1.dll",
    "viettel-ca.dll",
    "vnpt-ca_csp11.dll",
    "vnptca_p11_v10.dll",
    "vnptca_p11_v8.dll",
    "vnptca_p11_v6.dll",
    "vnpt-ca_cl_v1.dll",
    "vnpt-ca_v4.dll",
    "vnpt-ca_v34.dll",
    "BkavCA.dll",
    "BkavCAv2S.dll",
    "st3csp11.dll",
    "fpt-ca_v5.dll",
    "fpt-ca_v4.dll",
    "fpt-ca.dll",
    "CA2_csp11.dll",
    "CA2_v34.dll",
    "ncca_csp11_v1.dll",
    "ShuttleCsp11_3003.dll",
    "Safe-ca_v2.dll",
    "efy-ca_v1.dll",
    "vina-ca_v5.dll",
    "newca_v4.dll",
    "misaca_csp11_v2.dll",
    "fca_v1.dll",
    "eps2003csp11.dll",
    "eTPKCS11.dll",
    "WDPKCS.dll",
    "gclib.dll",
    "bit4xpki.dll",
    "aetpkss1.dll",
    "opensc-pkcs11.dll",
)
LINUX_CANDIDATES = (
    "viettel-ca_v6.so",
    "fptca_v4.so",
    "libeps2003csp11.so",
    "libeTPkcs11.so",
    "libbit4xpki.so",
    "opensc-pkcs11.so",
    "libsofthsm2.so",
)
WINDOWS_DIRS = (r"C:\Windows\System32", r"C:\Windows\SysWOW64")
LINUX_DIRS = (
    "/usr/lib",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/local/lib",
    "/opt",
    "/usr/lib/softhsm",
    "/usr/lib/x86_64-linux-gnu/pkcs11",
)

# Token flags worth reading before asking for a PIN (PKCS#11 CK_TOKEN_INFO.flags).
FLAG_LOGIN_REQUIRED = 0x4
FLAG_TOKEN_INITIALIZED = 0x400
FLAG_PROTECTED_AUTHENTICATION_PATH = 0x100
FLAG_USER_PIN_COUNT_LOW = 0x10000
FLAG_USER_PIN_FINAL_TRY = 0x20000
FLAG_USER_PIN_LOCKED = 0x40000


class _TokenFlag:
    """A token's flag read as a bool attribute; no annotation on the class attribute, so not a dataclass field."""

    def __init__(self, mask: int) -> None:
        self.mask = mask

    def __get__(self, token: TokenInfo, owner: type[TokenInfo] | None = None) -> bool:
        return bool(token.flags & self.mask)


@dataclass(frozen=True)
class TokenCertificate:
    key_id: bytes
    label: str
    certificate: x509.Certificate


@dataclass(frozen=True)
class TokenInfo:
    module: str
    label: str
    serial: str
    manufacturer: str
    flags: int
    certificates: tuple[TokenCertificate, ...]

    pin_pad = _TokenFlag(FLAG_PROTECTED_AUTHENTICATION_PATH)
    pin_locked = _TokenFlag(FLAG_USER_PIN_LOCKED)
    pin_final_try = _TokenFlag(FLAG_USER_PIN_FINAL_TRY)
    pin_count_low = _TokenFlag(FLAG_USER_PIN_COUNT_LOW)


def candidate_modules(extra: Iterable[str | Path] = ()) -> list[Path]:
    """Existing module files: the user's paths first, then the known driver names in the usual folders."""
    windows = sys.platform.startswith("win")
    names, folders = (WINDOWS_CANDIDATES, WINDOWS_DIRS) if windows else (LINUX_CANDIDATES, LINUX_DIRS)
    found = [Path(p) for p in extra if Path(p).is_file()]
    for folder in folders:
        found += [Path(folder) / n for n in names if (Path(folder) / n).is_file()]
    return list(dict.fromkeys(found))


def check_module(path: Path) -> None:
    """Refuse a file that cannot be a PKCS#11 module for this process before the loader touches it."""
    head = read_head(path, 64, TokenError, "sign.module_unreadable")
    bits = struct.calcsize("P") * 8
    if head.startswith(b"\x7fELF"):
        elf_bits = 64 if head[4] == 2 else 32
        if elf_bits != bits:
            raise TokenError("sign.module_wrong_arch", path=str(path), module_bits=elf_bits, app_bits=bits)
    elif head.startswith(b"MZ"):
        if not sys.platform.startswith("win"):
            raise TokenError("sign.module_not_library", path=str(path))
    elif head[:4] in (b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe"):
        pass  # Mach-O
    else:
        raise TokenError("sign.module_not_library", path=str(path))


_modules: dict[str, Any] = {}
_modules_lock = threading.Lock()


def load_module(path: str | Path) -> Any:
    """The python-pkcs11 library object for `path`, loaded once per process (some drivers break on reloads)."""
    import pkcs11

    key = os.path.realpath(path)
    with _modules_lock:
        if key not in _modules:
            check_module(Path(key))
            try:
                _modules[key] = pkcs11.lib(key)
            except (OSError, RuntimeError) as exc:
                raise TokenError("sign.module_load_failed", path=str(path), reason=str(exc)) from exc
        return _modules[key]


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace").strip() if isinstance(value, bytes) else str(value).strip()


def _token_certificates(token: Any) -> tuple[TokenCertificate, ...]:
    from pkcs11 import Attribute, ObjectClass

    found: list[TokenCertificate] = []
    with token.open() as session:  # certificates are public objects: no login
        for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
            try:
                cert = x509.Certificate.load(obj[Attribute.VALUE])
                found.append(TokenCertificate(bytes(obj[Attribute.ID]), _text(obj[Attribute.LABEL]), cert))
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("skipping an unreadable certificate object on token %s: %s", token.label, exc)
    return tuple(found)


def _present_tokens(module: str | Path) -> Iterator[Any]:
    """Tokens in the module's slots; a slot whose token cannot be read (uninitialised, unrecognised) is skipped."""
    import pkcs11

    lib = load_module(module)
    for slot in lib.get_slots(token_present=True):
        try:
            token = slot.get_token()
        except pkcs11.exceptions.PKCS11Error as exc:
            log.info("skipping slot %s: %s", slot.slot_id, type(exc).__name__)
            continue
        if int(token.flags) & FLAG_TOKEN_INITIALIZED:
            yield token


def list_tokens(module: str | Path) -> list[TokenInfo]:
    tokens: list[TokenInfo] = []
    for token in _present_tokens(module):
        tokens.append(
            TokenInfo(
                module=str(module),
                label=_text(token.label),
                serial=_text(token.serial),
                manufacturer=_text(token.manufacturer_id),
                flags=int(token.flags),
                certificates=_token_certificates(token),
            )
        )
    return tokens


def find_token(module: str | Path, label: str | None = None, serial: str | None = None) -> Any:
    """The token by label or serial (slot numbers are not stable); TokenError when it is not plugged in."""
    for token in _present_tokens(module):
        if (label is None or _text(token.label) == label) and (serial is None or _text(token.serial) == serial):
            return token
    raise TokenError("sign.token_absent", label=label or serial or "")


def map_pkcs11_error(exc: BaseException, label: str) -> SigningProblem:
    """python-pkcs11 exceptions as problems a user understands."""
    import pkcs11.exceptions as e

    mapping: list[tuple[type[BaseException], type[SigningProblem], str]] = [
        (e.PinIncorrect, CredentialError, "sign.pin_incorrect"),
        (e.PinLocked, CredentialError, "sign.pin_locked"),
        (e.PinExpired, CredentialError, "sign.pin_expired"),
        (e.PinLenRange, CredentialError, "sign.pin_incorrect"),
        (e.FunctionCancelled, CredentialError, "sign.pin_cancelled"),
        (e.TokenNotPresent, TokenError, "sign.token_removed"),
        (e.TokenNotRecognised, TokenError, "sign.token_removed"),
        (e.DeviceRemoved, TokenError, "sign.token_removed"),
        (e.SessionHandleInvalid, TokenError, "sign.token_removed"),
        (e.SessionClosed, TokenError, "sign.token_removed"),
        (e.DeviceError, TokenError, "sign.token_device_error"),
        (e.NoSuchKey, CertificateProblem, "sign.no_private_key"),
    ]
    for kind, problem, code in mapping:
        if isinstance(exc, kind):
            return problem(code, label=label)
    return TokenError("sign.token_error", label=label, reason=type(exc).__name__)


@contextmanager
def logged_in(module: str | Path, label: str | None, serial: str | None, pin: str | None) -> Iterator[Any]:
    """A user session on the token; the PIN is used for this login only and never kept."""
    import pkcs11

    token = find_token(module, label, serial)
    name = label or serial or ""
    flags = int(token.flags)
    if flags & FLAG_USER_PIN_LOCKED:
        raise CredentialError("sign.pin_locked", label=name)
    pin_pad = bool(flags & FLAG_PROTECTED_AUTHENTICATION_PATH)
    if not pin and not pin_pad and flags & FLAG_LOGIN_REQUIRED:
        raise CredentialError("sign.pin_required", label=name)
    try:
        # With a PIN pad and no PIN typed, the driver asks on the device itself.
        session = token.open(user_pin=pkcs11.PROTECTED_AUTH if pin_pad and not pin else pin)
    except pkcs11.exceptions.PKCS11Error as exc:
        problem = map_pkcs11_error(exc, name)
        if problem.code == "sign.pin_incorrect":
            problem = _with_tries_left(module, label, serial, problem)
        raise problem from exc
    try:
        yield session
    finally:
        try:
            session.close()
        except pkcs11.exceptions.PKCS11Error:
            log.info("token session already gone on close")


def _with_tries_left(
    module: str | Path, label: str | None, serial: str | None, problem: SigningProblem
) -> SigningProblem:
    """After a wrong PIN, read the token's flags again: it may now say 'few tries left' or 'last try'."""
    try:
        flags = int(find_token(module, label, serial).flags)
    except SigningProblem:
        return problem
    if flags & FLAG_USER_PIN_LOCKED:
        return CredentialError("sign.pin_locked", **problem.params)
    if flags & FLAG_USER_PIN_FINAL_TRY:
        return CredentialError("sign.pin_incorrect_final_try", **problem.params)
    if flags & FLAG_USER_PIN_COUNT_LOW:
        return CredentialError("sign.pin_incorrect_count_low", **problem.params)
    return problem
