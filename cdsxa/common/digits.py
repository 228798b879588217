"""Numbers read from what people type or paste: every decimal digit becomes ASCII.

Fullwidth digits (Chinese and Japanese input methods, PDFs), Arabic-Indic and other
scripts' digits pass str.isdigit() and int(); stored as typed, "０３８…" and "038…"
would be two ID numbers. Superscripts, circled numbers and fractions also pass
isdigit() (or isnumeric()) but are not digits of a number, and int() fails on
them: they are refused with a message naming the field and the sign.

Every service that reads a number from text (ID numbers, phones, birth years,
dates, household numbers) calls ascii_digits first, and then checks ASCII digits.
"""

import re
import unicodedata

from cdsxa.common.errors import UserError

# Characters with a numeric value that are not decimal digits: found with one regex
# rather than a Python loop over every character (most text has none).
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _problem(text: str) -> str | None:
    """The first numeric sign that is not a decimal digit, if any."""
    for match in _NON_ASCII.finditer(text):
        ch = match.group()
        if ch.isnumeric() and not ch.isdecimal():
            return ch
    return None


def ascii_digits(text: str, what: str) -> str:
    """text with every decimal digit in ASCII and compatibility forms folded (NFKC:
    fullwidth letters, '＋', '．', the ideographic space); a UserError naming `what`
    for a superscript or another numeric sign that is not a digit."""
    if text.isascii():
        return text
    sign = _problem(text)
    if sign is not None:
        raise UserError(f"{what}: “{sign}” không phải chữ số thường (chỉ số mũ, số trong "
                        "vòng tròn…); hãy gõ lại bằng các phím số 0–9.")
    # NFKC after the check: it would turn '²' into '2', which is not what was meant.
    folded = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in folded)


def ascii_digits_or_none(text: str) -> str | None:
    """ascii_digits for look-ups: None when the text cannot be a number's (nothing
    can be found by it)."""
    try:
        return ascii_digits(text, "")
    except UserError:
        return None


def decimal_digits(text: str) -> str:
    """Every decimal digit of text, in ASCII and in order, whatever its script; other
    signs (superscripts too) are left out. For looking for a number inside free text."""
    return "".join(str(unicodedata.decimal(ch)) for ch in text if ch.isdecimal())
