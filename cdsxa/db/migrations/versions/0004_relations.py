"""relations as rows: session topics and helpers, class trainers and attendees

The JSON lists support_session.topics and .member_ids, group_session.trainer_ids
and .attendee_ids become child tables whose rows are travelling records, with
foreign keys, so two PCs editing one list merge item by item (removing an item
soft-deletes its row) and erasing a person deletes their attendance rows by key:

    support_session_topic   (session_id -> support_session, topic_code -> topic)
    support_session_member  (session_id -> support_session, member_id -> team_member)
    group_session_trainer   (group_session_id -> group_session, member_id -> team_member)
    group_session_attendee  (group_session_id -> group_session, person_id -> person)

each with `position` (the order the user entered the items in), a unique index on
(parent, item) over live rows, and indexes for counting sessions per topic and per
team member and for finding a person's or team member's rows.

Conversion, for live and deleted parents alike: every list item becomes a row with
the parent's commune code, created_at, updated_at and updated_by, version 1, not
deleted, its place in the list as position, and an id derived from the table, the
parent and the item (cdsxa.db.links.link_id, copied here: a migration must not
change with the app), so every PC and the hub converting the same record make the
same rows. Each row gets an "insert" entry in the change log at its parent's time
and author, so it travels like any new record. An item repeated in one list
(member_ids and trainer_ids were never deduplicated) is one row, at its first place.

Items that name nothing (dangling ids) are never dropped silently:

- a topic code missing from the catalogue: the catalogue gains an inactive entry
  for it (named by its code, category "other"), so the session keeps the topic and
  every count stays what it was (a "code" longer than a code can be is reported
  like the ids below);
- a team member or person id with no row: no child row is made. Foreign keys are
  the point of this revision, and inventing a team member or a person would send
  the province a record nobody entered. A person id naming nobody is a person
  erased at their request (erasure is the only true delete): the class keeps its
  head count, and their id is not written down anywhere again.

What was not converted, and the topics added, are reported twice: a warning in
the app's log (the migration's output), and an audit_event ("upgrade") listing
each parent, list and, for team members, the missing id (for people only how many),
so the administrator and the province can see it later.

Downgrade (tests and support only) writes the lists back from the live rows in
position order and drops the tables; dangling items are not restored, added topics
and the change-log entries stay (the log is append-only).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 10:00:00
"""

import json
import logging
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import cdsxa.db.base

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("cdsxa.db.migrate")

# cdsxa.db.links.LINK_NAMESPACE and link_id, as they were when this was written.
LINK_NAMESPACE = uuid.UUID("0d7e4a52-3b61-4f0e-9a57-6f1c2d8e4b90")
BATCH = 2000


def link_id(table: str, parent_id: uuid.UUID, item: object) -> uuid.UUID:
    return uuid.uuid5(LINK_NAMESPACE, f"{table}/{parent_id}/{item}")


@dataclass(frozen=True)
class ListColumn:
    parent: str  # the table holding the JSON list
    column: str  # the JSON list column
    table: str  # the child table
    parent_key: str  # its column naming the parent
    item_key: str  # its column naming the item
    target: str  # the table items point at
    kind: str  # "topic", "member" or "person"


LISTS = (
    ListColumn("support_session", "topics", "support_session_topic", "session_id",
               "topic_code", "topic", "topic"),
    ListColumn("support_session", "member_ids", "support_session_member", "session_id",
               "member_id", "team_member", "member"),
    ListColumn("group_session", "trainer_ids", "group_session_trainer", "group_session_id",
               "member_id", "team_member", "member"),
    ListColumn("group_session", "attendee_ids", "group_session_attendee", "group_session_id",
               "person_id", "person", "person"),
)


def _travelling_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('commune_code', sa.Integer(), nullable=False),
        sa.Column('created_at', cdsxa.db.base.UtcDateTime(), nullable=False),
        sa.Column('updated_at', cdsxa.db.base.UtcDateTime(), nullable=False),
        sa.Column('updated_by', sa.String(length=200), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
    ]


def _create_table(spec: ListColumn) -> None:
    item_type: sa.types.TypeEngine[Any] = (sa.String(length=40) if spec.kind == "topic"
                                           else sa.Uuid())
    target_key = "code" if spec.kind == "topic" else "id"
    op.create_table(
        spec.table,
        sa.Column(spec.parent_key, sa.Uuid(), nullable=False),
        sa.Column(spec.item_key, item_type, nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        *_travelling_columns(),
        sa.ForeignKeyConstraint([spec.parent_key], [f'{spec.parent}.id'],
                                name=op.f(f'fk_{spec.table}_{spec.parent_key}_{spec.parent}')),
        sa.ForeignKeyConstraint([spec.item_key], [f'{spec.target}.{target_key}'],
                                name=op.f(f'fk_{spec.table}_{spec.item_key}_{spec.target}')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{spec.table}')),
    )
    with op.batch_alter_table(spec.table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{spec.table}_commune_code'), ['commune_code'],
                              unique=False)
        batch_op.create_index(batch_op.f(f'ix_{spec.table}_{spec.parent_key}'),
                              [spec.parent_key], unique=False)
        batch_op.create_index(f'uq_{spec.table}_live', [spec.parent_key, spec.item_key],
                              unique=True, sqlite_where=sa.text('deleted = 0'),
                              postgresql_where=sa.text('deleted = false'))
        if spec.parent == "support_session":  # sessions per topic, per team member
            batch_op.create_index(f'ix_{spec.table}_counting',
                                  [spec.item_key, 'deleted', spec.parent_key], unique=False)
        else:  # a team member's classes; a person's attendances (erasure)
            batch_op.create_index(batch_op.f(f'ix_{spec.table}_{spec.item_key}'),
                                  [spec.item_key], unique=False)


def _child(spec: ListColumn) -> sa.TableClause:
    item_type: sa.types.TypeEngine[Any] = sa.String() if spec.kind == "topic" else sa.Uuid()
    return sa.table(
        spec.table, sa.column("id", sa.Uuid()), sa.column(spec.parent_key, sa.Uuid()),
        sa.column(spec.item_key, item_type), sa.column("position", sa.Integer()),
        sa.column("commune_code", sa.Integer()),
        sa.column("created_at", cdsxa.db.base.UtcDateTime()),
        sa.column("updated_at", cdsxa.db.base.UtcDateTime()),
        sa.column("updated_by", sa.String()), sa.column("version", sa.Integer()),
        sa.column("deleted", sa.Boolean()))


CHANGE_LOG = sa.table(
    "change_log", sa.column("id", sa.Uuid()), sa.column("table_name", sa.String()),
    sa.column("record_id", sa.Uuid()), sa.column("op", sa.String()),
    sa.column("version", sa.Integer()), sa.column("commune_code", sa.Integer()),
    sa.column("changed_at", cdsxa.db.base.UtcDateTime()), sa.column("changed_by", sa.String()))
AUDIT_EVENT = sa.table(
    "audit_event", sa.column("id", sa.Uuid()), sa.column("commune_code", sa.Integer()),
    sa.column("at", cdsxa.db.base.UtcDateTime()), sa.column("actor", sa.String()),
    sa.column("action", sa.String()), sa.column("object_table", sa.String()),
    sa.column("object_id", sa.Uuid()), sa.column("summary", sa.Text()),
    sa.column("details", sa.Text()))
TOPIC = sa.table("topic", sa.column("code", sa.String()), sa.column("name", sa.String()),
                 sa.column("name_en", sa.String()), sa.column("category", sa.String()),
                 sa.column("outcome", sa.String()), sa.column("position", sa.Integer()),
                 sa.column("active", sa.Boolean()))


def _parents(bind: sa.Connection, spec: ListColumn) -> Iterator[sa.Row[Any]]:
    """The parent rows with the list, in id order, a batch at a time."""
    parent = sa.table(
        spec.parent, sa.column("id", sa.Uuid()), sa.column("commune_code", sa.Integer()),
        sa.column("created_at", cdsxa.db.base.UtcDateTime()),
        sa.column("updated_at", cdsxa.db.base.UtcDateTime()),
        sa.column("updated_by", sa.String()), sa.column(spec.column, sa.JSON()))
    query = sa.select(parent.c.id, parent.c.commune_code, parent.c.created_at,
                      parent.c.updated_at, parent.c.updated_by,
                      parent.c[spec.column]).order_by(parent.c.id).limit(BATCH)
    last: uuid.UUID | None = None
    while True:
        page = query if last is None else query.where(parent.c.id > last)
        rows = bind.execute(page).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1].id


@dataclass
class Report:
    not_converted: list[dict[str, Any]] = field(default_factory=list)
    topics_added: list[str] = field(default_factory=list)
    repeated: int = 0


def _item(spec: ListColumn, value: Any) -> str | uuid.UUID | None:
    if spec.kind == "topic":
        return value if isinstance(value, str) and value else None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _convert(bind: sa.Connection, spec: ListColumn, known: set[Any], report: Report) -> None:
    child = _child(spec)
    rows: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []

    def flush() -> None:
        if rows:
            bind.execute(sa.insert(child), rows)
            bind.execute(sa.insert(CHANGE_LOG), entries)
        rows.clear()
        entries.clear()

    for parent in _parents(bind, spec):
        seen: set[Any] = set()
        for value in parent[5] or []:
            item = _item(spec, value)
            if item is not None and item in seen:
                report.repeated += 1
                continue
            if item is None or item not in known:
                missing = {"table": spec.parent, "record": str(parent.id), "list": spec.column}
                if spec.kind != "person":  # an erased person's id is not written again
                    missing["item"] = str(value)
                report.not_converted.append(missing)
                continue
            seen.add(item)
            row_id = link_id(spec.table, parent.id, item)
            rows.append({"id": row_id, spec.parent_key: parent.id, spec.item_key: item,
                         "position": len(seen) - 1, "commune_code": parent.commune_code,
                         "created_at": parent.created_at, "updated_at": parent.updated_at,
                         "updated_by": parent.updated_by, "version": 1, "deleted": False})
            entries.append({"id": uuid.uuid4(), "table_name": spec.table, "record_id": row_id,
                            "op": "insert", "version": 1,
                            "commune_code": parent.commune_code,
                            "changed_at": parent.updated_at, "changed_by": parent.updated_by})
        if len(rows) >= BATCH:
            flush()
    flush()


def _add_missing_topics(bind: sa.Connection, report: Report) -> set[str]:
    """Topic codes the sessions name but the catalogue lacks join it, inactive."""
    codes = set(bind.scalars(sa.text("SELECT code FROM topic")))
    named: set[str] = set()
    spec = LISTS[0]
    for parent in _parents(bind, spec):
        named.update(v for v in parent[5] or [] if isinstance(v, str) and v)
    # A code longer than the column is no code: reported with what names nothing.
    missing = sorted(code for code in named - codes if len(code) <= 40)
    if missing:
        last = bind.scalar(sa.text("SELECT max(position) FROM topic")) or 0
        bind.execute(sa.insert(TOPIC), [
            {"code": code, "name": code, "name_en": code, "category": "other",
             "outcome": None, "position": last + n, "active": False}
            for n, code in enumerate(missing, start=1)])
        report.topics_added = missing
    return codes | set(missing)


def _record(bind: sa.Connection, report: Report) -> None:
    if not report.not_converted and not report.topics_added:
        return
    for missing in report.not_converted:
        log.warning("migration 0004: an item of %s.%s of record %s names no record and was "
                    "not converted%s", missing["table"], missing["list"], missing["record"],
                    f" ({missing['item']})" if "item" in missing else "")
    for code in report.topics_added:
        log.warning("migration 0004: topic %r was not in the catalogue; added as inactive", code)
    commune = bind.scalar(sa.text(
        "SELECT commune_code FROM commune_profile WHERE deleted = :no LIMIT 1"
    ).bindparams(no=False))
    summary = (f"Nâng cấp dữ liệu (lược đồ 0004): {len(report.not_converted)} mục trong danh "
               "sách cũ không còn bản ghi tương ứng nên không được chuyển; "
               f"{len(report.topics_added)} nội dung hỗ trợ được thêm vào danh mục (ngừng dùng).")
    details = {"revision": "0004", "not_converted": report.not_converted,
               "topics_added": report.topics_added}
    bind.execute(sa.insert(AUDIT_EVENT), [{
        "id": uuid.uuid4(), "commune_code": commune, "at": datetime.now(UTC),
        "actor": "system", "action": "upgrade", "object_table": None, "object_id": None,
        "summary": summary, "details": json.dumps(details, ensure_ascii=False)}])


def upgrade() -> None:
    for spec in LISTS:
        _create_table(spec)
    bind = op.get_bind()
    report = Report()
    known: dict[str, set[Any]] = {
        "topic": _add_missing_topics(bind, report),
        "member": set(bind.scalars(sa.select(sa.column("id", sa.Uuid())).select_from(
            sa.table("team_member")))),
        "person": set(bind.scalars(sa.select(sa.column("id", sa.Uuid())).select_from(
            sa.table("person")))),
    }
    for spec in LISTS:
        _convert(bind, spec, known[spec.kind], report)
    if report.repeated:
        log.info("migration 0004: %d repeated list items merged into one row each",
                 report.repeated)
    _record(bind, report)
    for parent in ("support_session", "group_session"):
        with op.batch_alter_table(parent, schema=None) as batch_op:
            for spec in LISTS:
                if spec.parent == parent:
                    batch_op.drop_column(spec.column)


def downgrade() -> None:
    bind = op.get_bind()
    for parent in ("support_session", "group_session"):
        with op.batch_alter_table(parent, schema=None) as batch_op:
            for spec in LISTS:
                if spec.parent == parent:
                    batch_op.add_column(sa.Column(spec.column, sa.JSON(), nullable=True))
    for spec in LISTS:
        child = _child(spec)
        lists: dict[uuid.UUID, list[Any]] = {}
        query = (sa.select(child.c[spec.parent_key], child.c[spec.item_key])
                 .where(child.c.deleted == sa.false())
                 .order_by(child.c[spec.parent_key], child.c.position, child.c[spec.item_key]))
        for parent_id, item in bind.execute(query):
            lists.setdefault(parent_id, []).append(item if spec.kind == "topic" else str(item))
        parent = sa.table(spec.parent, sa.column("id", sa.Uuid()),
                          sa.column(spec.column, sa.JSON()))
        bind.execute(sa.update(parent).values({spec.column: []}))
        if lists:
            bind.execute(sa.update(parent)
                         .where(parent.c.id == sa.bindparam("parent_id", type_=sa.Uuid()))
                         .values({spec.column: sa.bindparam("items", type_=sa.JSON())}),
                         [{"parent_id": k, "items": v} for k, v in lists.items()])
    for parent in ("support_session", "group_session"):
        with op.batch_alter_table(parent, schema=None) as batch_op:
            for spec in LISTS:
                if spec.parent == parent:
                    batch_op.alter_column(spec.column, existing_type=sa.JSON(), nullable=False)
    for spec in reversed(LISTS):
        op.drop_table(spec.table)
