"""The commune profile: which commune this is, its population figures and first user.

Villages have their own module (cdsxa.register.villages).
"""

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.common import admin_units
from cdsxa.common.errors import UserError
from cdsxa.common.ids import UserId
from cdsxa.common.text import clean
from cdsxa.commune.population import Population as Population
from cdsxa.db.base import live
from cdsxa.db.engine import Database
from cdsxa.db.models import AppUser, CommuneProfile, PopulationFigure
from cdsxa.profile.storage import open_database
from cdsxa.register import villages
from cdsxa.security import users as accounts
from cdsxa.security.access import SYSTEM, Permission, Principal, Role, require
from cdsxa.security.keys import DataKey

DEFAULT_RECEIVING_BODY = "Sở Khoa học và Công nghệ tỉnh {province}"


@dataclass(frozen=True)
class FirstUser:
    """The first user, who administers the profile. Without a username and password
    (an older `cdsxa init`) the first GUI start asks for them."""

    full_name: str
    position: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ProfileSetup:
    """Everything the first-run wizard (or `cdsxa init`) collects."""

    province_code: int
    commune_code: int
    village_names: list[str] = field(default_factory=list)
    population: Population | None = None
    user: FirstUser | None = None


@dataclass(frozen=True)
class ProfileView:
    province_code: int
    province_name: str
    commune_code: int
    commune_name: str
    issuing_body: str
    receiving_body: str


def validate_setup(setup: ProfileSetup) -> list[str]:
    """Every reason the setup cannot be saved, without touching any database."""
    problems: list[str] = []
    try:
        admin_units.commune(setup.province_code, setup.commune_code)
    except UserError as exc:
        problems.append(exc.message)
    try:
        villages.check_new_names(setup.village_names)
    except UserError as exc:
        problems.append(exc.message)
    if setup.population is not None:
        problems += setup.population.problems()
    if setup.user is not None and not clean(setup.user.full_name):
        problems.append("Hãy nhập họ tên người sử dụng.")
    if setup.user is not None and setup.user.username:
        try:
            accounts.check_password(setup.user.password or "")
        except UserError as exc:
            problems.append(exc.message)
    return problems


def initialise(data_dir: Path, setup: ProfileSetup, key: DataKey,
               principal: Principal = SYSTEM) -> Database:
    """Create the profile in data_dir, all or nothing, and return it open.

    key comes from cdsxa.security.keys.create (made before anything is written).
    """
    problems = validate_setup(setup)
    if problems:
        raise UserError(" ".join(problems))
    db = open_database(data_dir, key)
    try:
        if db.commune_code is not None:
            raise UserError(f"Thư mục {data_dir} đã có hồ sơ xã; không khởi tạo lại.")
        db.commune_code = setup.commune_code
        with db.transaction(principal) as session:
            _create(session, setup)
    except BaseException:
        db.commune_code = None
        db.close()
        raise
    return db


def _create(session: Session, setup: ProfileSetup) -> None:
    province = admin_units.province(setup.province_code)
    commune = admin_units.commune(setup.province_code, setup.commune_code)
    session.add(
        CommuneProfile(
            commune_code=commune.code,
            province_code=province.code,
            province_name=province.name,
            commune_name=commune.name,
            issuing_body=_issuing_body(commune.name),
            receiving_body=DEFAULT_RECEIVING_BODY.format(province=province.name),
        )
    )
    for name in setup.village_names:
        villages.add(session, name)
    if setup.population is not None:
        set_population(session, setup.population)
    if setup.user is not None:
        add_user(session, setup.user)


def _issuing_body(commune_name: str) -> str:
    # "Xã Mường Lát" -> "Ủy ban nhân dân xã Mường Lát"
    kind, _, rest = commune_name.partition(" ")
    return f"Ủy ban nhân dân {kind.lower()} {rest}".strip()


def load(session: Session) -> ProfileView | None:
    row = session.scalars(select(CommuneProfile).where(live(CommuneProfile))).first()
    if row is None:
        return None
    return ProfileView(
        province_code=row.province_code,
        province_name=row.province_name,
        commune_code=row.commune_code,
        commune_name=row.commune_name,
        issuing_body=row.issuing_body,
        receiving_body=row.receiving_body,
    )


def set_population(session: Session, figures: Population) -> None:
    """Record the figures for their year, replacing that year's earlier figures."""
    require(session, Permission.CHANGE_SETTINGS)
    problems = figures.problems()
    if problems:
        raise UserError(" ".join(problems))
    row = session.scalars(
        select(PopulationFigure).where(
            PopulationFigure.year == figures.year, live(PopulationFigure)
        )
    ).first()
    if row is None:
        row = PopulationFigure(year=figures.year)
        session.add(row)
    for name in ("residents", "adults", "aged_15_plus", "working_age", "households"):
        setattr(row, name, getattr(figures, name))


def population_figures(session: Session) -> list[Population]:
    rows = session.scalars(
        select(PopulationFigure)
        .where(live(PopulationFigure))
        .order_by(PopulationFigure.year.desc())
    )
    return [
        Population(r.year, r.residents, r.adults, r.aged_15_plus, r.working_age, r.households)
        for r in rows
    ]


def add_user(session: Session, user: FirstUser) -> UserId:
    """The profile's first user: its administrator."""
    if user.username and user.password:
        return accounts.create_first_admin(session, user.full_name, user.username, user.password,
                                        user.position)
    name = clean(user.full_name)
    if not name:
        raise UserError("Hãy nhập họ tên người sử dụng.")
    row = AppUser(full_name=name, position=clean(user.position), role=Role.ADMIN.value)
    session.add(row)
    session.flush()
    return UserId(row.id)


def update_bodies(session: Session, issuing_body: str, receiving_body: str) -> None:
    """The names printed on documents: this commune's body and the province's receiver."""
    require(session, Permission.CHANGE_SETTINGS)
    issuing, receiving = clean(issuing_body), clean(receiving_body)
    if not issuing or not receiving:
        raise UserError("Tên cơ quan ban hành và cơ quan nhận không được để trống.")
    row = session.scalars(select(CommuneProfile).where(live(CommuneProfile))).one()
    row.issuing_body, row.receiving_body = issuing, receiving
