"""Declared settings of a profile: each key once, with its type, default and who may set it.

Stored as JSON in the profile's `setting` table, so they follow the data
folder (several profiles side by side keep their own).

A key is either a preference (where the window was, the last page, the last
village picked: anyone signed in may set it) or a commune-level setting, which
needs a permission and whose changes go to the audit log with old and new values.
"""

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from cdsxa.common.errors import UserError
from cdsxa.db.models import Setting
from cdsxa.security import audit
from cdsxa.security.access import Permission, require

T = TypeVar("T")


@dataclass(frozen=True)
class SettingKey(Generic[T]):
    name: str
    default: T
    choices: tuple[T, ...] = ()
    # Commune-level: who may set it (None: a preference anyone signed in may set).
    permission: Permission | None = None
    label: str = ""  # Vietnamese, for the audit log
    minimum: int | None = None  # for whole numbers
    maximum: int | None = None
    # Commune-level keys go to the audit log when they change, unless they are the
    # program's own bookkeeping (where sync stands), written at every sync.
    audited: bool = True

    @property
    def commune_level(self) -> bool:
        return self.permission is not None

    def problem(self, value: object) -> str | None:
        """Why value cannot be stored under this key (in Vietnamese); None if it can."""
        if self.choices and value not in self.choices:
            return f"Giá trị không hợp lệ cho thiết lập {self.name}: {value!r}"
        if isinstance(value, int) and not (
                (self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum)):
            return (f"{self.label or self.name} phải từ {self.minimum} đến {self.maximum}, "
                    f"không phải {value}.")
        return None


# Preferences ----------------------------------------------------------------------------
LANGUAGE = SettingKey[str]("ui.language", "vi", choices=("vi", "en"))
WINDOW_GEOMETRY = SettingKey[str]("ui.window_geometry", "")  # base64 of Qt's saveGeometry
SPLITTER_STATE = SettingKey[str]("ui.splitter_state", "")
LAST_PAGE = SettingKey[str]("ui.last_page", "dashboard")
# Entry speed: the session form starts from the last village and helper used.
LAST_VILLAGE = SettingKey[str]("entry.last_village", "")
LAST_MEMBER = SettingKey[str]("entry.last_member", "")

# Commune-level settings -----------------------------------------------------------------
# Header text -> field of the last people import (cdsxa.excel.columns); "" skips a column.
PEOPLE_IMPORT_MAPPING = SettingKey[dict[str, str]](
    "import.people.mapping", {}, permission=Permission.IMPORT,
    label="Cột của tệp Excel danh sách người dân")
# When a sync with the province last succeeded (ISO 8601, UTC); "" for never. Written
# by sync, so whoever may sync may set it.
LAST_SYNC_SUCCESS = SettingKey[str]("sync.last_success", "", permission=Permission.SYNC,
                                    label="Lần đồng bộ thành công gần nhất", audited=False)
# Where this PC stands in the commune's log at the hub: what it has pulled and applied.
PULL_CURSOR = SettingKey[int]("sync.pull_cursor", 0, permission=Permission.SYNC,
                              label="Vị trí đã nhận từ máy chủ tỉnh", minimum=0,
                              maximum=2**62, audited=False)
# The id of the entry at the pull cursor, as the hub said: a restored hub numbering
# entries again under the cursor is found out by it.
PULL_CURSOR_ENTRY = SettingKey[str]("sync.pull_cursor_entry", "", permission=Permission.SYNC,
                                    label="Mục tại vị trí đã nhận", audited=False)
# The sync generation the hub gave with the last push's answer (cdsxa.hub.rebase). A
# restored backup carries an older one: the hub then asks for a re-base.
SYNC_GENERATION = SettingKey[int]("sync.generation", 0, permission=Permission.SYNC,
                                  label="Thế hệ đồng bộ với máy chủ tỉnh", minimum=0,
                                  maximum=2**62, audited=False)
# The version of the province's topic catalogue this PC holds (the hub's hash of it).
TOPIC_CATALOGUE_VERSION = SettingKey[str]("sync.topic_catalogue", "",
                                          permission=Permission.SYNC,
                                          label="Phiên bản danh mục nội dung hỗ trợ",
                                          audited=False)
# The last attempts (newest first), each {"at", "ok", "sent", "received", "conflicts",
# "message"}: the Sync page's history. Counts and Vietnamese messages, no records.
SYNC_HISTORY = SettingKey[list[dict[str, Any]]]("sync.history", [], permission=Permission.SYNC,
                                                label="Lịch sử đồng bộ", audited=False)
# Minutes without input before the window locks (issue 4: default 15).
IDLE_LOCK_MINUTES = SettingKey[int]("security.idle_lock_minutes", 15,
                                    permission=Permission.CHANGE_SETTINGS,
                                    label="Số phút không dùng thì khóa màn hình",
                                    minimum=1, maximum=240)
# The commune's time zone (an IANA name for zoneinfo): the reporting day of the
# indicators ends at midnight there, whatever the zone of the PC or the hub counting.
# Vietnam has one zone; a choice, so a stored typo can never reach zoneinfo.
COMMUNE_TIME_ZONE = SettingKey[str]("commune.time_zone", "Asia/Ho_Chi_Minh",
                                    choices=("Asia/Ho_Chi_Minh",),
                                    permission=Permission.CHANGE_SETTINGS,
                                    label="Múi giờ của xã")

KEYS: tuple[SettingKey[Any], ...] = (
    LANGUAGE, WINDOW_GEOMETRY, SPLITTER_STATE, LAST_PAGE, LAST_VILLAGE, LAST_MEMBER,
    PEOPLE_IMPORT_MAPPING, LAST_SYNC_SUCCESS, PULL_CURSOR, PULL_CURSOR_ENTRY, SYNC_GENERATION,
    TOPIC_CATALOGUE_VERSION, SYNC_HISTORY, IDLE_LOCK_MINUTES, COMMUNE_TIME_ZONE,
)


def _right_type(key: SettingKey[Any], value: object) -> bool:
    # bool is an int to Python, but True is not a number of minutes.
    if isinstance(value, bool) and not isinstance(key.default, bool):
        return False
    return isinstance(value, type(key.default))


def get(session: Session, key: SettingKey[T]) -> T:
    """The stored value; anyone signed in may read settings (none holds personal data)."""
    row = session.get(Setting, key.name)
    if row is None:
        return key.default
    value = json.loads(row.value)
    # A value of the wrong type (an older app, a hand edit) falls back to the default.
    if not _right_type(key, value) or key.problem(value) is not None:
        return key.default
    return value  # type: ignore[no-any-return]


def put(session: Session, key: SettingKey[T], value: T) -> None:
    """Store a value; a commune-level key needs its permission and is audited."""
    if key.permission is not None:
        require(session, key.permission)
    if not _right_type(key, value):
        raise TypeError(f"{key.name} takes {type(key.default).__name__}")
    problem = key.problem(value)
    if problem:
        raise UserError(problem)
    old = get(session, key)
    encoded = json.dumps(value, ensure_ascii=False)
    row = session.get(Setting, key.name)
    if row is None:
        session.add(Setting(key=key.name, value=encoded))
    else:
        row.value = encoded
    if key.commune_level and key.audited and old != value:
        audit.record(session, "settings", _summary(key, old, value), object_table="setting",
                     details={key.name: [old, value]})


def _summary(key: SettingKey[Any], old: object, new: object) -> str:
    label = key.label or key.name
    if isinstance(new, (dict, list)):
        return f"{label}: đã thay đổi"
    return f"{label}: {_shown(old)} → {_shown(new)}"


def _shown(value: object) -> str:
    return "(trống)" if value in ("", None) else str(value)
