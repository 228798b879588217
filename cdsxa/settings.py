"""Declared settings of a profile: each key once, with its type and default.

Stored as JSON in the profile's `setting` table, so they follow the data
folder (several profiles side by side keep their own).
"""

import json
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from cdsxa.db.models import Setting
from cdsxa.errors import UserError

T = TypeVar("T")


@dataclass(frozen=True)
class SettingKey(Generic[T]):
    name: str
    default: T
    choices: tuple[T, ...] = ()


LANGUAGE = SettingKey[str]("ui.language", "vi", choices=("vi", "en"))
WINDOW_GEOMETRY = SettingKey[str]("ui.window_geometry", "")  # base64 of Qt's saveGeometry
SPLITTER_STATE = SettingKey[str]("ui.splitter_state", "")
LAST_PAGE = SettingKey[str]("ui.last_page", "dashboard")
# Header text -> field of the last people import (cdsxa.excel.columns); "" skips a column.
PEOPLE_IMPORT_MAPPING = SettingKey[dict[str, str]]("import.people.mapping", {})
# When a push to the province last succeeded (ISO 8601, UTC); "" for never.
LAST_SYNC_SUCCESS = SettingKey[str]("sync.last_success", "")
# Entry speed: the session form starts from the last village and helper used.
LAST_VILLAGE = SettingKey[str]("entry.last_village", "")
LAST_MEMBER = SettingKey[str]("entry.last_member", "")


def get(session: Session, key: SettingKey[T]) -> T:
    row = session.get(Setting, key.name)
    if row is None:
        return key.default
    value = json.loads(row.value)
    # A value of the wrong type (an older app, a hand edit) falls back to the default.
    if not isinstance(value, type(key.default)) or (key.choices and value not in key.choices):
        return key.default
    return value


def put(session: Session, key: SettingKey[T], value: T) -> None:
    if not isinstance(value, type(key.default)):
        raise TypeError(f"{key.name} takes {type(key.default).__name__}")
    if key.choices and value not in key.choices:
        raise UserError(f"Giá trị không hợp lệ cho thiết lập {key.name}: {value!r}")
    encoded = json.dumps(value, ensure_ascii=False)
    row = session.get(Setting, key.name)
    if row is None:
        session.add(Setting(key=key.name, value=encoded))
    else:
        row.value = encoded
