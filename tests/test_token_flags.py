"""A token's PKCS#11 flags, read as the booleans the Sign dialog and `sign tokens` show."""

from __future__ import annotations

from vista_desktop.signing.tokens import FLAG_USER_PIN_FINAL_TRY, FLAG_USER_PIN_LOCKED, TokenInfo


def test_token_flags_read_as_booleans() -> None:
    token = TokenInfo("module.so", "Token", "1", "Maker", FLAG_USER_PIN_LOCKED, ())
    assert token.pin_locked is True
    assert token.pin_final_try is False and token.pin_count_low is False and token.pin_pad is False
    assert TokenInfo("m", "T", "1", "M", FLAG_USER_PIN_FINAL_TRY, ()).pin_final_try is True
    assert "pin_locked" not in repr(token)  # flags are read, not stored as fields
