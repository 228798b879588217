"""`cdsxa export LIST --out FILE.xlsx`: the GUI's lists, with its masking, reasons and audit."""

import hashlib
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from cdsxa.cli.main import EXIT_USER_ERROR, main
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.db.engine import Database
from cdsxa.db.models import Person
from cdsxa.profile import paths
from cdsxa.register import teams
from cdsxa.security import audit
from cdsxa.support import sessions
from tests.conftest import TESTER
from tests.helpers import as_actor, person, village
from tests.test_cli import cdsxa

ID_NUMBER, PHONE = "038190000123", "0912345678"


@pytest.fixture
def register(db: Database) -> Database:
    mai = person(db, "Lò Thị Mai", id_number=ID_NUMBER, phone=PHONE,
                 notes="CCCD 038190000123, SĐT 0912345678")
    person(db, "Lò Văn Tâm", gender="male", village_name="Thôn Đồng Tâm")
    with db.transaction(as_actor("test")) as session:
        sessions.record(session, sessions.SessionInput(
            held_on=date(2025, 3, 1), person_id=mai, topics=["payment_account"],
            result="done"))
        team = teams.team_of_village(session, village(db))
        teams.add_member(session, team, teams.MemberInput("Hà Văn Sơn", "youth_union",
                                                          phone="0901234567"))
    return db


def rows_of(path: Path) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def exports(db: Database) -> list[audit.AuditRow]:
    with db.reading(TESTER) as session:
        return audit.browse(session, audit.AuditFilter(actions=("export",)))


def run(data_dir: Path, *args: str) -> int:
    return main(["export", *args, "--data-dir", str(data_dir)])


def test_people_without_personal_data(register: Database, data_dir: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "nguoi-dan.xlsx"
    assert run(data_dir, "people", "--out", str(out)) == 0
    assert "Đã xuất 2 người" in capsys.readouterr().out
    rows = rows_of(out)
    header = next(r for r in rows if "Họ và tên" in r)
    assert not {"Số định danh cá nhân", "Số điện thoại", "Ngày sinh", "Ghi chú"} & set(header)
    text = " ".join(str(v) for r in rows for v in r)
    assert "Lò Thị Mai" in text and "0381" not in text and "0912" not in text
    [event] = exports(register)
    assert event.actor.startswith("cli:") and event.details["personal"] is False


def test_people_with_personal_data_need_a_reason(register: Database, data_dir: Path,
                                                 tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "day-du.xlsx"
    assert run(data_dir, "people", "--out", str(out), "--personal-data") == EXIT_USER_ERROR
    assert "lý do" in capsys.readouterr().err and not out.exists() and exports(register) == []
    assert run(data_dir, "people", "--out", str(out), "--personal-data", "--reason",
               "Báo cáo huyện", "--village", "Bản Hang") == 0
    assert ID_NUMBER in [v for r in rows_of(out) for v in r]
    [event] = exports(register)
    assert event.details["reason"] == "Báo cáo huyện" and event.details["village"] == "Bản Hang"


def test_people_follow_a_search(register: Database, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "tim.xlsx"
    assert run(data_dir, "people", "--out", str(out), "--search", "tam") == 0
    names = [r[1] for r in rows_of(out)[3:]]
    assert names == ["Lò Văn Tâm"]


def test_an_unknown_village_is_named(register: Database, data_dir: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.xlsx"
    assert run(data_dir, "people", "--out", str(out), "--village", "Bản Không Có") == 1
    err = capsys.readouterr().err
    assert "Bản Không Có" in err and "Bản Hang" in err and not out.exists()


def test_the_other_lists(register: Database, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "luot.xlsx"
    assert run(data_dir, "sessions", "--out", str(out)) == 0
    rows = rows_of(out)
    assert rows[2] == ["Ngày", "Người dân", "Thôn/bản", "Nội dung", "Kết quả"]
    assert rows[3][:3] == ["01/03/2025", "Lò Thị Mai", "Bản Hang"] and rows[3][4] == "Đã xong"

    assert run(data_dir, "members", "--out", str(tmp_path / "to")) == 0  # .xlsx is added
    rows = rows_of(tmp_path / "to.xlsx")
    assert rows[-1][1] == "Hà Văn Sơn" and "090•••••67" in rows[-1]
    assert run(data_dir, "members", "--out", str(out), "--personal-data", "--reason",
               "Gửi Đoàn xã") == 0
    assert "0901234567" in rows_of(out)[-1]

    assert run(data_dir, "vneid-worklist", "--out", str(out), "--list", "no-account") == 0
    rows = rows_of(out)
    assert rows[0] == ["VNeID: Chưa có tài khoản, từ 14 tuổi (2)"]
    assert rows[2][:4] == ["Họ và tên", "Thôn/bản", "Mã hộ", "Số điện thoại"]
    assert ["Lò Thị Mai", "Bản Hang", "091•••••78"] in [r[:3] for r in rows]  # masked

    assert run(data_dir, "audit", "--out", str(out), "--since", "01/01/2020") == 0
    rows = rows_of(out)
    assert rows[2] == ["Thời gian", "Người thực hiện", "Thao tác", "Loại dữ liệu",
                       "Nội dung thay đổi"]
    assert not any(PHONE in str(v) or ID_NUMBER in str(v) for r in rows for v in r)
    # newest first: the audit log, the worklist, members in full, members, sessions
    assert [e.details["personal"] for e in exports(register)] == [False, False, True, False,
                                                                  False]


def test_the_audit_export_masks_numbers_typed_in_notes(register: Database, data_dir: Path,
                                                       tmp_path: Path) -> None:
    from cdsxa.register import people

    with register.transaction(as_actor("test")) as session:
        mai = session.scalars(select(Person).where(Person.full_name == "Lò Thị Mai")).one()
        people.update_person(session, PersonId(mai.id), people.PersonInput(
            full_name=mai.full_name, gender=mai.gender, village_id=VillageId(mai.village_id),
            birth_date=mai.birth_date, id_number=ID_NUMBER, phone=PHONE,
            notes="mới: CCCD 038190000999, SĐT ０９８７６５４３２１, số cũ 0912.345.678"))
    out = tmp_path / "nhat-ky.xlsx"
    assert run(data_dir, "audit", "--out", str(out)) == 0
    text = " ".join(str(v) for r in rows_of(out) for v in r)
    assert "Ghi chú" in text and "CCCD 038" in text  # the change is there ...
    for number in ("038190000999", "０９８７６５４３２１", "0912.345.678", ID_NUMBER, PHONE):
        assert number not in text  # ... its numbers masked


def test_an_export_over_the_database_is_refused(register: Database, data_dir: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    database = paths.database_path(data_dir)
    with register.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    (data_dir / "key.json.xlsx").write_text("not ours to overwrite")
    # (.xlsx is added to a name without it, as the GUI's dialog does: still refused)
    for target in (database, Path(f"{database}-wal"), data_dir / "key.json.xlsx"):
        assert run(data_dir, "people", "--out", str(target)) == EXIT_USER_ERROR
        assert "Không thể ghi" in capsys.readouterr().err
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before
    with register.reading(TESTER) as session:
        assert len(session.scalars(select(Person)).all()) == 2


def test_in_a_real_process_with_vietnamese_help(register: Database, data_dir: Path,
                                                tmp_path: Path) -> None:
    out = tmp_path / "ds.xlsx"
    done = cdsxa("export", "people", "--out", str(out), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "Đã xuất 2 người" in done.stdout and out.exists()
    for args in (["export", "--help"], ["export", "people", "--help"],
                 ["export", "audit", "--help"]):
        shown = main_help(args)
        assert "cách dùng" in shown and "usage" not in shown and "show this" not in shown


def main_help(args: list[str]) -> str:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), pytest.raises(SystemExit):
        main(args)
    return buffer.getvalue()
