"""Numbers typed or pasted in digits of other scripts: one register, one refusal.

Fullwidth digits come from Japanese/Chinese input methods and PDFs, Arabic-Indic ones
from pasted web pages; they are the same numbers and are stored in ASCII. Superscripts
and other numeric signs are not digits of a number and are refused with a message.
"""

from datetime import date

import pytest

from cdsxa.common import digits
from cdsxa.common.errors import UserError
from cdsxa.db.engine import Database
from cdsxa.db.models import Household, Person
from cdsxa.register import idnumber, person_detail, phone, search
from cdsxa.register.people import DuplicateIdNumber
from tests.conftest import TESTER
from tests.helpers import as_actor, person, village

NUMBER, PHONE = "038185000123", "0912345678"  # a woman born in 1985

# The same digits in each script that str.isdigit() accepts as decimal digits.
FAMILIES = {
    "fullwidth": "０１２３４５６７８９",
    "arabic_indic": "٠١٢٣٤٥٦٧٨٩",
    "extended_arabic_indic": "۰۱۲۳۴۵۶۷۸۹",
    "devanagari": "०१२३४५६७८९",
    "mathematical_bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}


def written_in(family: str, text: str) -> str:
    return text.translate(str.maketrans("0123456789", FAMILIES[family]))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_an_id_number_in_other_digits_is_stored_in_ascii_and_its_twin_refused(
        db: Database, family: str) -> None:
    typed = written_in(family, NUMBER)
    someone = person(db, born=date(1985, 3, 1), id_number=typed,
                     phone=written_in(family, PHONE))
    with db.reading(TESTER) as session:
        row = session.get(Person, someone)
        assert row is not None
        assert (row.id_number, row.phone) == (NUMBER, PHONE)
        # Searching by the number finds them whichever digits are typed.
        assert person_detail.find_by_id_number(session, NUMBER) == someone
        assert person_detail.find_by_id_number(session, typed) == someone
        # And so does the search box.
        assert [r.id for r in search.search_people(session, typed)] == [someone]
        assert [r.id for r in search.search_people(session, written_in(family, PHONE))] == [
            someone]
    with pytest.raises(DuplicateIdNumber):
        person(db, "Lò Thị Mai Hai", born=date(1985, 3, 1), id_number=NUMBER)


@pytest.mark.parametrize("typed", [
    "038185000123".replace("8", "⁸"),  # superscripts
    "03818500012³",
    "0381¹5000123",  # where the birth year is read
    "038185000①23",  # circled
])
def test_an_id_number_with_superscripts_is_refused_with_a_reason(db: Database,
                                                                  typed: str) -> None:
    with pytest.raises(UserError, match="không phải chữ số"):
        person(db, born=date(1985, 3, 1), id_number=typed)
    result = idnumber.check(typed)
    assert not result.ok and "không phải chữ số" in (result.error or "")
    with db.reading(TESTER) as session:
        assert person_detail.find_by_id_number(session, typed) is None


def test_a_phone_with_a_superscript_is_refused_with_a_reason() -> None:
    with pytest.raises(UserError, match="không phải chữ số"):
        phone.normalise("091234567⁸")
    # Fullwidth separators from the same input methods are separators.
    assert phone.normalise("＋８４　９１２．３４５．６７８") == PHONE


def test_birth_years_and_dates_in_other_digits() -> None:
    assert person_detail.parse_birth("１９８５") == (None, 1985)
    assert person_detail.parse_birth("٠٧/٠٣/١٩٨٥") == (date(1985, 3, 7), None)
    assert person_detail.parse_date("１５／１０／２０２５", "Ngày") == date(2025, 10, 15)
    with pytest.raises(UserError, match="không phải chữ số"):
        person_detail.parse_birth("198⁵")
    with pytest.raises(UserError, match="không phải chữ số"):
        person_detail.parse_date("1²/10/2025", "Ngày")


def test_household_numbers_in_fullwidth_name_the_same_household(db: Database) -> None:
    bản_hang = village(db)
    with db.transaction(as_actor("test")) as session:
        first = person_detail.household_for_code(session, bản_hang, "HK01")
        session.flush()
        again = person_detail.household_for_code(session, bản_hang, "ＨＫ０１")
        assert again == first
        with pytest.raises(UserError, match="không phải chữ số"):
            person_detail.household_for_code(session, bản_hang, "HK0¹")
    with db.reading(TESTER) as session:
        assert [h.code for h in session.query(Household)] == ["HK01"]


def test_the_one_function_maps_decimal_digits_and_refuses_other_numbers() -> None:
    for family in FAMILIES:
        assert digits.ascii_digits(FAMILIES[family], "Số") == "0123456789"
    assert digits.ascii_digits("Thôn 3, ngõ ٤", "Địa chỉ") == "Thôn 3, ngõ 4"
    for sign in "²¹⁰①½Ⅻ":
        with pytest.raises(UserError, match=f"Số: “{sign}” không phải chữ số"):
            digits.ascii_digits(f"12{sign}", "Số")
    assert digits.ascii_digits_or_none("12²") is None


def test_an_import_reads_other_digits_and_refuses_superscripts_row_by_row(
        db: Database, tmp_path: object) -> None:
    """The CLI import aborted with "lỗi không mong đợi" on one superscript digit."""
    from pathlib import Path

    from cdsxa.excel import people_import
    from tests.test_excel_import import write_list

    header = ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "SĐT", "Thôn/bản"]
    path = write_list(Path(str(tmp_path)) / "ds.xlsx", [
        ["Lò Thị Mai", "１９８５", "Nữ", written_in("fullwidth", NUMBER), "٠٩١٢٣٤٥٦٧٨",
         "Bản Hang"],
        ["Lò Văn Tâm", "1985", "Nam", "0380¹5000123", None, "Bản Hang"],
    ], header=header)
    sheet = people_import.read_sheet(path)
    with db.reading(TESTER) as session:
        preview = people_import.preview(session, sheet, today=date(2025, 6, 1))
    good, bad = preview.rows
    assert good.action == "new" and good.person is not None
    assert (good.person.id_number, good.person.phone, good.person.birth_year) == (
        NUMBER, PHONE, 1985)
    assert bad.action == "error" and "không phải chữ số" in (bad.reason or "")
