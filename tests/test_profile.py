"""Commune profile set-up, villages and population figures."""

from pathlib import Path

import pytest

from cdsxa.common import admin_units
from cdsxa.common.errors import UserError
from cdsxa.commune import profile
from cdsxa.commune.profile import Population, ProfileSetup, initialise
from cdsxa.db.engine import Database
from cdsxa.register import people, villages
from cdsxa.security import keys, users
from cdsxa.security.access import Role
from tests.conftest import TESTER, muong_lat_code
from tests.helpers import as_actor


def test_thanh_hoa_has_its_166_communes_searchable_without_diacritics() -> None:
    assert len(admin_units.communes(38)) == 166
    assert [c.name for c in admin_units.search_communes(38, "muong lat")] == ["Xã Mường Lát"]
    assert admin_units.commune(38, 14797).name == "Phường Hạc Thành"
    assert admin_units.search_communes(38, "14797")[0].code == 14797


def test_initialise_records_the_whole_setup(db: Database) -> None:
    with db.reading(TESTER) as session:
        view = profile.load(session)
        assert view is not None
        assert (view.province_name, view.commune_name) == ("Thanh Hóa", "Xã Mường Lát")
        assert view.issuing_body == "Ủy ban nhân dân xã Mường Lát"
        assert "Thanh Hóa" in view.receiving_body
        assert [v.name for v in villages.list_all(session)] == ["Bản Hang", "Thôn Đồng Tâm"]
        assert profile.population_figures(session)[0].adults == 700
        assert [(u.full_name, u.position, u.role) for u in users.list_users(session)] == [
            ("Lò Văn Tâm", "Công chức", Role.ADMIN)]
    assert db.commune_code == muong_lat_code()


@pytest.mark.parametrize("province, commune, message", [
    (99, 1, "Không có tỉnh/thành phố mã 99"),
    (38, 1, "Không có xã/phường mã 1 thuộc Thanh Hóa"),
])
def test_unknown_codes_are_refused_before_anything_is_written(
    tmp_path: Path, province: int, commune: int, message: str
) -> None:
    target = tmp_path / "new"
    with pytest.raises(UserError, match=message):
        initialise(target, ProfileSetup(province, commune), keys.new_data_key())
    assert not target.exists()


def test_a_profile_is_never_initialised_twice(db: Database, data_dir: Path) -> None:
    with pytest.raises(UserError, match="đã có hồ sơ xã"):
        initialise(data_dir, ProfileSetup(38, 14797), db.key)
    with db.reading(TESTER) as session:
        assert profile.load(session).commune_name == "Xã Mường Lát"  # type: ignore[union-attr]


def test_repeated_village_names_in_setup_are_refused(tmp_path: Path) -> None:
    setup = ProfileSetup(38, 14797, village_names=["Bản Hang", "ban  HANG"])
    with pytest.raises(UserError, match="trùng"):
        initialise(tmp_path / "p", setup, keys.new_data_key())


@pytest.mark.parametrize("figures, problem", [
    (Population(2025, residents=100, adults=120), "lớn hơn dân số"),
    (Population(2025, aged_15_plus=50, adults=60), "lớn hơn người từ 15 tuổi"),
    (Population(2025, residents=-1), "không được âm"),
    (Population(1990, residents=10), "Năm số liệu 1990"),
])
def test_inconsistent_population_figures_are_explained(figures: Population, problem: str) -> None:
    assert any(problem in p for p in figures.problems())


def test_population_figures_replace_those_of_the_same_year(db: Database) -> None:
    with db.transaction(as_actor("t")) as session:
        profile.set_population(session, Population(2025, residents=1100))
        profile.set_population(session, Population(2026, residents=1150))
    with db.reading(TESTER) as session:
        figures = profile.population_figures(session)
    assert [(f.year, f.residents, f.adults) for f in figures] == [(2026, 1150, None),
                                                                 (2025, 1100, None)]


def test_village_rules(db: Database) -> None:
    with db.transaction(as_actor("t")) as session:
        hang = villages.find_by_name(session, "ban hang")
        assert hang is not None
        with pytest.raises(UserError, match="đã có thôn/bản “Bản Hang”"):
            villages.add(session, "BẢN HANG")
        with pytest.raises(UserError, match="không được để trống"):
            villages.add(session, "   ")
        villages.rename(session, hang, "Bản Hang Trên")
        villages.rename(session, hang, "bản hang trên")  # a change of case is allowed
        with pytest.raises(UserError, match="chính nó"):
            villages.merge(session, hang, hang)


def test_a_village_with_people_cannot_be_removed_only_merged(db: Database) -> None:
    with db.transaction(as_actor("t")) as session:
        dong_tam = villages.find_by_name(session, "Thôn Đồng Tâm")
        hang = villages.find_by_name(session, "Bản Hang")
        assert dong_tam and hang
        people.add_person(session, people.PersonInput("Vi Văn Hùng", "male", dong_tam))
    with db.transaction(as_actor("t")) as session, pytest.raises(UserError, match="hãy gộp"):
        villages.remove(session, dong_tam)
    with db.transaction(as_actor("t")) as session:
        villages.merge(session, dong_tam, hang)
    with db.reading(TESTER) as session:
        rows = villages.list_all(session)
        assert [(v.name, v.people) for v in rows] == [("Bản Hang", 1)]
        # The name is free again once its village is merged away.
    with db.transaction(as_actor("t")) as session:
        villages.add(session, "Thôn Đồng Tâm")
