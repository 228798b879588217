"""Text normalisation for storage and diacritic-insensitive search."""

import unicodedata

# đ/Đ is a letter of its own in Unicode, not d plus a mark, so NFD does not split it.
# Ð (U+00D0, Icelandic eth) looks the same and turns up in badly converted old files.
_EXTRA_FOLDS = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})


# C0 controls other than tab and line breaks, and DEL: pasted from old files, they
# break Excel exports (openpyxl refuses them) and mean nothing on paper.
_CONTROLS = dict.fromkeys([*(c for c in range(32) if chr(c) not in "\t\n\r"), 127])


def nfc(value: str) -> str:
    """Vietnamese keyboards emit composed and decomposed forms; store one."""
    return unicodedata.normalize("NFC", value)


def stored(value: str) -> str:
    """Text as it is kept: NFC, without control characters."""
    return nfc(value).translate(_CONTROLS)


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
