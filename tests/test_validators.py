"""ID numbers and phone numbers, with the cases of DOMAIN.md."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdsxa.common.errors import UserError
from cdsxa.register import idnumber, phone


@pytest.mark.parametrize("raw, birth, gender, expected", [
    ("038085000123", date(1985, 3, 1), "male", "038085000123"),
    ("038185000123", date(1985, 3, 1), "female", "038185000123"),
    ("038201000123", date(2001, 1, 1), "male", "038201000123"),
    ("038 301 000 123", date(2001, 1, 1), "female", "038301000123"),
    ("38085000123", date(1985, 3, 1), "male", "038085000123"),  # Excel dropped the 0
])
def test_valid_numbers(raw: str, birth: date, gender: str, expected: str) -> None:
    result = idnumber.check(raw, birth=birth, gender=gender)
    assert result.ok and result.value == expected and result.warning is None


@pytest.mark.parametrize("raw, birth, fragment", [
    ("0380850001", None, "12 chữ số"),
    ("0380850001234", None, "12 chữ số"),
    ("03808500012A", None, "chỉ gồm chữ số"),
    ("038085000123", date(2001, 1, 1), "năm sinh 1985"),  # century digit contradicts
    ("038285000123", date(1985, 1, 1), "năm sinh 2085"),
])
def test_rejected_numbers(raw: str, birth: date | None, fragment: str) -> None:
    result = idnumber.check(raw, birth=birth)
    assert not result.ok and fragment in (result.error or "")


def test_gender_digit_must_match() -> None:
    result = idnumber.check("038185000123", birth_year=1985, gender="male")
    assert not result.ok and "giới tính" in (result.error or "")


def test_unknown_place_code_warns_but_accepts() -> None:
    result = idnumber.check("039085000123")
    assert result.ok and result.warning and "039" in result.warning


@given(place=st.sampled_from(sorted(idnumber.PLACE_CODES)),
       born=st.dates(date(1900, 1, 1), date(2099, 12, 31)),
       gender=st.sampled_from(["male", "female"]),
       tail=st.integers(0, 999_999))
def test_any_well_formed_number_round_trips(place: str, born: date, gender: str, tail: int) -> None:
    digit = (born.year - 1900) // 100 * 2 + (gender == "female")
    number = f"{place}{digit}{born.year % 100:02d}{tail:06d}"
    result = idnumber.check(number, birth=born, gender=gender)
    assert result.ok and result.value == number
    assert idnumber.birth_year_of(number) == born.year
    assert idnumber.gender_of(number) == gender


@pytest.mark.parametrize("raw", ["0912345678", "+84 912 345 678", "84912345678", "0912.345.678",
                                 "912345678", "(091) 234-5678"])
def test_phone_forms_normalise(raw: str) -> None:
    assert phone.normalise(raw) == "0912345678"


@pytest.mark.parametrize("raw", ["0212345678", "091234567", "09123456789", "abc", "+1 555 0100"])
def test_bad_phones_are_refused_with_a_reason(raw: str) -> None:
    with pytest.raises(UserError, match="Số điện thoại không hợp lệ"):
        phone.normalise(raw)


@given(prefix=st.sampled_from(["03", "05", "07", "08", "09"]), rest=st.integers(0, 10**8 - 1),
       style=st.sampled_from(["{}", "+84{}", "84 {}", "{}."]))
def test_every_mobile_number_normalises_to_ten_digits(prefix: str, rest: int, style: str) -> None:
    local = f"{prefix}{rest:08d}"
    raw = style.format(local[1:] if style.startswith(("+84", "84")) else local)
    assert phone.normalise(raw) == local
