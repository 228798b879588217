"""Received values checked as the services check what an officer types.

A PC only ever sends values its services accepted, so a received value they
would refuse (an ID number "ABC", a birth year 1700, consent "maybe") is a
forgery or a broken sender: the batch is refused (cdsxa.sync.apply). The checks
are the services' own field validators (cdsxa.register), one value at a time,
plus the text limits of cdsxa.common.limits. Cross-field rules are checked only
between values of one entry (an insert carries them all): an update carries
the changed fields alone, and two PCs' updates may be merged field by field.
Values are compared with the form the services store (an ID number as 12 digits,
a phone as 10), since natural keys compare stored values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from cdsxa.common import limits, outcomes
from cdsxa.common.errors import UserError
from cdsxa.common.text import stored
from cdsxa.commune.population import Population
from cdsxa.register import idnumber, people, phone, villages
from cdsxa.sync.entries import JsonValue

Values = Mapping[str, JsonValue]


def check(table: str, values: Values, today: date) -> None:
    """ValueError (its message Vietnamese) for the first value the services refuse.

    The values' types are checked already (cdsxa.sync.journal.from_json)."""
    for name, value in values.items():
        if isinstance(value, str):
            too_long = limits.problem(table, name, stored(value))
            if too_long is not None:
                raise ValueError(too_long)
    checker = _CHECKS.get(table)
    if checker is not None:
        try:
            checker(values, today)
        except UserError as error:
            raise ValueError(error.message) from None


def _person(values: Values, today: date) -> None:
    if "full_name" in values:
        people.full_name(_text(values["full_name"]))
    if "gender" in values:
        people.check_gender(values["gender"])
    born = _date(values.get("birth_date"))
    year = born.year if born else _int(values.get("birth_year"))
    people.check_birth_year(year, today)
    people.check_birth_year(_int(values.get("birth_year")), today)
    people.check_consent(values.get("consent"))
    number = values.get("id_number")
    if isinstance(number, str):
        gender = values.get("gender")
        result = idnumber.check(number, born, year, gender if isinstance(gender, str) else None)
        if not result.ok:
            raise UserError(result.error)
        _as_stored("Số định danh", number, result.value)
    number = values.get("phone")
    if isinstance(number, str):
        _as_stored("Số điện thoại", number, phone.normalise(number))
    if values.get("vneid_status") not in (None, *outcomes.VNEID_STEPS):
        raise UserError(f"Trạng thái VNeID không xác định: {values['vneid_status']}.")
    if values.get("vneid_level") not in (None, 1, 2):
        raise UserError("Mức định danh điện tử chỉ là 1 hoặc 2.")


def _village(values: Values, today: date) -> None:
    if "name" in values:
        villages.valid_name(_text(values["name"]) or "")


def _population_figure(values: Values, today: date) -> None:
    counts = {name: _int(values.get(name)) for name in (
        "residents", "adults", "aged_15_plus", "working_age", "households")}
    year = _int(values.get("year"))
    problems = Population(year=2000 if year is None else year, **counts).problems()
    if problems:  # fields an update does not carry are not compared
        raise UserError(" ".join(problems))


def _person_outcome(values: Values, today: date) -> None:
    kind = values.get("kind")
    if "kind" in values and kind not in outcomes.PERSON_OUTCOMES:
        raise UserError(f"Kết quả không xác định: {kind}.")


_CHECKS: Mapping[str, Callable[[Values, date], None]] = {
    "person": _person,
    "person_outcome": _person_outcome,
    "village": _village,
    "population_figure": _population_figure,
}


def _as_stored(label: str, value: str, normal: str | None) -> None:
    if normal != value:
        raise UserError(f"{label} “{value}” không ở dạng phần mềm lưu ({normal}).")


def _text(value: JsonValue) -> str | None:
    return value if isinstance(value, str) else None


def _int(value: JsonValue) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: JsonValue) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None
