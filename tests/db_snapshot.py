"""What a write left in the database, in a form two runs can compare.

Records get fresh random ids and clocks on every run, so each id is replaced by a
label made from what the record is (a person by name, an outcome by person and
kind, an entry by table, record, operation and version), times and sequence
numbers are dropped, and clocks are kept only as relations: a record's clock is
that of its last change-log entry, an entry's base is the clock of the record's
entry before it. Only rows the write added or changed are kept.
"""

import json
import re
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, text

from cdsxa.db.base import Base
from cdsxa.db.links import link_id

UUID_TEXT = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")
_TIMES = {"created_at", "updated_at", "changed_at", "at", "detected_at", "clock", "seq",
          "last_sign_in", "sent_at"}

_LINKS = (("support_session_topic", "session_id", "topic_code"),
          ("support_session_member", "session_id", "member_id"),
          ("group_session_trainer", "group_session_id", "member_id"),
          ("group_session_attendee", "group_session_id", "person_id"))

Rows = dict[str, dict[tuple[Any, ...], dict[str, Any]]]


def raw(connection: Connection) -> Rows:
    """Every row of every table of the models, by primary key."""
    found: Rows = {}
    for table in Base.metadata.sorted_tables:
        keys = [c.name for c in table.primary_key.columns]
        found[table.name] = {tuple(row[k] for k in keys): dict(row)
                             for row in connection.execute(table.select()).mappings()}
    return found


def _labels(rows: Rows) -> dict[str, str]:
    labels: dict[str, str] = {}

    def put(table: str, make: Any) -> None:
        for row in rows.get(table, {}).values():
            labels[str(row["id"])] = make(row)

    for row in rows["this_device"].values():
        labels[str(row["id"])] = "device"
    put("village", lambda r: f"V:{r['name']}")
    put("app_user", lambda r: f"U:{r['full_name']}")
    put("commune_profile", lambda r: "commune")
    put("population_figure", lambda r: f"F:{r['year']}")
    put("household", lambda r: f"H:{r['code']}@{labels.get(str(r['village_id']))}")
    put("person", lambda r: f"P:{r['full_name']}")
    put("team", lambda r: f"T:{r['name']}")
    put("team_member", lambda r: f"M:{r['full_name']}")
    put("support_session", lambda r: (f"SS:{labels.get(str(r['person_id']))}:{r['held_on']}:"
                                      f"{r['result']}:{r['minutes']}"))
    put("group_session", lambda r: f"G:{labels.get(str(r['village_id']))}:{r['held_on']}")
    for table, parent, item in _LINKS:
        # A list item's id is derived from its parent and item (cdsxa.db.links).
        put(table, lambda r, t=table, p=parent, i=item: (
            f"L:{t}:{labels.get(str(r[p]))}:{labels.get(str(r[i]), r[i])}"
            if r["id"] == link_id(t, r[p], r[i]) else "L:not derived"))
    put("person_outcome", lambda r: f"O:{labels.get(str(r['person_id']))}:{r['kind']}")
    put("vneid_step", lambda r: f"S:{labels.get(str(r['person_id']))}:{r['step']}")
    put("change_log", lambda r: (f"E:{r['table_name']}:{labels.get(str(r['record_id']))}:"
                                 f"{r['op']}:{r['version']}"))
    put("audit_event", lambda r: f"A:{r['action']}:{labels.get(str(r['object_id']))}")
    return labels


def _plain(value: Any, labels: dict[str, str]) -> Any:
    if isinstance(value, uuid.UUID):
        return labels.get(str(value), "?id")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return UUID_TEXT.sub(lambda m: labels.get(str(uuid.UUID(m.group(0))), "?id"), value)
    return value


def written(before: Rows, after: Rows) -> dict[str, list[dict[str, Any]]]:
    """The rows added or changed between `before` and `after`, comparable across runs."""
    labels = _labels(after)
    entries: dict[str, list[dict[str, Any]]] = {}  # record id -> its entries, in seq order
    for entry in sorted(after["change_log"].values(), key=lambda e: e["seq"]):
        entries.setdefault(str(entry["record_id"]), []).append(entry)
    result: dict[str, list[dict[str, Any]]] = {}
    for table, rows in after.items():
        kept = []
        for key, row in rows.items():
            if before.get(table, {}).get(key) == row:
                continue
            shown: dict[str, Any] = {}
            for column, value in row.items():
                if column in _TIMES:
                    continue
                if column == "hlc" and table != "change_log":
                    last = entries.get(str(row["id"]), [{}])[-1].get("hlc")
                    shown[column] = "last entry" if value == last else "other"
                elif column == "hlc":
                    shown[column] = "set" if value else None
                elif column == "base_hlc":
                    earlier = [e for e in entries[str(row["record_id"])] if e["seq"] < row["seq"]]
                    shown[column] = (None if value is None else "previous entry"
                                     if earlier and earlier[-1]["hlc"] == value else "other")
                elif column == "details" and value:
                    shown[column] = _plain(json.dumps(json.loads(value), sort_keys=True,
                                                      ensure_ascii=False), labels)
                else:
                    shown[column] = _plain(value, labels)
            kept.append(shown)
        if kept:
            result[table] = sorted(kept, key=lambda r: json.dumps(r, sort_keys=True,
                                                                 ensure_ascii=False))
    return result


def check_search_index(connection: Connection) -> None:
    """The FTS5 index holds exactly what the person rows say (raises otherwise)."""
    connection.execute(text("INSERT INTO person_fts(person_fts, rank) "
                            "VALUES ('integrity-check', 1)"))
