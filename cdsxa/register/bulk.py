"""Households and people added by the thousand (the people import, the demo).

The same checks as cdsxa.register.people (permissions, villages, households, every
field, unique ID numbers), written as rows through cdsxa.db.bulk rather than as
ORM objects: each record still gets its stamps, its change-log entry and, for a
person, its search index row (a database trigger). Records added here are not
held by the session; read them again by id.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from cdsxa.common import ages
from cdsxa.common.ids import HouseholdId, PersonId, VillageId
from cdsxa.common.text import clean
from cdsxa.db import bulk
from cdsxa.db.base import new_id
from cdsxa.db.models import Household, Person
from cdsxa.register import people
from cdsxa.security.access import Permission, require_village


@dataclass(frozen=True)
class NewHousehold:
    village_id: VillageId
    code: str | None = None
    address: str | None = None
    fibre_since: date | None = None  # with has_fibre: since when, if known
    has_fibre: bool = False
    id: HouseholdId | None = None  # made here unless given (members may point at it already)


def add_households(session: Session, batch: Sequence[NewHousehold]) -> list[HouseholdId]:
    """people.add_household for many households: the villages are checked once."""
    villages = {h.village_id for h in batch}
    for village_id in villages:
        require_village(session, Permission.EDIT_RECORDS, village_id)
    people.require_villages(session, villages)
    rows: list[dict[str, Any]] = [
        {"id": h.id or new_id(), "village_id": h.village_id, "code": clean(h.code),
         "address": clean(h.address), "has_fibre": h.has_fibre, "fibre_since": h.fibre_since}
        for h in batch]
    bulk.insert_records(session, Household, rows)
    return [HouseholdId(row["id"]) for row in rows]


def add_people(session: Session, batch: Sequence[people.PersonInput],
               households: dict[uuid.UUID, uuid.UUID] | None = None) -> list[PersonId]:
    """people.add_people as rows; `households` (id -> village) are households just
    added with add_households (no query needed to check them)."""
    rows = people.validated_people(session, batch, households)
    for row in rows:
        row["id"] = new_id()
        # What Person._derive_counting_birth_date sets on an ORM object.
        row["counting_birth_date"] = ages.effective_birth_date(
            row["birth_date"], row["birth_year"])  # type: ignore[arg-type]
    bulk.insert_records(session, Person, rows)
    return [PersonId(row["id"]) for row in rows]  # type: ignore[arg-type]
