import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from cdsxa.db.engine import Database  # noqa: E402
from cdsxa.profile import FirstUser, Population, ProfileSetup, initialise  # noqa: E402



def muong_lat_code() -> int:
    from cdsxa import admin_units

    return admin_units.search_communes(38, "muong lat")[0].code


@pytest.fixture
def vietnamese(qapp: object) -> Iterator[None]:
    """GUI tests see what an officer sees: the Vietnamese interface."""
    from cdsxa.ui import i18n

    translator = i18n.install(qapp, "vi")  # type: ignore[arg-type]
    yield
    if translator is not None:
        qapp.removeTranslator(translator)  # type: ignore[attr-defined]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


@pytest.fixture
def db(data_dir: Path) -> Iterator[Database]:
    """A set-up profile: Xã Mường Lát with two villages and population figures."""
    setup = ProfileSetup(
        province_code=38,
        commune_code=muong_lat_code(),
        village_names=["Bản Hang", "Thôn Đồng Tâm"],
        population=Population(2025, residents=1000, adults=700, aged_15_plus=760,
                              working_age=600, households=250),
        user=FirstUser("Lò Văn Tâm", "Công chức"),
    )
    database = initialise(data_dir, setup, actor="test")
    yield database
    database.close()
