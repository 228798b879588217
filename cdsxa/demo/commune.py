"""Reproducible demo data for a mountain commune (for trying the app and benchmarks).

Everything goes through the same checks and change-log mechanism as real records,
in bulk (cdsxa.register.bulk, cdsxa.db.bulk).
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

from cdsxa.common import admin_units
from cdsxa.common.errors import UserError
from cdsxa.common.ids import HouseholdId
from cdsxa.commune.profile import FirstUser, Population, ProfileSetup, initialise, set_population
from cdsxa.db.base import new_id
from cdsxa.db.engine import Database
from cdsxa.db.models import Person
from cdsxa.demo import work as demo_work
from cdsxa.profile import paths
from cdsxa.profile.storage import open_profile
from cdsxa.register import bulk, people, villages
from cdsxa.register.idnumber import PLACE_CODES
from cdsxa.security import keys
from cdsxa.security.access import SYSTEM, Principal
from cdsxa.security.keys import terminal_prompt

DEMO_PROVINCE = admin_units.THANH_HOA
DEMO_COMMUNE_NAME = "Xã Mường Lát"

SIZES = {"small": 120, "large": 25_000}  # households; about 4 people each
# large: ~105,000 people and ~300,000 support sessions

VILLAGE_NAMES = [
    "Bản Hang", "Bản Pù Quăn", "Bản Lát", "Bản Na Khà", "Bản Poọng", "Bản Chiềng Cồng",
    "Bản Đoàn Kết", "Bản Ón", "Bản Sài Khao", "Bản Pha Đén", "Bản Mau", "Bản Tân Tiến",
    "Bản Nàng 1", "Bản Nàng 2", "Bản Kéo Hượn", "Bản Xa Lung", "Bản Pù Đứa", "Bản Lìn",
    "Bản Cang", "Bản Buốc Hiêu", "Bản Con Pao", "Bản Pặt", "Thôn Đồng Tâm", "Thôn Trung Sơn",
    "Thôn Chiềng Nưa", "Khu phố 1", "Khu phố 2", "Tổ dân phố Quyết Thắng",
    "Tổ dân phố Đoàn Kết", "Tổ dân phố Tân Lập",
]

# (ethnicity, share, surnames)
ETHNIC_GROUPS = [
    ("Thái", 0.45, ["Lò", "Vi", "Lương", "Hà", "Cầm", "Ngân", "Phạm", "Lường"]),
    ("H'Mông", 0.25, ["Giàng", "Sùng", "Thào", "Vàng", "Lầu", "Mùa", "Hờ", "Lý"]),
    ("Mường", 0.12, ["Bùi", "Đinh", "Quách", "Hà", "Phạm", "Trương"]),
    ("Kinh", 0.12, ["Nguyễn", "Lê", "Trần", "Phạm", "Hoàng", "Đỗ", "Vũ"]),
    ("Dao", 0.04, ["Bàn", "Triệu", "Đặng", "Lý"]),
    ("Khơ Mú", 0.02, ["Vi", "Lò", "Kha", "Xồng"]),
]
MALE_MIDDLE = ["Văn", "Văn", "Văn", "Đức", "Xuân", "Minh", "A"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thu", "Hồng"]
MALE_GIVEN = ["Tâm", "Hùng", "Dũng", "Khánh", "Phong", "Sơn", "Thắng", "Cường", "Đạt", "Tuấn",
              "Quân", "Lâm", "Hải", "Chiến", "Tú", "Nam", "Sinh", "Páo", "Chứ", "Dơ", "Lềnh"]
FEMALE_GIVEN = ["Lan", "Hoa", "Hương", "Mai", "Thảo", "Xuân", "Nga", "Yến", "Diệp", "Ánh",
                "Hằng", "Nhung", "Dợ", "Mỷ", "Súa", "Chía", "Ơn", "Liên", "Ngọc", "Trang"]
RELATIONS_CHILD = "Con"


@dataclass(frozen=True)
class DemoSummary:
    villages: int
    households: int
    people: int
    members: int = 0
    sessions: int = 0
    outcomes: int = 0


def _pick_group(rng: random.Random) -> tuple[str, list[str]]:
    roll, total = rng.random(), 0.0
    for name, share, surnames in ETHNIC_GROUPS:
        total += share
        if roll < total:
            return name, surnames
    return ETHNIC_GROUPS[0][0], ETHNIC_GROUPS[0][2]


def _name(rng: random.Random, surname: str, gender: str) -> str:
    middle = MALE_MIDDLE if gender == "male" else FEMALE_MIDDLE
    given = MALE_GIVEN if gender == "male" else FEMALE_GIVEN
    return f"{surname} {rng.choice(middle)} {rng.choice(given)}"


class _Generator:
    def __init__(self, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.used_numbers: set[str] = set()

    def birth(self, age: int) -> date:
        born = self.today - timedelta(days=365 * age + self.rng.randrange(365))
        return born

    def id_number(self, born: date, gender: str) -> str:
        digit = (born.year - 1900) // 100 * 2 + (1 if gender == "female" else 0)
        place = "038" if self.rng.random() < 0.97 else self.rng.choice(sorted(PLACE_CODES))
        while True:
            number = f"{place}{digit}{born.year % 100:02d}{self.rng.randrange(10**6):06d}"
            if number not in self.used_numbers:
                self.used_numbers.add(number)
                return number

    def phone(self) -> str:
        return self.rng.choice(["03", "05", "07", "08", "09"]) + f"{self.rng.randrange(10**8):08d}"

    def member_names(self) -> Iterator[str]:
        while True:
            _, surnames = _pick_group(self.rng)
            gender = self.rng.choice(["male", "female"])
            yield _name(self.rng, self.rng.choice(surnames), gender)

    def household_members(self) -> list[tuple[str, str, int]]:
        """(gender, relation, age) for one household."""
        rng = self.rng
        head_gender = "male" if rng.random() < 0.85 else "female"
        head_age = rng.randint(22, 75)
        members = [(head_gender, "Chủ hộ", head_age)]
        if rng.random() < 0.85:
            spouse_gender = "female" if head_gender == "male" else "male"
            members.append((spouse_gender, "Vợ" if spouse_gender == "female" else "Chồng",
                            max(18, head_age + rng.randint(-6, 4))))
        for _ in range(rng.choice([0, 1, 2, 2, 3, 3, 4])):
            child_age = max(0, head_age - rng.randint(20, 38))
            members.append((rng.choice(["male", "female"]), RELATIONS_CHILD, child_age))
        if rng.random() < 0.2:
            members.append((rng.choice(["male", "female"]), rng.choice(["Bố", "Mẹ"]),
                            min(95, head_age + rng.randint(20, 30))))
        return members


def fill(db: Database, size: str, seed: int = 2025, today: date | None = None,
         acting: Principal = SYSTEM) -> DemoSummary:
    """Add demo villages, households and people to an empty profile.

    The same seed and `today` give the same people.
    """
    if size not in SIZES:
        raise UserError(f"Cỡ dữ liệu mẫu phải là {' hoặc '.join(SIZES)}.")
    with db.reading(acting) as session:
        if session.scalar(select(func.count()).select_from(Person)):
            raise UserError("Hồ sơ này đã có người dân; dữ liệu mẫu chỉ thêm vào hồ sơ trống.")
    gen = _Generator(seed, today or date.today())
    village_count = 6 if size == "small" else len(VILLAGE_NAMES)
    with db.transaction(acting) as session:
        existing = {v.name for v in villages.list_all(session)}
        for name in VILLAGE_NAMES[:village_count]:
            if name not in existing:
                villages.add(session, name)
        village_ids = [v.id for v in villages.list_all(session)]
    households = SIZES[size]
    person_count = adults = aged_15 = 0
    batch = 1000
    for start in range(0, households, batch):
        with db.transaction(acting) as session:
            members, homes = [], []
            for index in range(start, min(households, start + batch)):
                village_id = village_ids[index % len(village_ids)]
                ethnicity, surnames = _pick_group(gen.rng)
                household_id = HouseholdId(new_id())
                homes.append(bulk.NewHousehold(village_id, f"HK{index + 1:05d}",
                                               id=household_id))
                surname = gen.rng.choice(surnames)
                for gender, relation, age in gen.household_members():
                    born = gen.birth(age)
                    year_only = gen.rng.random() < 0.06
                    number = gen.id_number(born, gender) if age >= 14 and gen.rng.random() < 0.88 else None
                    members.append(people.PersonInput(
                        full_name=_name(gen.rng, surname if relation != "Vợ" else gen.rng.choice(surnames), gender),
                        gender=gender,
                        village_id=village_id,
                        birth_date=None if year_only else born,
                        birth_year=born.year if year_only else None,
                        ethnicity=ethnicity,
                        id_number=number,
                        phone=gen.phone() if age >= 16 and gen.rng.random() < 0.6 else None,
                        household_id=household_id,
                        relation_to_head=relation,
                    ))
                    person_count += 1
                    adults += age >= 18
                    aged_15 += age >= 15
            # As rows, not ORM objects (cdsxa.register.bulk): same checks, same log.
            bulk.add_households(session, homes)
            bulk.add_people(session, members, {h.id: h.village_id for h in homes if h.id})
    with db.transaction(acting) as session:
        # The register covers about 92% of residents, as in a commune still surveying.
        scale = 1 / 0.92
        set_population(session, Population(
            year=gen.today.year,
            residents=round(person_count * scale),
            adults=round(adults * scale),
            aged_15_plus=round(aged_15 * scale),
            working_age=round(aged_15 * scale * 0.82),
            households=round(households * scale),
        ))
    work = demo_work.fill(db, gen.rng, gen.today, gen.member_names(), acting)
    return DemoSummary(len(village_ids), households, person_count, work.members, work.sessions,
                       work.outcomes)


def create(data_dir: Path, size: str, seed: int = 2025, principal: Principal = SYSTEM,
           today: date | None = None, admin_password: str | None = None) -> DemoSummary:
    """Fill data_dir with demo data, setting up a demo commune if it has no profile.

    A new demo profile's administrator is "admin" with admin_password, if given.
    """
    if paths.database_path(data_dir).exists():
        db = open_profile(data_dir, terminal_prompt)
    else:
        matches = admin_units.search_communes(DEMO_PROVINCE, DEMO_COMMUNE_NAME)
        user = FirstUser("Lò Văn Tâm", "Công chức Văn hóa - Xã hội",
                         "admin" if admin_password else None, admin_password)
        db = initialise(data_dir, ProfileSetup(DEMO_PROVINCE, matches[0].code, user=user),
                        keys.create(data_dir).key, principal)
    if db.commune_code is None:
        db.close()
        raise UserError(f"Hồ sơ tại {data_dir} chưa được khởi tạo xong.")
    try:
        return fill(db, size, seed, today, principal)
    finally:
        db.close()
