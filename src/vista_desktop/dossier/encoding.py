"""Finding text written in a legacy Vietnamese encoding (TCVN3/ABC or VNI) in an attached document.

Before Unicode, Vietnamese text was typed with 8-bit fonts: the bytes are Windows-1252 (Latin-1) characters that
the font draws as Vietnamese letters. Opened without that font, or read by the receiving system, the text is
garbage: TCVN3 "Céng hßa x· héi chñ nghÜa ViÖt Nam", VNI "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam". The
regulation asks for Unicode, so such a file gets a warning (the user may still send it).

The heuristic, on the text as the font would see it (each byte as its Latin-1 character):
1. cut the text into words (letters, plus the non-letter glyphs TCVN3 uses for letters, such as "¸" for "á");
2. a word is EVIDENCE for an encoding when it is not a Vietnamese syllable as it stands but becomes one once
   decoded from that encoding ("hßa" → "hòa" for TCVN3, "Vieät" → "Việt" for VNI). A syllable is checked by its
   shape: an initial consonant, one to three vowels, an allowed final consonant, at most one tone mark. Unicode
   Vietnamese words already are syllables, and ASCII words decode to themselves, so neither ever counts;
   German or French words ("für", "café") do not decode into syllables;
3. the text is legacy when at least `MIN_EVIDENCE` words are evidence for one encoding and they are at least
   `MIN_SHARE` of the words holding a non-ASCII character (legacy Vietnamese text marks most of its words).

What is read: .txt/.csv — the first MiB, as UTF-8 (or UTF-16 with its byte-order mark), else byte by byte as
Latin-1; .docx — the text of word/document.xml (Word keeps the legacy glyphs as their Windows-1252 characters);
.doc — runs of printable 8-bit text in the first 4 MiB (Word stores text that fits Windows-1252, as all legacy
text does, one byte per character; runs shorter than a phrase, or without spaces, are binary and skipped).
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
import zipfile
from pathlib import Path

TCVN3, VNI = "TCVN3", "VNI"
TEXT_SUFFIXES = frozenset({".txt", ".csv", ".docx", ".doc"})
MIN_EVIDENCE = 2
MIN_SHARE = 0.25
_TEXT_LIMIT = 1 << 20
_DOC_LIMIT = 4 << 20
_DOCX_XML_LIMIT = 32 << 20

# --- the encodings: each Vietnamese letter and how the legacy font's bytes read in Latin-1 ------------------------

_TONED = "áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩịóòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵĂÂÊÔƠƯĐ"
_TCVN3_BYTES = bytes.fromhex(
    "b8b5b6b7b9 a8bebbbcbdc6 a9cac7c8c9cb ae d0cccecfd1 aad5d2d3d4d6 ddd7d8dcde e3dfe1e2e4 abe8e5e6e7e9"
    " acedeaebecee f3eff1f2f4 adf8f5f6f7f9 fdfafbfcfe a1a2a3a4a5a6a7"
)
# TCVN3 capitals with a tone use the same bytes in the capitals font (.VnTimeH): lower case is what decoding gives.
TCVN3_TABLE: dict[str, str] = {
    letter: bytes([code]).decode("latin-1") for letter, code in zip(_TONED, _TCVN3_BYTES, strict=True)
}

_VNI_TONES = "ùøûõï"  # sắc, huyền, hỏi, ngã, nặng after a plain vowel
_VNI_CIRCUMFLEX = "âáàåãä"  # â, then with each tone
_VNI_BREVE = "êéèúüë"  # ă, then with each tone


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for base, forms in (("a", "áàảãạ"), ("e", "éèẻẽẹ"), ("o", "óòỏõọ"), ("u", "úùủũụ"), ("y", "ýỳỷỹ")):
        table.update({form: base + mark for form, mark in zip(forms, _VNI_TONES, strict=False)})
    for base, forms in (("a", "âấầẩẫậ"), ("e", "êếềểễệ"), ("o", "ôốồổỗộ")):
        table.update({form: base + mark for form, mark in zip(forms, _VNI_CIRCUMFLEX, strict=True)})
    table.update({form: "a" + mark for form, mark in zip("ăắằẳẵặ", _VNI_BREVE, strict=True)})
    table.update({form: "ô" + mark for form, mark in zip("ớờởỡợ", _VNI_TONES, strict=True)})  # ơ is "ô"
    table.update({form: "ö" + mark for form, mark in zip("ứừửữự", _VNI_TONES, strict=True)})  # ư is "ö"
    table.update({"ơ": "ô", "ư": "ö", "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î", "đ": "ñ"})
    capitals = {letter.upper(): code.upper() for letter, code in table.items()}
    return {**table, **capitals}


VNI_TABLE: dict[str, str] = _vni_table()


def encode_legacy(text: str, encoding: str) -> bytes:
    """`text` as the legacy font's bytes (for tests and examples; letters outside the tables pass unchanged)."""
    table = TCVN3_TABLE if encoding == TCVN3 else VNI_TABLE
    lowered_capitals = encoding == TCVN3  # TCVN3 writes a toned capital with the lower-case byte of .VnTimeH
    out = []
    for char in unicodedata.normalize("NFC", text):
        code = table.get(char)
        if code is None and lowered_capitals:
            code = table.get(char.lower())
        out.append(code if code is not None else char)
    return "".join(out).encode("latin-1")


def _decoder(table: dict[str, str]) -> tuple[re.Pattern[str], dict[str, str]]:
    reverse = {code: letter for letter, code in table.items()}
    # Longest first, so that "aá" (ấ) wins over "á" (í in VNI, which stands alone on an i).
    pattern = re.compile("|".join(re.escape(code) for code in sorted(reverse, key=len, reverse=True)))
    return pattern, reverse


_TCVN3_DECODER = _decoder(TCVN3_TABLE)
_VNI_DECODER = _decoder(VNI_TABLE)


def _decode(word: str, decoder: tuple[re.Pattern[str], dict[str, str]]) -> str:
    pattern, reverse = decoder
    return pattern.sub(lambda match: reverse[match.group()], word)


# --- Vietnamese syllables -------------------------------------------------------------------------------------------

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_SYLLABLE = re.compile(r"(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?[aăâeêioôơuưy]{1,3}(ch|ng|nh|[cmnpt])?")


def is_syllable(word: str) -> bool:
    """Whether `word` has the shape of a Vietnamese syllable (Unicode, any case)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for char in decomposed if char in _TONE_MARKS)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(char for char in decomposed if char not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(bare) is not None


# --- the test -------------------------------------------------------------------------------------------------------

_GLYPHS = "".join(sorted({c for c in TCVN3_TABLE.values() if not c.isalpha()}))
_WORD = re.compile(r"(?:[^\W\d_]|[" + re.escape(_GLYPHS) + r"])+")


def detect_legacy(text: str) -> str | None:
    """TCVN3, VNI, or None for text that is Unicode (or has nothing Vietnamese in it)."""
    counted = {TCVN3: 0, VNI: 0}
    marked = 0
    for word in _WORD.findall(unicodedata.normalize("NFC", text)):
        if word.isascii():
            continue
        marked += 1
        if is_syllable(word):
            continue
        for encoding, decoder in ((TCVN3, _TCVN3_DECODER), (VNI, _VNI_DECODER)):
            decoded = _decode(word, decoder)
            if decoded != word and is_syllable(decoded):
                counted[encoding] += 1
    best = max(counted, key=lambda name: counted[name])
    evidence = counted[best]
    return best if evidence >= MIN_EVIDENCE and evidence >= MIN_SHARE * marked else None


def _plain_text(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:  # incremental: a read cut in the middle of a character is still UTF-8
        return codecs.getincrementaldecoder("utf-8-sig")().decode(data, final=False)
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
        with archive.open(info) as fh:
            xml = fh.read(_DOCX_XML_LIMIT).decode("utf-8", errors="replace")
    xml = re.sub(r"</w:p>|<w:tab/>|<w:br/>", "\n", xml)  # paragraph and line ends separate words
    return html.unescape(re.sub(r"<[^>]*>", "", xml))


_DOC_RUN = re.compile(rb"[\x20-\x7e\xa0-\xff]{24,}")


def _doc_text(path: Path) -> str:
    with path.open("rb") as fh:
        data = fh.read(_DOC_LIMIT)
    runs = (run.decode("latin-1") for run in _DOC_RUN.findall(data))
    return "\n".join(run for run in runs if run.count(" ") >= 3)


def file_text(path: Path, suffix: str | None = None) -> str:
    """The text of a .txt/.csv/.docx/.doc (the kind told by `suffix`, else by the name) as the heuristic reads
    it (see the module's notes); OSError when it cannot be read, ValueError for a damaged DOCX."""
    suffix = (suffix if suffix is not None else path.suffix).lower()
    if suffix == ".docx":
        try:
            return _docx_text(path)
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ValueError(f"not a readable DOCX: {path.name}") from exc
    if suffix == ".doc":
        return _doc_text(path)
    with path.open("rb") as fh:
        return _plain_text(fh.read(_TEXT_LIMIT))


def legacy_encoding(path: Path, suffix: str | None = None) -> str | None:
    """TCVN3 or VNI when the text document at `path` (of the kind `suffix` tells, else its name) is in that
    legacy encoding; None for Unicode, for a file that is not a text document, and for one that cannot be read
    (other checks report that)."""
    suffix = (suffix if suffix is not None else path.suffix).lower()
    if suffix not in TEXT_SUFFIXES:
        return None
    try:
        return detect_legacy(file_text(path, suffix))
    except (OSError, ValueError):
        return None
