"""Keyboard mnemonics for generated labels: the first free ASCII letter of each label gets the '&'."""

from __future__ import annotations


def mnemonic_of(text: str) -> str | None:
    """The letter after the single '&' of a label ('&&' is a literal ampersand), lower case; None without one."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] != "&":
                return text[i + 1].lower()
            i += 1
        i += 1
    return None


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
