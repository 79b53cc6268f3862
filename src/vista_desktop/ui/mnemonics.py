"""Keyboard mnemonics for generated labels: the first free ASCII letter of each label gets the '&'."""

from __future__ import annotations


class MnemonicAllocator:
    def __init__(self, reserved: str = "") -> None:
        self.used = {c.lower() for c in reserved}

    def label(self, text: str) -> str:
        """`text` with '&' escaped and a mnemonic added where a letter is still free."""
        escaped = text.replace("&", "&&")
        for i, char in enumerate(text):
            if char.isascii() and char.isalpha() and char.lower() not in self.used:
                self.used.add(char.lower())
                prefix = text[:i].replace("&", "&&")
                return f"{prefix}&{text[i:].replace('&', '&&')}"
        return escaped
