"""Vietnamese alphabetical order for lists a clerk scans (managing bodies, provinces).

The Vietnamese alphabet has letters of its own, each sorted after its base: a ă â b c d đ e ê g h i k l m n o ô ơ
p q r s t u ư v x y. Tones are not letters: two names are first compared without them, and only when they are
otherwise equal are the tones compared, in dictionary order (ngang, huyền, hỏi, ngã, sắc, nặng); case comes last.
Python's default order puts "Đ" after "Z" and "Cà" after "Cz"; `casefold` plus `unicodedata` alone cannot tell
"Đ" from "D" or "ă" from "a" as letters. So "Đà Nẵng" sorts after every D… name and before "Điện Biên".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["sorted_vietnamese", "vietnamese_key"]

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # with the Latin letters borrowed names use
_LETTER_RANK = {letter: rank for rank, letter in enumerate(_ALPHABET)}
# Combining marks that make a letter of its own (ă â ê ô ơ ư) …
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_WITH_MARK = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}
# … and the five tone marks, in dictionary order after the level tone (0).
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# The Icelandic eth (Ð, ð) is often typed for Đ (it looks the same): it is the letter đ.
_LOOK_ALIKES = {"ð": "đ"}
# Ranks: spaces and punctuation before digits before letters; other characters after, by code point.
_SEPARATOR, _DIGIT, _LETTER, _OTHER = 0, 1, 2, 3

CollationKey = tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, ...]]


def vietnamese_key(text: str) -> CollationKey:
    """Primary: base letters (đ, ă, â, ê, ô, ơ, ư as letters of their own); secondary: tones; tertiary: case."""
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    cases: list[int] = []
    for letter, tone, upper in _syllable_letters(" ".join(text.split())):
        primary.append(_primary(letter))
        tones.append(tone)
        cases.append(1 if upper else 0)
    return tuple(primary), tuple(tones), tuple(cases)


def sorted_vietnamese(names: Iterable[str]) -> list[str]:
    return sorted(names, key=vietnamese_key)


def _syllable_letters(text: str) -> Iterable[tuple[str, int, bool]]:
    """Each base character with its letter mark folded in, its tone rank and whether it was upper case."""
    base: str | None = None
    mark: str | None = None
    tone = 0
    upper = False
    for char in unicodedata.normalize("NFD", text):
        if unicodedata.combining(char) and base is not None:
            if char in _LETTER_MARKS:
                mark = _LETTER_MARKS[char]
            elif char in _TONE_RANK:
                tone = _TONE_RANK[char]
            continue
        if base is not None:
            yield _WITH_MARK.get((base, mark or ""), base), tone, upper
        upper = char != char.lower()
        base, mark, tone = _LOOK_ALIKES.get(char.lower(), char.lower()), None, 0
    if base is not None:
        yield _WITH_MARK.get((base, mark or ""), base), tone, upper


def _primary(letter: str) -> tuple[int, int]:
    if letter in _LETTER_RANK:
        return _LETTER, _LETTER_RANK[letter]
    if letter.isdigit():
        return _DIGIT, int(unicodedata.digit(letter, 0))
    if letter.isspace() or not letter.isalnum():
        return _SEPARATOR, ord(letter) if not letter.isspace() else 0
    return _OTHER, ord(letter)
