"""Typed ids, so a village id cannot be passed where a person id is expected."""

import uuid
from typing import NewType

VillageId = NewType("VillageId", uuid.UUID)
HouseholdId = NewType("HouseholdId", uuid.UUID)
PersonId = NewType("PersonId", uuid.UUID)
UserId = NewType("UserId", uuid.UUID)
TeamId = NewType("TeamId", uuid.UUID)
MemberId = NewType("MemberId", uuid.UUID)
SessionId = NewType("SessionId", uuid.UUID)
