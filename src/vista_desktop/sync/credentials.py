"""The intake password in the operating system's keyring (Windows Credential Manager, macOS Keychain, Secret
Service). Never a plain file: a backend from keyrings.alt, or none at all (headless Linux), counts as no keyring,
and the caller asks for the password for this session and says why it cannot be remembered."""

from __future__ import annotations

import contextlib
import logging

import keyring
import keyring.errors

log = logging.getLogger(__name__)
SERVICE = "vista-desktop-intake"


def _service(server_url: str) -> str:
    return f"{SERVICE}:{server_url.rstrip('/')}"


def keyring_available() -> bool:
    try:
        backend = keyring.get_keyring()
    except keyring.errors.KeyringError:
        return False
    module = type(backend).__module__
    if module.startswith(("keyrings.alt", "keyring.backends.fail", "keyring.backends.null")):
        return False
    try:
        priority = float(getattr(backend, "priority", 0))
    except (TypeError, ValueError, keyring.errors.KeyringError):
        return False
    return priority > 0


def load_password(server_url: str, account: str) -> str | None:
    if not keyring_available():
        return None
    try:
        return keyring.get_password(_service(server_url), account)
    except keyring.errors.KeyringError as exc:
        log.warning("keyring read failed: %s", exc)
        return None


def save_password(server_url: str, account: str, password: str) -> bool:
    """True when remembered; False when there is no keyring to remember it in."""
    if not keyring_available():
        return False
    try:
        keyring.set_password(_service(server_url), account, password)
    except keyring.errors.KeyringError as exc:
        log.warning("keyring write failed: %s", exc)
        return False
    return True


def forget_password(server_url: str, account: str) -> None:
    if keyring_available():
        with contextlib.suppress(keyring.errors.KeyringError):
            keyring.delete_password(_service(server_url), account)
