"""The 12-digit personal identification number (Circular 59/2021/TT-BCA)."""

from dataclasses import dataclass
from datetime import date

from cdsxa.common.digits import ascii_digits
from cdsxa.common.errors import UserError

# The 63 place-of-birth-registration codes; 038 is Thanh Hóa.
PLACE_CODES = frozenset(
    """001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033
    034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066
    067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096""".split()
)


@dataclass(frozen=True)
class IdNumberCheck:
    value: str | None  # the normalised number, or None when rejected
    error: str | None = None  # why it is rejected
    warning: str | None = None  # accepted only after the officer confirms

    @property
    def ok(self) -> bool:
        return self.value is not None


def _century_start(digit: int) -> tuple[int, str]:
    century = 1900 + 100 * (digit // 2)
    return century, "nữ" if digit % 2 else "nam"


def birth_year_of(number: str) -> int:
    century, _ = _century_start(int(number[3]))
    return century + int(number[4:6])


def gender_of(number: str) -> str:
    return "female" if int(number[3]) % 2 else "male"


def check(raw: str, birth: date | None = None, birth_year: int | None = None,
          gender: str | None = None) -> IdNumberCheck:
    """Validate against the number's structure and what is known of the person.

    Excel drops leading zeros, so 11 digits are restored to 12 with a leading 0.
    Digits of other scripts (fullwidth, Arabic-Indic) count as the same digits.
    """
    try:
        digits = "".join(ascii_digits(raw, "Số định danh").split()).replace(".", "")
    except UserError as exc:
        return IdNumberCheck(None, error=exc.message)
    if not (digits.isascii() and digits.isdigit()):
        return IdNumberCheck(None, error="Số định danh chỉ gồm chữ số.")
    if len(digits) == 11:
        digits = "0" + digits
    if len(digits) != 12:
        return IdNumberCheck(None, error=f"Số định danh phải có 12 chữ số (đang có {len(digits)}).")
    year = birth.year if birth else birth_year
    if year is not None and birth_year_of(digits) != year:
        return IdNumberCheck(
            None,
            error=f"Số định danh cho năm sinh {birth_year_of(digits)}, "
            f"nhưng năm sinh đã nhập là {year}.",
        )
    if gender is not None and gender_of(digits) != gender:
        return IdNumberCheck(
            None, error="Chữ số giới tính trong số định danh không khớp giới tính.")
    if digits[:3] not in PLACE_CODES:
        return IdNumberCheck(
            digits,
            warning=f"Mã nơi đăng ký khai sinh {digits[:3]} không có trong danh mục 63 tỉnh.")
    return IdNumberCheck(digits)
