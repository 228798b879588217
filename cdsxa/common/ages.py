"""Ages at a date, and the age rules the indicators use (DOMAIN.md).

Ages are counted in completed months and years. A birthday that does not exist in
the target month (29 February in a common year; the 31st in a short month) is
taken as the last day of that month, as the Civil Code 2015 (art. 148) ends a
period of months or years that has no corresponding day.

Counting in SQL compares birth dates with cut-offs (`born_by`): a person born on
or before `born_by(on, m)` has completed m months at `on`. The functions below
are exact inverses of each other, which the property tests check.
"""

import calendar
from datetime import date

ADULT_YEARS = 18  # người thành niên (Civil Code 2015)
VNEID_YEARS = 14  # citizens register their own VNeID account from 14 (Decree 59/2022)
WORKING_AGE_FROM_YEARS = 15  # Labour Code 2019

# A person known only by birth year is taken as born on 1 July of that year.
YEAR_ONLY_MONTH, YEAR_ONLY_DAY = 7, 1

# Retirement age (Decree 135/2020/NĐ-CP), in months: the age in 2021 and the
# yearly step, capped at the final age; years before 2021 keep the old ages.
_RETIREMENT = {
    "male": (60 * 12, 60 * 12 + 3, 3, 62 * 12),
    "female": (55 * 12, 55 * 12 + 4, 4, 60 * 12),
}
_SCHEDULE_START = 2021


def _days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier); a missing day becomes the month's last."""
    year, month = _shift_month(day.year, day.month, months)
    return date(year, month, min(day.day, _days_in(year, month)))


def effective_birth_date(birth_date: date | None, birth_year: int | None) -> date | None:
    """The birth date counting uses: the date, else 1 July of the year, else unknown."""
    if birth_date is not None:
        return birth_date
    if birth_year is not None:
        return date(birth_year, YEAR_ONLY_MONTH, YEAR_ONLY_DAY)
    return None


def months_completed(born: date, on: date) -> int:
    """Whole months from born to on (negative before birth)."""
    months = (on.year - born.year) * 12 + on.month - born.month
    return months - 1 if add_months(born, months) > on else months


def age_on(born: date, on: date) -> int:
    """Completed years at `on`: a person turns 18 on their 18th birthday."""
    return months_completed(born, on) // 12


def born_by(on: date, months: int) -> date:
    """The latest birth date of someone who has completed `months` months at `on`."""
    year, month = _shift_month(on.year, on.month, -months)
    last = _days_in(year, month)
    # When `on` is the last day of its month, every later day of the target month
    # also reaches its anniversary on or before `on` (it is cut to the month's end).
    if on.day == _days_in(on.year, on.month):
        return date(year, month, last)
    return date(year, month, min(on.day, last))


def born_by_age(on: date, years: int) -> date:
    """The latest birth date of someone aged `years` or more at `on`."""
    return born_by(on, years * 12)


def retirement_months(gender: str, year: int) -> int:
    """The retirement age in months for the given year (Decree 135/2020/NĐ-CP)."""
    before, first, step, final = _RETIREMENT[gender]
    if year < _SCHEDULE_START:
        return before
    return min(first + step * (year - _SCHEDULE_START), final)


def is_adult(born: date, on: date) -> bool:
    return age_on(born, on) >= ADULT_YEARS


def is_aged_14_plus(born: date, on: date) -> bool:
    return age_on(born, on) >= VNEID_YEARS


def is_working_age(born: date, gender: str, on: date) -> bool:
    """15 or older and below the retirement age of `on`'s year."""
    months = months_completed(born, on)
    return WORKING_AGE_FROM_YEARS * 12 <= months < retirement_months(gender, on.year)


def working_age_born_between(gender: str, on: date) -> tuple[date, date]:
    """(after, by): working age at `on` iff after < birth date <= by."""
    return born_by(on, retirement_months(gender, on.year)), born_by_age(on, WORKING_AGE_FROM_YEARS)
