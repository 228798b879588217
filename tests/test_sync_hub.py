"""Push and pull through a real hub (uvicorn on loopback, real HTTP), on SQLite and on
PostgreSQL: PCs of one commune set up separately converge, every entry is held once,
a token speaks only for its own device and commune, and nothing leaks in a refusal."""

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import func, select

from cdsxa.cli.main import main as cdsxa_main
from cdsxa.db.models import ChangeLogEntry, Person
from cdsxa.hub import enrolment as hub_enrolment
from cdsxa.hub.models import Entry
from cdsxa.hub.replica import Replicas
from cdsxa.register import erase
from cdsxa.security.access import SYSTEM
from cdsxa.sync import wire
from cdsxa.sync.hub_client import HubClient
from cdsxa.sync.outbox import outgoing
from tests.conftest import TESTER
from tests.hub_server import RunningHub
from tests.sync_pcs import Pc, edit_phone, make_pc, token_of


def relay_count(hub: RunningHub) -> int:
    with hub.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Entry)) or 0)


def replica_people(hub: RunningHub, commune: int) -> dict[str, str]:
    replicas = Replicas(hub.database_url, hub.database.engine)
    try:
        with replicas.get(commune).reading() as session:
            return {str(p.id): p.full_name for p in session.scalars(
                select(Person).where(Person.deleted.is_(False)))}
    finally:
        replicas.close()


def pending_request(pc: Pc) -> wire.PushRequest:
    with pc.db.reading(SYSTEM) as session:
        changes = outgoing(session, limit=1000)
    return wire.PushRequest(batch_id=str(uuid.uuid4()),
                            entries=[wire.WireEntry.from_change(c) for c in changes])


def test_two_pcs_set_up_apart_converge_and_every_entry_is_held_once(
        hub: RunningHub, two_pcs: tuple[Pc, Pc]) -> None:
    a, b = two_pcs
    a.add_person("Lò Thị Mai")
    b.add_person("Hà Văn Lan")
    first = a.sync()
    assert first.ok and first.sent > 0 and first.pending == 0
    second = b.sync()
    # A's entries, and the merges the hub found between the two set-ups.
    assert second.ok and second.received >= first.sent and second.pending == 0
    assert a.sync().ok
    assert a.people() == b.people()
    assert sorted(a.people().values()) == ["Hà Văn Lan", "Lò Thị Mai"]
    # Both PCs' villages "Bản Hang" (each made at set-up) are one village everywhere.
    from cdsxa.db.models import Village
    assert a.count(Village, Village.deleted.is_(False)) == 2  # the fixture's two names
    assert b.count(Village, Village.deleted.is_(False)) == 2
    assert replica_people(hub, a.db.commune_code or 0) == a.people()
    # Every entry the PCs made (their own, merges included) is in the relay log once.
    own = sum(pc.count(ChangeLogEntry, ChangeLogEntry.received_at.is_(None)) for pc in (a, b))
    assert relay_count(hub) >= own
    with hub.database.transaction() as session:
        ids = session.scalars(select(Entry.entry_id)).all()
    assert len(ids) == len(set(ids))
    # Nothing waits, and a sync with nothing new sends and receives nothing.
    again = b.sync()
    assert (again.sent, again.pending) == (0, 0)


def test_a_batch_delivered_twice_changes_nothing_the_second_time(
        hub: RunningHub, two_pcs: tuple[Pc, Pc]) -> None:
    a, _b = two_pcs
    a.add_person("Lò Thị Mai")
    request = pending_request(a)
    with HubClient(hub.url, token=token_of(a)) as client:
        first = client.push(request)
        held = relay_count(hub)
        second = client.push(request)  # the answer was lost: the PC sends it again
    assert first.held_all and second.held_all
    assert sorted(first.held_of(request)) == sorted(second.held_of(request)) == sorted(
        e.entry_id for e in request.entries)
    assert relay_count(hub) == held and second.cursor == first.cursor
    assert list(replica_people(hub, a.db.commune_code or 0).values()) == ["Lò Thị Mai"]


def test_the_same_field_edited_on_two_pcs_converges_with_the_loser_kept(
        hub: RunningHub, two_pcs: tuple[Pc, Pc]) -> None:
    a, b = two_pcs
    mai = a.add_person("Lò Thị Mai", phone="0912000001")
    assert a.sync().ok and b.sync().ok
    edit_phone(a, mai, "0912000002")
    edit_phone(b, mai, "0912000003")  # later: wins everywhere
    assert a.sync().ok and b.sync().ok and a.sync().ok
    with a.db.reading(TESTER) as session:
        assert session.get(Person, mai).phone == "0912000003"  # type: ignore[union-attr]
    with b.db.reading(TESTER) as session:
        assert session.get(Person, mai).phone == "0912000003"  # type: ignore[union-attr]
    for pc in (a, b):
        lost = [c for c in pc.conflicts() if c.field == "phone"]
        assert [json.loads(c.losing_value) for c in lost] == ["0912000002"], pc.data_dir


def test_an_erasure_empties_what_the_hub_relays_of_the_person(
        hub: RunningHub, two_pcs: tuple[Pc, Pc]) -> None:
    a, _b = two_pcs
    mai = a.add_person("Lò Thị Mai", phone="0912000001", id_number="038190012345")
    assert a.sync().ok
    with a.db.transaction(TESTER) as session:
        erase.erase_person(session, mai, "Người dân yêu cầu xóa dữ liệu")
    assert a.sync().ok
    with hub.database.transaction() as session:
        kept = session.scalars(select(Entry.values).where(Entry.record_id == mai)).all()
        everything = json.dumps([e for e in session.scalars(select(Entry.values)).all()],
                                ensure_ascii=False)
    assert kept and all(values == {} for values in kept)
    assert "038190012345" not in everything and "Lò Thị Mai" not in everything
    assert replica_people(hub, a.db.commune_code or 0) == {}


# --- what a token may do -----------------------------------------------------------------

def _refused_without_data(response: requests.Response, status: int, *secrets: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "message"}
    for secret in secrets:
        assert secret not in response.text


def _post(hub: RunningHub, request: dict[str, Any], token: str | None) -> requests.Response:
    return hub.post("/api/v1/push", request, token=token)


def test_a_token_pushes_only_its_own_devices_entries_of_its_own_commune(
        hub: RunningHub, two_pcs: tuple[Pc, Pc]) -> None:
    a, b = two_pcs
    a.add_person("Lò Thị Mai", phone="0912000001")
    request = pending_request(a).model_dump()
    # B's token with A's entries: not B's to send.
    _refused_without_data(_post(hub, request, token_of(b)), 403, "Lò Thị Mai", "0912000001")
    # Entries claiming another commune (even with A's own token).
    other = json.loads(json.dumps(request))
    for entry in other["entries"]:
        entry["commune_code"] = 14797
    _refused_without_data(_post(hub, other, token_of(a)), 403, "Lò Thị Mai")
    # No token, a forged one, a revoked one.
    _refused_without_data(_post(hub, request, None), 401, "Lò Thị Mai")
    forged = token_of(a).rsplit(".", 1)[0] + ".forged"
    _refused_without_data(_post(hub, request, forged), 401, "Lò Thị Mai")
    with hub.database.transaction() as session:
        hub_enrolment.revoke(session, a.db.load_device())
    _refused_without_data(_post(hub, request, token_of(a)), 403, "Lò Thị Mai")
    assert relay_count(hub) == 0
    outcome = a.sync()
    assert not outcome.ok and "thu hồi" in (outcome.error or "")
    assert outcome.pending > 0  # nothing marked sent


def test_a_pull_gives_only_the_tokens_commune(hub: RunningHub, tmp_path: Path,
                                              two_pcs: tuple[Pc, Pc]) -> None:
    a, _b = two_pcs
    a.add_person("Lò Thị Mai")
    assert a.sync().ok
    # A device of another commune, enrolled directly at the hub.
    with hub.database.transaction() as session:
        code = hub_enrolment.issue_code(session, 14797).code
    stranger = hub.post("/api/v1/enrol", {"code": code, "device_id": str(uuid.uuid4()),
                                          "commune_code": 14797,
                                          "protocol": wire.PROTOCOL_VERSION}).json()
    answer = hub.get("/api/v1/pull?after=0", token=stranger["device_token"])
    assert answer.status_code == 200
    assert answer.json()["entries"] == [] and "Lò Thị Mai" not in answer.text


def test_bodies_are_bounded_and_compressed_bodies_checked(
        hub: RunningHub, two_pcs: tuple[Pc, Pc]) -> None:
    a, _b = two_pcs
    headers = {"Authorization": f"Bearer {token_of(a)}", wire.PROTOCOL_HEADER: "1",
               "Content-Type": "application/json", "Content-Encoding": "gzip"}
    # A small body that inflates past the bound (a zip bomb) is refused before it costs.
    bomb = gzip.compress(b"[" + b" " * (wire.MAX_INFLATED_BYTES + 10) + b"]")
    assert len(bomb) < 200_000
    answer = requests.post(hub.url + "/api/v1/push", data=bomb, headers=headers, timeout=60)
    assert answer.status_code == 413 and "quá lớn" in answer.json()["message"]
    answer = requests.post(hub.url + "/api/v1/push", data=b"not gzip", headers=headers,
                           timeout=60)
    assert answer.status_code == 400
    # A truncated compressed batch is refused whole.
    good = gzip.compress(pending_request(a).model_dump_json().encode())
    answer = requests.post(hub.url + "/api/v1/push", data=good[:len(good) // 2],
                           headers=headers, timeout=60)
    assert answer.status_code == 400 and relay_count(hub) == 0


# --- the command line ----------------------------------------------------------------------

def test_cdsxa_sync_prints_what_it_sent_and_received(
        hub: RunningHub, two_pcs: tuple[Pc, Pc], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two_pcs
    a.add_person("Lò Thị Mai")
    assert cdsxa_main(["sync", "--data-dir", str(a.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "Đã gửi:" in out and "Còn chờ gửi: 0" in out
    assert cdsxa_main(["sync", "--data-dir", str(b.data_dir)]) == 0
    assert "Lò Thị Mai" in b.people().values()


def test_an_unenrolled_pc_is_told_to_enrol(hub: RunningHub, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    pc = make_pc(hub, tmp_path / "alone", enrol=False)
    try:
        assert cdsxa_main(["sync", "--data-dir", str(pc.data_dir)]) == 1
    finally:
        pc.db.close()
    assert "chưa đăng ký với tỉnh" in capsys.readouterr().err


# --- the hub counts what the PCs count ------------------------------------------------------

def test_the_hub_computes_the_same_indicators_as_the_pcs_after_a_sync(
        hub: RunningHub, two_pcs: tuple[Pc, Pc], capsys: pytest.CaptureFixture[str]) -> None:
    from cdsxa.db.activity import Topic
    from cdsxa.hub.cli import main as hub_main
    from tests.test_indicators import ON, build_commune

    a, b = two_pcs
    build_commune(a.db)  # the hand-counted register of the indicator tests
    b.add_person("Hà Văn Lan")
    # Its sessions name a topic of their own ("smartphone"): the province's catalogue
    # has it too (topics are the province's reference data, not commune records).
    replicas = Replicas(hub.database_url, hub.database.engine)
    try:
        with replicas.get(a.db.commune_code or 0).transaction() as session:
            session.add(Topic(code="smartphone", name="Điện thoại thông minh",
                              name_en="Smartphone", category="other", position=99,
                              active=True))
    finally:
        replicas.close()
    assert a.sync().ok and b.sync().ok and a.sync().ok
    commune = str(a.db.commune_code)

    def pc_json(pc: Pc) -> list[dict[str, Any]]:
        assert cdsxa_main(["indicators", "--data-dir", str(pc.data_dir), "--date",
                           ON.isoformat(), "--json"]) == 0
        return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]

    on_a, on_b = pc_json(a), pc_json(b)
    assert hub_main(["indicators", "--database", hub.database_url, "--commune", commune,
                     "--date", ON.strftime("%d/%m/%Y"), "--json"]) == 0
    at_hub = json.loads(capsys.readouterr().out)
    assert on_a == on_b == at_hub
    assert "smartphone_adults" in {i["id"] for i in at_hub}
    assert any(i["numerator"] > 0 for i in at_hub)
    # The table is Vietnamese too; a commune that never sent anything is told so.
    assert hub_main(["indicators", "--database", hub.database_url, "--commune", commune,
                     "--date", ON.isoformat()]) == 0
    assert "Chỉ tiêu chuyển đổi số" in capsys.readouterr().out
    assert hub_main(["indicators", "--database", hub.database_url, "--commune", "14797"]) == 1
    assert "chưa gửi dữ liệu" in capsys.readouterr().err


def test_the_hubs_replicas_start_with_the_topics_every_profile_starts_with(
        db: Any) -> None:
    from cdsxa.db.activity import Topic
    from cdsxa.support import topic_catalogue

    with db.reading(TESTER) as session:
        seeded = [{c: getattr(t, c) for c in ("code", "name", "name_en", "category",
                                              "outcome", "position", "active")}
                  for t in session.scalars(select(Topic).order_by(Topic.position))]
    assert seeded == topic_catalogue.rows()


# --- a way back to a known state ----------------------------------------------------------

def test_a_pc_restored_from_an_old_backup_rebases_and_loses_nothing(
        hub: RunningHub, two_pcs: tuple[Pc, Pc], tmp_path: Path) -> None:
    from cdsxa.profile import backup, restore
    from cdsxa.profile.storage import open_database

    a, b = two_pcs
    mai = a.add_person("Lò Thị Mai", phone="0912000001")
    assert a.sync().ok
    saved = backup.make_backup(a.db, tmp_path / "old.cdsxa-backup", "manual", TESTER).path
    # After the backup: a new person and an edit, sent to the hub and on to B.
    a.add_person("Hà Văn Lan")
    edit_phone(a, mai, "0912000002")
    assert a.sync().ok and b.sync().ok
    with hub.database.transaction() as session:
        before = set(session.scalars(select(Entry.entry_id)).all())
    # The officer restores last week's backup, then goes on working.
    key = a.db.key
    a.db.close()
    restore.restore(a.data_dir, saved, TESTER)
    a.db = open_database(a.data_dir, key)
    assert sorted(a.people().values()) == ["Lò Thị Mai"]  # the backup's state
    a.add_person("Lường Văn Nam")
    outcome = a.sync()
    assert outcome.ok, outcome.error
    assert outcome.rebased > 0 and outcome.pending == 0
    assert b.sync().ok and a.sync().ok
    assert sorted(a.people().values()) == ["Hà Văn Lan", "Lò Thị Mai", "Lường Văn Nam"]
    assert a.people() == b.people()
    for pc in (a, b):
        with pc.db.reading(TESTER) as session:
            assert session.get(Person, mai).phone == "0912000002"  # type: ignore[union-attr]
    # The restored PC sent no old value as a new edit: nothing new names Mai.
    with hub.database.transaction() as session:
        new = session.scalars(select(Entry).where(Entry.entry_id.not_in(before))).all()
        assert new and all(e.record_id != mai for e in new)
        ids = session.scalars(select(Entry.entry_id)).all()
    assert len(ids) == len(set(ids))


def test_a_pc_that_lost_a_push_answer_rebases_without_changing_anything(
        hub: RunningHub, two_pcs: tuple[Pc, Pc]) -> None:
    a, _b = two_pcs
    a.add_person("Lò Thị Mai")
    request = pending_request(a)
    with HubClient(hub.url, token=token_of(a)) as client:
        client.push(request)  # applied at the hub; the answer never reached the PC
    held = relay_count(hub)
    outcome = a.sync()
    assert outcome.ok and outcome.pending == 0
    assert relay_count(hub) == held  # everything was held already
    assert list(replica_people(hub, a.db.commune_code or 0).values()) == ["Lò Thị Mai"]
    assert a.sync().ok  # and the generation is in step again


def test_audit_events_travel_pseudonymised_and_once(
        hub: RunningHub, two_pcs: tuple[Pc, Pc]) -> None:
    from cdsxa.db.models import AuditEvent
    from cdsxa.hub.models import AuditEvent as HubAuditEvent

    a, _b = two_pcs
    mai = a.add_person("Lò Thị Mai", phone="0912000001")
    edit_phone(a, mai, "0912000002")
    assert a.sync().ok and a.sync().ok
    with a.db.reading(TESTER) as session:
        events = session.scalars(select(AuditEvent)).all()
        assert events and all(e.sent_at is not None for e in events)
        mine = {str(e.id) for e in events}
    with hub.database.transaction() as session:
        rows = session.scalars(select(HubAuditEvent)).all()
        assert {str(r.event_id) for r in rows} == mine  # each once
        assert any(r.object_id == mai and r.action == "update" for r in rows)
        text = json.dumps([[str(getattr(r, c.key)) for c in HubAuditEvent.__table__.columns]
                           for r in rows], ensure_ascii=False)
    for secret in ("Lò Thị Mai", "0912000001", "0912000002"):
        assert secret not in text


def test_a_second_sync_of_one_profile_while_one_runs_waits_for_the_next_time(
        hub: RunningHub, two_pcs: tuple[Pc, Pc]) -> None:
    """Found by the hostile tester: the app's background sync and a scheduled
    `cdsxa sync` overlapped, and one of them failed with the re-base message."""
    from cdsxa.profile.storage import open_database
    from cdsxa.sync.synchronise import ANOTHER_SYNC, synchronise

    a, _b = two_pcs
    second = open_database(a.data_dir, a.db.key)
    others: list[Any] = []

    class Interleaved(HubClient):
        def push(self, request: wire.PushRequest) -> wire.PushAnswer:
            if not others:
                others.append(synchronise(second, a.data_dir))  # the other one, meanwhile
            return super().push(request)

    try:
        a.add_person("Lò Thị Mai")
        with Interleaved(hub.url, token=token_of(a)) as client:
            outcome = a.sync(client=client)
        assert outcome.ok and outcome.pending == 0
        assert others[0].error == ANOTHER_SYNC and others[0].sent == 0
        assert synchronise(second, a.data_dir).ok  # and the next time it runs
    finally:
        second.close()
