"""What a figure counts, as SQL predicates shared by the totals and the drill-down.

Everything counted belongs to one commune (`Scope.commune_code`): a database may
hold several communes' records (the province hub holds them all), so every
predicate here names the commune.

Ages are decided in SQL: cut-off birth dates are computed in Python from the
reporting date (cdsxa.common.ages) and compared, as dates, with each person's
counting_birth_date, so a 100,000-person register is counted by aggregate queries,
not Python loops. Outcomes and VNeID steps carry a copy of their person's counting
birth date, gender and deleted flag (cdsxa.db.copies), which the
commune-wide totals read instead of looking each person up.

The register is the register: every person, household and outcome that is not
deleted counts, whenever it was entered. Only the dated facts (outcomes, fibre,
VNeID steps, sessions) are cut at the reporting date; a record with no date of
its own counts from the day it was entered (its created_at), the day ending at
midnight in the commune's time zone, which the caller passes in.
"""

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    case,
    exists,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from cdsxa.common import ages
from cdsxa.counting.definitions import AgeGroup
from cdsxa.db.activity import SupportSession, VneidStep
from cdsxa.db.models import Household, Person, PersonOutcome


@dataclass(frozen=True)
class Born:
    """Where a query reads the counted person's counting birth date and gender."""

    date: SQLColumnExpression[date | None]
    gender: SQLColumnExpression[str | None]


PERSON = Born(Person.counting_birth_date, Person.gender)
# The copies on the rows counted (cdsxa.db.copies).
OUTCOME_PERSON = Born(PersonOutcome.person_birth_date, PersonOutcome.person_gender)


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where the condition holds, else 0: sum() of it counts rows."""
    return case((condition, 1), else_=0)


def aged_at_least(born: SQLColumnExpression[date | None], on: date,
                  years: int) -> ColumnElement[bool]:
    """Aged `years` or more at `on`: the one age rule of the indicators and worklists.

    NULL (age unknown) never passes, so people of unknown age are in no age group.
    """
    return born <= ages.born_by_age(on, years)


@dataclass(frozen=True)
class Scope:
    """One commune's records at the reporting date `on`, optionally one village.

    `zone` is the commune's time zone (a setting the caller reads): the reporting
    day ends at midnight there, whatever the zone of the computer counting.
    """

    commune_code: int
    on: date
    zone: tzinfo
    village_id: uuid.UUID | None = None

    # -- records of the register -------------------------------------------------

    def people(self) -> ColumnElement[bool]:
        where = [Person.commune_code == self.commune_code, Person.deleted == false()]
        if self.village_id is not None:
            where.append(Person.village_id == self.village_id)
        return and_(*where)

    def households(self) -> ColumnElement[bool]:
        where = [Household.commune_code == self.commune_code, Household.deleted == false()]
        if self.village_id is not None:
            where.append(Household.village_id == self.village_id)
        return and_(*where)

    def end_of_day(self) -> datetime:
        """When the reporting day ends: the next local midnight, as an aware datetime."""
        return datetime.combine(self.on + timedelta(days=1), time(), tzinfo=self.zone)

    def entered_by_end_of_day(self,
                              created_at: SQLColumnExpression[datetime]) -> ColumnElement[bool]:
        # created_at is stored in UTC; the aware bound is converted on the way in.
        return created_at < self.end_of_day()

    # -- age groups ----------------------------------------------------------------

    def aged(self, years: int, born: Born = PERSON) -> ColumnElement[bool]:
        return aged_at_least(born.date, self.on, years)

    def working_age(self, born: Born = PERSON) -> ColumnElement[bool]:
        # 15 or older (the same cut-off for both genders), below the retirement age.
        youngest = ages.born_by_age(self.on, ages.WORKING_AGE_FROM_YEARS)

        def not_retired(gender: str) -> ColumnElement[bool]:
            after, _ = ages.working_age_born_between(gender, self.on)
            return and_(born.gender == gender, born.date > after)

        return and_(born.date <= youngest, or_(not_retired("male"), not_retired("female")))

    def age_group(self, name: AgeGroup, born: Born = PERSON) -> ColumnElement[bool]:
        if name == "adults":
            return self.aged(ages.ADULT_YEARS, born)
        if name == "aged_14_plus":
            return self.aged(ages.VNEID_YEARS, born)
        return self.working_age(born)

    # -- dated facts ---------------------------------------------------------------

    def outcomes(self, outcome: Any = PersonOutcome) -> ColumnElement[bool]:
        """The commune's live outcomes of live people (by the copies)."""
        return and_(outcome.commune_code == self.commune_code, outcome.deleted == false(),
                    outcome.person_deleted == false())

    def outcome_reached(self, outcome: Any = PersonOutcome) -> ColumnElement[bool]:
        """Reached by the date or, undated, entered by the end of that day."""
        dated = outcome.reached_on <= self.on
        undated = and_(outcome.reached_on.is_(None),
                       self.entered_by_end_of_day(outcome.created_at))
        return or_(dated, undated)

    def with_outcome(self, query: Select[uuid.UUID], kind: str) -> Select[uuid.UUID]:
        """Keep the people of `query` who reached outcome `kind` by the date."""
        # One live row per person and kind (uq_person_outcome_live): a join, not EXISTS.
        outcome = aliased(PersonOutcome)
        return query.join(outcome, outcome.person_id == Person.id).where(
            self.outcomes(outcome), outcome.kind == kind, self.outcome_reached(outcome))

    def _activated_steps(self, step: Any) -> list[ColumnElement[bool]]:
        # In the order of ix_vneid_step_counting, which answers both forms from the index.
        return [step.commune_code == self.commune_code, step.step == "activated",
                step.deleted == false(), step.person_deleted == false(),
                step.taken_on <= self.on]

    def activated(self, *, level2: bool = False) -> ColumnElement[bool]:
        """The person has an activated VNeID account by the date (at level 2; EXISTS)."""
        step = aliased(VneidStep)
        where = [*self._activated_steps(step), step.person_id == Person.id]
        if level2:
            where.append(step.level == 2)
        return exists().where(*where)

    def activated_accounts(self) -> Select[uuid.UUID, int]:
        """People aged 14+ with an activated VNeID account by the date: (person_id,
        level 2?), from the steps and their copies alone.

        The same people as `activated` for live people aged 14+, grouped once for the
        whole commune: cheaper than probing the steps of 100,000 people one by one.
        """
        step = VneidStep
        return (
            select(step.person_id, func.max(flag(step.level == 2)).label("level2"))
            .where(*self._activated_steps(step),
                   aged_at_least(step.person_birth_date, self.on, ages.VNEID_YEARS))
            .group_by(step.person_id)
        )

    def fibre(self) -> ColumnElement[bool]:
        undated = and_(Household.fibre_since.is_(None),
                       self.entered_by_end_of_day(Household.created_at))
        return and_(Household.has_fibre.is_(True),
                    or_(Household.fibre_since <= self.on, undated))

    def sessions_in_month(self) -> ColumnElement[bool]:
        first = self.on.replace(day=1)
        last = self.on.replace(day=calendar.monthrange(self.on.year, self.on.month)[1])
        return sessions_between(self.commune_code, first, last, self.village_id)


def sessions_between(commune_code: int, start: date, end: date,
                     village_id: uuid.UUID | None = None) -> ColumnElement[bool]:
    """The commune's live one-to-one sessions held from start to end (both included)."""
    where = [SupportSession.commune_code == commune_code, SupportSession.deleted == false(),
             SupportSession.held_on.between(start, end)]
    if village_id is not None:
        where.append(SupportSession.village_id == village_id)
    return and_(*where)


def people_ids(scope: Scope) -> Select[uuid.UUID]:
    return select(Person.id).where(scope.people())
