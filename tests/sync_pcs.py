"""Commune PCs for the sync tests (a plugin of tests/conftest.py, for the `two_pcs`
fixture): each set up on its own (as two offices would set up the app), enrolled with a
real hub over HTTP, and synchronised with it.

`make_pc(hub, folder)` sets up a profile of the `db` fixture's commune (its own
device, its own first villages and figures: the hub merges them), enrols it with a
code the hub issues, and returns a `Pc` with its database and data folder.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from cdsxa.commune.profile import initialise
from cdsxa.db.engine import Database
from cdsxa.db.models import Person, SyncConflict
from cdsxa.hub import enrolment as hub_enrolment
from cdsxa.register import people, villages
from cdsxa.security import device_token, keys
from cdsxa.sync import enrolment
from cdsxa.sync.synchronise import Outcome, synchronise
from tests.conftest import PASSPHRASE, TESTER, db_fixture_setup
from tests.hub_server import RunningHub


@dataclass
class Pc:
    db: Database
    data_dir: Path

    def sync(self, **kwargs: Any) -> Outcome:
        return synchronise(self.db, self.data_dir, **kwargs)

    def add_person(self, name: str, **extra: Any) -> Any:
        with self.db.transaction(TESTER) as session:
            village = villages.find_by_name(session, "Bản Hang")
            assert village is not None
            return people.add_person(session, people.PersonInput(
                full_name=name, gender="female", village_id=village,
                birth_date=date(1990, 5, 1), **extra))

    def people(self) -> dict[str, str]:
        """Live people: id -> name."""
        with self.db.reading(TESTER) as session:
            return {str(p.id): p.full_name for p in session.scalars(
                select(Person).where(Person.deleted.is_(False)))}

    def conflicts(self) -> list[SyncConflict]:
        with self.db.reading(TESTER) as session:
            return list(session.scalars(select(SyncConflict)))

    def count(self, model: Any, *where: Any) -> int:
        with self.db.reading(TESTER) as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*where))
                       or 0)


def issue_code(hub: RunningHub, commune: int) -> str:
    with hub.database.transaction() as session:
        return hub_enrolment.issue_code(session, commune).code


def make_pc(hub: RunningHub, folder: Path, enrol: bool = True) -> Pc:
    key = keys.create(folder, PASSPHRASE).key
    db = initialise(folder, db_fixture_setup(), key, TESTER)
    db.load_device()
    if enrol:
        assert db.commune_code is not None
        enrolment.enrol(db, folder, hub.url, issue_code(hub, db.commune_code))
    return Pc(db, folder)


@pytest.fixture
def two_pcs(hub: RunningHub, tmp_path: Path) -> Iterator[tuple[Pc, Pc]]:
    """Two PCs of one commune, set up apart and enrolled with the `hub`."""
    a, b = make_pc(hub, tmp_path / "a"), make_pc(hub, tmp_path / "b")
    yield a, b
    a.db.close()
    b.db.close()


def token_of(pc: Pc) -> str:
    assert pc.db.key is not None
    return device_token.token(pc.data_dir, pc.db.key)


def edit_phone(pc: Pc, person_id: Any, phone: str) -> None:
    time.sleep(0.002)  # a later edit has a later clock, whatever the PC
    with pc.db.transaction(TESTER) as session:
        row = session.get(Person, person_id)
        assert row is not None
        people.update_person(session, person_id, people.PersonInput(
            full_name=row.full_name, gender=row.gender, village_id=row.village_id,
            birth_date=row.birth_date, phone=phone))
