"""Ages at a date and the age rules of the indicators (cdsxa.common.ages)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cdsxa.common import ages

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
genders = st.sampled_from(["male", "female"])


def test_a_person_turns_18_on_their_birthday() -> None:
    born = date(2007, 6, 30)
    assert ages.age_on(born, date(2025, 6, 29)) == 17
    assert ages.age_on(born, date(2025, 6, 30)) == 18
    assert ages.is_adult(born, date(2025, 6, 30))
    assert not ages.is_adult(date(2007, 7, 1), date(2025, 6, 30))


def test_14_the_day_after_is_not_14_yet() -> None:
    assert not ages.is_aged_14_plus(date(2011, 7, 1), date(2025, 6, 30))
    assert ages.is_aged_14_plus(date(2011, 6, 30), date(2025, 6, 30))


def test_29_february_birthdays_fall_on_28_february_in_common_years() -> None:
    # Civil Code 2015 art. 148: a period with no corresponding day ends on the
    # month's last day.
    born = date(2008, 2, 29)
    assert ages.age_on(born, date(2026, 2, 27)) == 17
    assert ages.age_on(born, date(2026, 2, 28)) == 18
    assert ages.age_on(born, date(2028, 2, 28)) == 19  # a leap year: not until the 29th
    assert ages.age_on(born, date(2028, 2, 29)) == 20
    assert ages.born_by_age(date(2025, 2, 28), 21) == date(2004, 2, 29)
    assert ages.born_by_age(date(2024, 2, 29), 18) == date(2006, 2, 28)


def test_add_months_keeps_the_day_or_takes_the_month_end() -> None:
    assert ages.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert ages.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert ages.add_months(date(2025, 3, 15), -15) == date(2023, 12, 15)
    assert ages.add_months(date(1964, 3, 31), 735) == date(2025, 6, 30)


def test_year_only_births_are_taken_as_1_july() -> None:
    assert ages.effective_birth_date(None, 2007) == date(2007, 7, 1)
    assert ages.effective_birth_date(date(2007, 3, 2), 2007) == date(2007, 3, 2)
    assert ages.effective_birth_date(None, None) is None


@pytest.mark.parametrize("year, men, women", [
    (2019, 720, 660),  # before the schedule: 60 and 55
    (2020, 720, 660),
    (2021, 723, 664),  # 60y3m, 55y4m
    (2025, 735, 680),  # 61y3m, 56y8m
    (2026, 738, 684),  # 61y6m, 57y
    (2027, 741, 688),
    (2028, 744, 692),  # men reach 62 and stay there
    (2034, 744, 716),
    (2035, 744, 720),  # women reach 60
    (2050, 744, 720),
])
def test_retirement_schedule(year: int, men: int, women: int) -> None:
    assert ages.retirement_months("male", year) == men
    assert ages.retirement_months("female", year) == women


@pytest.mark.parametrize("born, gender, on, working", [
    # A man reaches 61y3m (2025's age) on 30/06/2025 when born 31/03/1964: June
    # has no 31st, so the period ends on the 30th.
    (date(1964, 3, 31), "male", date(2025, 6, 30), False),
    (date(1964, 4, 1), "male", date(2025, 6, 30), True),
    (date(1968, 10, 31), "female", date(2025, 6, 30), False),  # 56y8m that day
    (date(1968, 11, 1), "female", date(2025, 6, 30), True),
    (date(1964, 12, 30), "male", date(2026, 6, 30), False),  # 61y6m that day
    (date(1965, 1, 1), "male", date(2026, 6, 30), True),
    (date(1969, 6, 30), "female", date(2026, 6, 30), False),  # 57y that day
    (date(1969, 7, 1), "female", date(2026, 6, 30), True),
    (date(2010, 6, 30), "male", date(2025, 6, 30), True),  # 15 that day
    (date(2010, 7, 1), "female", date(2025, 6, 30), False),  # 15 the day after
    (date(1960, 1, 1), "male", date(2020, 6, 30), False),  # 60 before 2021
    (date(1960, 7, 1), "male", date(2020, 6, 30), True),
])
def test_working_age_boundaries(born: date, gender: str, on: date, working: bool) -> None:
    assert ages.is_working_age(born, gender, on) is working


@given(dates, dates, dates)
def test_age_never_decreases_as_the_date_moves_on(born: date, d1: date, d2: date) -> None:
    early, late = sorted((d1, d2))
    assert ages.age_on(born, early) <= ages.age_on(born, late)


@given(dates, dates)
def test_adult_iff_age_at_least_18(born: date, on: date) -> None:
    assert ages.is_adult(born, on) == (ages.age_on(born, on) >= 18)
    assert ages.is_aged_14_plus(born, on) == (ages.age_on(born, on) >= 14)


@given(dates, dates)
def test_months_completed_is_bracketed_by_anniversaries(born: date, on: date) -> None:
    months = ages.months_completed(born, on)
    assert ages.add_months(born, months) <= on < ages.add_months(born, months + 1)


@given(dates, dates)
def test_age_matches_the_everyday_rule_except_for_29_february(born: date, on: date) -> None:
    if (born.month, born.day) != (2, 29):
        everyday = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        assert ages.age_on(born, on) == everyday


@given(dates, st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
       st.integers(min_value=0, max_value=90 * 12))
def test_cut_off_dates_are_exact(born: date, on: date, months: int) -> None:
    # What SQL relies on: completed `months` at `on` iff born on or before the cut-off.
    cut = ages.born_by(on, months)
    assert (ages.months_completed(born, on) >= months) == (born <= cut)
    assert ages.months_completed(cut, on) >= months
    assert ages.months_completed(cut + timedelta(days=1), on) < months


@given(dates, genders, st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_working_age_matches_its_birth_date_window(born: date, gender: str, on: date) -> None:
    after, by = ages.working_age_born_between(gender, on)
    assert ages.is_working_age(born, gender, on) == (after < born <= by)


@given(genders, st.integers(min_value=2000, max_value=2100))
def test_retirement_age_never_decreases(gender: str, year: int) -> None:
    assert ages.retirement_months(gender, year) <= ages.retirement_months(gender, year + 1)
