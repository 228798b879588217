"""Person search and the person form's services, without Qt."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from cdsxa.common.errors import UserError
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.db.engine import Database
from cdsxa.db.models import ChangeLogEntry, Household, Person
from cdsxa.register import people, person_detail, search, villages
from cdsxa.register.people import DuplicateIdNumber, PersonInput
from cdsxa.register.person_detail import PersonEdit
from tests.helpers import as_actor
from tests.conftest import TESTER


def village(db: Database, name: str) -> VillageId:
    with db.reading(TESTER) as session:
        found = villages.find_by_name(session, name)
    assert found is not None
    return found


def add(db: Database, name: str, where: str = "Bản Hang", household: str | None = None,
        **fields: object) -> PersonId:
    with db.transaction(as_actor("test")) as session:
        village_id = village(db, where)
        household_id = (person_detail.household_for_code(session, village_id, household)
                        if household else None)
        gender = str(fields.pop("gender", "female" if " Thị " in name else "male"))
        return people.add_person(session, PersonInput(
            full_name=name, gender=gender, village_id=village_id, household_id=household_id,
            **fields))  # type: ignore[arg-type]


@pytest.fixture
def register(db: Database) -> dict[str, PersonId]:
    return {
        "anh": add(db, "Đinh Thị Ánh", household="HK00012", birth_year=1980,
                   id_number="038180001234", phone="0912345678"),
        "a": add(db, "Nguyễn Văn A", household="HK00012", birth_date=date(1979, 5, 2)),
        "an": add(db, "Nguyễn Văn An", where="Thôn Đồng Tâm", household="HK00200",
                  phone="0387654321"),
        "tam": add(db, "Lò Văn Tâm", where="Thôn Đồng Tâm", id_number="038090005678",
                   birth_year=1990),
        "dung": add(db, "Dương Thị Dung", where="Thôn Đồng Tâm"),
    }


def names(db: Database, query: str, village_id: VillageId | None = None) -> list[str]:
    with db.reading(TESTER) as session:
        return [row.full_name for row in search.search_people(session, query, village_id)]


def test_names_fold_case_and_diacritics(db: Database, register: dict[str, PersonId]) -> None:
    assert names(db, "dinh") == ["Đinh Thị Ánh"]
    assert names(db, "ĐINH thị") == ["Đinh Thị Ánh"]
    assert names(db, "Dinh Thi Anh") == ["Đinh Thị Ánh"]
    assert names(db, "lo van tam") == ["Lò Văn Tâm"]
    assert names(db, "Lò  Văn") == ["Lò Văn Tâm"]
    # Decomposed input (some Vietnamese keyboards) folds the same way.
    assert names(db, "Đinh Thi\u0323 A\u0301nh") == ["Đinh Thị Ánh"]


def test_every_word_must_begin_a_word_of_the_name(db: Database,
                                                  register: dict[str, PersonId]) -> None:
    assert names(db, "nguyen v") == ["Nguyễn Văn A", "Nguyễn Văn An"]
    assert names(db, "ng an") == ["Nguyễn Văn An"]
    assert names(db, "van") == ["Lò Văn Tâm", "Nguyễn Văn A", "Nguyễn Văn An"]
    assert names(db, "guyen") == []  # inside a word, not at its start
    assert names(db, "d") == ["Đinh Thị Ánh", "Dương Thị Dung"]  # dinh < duong


def test_an_exact_name_comes_first(db: Database, register: dict[str, PersonId]) -> None:
    assert names(db, "nguyen van an") == ["Nguyễn Văn An"]
    assert names(db, "Nguyễn Văn A") == ["Nguyễn Văn A", "Nguyễn Văn An"]
    add(db, "Nguyễn Văn Anh")
    assert names(db, "nguyen van an") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert names(db, "nguyen van a")[0] == "Nguyễn Văn A"


def test_id_numbers_and_phones_by_their_first_digits(db: Database,
                                                     register: dict[str, PersonId]) -> None:
    assert names(db, "038") == ["Đinh Thị Ánh", "Lò Văn Tâm", "Nguyễn Văn An"]
    assert names(db, "0381800") == ["Đinh Thị Ánh"]
    assert names(db, "038 090 005 678") == ["Lò Văn Tâm"]
    assert names(db, "38090005678") == ["Lò Văn Tâm"]  # Excel dropped the leading 0
    assert names(db, "09") == ["Đinh Thị Ánh"]
    assert names(db, "0912.345.678") == ["Đinh Thị Ánh"]


def test_a_phone_typed_without_its_0_or_with_84(db: Database,
                                               register: dict[str, PersonId]) -> None:
    for typed in ("912345678", "+84 912 345 678", "84912345678", "+84912", "912"):
        assert names(db, typed) == ["Đinh Thị Ánh"], typed
    assert names(db, "387654321") == ["Nguyễn Văn An"]


def test_household_codes_by_prefix(db: Database, register: dict[str, PersonId]) -> None:
    assert names(db, "HK00012") == ["Đinh Thị Ánh", "Nguyễn Văn A"]
    assert names(db, "hk00012") == ["Đinh Thị Ánh", "Nguyễn Văn A"]
    assert names(db, "HK0020") == ["Nguyễn Văn An"]
    assert names(db, "HK") == []  # a word with no digit is a name
    with db.reading(TESTER) as session:
        row = search.search_people(session, "HK00200")[0]
    assert (row.village, row.household_code) == ("Thôn Đồng Tâm", "HK00200")


def test_the_village_filter(db: Database, register: dict[str, PersonId]) -> None:
    dong_tam = village(db, "Thôn Đồng Tâm")
    assert names(db, "", dong_tam) == ["Dương Thị Dung", "Lò Văn Tâm", "Nguyễn Văn An"]
    assert names(db, "nguyen", dong_tam) == ["Nguyễn Văn An"]
    with db.reading(TESTER) as session:
        assert search.count_people(session, "", dong_tam) == 3
        assert search.count_people(session, "nguyen", dong_tam) == 1
        assert search.count_people(session) == 5


def test_deleted_people_are_never_found(db: Database, register: dict[str, PersonId]) -> None:
    with db.transaction(as_actor("test")) as session:
        person = session.get(Person, register["tam"])
        assert person is not None
        person.deleted = True
    assert names(db, "lo van tam") == []
    assert names(db, "038090") == []
    assert "Lò Văn Tâm" not in names(db, "")
    with db.reading(TESTER) as session:
        assert search.count_people(session) == 4
        assert search.count_people(session, "tam") == 0


@pytest.mark.parametrize("hostile", ['"', "*", "AND (", "OR", "NOT", "NEAR(", "a:b", "'",
                                     '"nguyen', "nguyen*", "^", "-", "+", "()", "{name_key}",
                                     "name_key : x", "\\", "%", "_", "😀", "x" * 500])
def test_hostile_queries_do_not_break_the_search(db: Database, register: dict[str, PersonId],
                                                 hostile: str) -> None:
    with db.reading(TESTER) as session:
        for query in (hostile, f"{hostile} nguyen", f"nguyen {hostile}", f"{hostile}038"):
            found = search.search_people(session, query)
            assert search.count_people(session, query) == len(found)
            assert len(found) <= 5
    expected = names(db, "nguyen") if "nguyen" in hostile else []
    assert names(db, hostile) == expected


def test_words_that_are_fts_operators_are_plain_words(db: Database) -> None:
    add(db, "Hà Thị Or")
    add(db, "Lý A Near")
    assert names(db, "or") == ["Hà Thị Or"]
    assert names(db, "near") == ["Lý A Near"]
    assert names(db, "AND (") == []


def test_an_empty_query_lists_everybody_in_pages(db: Database) -> None:
    for index in range(25):
        add(db, f"Lò Văn Thử {index:02d}")
    seen: list[str] = []
    after = None
    with db.reading(TESTER) as session:
        while True:
            page = search.search_people(session, "", limit=10, after=after)
            seen += [row.full_name for row in page]
            if len(page) < 10:
                break
            after = page[-1]
        backwards = search.search_people(session, "", limit=5, descending=True)
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 25
    assert [row.full_name for row in backwards] == seen[::-1][:5]


def test_pages_continue_after_the_exact_names(db: Database) -> None:
    for _ in range(3):
        add(db, "Lò Văn Tâm")
    add(db, "Lò Văn Tâm Anh")
    add(db, "Lò Văn Tám Em")
    with db.reading(TESTER) as session:
        pages, after = [], None
        while page := search.search_people(session, "lo van tam", limit=2, after=after):
            pages.append([row.full_name for row in page])
            after = page[-1]
    assert pages == [["Lò Văn Tâm"] * 2, ["Lò Văn Tâm", "Lò Văn Tâm Anh"], ["Lò Văn Tám Em"]]


def test_names_that_begin_with_the_query_come_before_other_matches(db: Database) -> None:
    for name in ("Lò Thị Vi", "Vi Văn Lò", "Vi Thị Hoa", "Hà Vinh"):
        add(db, name)
    assert names(db, "vi") == ["Vi Thị Hoa", "Vi Văn Lò", "Hà Vinh", "Lò Thị Vi"]
    assert names(db, "vi thi") == ["Vi Thị Hoa", "Lò Thị Vi"]


QUERIES = ["", "d", "dinh", "nguyen v", "van", "thi", "038", "09", "912345678", "+84 38",
           "HK000", "hk00012", "lo 038", "an", "Vi", "h mong", "zzz"]


@pytest.mark.parametrize("query", QUERIES)
def test_the_two_ways_of_searching_agree(db: Database, monkeypatch: pytest.MonkeyPatch,
                                         query: str) -> None:
    """A query that finds few goes through the FTS index, one that finds many walks the
    name index testing each person: the same people must come back, counted alike."""
    hang, dong_tam = village(db, "Bản Hang"), village(db, "Thôn Đồng Tâm")
    with db.transaction(as_actor("test")) as session:  # one transaction: the test runs 34 times
        batch = [PersonInput(
            f"{['Vi', 'Lò', 'Đinh'][index % 3]} Thị Hoa {index}", "female",
            [hang, dong_tam][index % 2],
            household_id=person_detail.household_for_code(
                session, [hang, dong_tam][index % 2], f"HK{index % 4:05d}"),
            phone=f"09{index:08d}" if index % 2 else None,
            id_number=f"03818{index:07d}" if index % 3 else None) for index in range(12)]
        batch += [PersonInput("Giàng A Páo", "male", hang, id_number="038090001234",
                              household_id=person_detail.household_for_code(
                                  session, hang, "HK00012")),
                  PersonInput("Vàng Thị H'Mông", "female", hang),
                  PersonInput("Vi Thị Hoa 99", "female", hang, phone="0900000099")]
        deleted = people.add_people(session, batch)[-1]
        session.flush()
        gone = session.get(Person, deleted)  # a deleted person the index still holds
        assert gone is not None
        gone.deleted = True

    def found(village_id: VillageId | None) -> tuple[list[str], int]:
        with db.reading(TESTER) as session:
            rows = search.search_people(session, query, village_id, limit=7)
            while len(rows) % 7 == 0 and rows:  # every page
                more = search.search_people(session, query, village_id, limit=7,
                                            after=rows[-1])
                if not more:
                    break
                rows += more
            return [r.full_name for r in rows], search.count_people(session, query,
                                                                    village_id)

    for village_id in (None, village(db, "Bản Hang")):
        monkeypatch.setattr(search, "BROAD", 10**9)
        by_index = found(village_id)
        monkeypatch.setattr(search, "BROAD", -1)
        row_by_row = found(village_id)
        assert by_index == row_by_row
        assert len(by_index[0]) == by_index[1] == len(set(by_index[0]))
        assert "Vi Thị Hoa 99" not in by_index[0]


def test_the_number_prefixes_of_a_typed_number() -> None:
    assert search.number_prefixes("038") == ("038",)
    assert search.number_prefixes("912345678") == ("0912345678",)
    assert search.number_prefixes("84912345678") == ("0912345678", "084912345678")
    assert search.number_prefixes("1234567890123") == ()
    assert search.fts_expression(search.parse('a"b')) == 'name_key : "a"* AND name_key : "b"*'


def test_rows_carry_what_the_list_shows(db: Database, register: dict[str, PersonId]) -> None:
    with db.reading(TESTER) as session:
        anh, = search.search_people(session, "dinh")
        a, = search.search_people(session, "nguyen van a", limit=1)
    assert (anh.gender, anh.birth, anh.id_number, anh.phone, anh.village, anh.household_code) \
        == ("female", 1980, "038180001234", "0912345678", "Bản Hang", "HK00012")
    assert a.birth == date(1979, 5, 2) and a.id == register["a"]


# The person form's services -------------------------------------------------------------

def change_log_rows(db: Database) -> int:
    with db.reading(TESTER) as session:
        return session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0


def edit(db: Database, name: str = "Vi Thị Hoa", **fields: object) -> PersonEdit:
    extra = {k: fields.pop(k) for k in ("household_code", "outcomes", "has_fibre", "fibre_since")
             if k in fields}
    data = PersonInput(full_name=name, gender=str(fields.pop("gender", "female")),
                       village_id=village(db, str(fields.pop("where", "Bản Hang"))),
                       **fields)  # type: ignore[arg-type]
    return PersonEdit(data, **extra)  # type: ignore[arg-type]


def test_saving_a_new_person_with_household_and_outcomes(db: Database) -> None:
    day = date(2025, 3, 8)
    with db.transaction(as_actor("test")) as session:
        person_id = person_detail.save_person(session, edit(
            db, household_code="HK00077", outcomes={"smartphone": day, "digital_skills": None},
            has_fibre=True, fibre_since=day, birth_year=1988, ethnicity="Thái"))
    with db.reading(TESTER) as session:
        detail = person_detail.get_person(session, person_id)
        household = person_detail.find_household(session, detail.data.village_id, "hk00077")
    assert detail.data.full_name == "Vi Thị Hoa" and detail.data.birth_year == 1988
    assert detail.household_code == "HK00077" and detail.village_name == "Bản Hang"
    assert dict(detail.outcomes) == {"smartphone": day, "digital_skills": None}
    assert (detail.has_fibre, detail.fibre_since) == (True, day)
    assert household is not None and household.members == 1


def test_updating_a_person_changes_only_what_changed(db: Database,
                                                     register: dict[str, PersonId]) -> None:
    day = date(2024, 12, 1)
    with db.transaction(as_actor("test")) as session:
        person_detail.save_person(session, edit(
            db, "Đinh Thị Ánh", birth_year=1980, id_number="038180001234",
            phone="0912345678", household_code="HK00012",
            outcomes={"smartphone": day, "payment_account": day}), register["anh"])
    before = change_log_rows(db)
    with db.transaction(as_actor("test")) as session:  # the same again: nothing to record
        person_detail.save_person(session, edit(
            db, "Đinh Thị Ánh", birth_year=1980, id_number="038180001234",
            phone="0912345678", household_code="HK00012",
            outcomes={"smartphone": day, "payment_account": day}), register["anh"])
    assert change_log_rows(db) == before
    later = day + timedelta(days=3)
    with db.transaction(as_actor("test")) as session:  # a corrected date, an outcome undone, fibre
        person_detail.save_person(session, edit(
            db, "Đinh Thị Ánh", birth_year=1980, id_number="038180001234",
            phone="0912345678", household_code="HK00012", outcomes={"smartphone": later},
            has_fibre=True), register["anh"])
    with db.reading(TESTER) as session:
        detail = person_detail.get_person(session, register["anh"])
    assert dict(detail.outcomes) == {"smartphone": later}
    assert detail.has_fibre and detail.fibre_since is None


def test_an_id_number_belonging_to_someone_else_is_refused_with_their_id(
        db: Database, register: dict[str, PersonId]) -> None:
    with pytest.raises(DuplicateIdNumber) as new:
        with db.transaction(as_actor("test")) as session:
            person_detail.save_person(session, edit(db, "Lò Văn Tâm", gender="male",
                                                    id_number="038 090 005 678"))
    assert new.value.existing == register["tam"]
    with pytest.raises(DuplicateIdNumber) as changed:
        with db.transaction(as_actor("test")) as session:
            person_detail.save_person(session, edit(db, "Nguyễn Văn A", gender="male",
                                                    id_number="38090005678",
                                                    birth_date=date(1990, 1, 1)), register["a"])
    assert changed.value.existing == register["tam"]
    with db.reading(TESTER) as session:
        assert person_detail.find_by_id_number(session, "038.090.005.678") == register["tam"]
        assert person_detail.find_by_id_number(session, "03809000567") is None


def test_a_refused_save_leaves_nothing_behind(db: Database) -> None:
    before = change_log_rows(db)
    with pytest.raises(UserError, match="năm sinh"):
        with db.transaction(as_actor("test")) as session:
            # The household would be new; the ID number contradicts the birth year.
            person_detail.save_person(session, edit(
                db, household_code="HK09999", id_number="038180001234", birth_year=1990,
                outcomes={"smartphone": None}))
    assert change_log_rows(db) == before
    with db.reading(TESTER) as session:
        assert session.scalar(select(func.count()).select_from(Household)) == 0
    with pytest.raises(UserError, match="mã hộ"):
        with db.transaction(as_actor("test")) as session:
            person_detail.save_person(session, edit(db, has_fibre=True))


def test_dates_typed_on_the_form() -> None:
    assert person_detail.parse_birth("7/3/1985") == (date(1985, 3, 7), None)
    assert person_detail.parse_birth("07.03.1985") == (date(1985, 3, 7), None)
    assert person_detail.parse_birth(" 1985 ") == (None, 1985)
    assert person_detail.parse_birth("") == (None, None)
    for bad in ("31/2/1985", "85", "1985/03/07", "hôm qua"):
        with pytest.raises(UserError, match="Ngày sinh"):
            person_detail.parse_birth(bad)
    with pytest.raises(UserError, match="tương lai"):
        person_detail.parse_date((date.today() + timedelta(days=2)).strftime("%d/%m/%Y"), "X")
    assert person_detail.parse_date("", "X") is None


def test_household_codes_of_a_village(db: Database, register: dict[str, PersonId]) -> None:
    with db.reading(TESTER) as session:
        assert person_detail.household_codes(session, village(db, "Bản Hang")) == ["HK00012"]
        assert person_detail.find_household(session, village(db, "Bản Hang"), "HK00200") is None
