"""Vietnamese mobile numbers: 10 digits starting 03, 05, 07, 08 or 09."""

import re

from cdsxa.common.digits import ascii_digits
from cdsxa.common.errors import UserError

_PREFIXES = ("03", "05", "07", "08", "09")
_SEPARATORS = re.compile(r"[\s.\-()]")


def normalise(raw: str) -> str:
    """'+84 912.345.678' -> '0912345678'; a UserError says what is wrong."""
    digits = _SEPARATORS.sub("", ascii_digits(raw, "Số điện thoại"))
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    elif len(digits) == 9 and digits[0] in "35789":
        digits = "0" + digits  # Excel drops the leading zero
    if not (digits.isascii() and digits.isdigit() and len(digits) == 10
            and digits.startswith(_PREFIXES)):
        raise UserError(f"Số điện thoại không hợp lệ: “{raw}” (cần 10 số, bắt đầu bằng "
                        "03, 05, 07, 08 hoặc 09).")
    return digits


def optional(raw: str | None) -> str | None:
    """Phones are optional (children, elders without one): blank stays None."""
    return normalise(raw) if raw and raw.strip() else None
