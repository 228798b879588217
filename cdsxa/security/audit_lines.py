"""The activity log as people read it: who (a name, "Hệ thống"), the record by its name
rather than its id, values in words ("Đã kích hoạt", dates dd/mm/yyyy, "có"/"không").

`lines()` is what the audit page lists and exports; the log itself (cdsxa.security.audit)
keeps codes and ids, which stay true when a name changes.
"""

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cdsxa.common.formatting import mask_id_number, mask_phone, vn_date
from cdsxa.common.outcomes import BY_CODE, VNEID_FAILURE_REASONS, VNEID_STEP_LABELS
from cdsxa.db.activity import (
    GroupSession,
    GroupSessionAttendee,
    GroupSessionTrainer,
    SupportSession,
    SupportSessionMember,
    SupportSessionTopic,
    Team,
    TeamMember,
    Topic,
    Training,
    VneidStep,
)
from cdsxa.db.models import (
    AppUser,
    CommuneProfile,
    Household,
    Person,
    PersonOutcome,
    PopulationFigure,
    Village,
)
from cdsxa.security import audit
from cdsxa.security.access import ROLE_LABELS

# How actors that are not users are named (users: their full name and sign-in name).
SYSTEM_LABEL = "Hệ thống"
COMMAND_LINE_LABEL = "Dòng lệnh"

_YES_NO = {True: "có", False: "không"}
_CODES: dict[str, Mapping[str, str]] = {
    "vneid_status": VNEID_STEP_LABELS, "step": VNEID_STEP_LABELS,
    "failure_reason": VNEID_FAILURE_REASONS,
    "gender": {"male": "Nam", "female": "Nữ"},
    "consent": {"given": "Đồng ý", "refused": "Không đồng ý"},
    "result": {"done": "Đã xong", "partial": "Xong một phần",
               "not_possible": "Không thực hiện được"},
    "kind": {code: kind.label for code, kind in BY_CODE.items()},
    "role": {str(role): label for role, label in ROLE_LABELS.items()},
}
# Fields that hold another record's id: shown by that record's name.
_REFERENCES = {"village_id": "village", "household_id": "household", "person_id": "person",
               "member_id": "team_member", "team_id": "team", "session_id": "support_session",
               "group_session_id": "group_session", "merged_into_id": "village"}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_NOTHING = "∅"


@dataclass(frozen=True)
class AuditLine:
    """One entry as the page shows it."""

    at: datetime
    when: str  # dd/mm/yyyy HH:MM on this PC's clock
    who: str
    action: str
    record: str  # the kind of record and its name: "Người dân: Lò Thị Mai"
    what: str


def actor_label(name: str, people: Mapping[str, str]) -> str:
    """'user:lan' -> 'Hà Thị Lan (lan)', 'system' -> 'Hệ thống', 'cli:root' -> 'Dòng lệnh
    (root)'; `people` maps 'user:<sign-in name>' to the user's full name."""
    if name in people:
        return f"{people[name]} ({name.removeprefix('user:')})"
    if name == "system":
        return SYSTEM_LABEL
    if name.startswith("cli:"):
        return f"{COMMAND_LINE_LABEL} ({name.removeprefix('cli:')})"
    return name


def when(value: datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


def lines(session: Session, where: audit.AuditFilter = audit.AuditFilter(), limit: int = 500,
          offset: int = 0, hide_personal: bool = False) -> list[AuditLine]:
    """Newest first, as audit.browse reads them (administrators only)."""
    rows = audit.browse(session, where, limit=limit, offset=offset)
    return present(session, rows, _user_names(session), hide_personal)


def present(session: Session, rows: list[audit.AuditRow], people: Mapping[str, str],
            hide_personal: bool = False) -> list[AuditLine]:
    names = RecordNames(session)
    names.load(_mentioned(rows))
    return [AuditLine(row.at, when(row.at), actor_label(row.actor, people), row.action_label,
                      _record(row, names), _what(row, names, hide_personal)) for row in rows]


def _user_names(session: Session) -> dict[str, str]:
    return {f"user:{username}": full_name for username, full_name in session.execute(
        select(AppUser.username, AppUser.full_name).where(AppUser.username.is_not(None)))}


def _mentioned(rows: Iterable[audit.AuditRow]) -> dict[str, set[uuid.UUID]]:
    """The records the rows are about, or refer to in their values, by table."""
    wanted: dict[str, set[uuid.UUID]] = {}
    for row in rows:
        if row.object_table and row.object_id is not None:
            wanted.setdefault(row.object_table, set()).add(row.object_id)
        for field, pair in row.details.items():
            table = _REFERENCES.get(field)
            if table and isinstance(pair, list):
                wanted.setdefault(table, set()).update(
                    i for i in map(_as_uuid, pair) if i is not None)
    return wanted


def _as_uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _record(row: audit.AuditRow, names: "RecordNames") -> str:
    kind = row.table_label
    name = names.name(row.object_table, row.object_id)
    return f"{kind}: {name}" if kind and name else kind or name


def _what(row: audit.AuditRow, names: "RecordNames", hide_personal: bool) -> str:
    if row.summary:
        return row.summary
    label = audit.FIELD_LABELS.get
    return "; ".join(
        f"{label(field, field)}: {value_text(field, pair[0], names, hide_personal)}"
        f" → {value_text(field, pair[1], names, hide_personal)}"
        for field, pair in row.details.items() if isinstance(pair, list) and len(pair) == 2)


def value_text(field: str, value: Any, names: "RecordNames | None" = None,
               hide_personal: bool = False) -> str:
    """One old or new value in words."""
    if value is None or value == "":
        return _NOTHING
    if hide_personal:
        if field in ("birth_date", "birth_year"):
            return "(ẩn)"
        if field == "id_number":
            return mask_id_number(str(value))
        if field in ("phone", "phone_number"):
            return mask_phone(str(value))
    if isinstance(value, bool):
        return _YES_NO[value]
    if field in _CODES:
        return _CODES[field].get(str(value), str(value))
    if field in _REFERENCES and names is not None:
        named = names.name(_REFERENCES[field], _as_uuid(value))
        if named:
            return named
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            return when(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return vn_date(date.fromisoformat(value))
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


Namer = Callable[[Any, "RecordNames"], str]


class RecordNames:
    """Names of records by table and id, read in one query per table for a page."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.objects: dict[tuple[str, uuid.UUID], Any] = {}

    def load(self, wanted: Mapping[str, set[uuid.UUID]]) -> None:
        for table, ids in wanted.items():
            model = _MODELS.get(table)
            missing = [i for i in ids if (table, i) not in self.objects]
            for start in range(0, len(missing), 500):
                chunk = missing[start:start + 500]
                for obj in self.session.scalars(select(model).where(model.id.in_(chunk))) \
                        if model is not None else ():
                    self.objects[(table, obj.id)] = obj

    def get(self, table: str, record_id: uuid.UUID | None) -> Any:
        if record_id is None:
            return None
        key = (table, record_id)
        if key not in self.objects and table in _MODELS:  # a parent, read on demand
            self.objects[key] = self.session.get(_MODELS[table], record_id)
        return self.objects.get(key)

    def name(self, table: str | None, record_id: uuid.UUID | None) -> str:
        obj = self.get(table or "", record_id)
        if obj is None:
            return ""
        return _NAMERS[table or ""](obj, self)

    def topic(self, code: str) -> str:
        found = self.session.get(Topic, code)
        return found.name if found is not None else code


def _session_label(obj: Any, names: RecordNames) -> str:
    person = names.name("person", obj.person_id) or "?"
    return f"{person}, {vn_date(obj.held_on)}"


def _group_label(obj: Any, names: RecordNames) -> str:
    return f"{names.topic(obj.topic)}, {vn_date(obj.held_on)}"


_MODELS: dict[str, Any] = {
    "commune_profile": CommuneProfile, "village": Village, "household": Household,
    "person": Person, "person_outcome": PersonOutcome, "population_figure": PopulationFigure,
    "team": Team, "team_member": TeamMember, "training": Training,
    "support_session": SupportSession, "group_session": GroupSession,
    "support_session_topic": SupportSessionTopic, "support_session_member": SupportSessionMember,
    "group_session_trainer": GroupSessionTrainer,
    "group_session_attendee": GroupSessionAttendee, "vneid_step": VneidStep,
    "app_user": AppUser,
}
_NAMERS: dict[str, Namer] = {
    "commune_profile": lambda o, _n: o.commune_name,
    "village": lambda o, _n: o.name,
    "household": lambda o, _n: f"hộ {o.code}" if o.code else "hộ chưa có mã",
    "person": lambda o, _n: o.full_name,
    "person_outcome": lambda o, n: f"{n.name('person', o.person_id)}, "
                                   f"{_CODES['kind'].get(o.kind, o.kind)}",
    "population_figure": lambda o, _n: f"năm {o.year}",
    "team": lambda o, _n: o.name,
    "team_member": lambda o, _n: o.full_name,
    "training": lambda o, n: f"{n.name('team_member', o.member_id)}, {o.course}",
    "support_session": _session_label,
    "group_session": _group_label,
    "support_session_topic": lambda o, n: f"{n.topic(o.topic_code)} "
                                          f"({n.name('support_session', o.session_id)})",
    "support_session_member": lambda o, n: f"{n.name('team_member', o.member_id)} "
                                           f"({n.name('support_session', o.session_id)})",
    "group_session_trainer": lambda o, n: f"{n.name('team_member', o.member_id)} "
                                          f"({n.name('group_session', o.group_session_id)})",
    "group_session_attendee": lambda o, n: f"{n.name('person', o.person_id)} "
                                           f"({n.name('group_session', o.group_session_id)})",
    "vneid_step": lambda o, n: f"{n.name('person', o.person_id)}, "
                               f"{VNEID_STEP_LABELS.get(o.step, o.step)} {vn_date(o.taken_on)}",
    "app_user": lambda o, _n: o.full_name if not o.username
                              else f"{o.full_name} ({o.username})",
}
