"""The counting tests' two databases: the app's SQLite profile and a PostgreSQL server.

`counting_db` (parametrised "sqlite", "postgresql") gives an object with the
`transaction`, `reading`, `actor`, `commune_code` and `engine` of a
cdsxa.db.engine.Database: the `db` fixture's profile itself on SQLite, and on
PostgreSQL a `Store` over a fresh database whose schema is `Base.metadata.create_all`
(the way the province hub builds it), with the same two villages and 2025
population figures as the profile. Sessions on both are AppSessions with the
change-log hook, so the services and the ORM write the same rows on each.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, insert
from sqlalchemy.orm import sessionmaker

from cdsxa.common.actor import Actor
from cdsxa.common.principal import Principal
from cdsxa.commune.profile import set_population
from cdsxa.db import changelog
from cdsxa.db.models import Base, ThisDevice
from cdsxa.db.session import AppSession
from cdsxa.register import villages
from tests.conftest import TESTER, db_fixture_setup

ENGINES = ["sqlite", "postgresql"]


class Store:
    """Database.transaction and .reading over any SQLAlchemy URL."""

    def __init__(self, url: str, commune_code: int) -> None:
        self.engine: Engine = create_engine(url)
        Base.metadata.create_all(self.engine)
        self.commune_code = commune_code
        self.device_id = uuid.uuid4()
        with self.engine.begin() as connection:
            connection.execute(insert(ThisDevice), {"id": self.device_id, "clock": 0})
        self._sessions = sessionmaker(self.engine, class_=AppSession, expire_on_commit=False)
        changelog.install(self._sessions)

    def actor(self, principal: Principal) -> Actor:
        return Actor(principal, self.commune_code, self.device_id)

    def _acting(self, acting: Actor | Principal) -> Actor:
        return acting if isinstance(acting, Actor) else self.actor(acting)

    @contextmanager
    def transaction(self, acting: Actor | Principal) -> Iterator[AppSession]:
        with (self._sessions(actor=self._acting(acting), writes=True) as session,
              session.begin()):
            yield session

    @contextmanager
    def reading(self, acting: Actor | Principal) -> Iterator[AppSession]:
        with self._sessions(actor=self._acting(acting)) as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()


def postgres_store(url: str) -> Store:
    """The `db` fixture's commune on PostgreSQL: its villages and population figures."""
    setup = db_fixture_setup()
    store = Store(url, setup.commune_code)
    with store.transaction(TESTER) as session:
        for name in setup.village_names:
            villages.add(session, name)
        assert setup.population is not None
        set_population(session, setup.population)
    return store


@pytest.fixture(params=ENGINES)
def counting_db(request: pytest.FixtureRequest) -> Iterator[Any]:
    if request.param == "sqlite":
        yield request.getfixturevalue("db")
        return
    store = postgres_store(request.getfixturevalue("postgres_db"))
    yield store
    store.close()
