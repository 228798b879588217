"""What a figure counts, as SQL predicates shared by the totals and the drill-down.

Ages are decided in SQL: cut-off birth dates are computed in Python from the
reporting date (cdsxa.common.ages) and compared with each person's effective birth date,
so a 100,000-person register is counted by aggregate queries, not Python loops.

The register is the register: every person, household and outcome that is not
deleted counts, whenever it was entered. Only the dated facts (outcomes, fibre,
VNeID steps, sessions) are cut at the reporting date; a record with no date of
its own counts from the day it was entered (its created_at, in local time).
"""

import calendar
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    SQLColumnExpression,
    String,
    and_,
    case,
    exists,
    false,
    func,
    null,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import aliased

from cdsxa.common import ages
from cdsxa.counting.definitions import AgeGroup
from cdsxa.db.activity import SupportSession, VneidStep
from cdsxa.db.models import Household, Person, PersonOutcome

# birth_date is stored as 'YYYY-MM-DD' text; a year-only birth becomes 1 July of the
# year in the same form, so cut-offs compare as ISO strings. Neither: NULL, which
# no age comparison accepts, so people of unknown age are in no age group.
EFFECTIVE_BIRTH: ColumnElement[str] = case(
    (Person.birth_date.is_not(None), type_coerce(Person.birth_date, String)),
    (Person.birth_year.is_not(None),
     func.printf(f"%04d-{ages.YEAR_ONLY_MONTH:02d}-{ages.YEAR_ONLY_DAY:02d}", Person.birth_year)),
    else_=null(),
)


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where the condition holds, else 0: sum() of it counts rows."""
    return case((condition, 1), else_=0)


@dataclass(frozen=True)
class Scope:
    """The reporting date and, optionally, the one village counted."""

    on: date
    village_id: uuid.UUID | None = None

    # -- records of the register -------------------------------------------------

    def people(self) -> ColumnElement[bool]:
        live = Person.deleted == false()
        return live if self.village_id is None else and_(live, Person.village_id == self.village_id)

    def households(self) -> ColumnElement[bool]:
        live = Household.deleted == false()
        if self.village_id is None:
            return live
        return and_(live, Household.village_id == self.village_id)

    def entered_by_end_of_day(self,
                              created_at: SQLColumnExpression[datetime]) -> ColumnElement[bool]:
        # The reporting day ends at local midnight; created_at is stored in UTC.
        end = datetime.combine(self.on + timedelta(days=1), time()).astimezone()
        return created_at < end

    # -- age groups ----------------------------------------------------------------

    def aged(self, years: int) -> ColumnElement[bool]:
        return EFFECTIVE_BIRTH <= ages.born_by_age(self.on, years).isoformat()

    def working_age(self) -> ColumnElement[bool]:
        def group(gender: str) -> ColumnElement[bool]:
            after, by = ages.working_age_born_between(gender, self.on)
            return and_(Person.gender == gender, EFFECTIVE_BIRTH > after.isoformat(),
                        EFFECTIVE_BIRTH <= by.isoformat())

        return or_(group("male"), group("female"))

    def age_group(self, name: AgeGroup) -> ColumnElement[bool]:
        if name == "adults":
            return self.aged(ages.ADULT_YEARS)
        if name == "aged_14_plus":
            return self.aged(ages.VNEID_YEARS)
        return self.working_age()

    # -- dated facts ---------------------------------------------------------------

    def outcome_reached(self, outcome: type[PersonOutcome], *,
                        scanned: bool = False) -> ColumnElement[bool]:
        """Live, and reached by the date (or, undated, entered by then).

        `deleted = 0` lets SQLite find a person's outcomes in the partial index
        uq_person_outcome_live. A query that reads every outcome says `deleted IS 0`
        (scanned=True), so SQLite reads the table in order instead of walking that
        index and jumping to each row (three times slower on the large profile).
        """
        live = outcome.deleted.is_(False) if scanned else outcome.deleted == false()
        dated = outcome.reached_on <= self.on
        undated = and_(outcome.reached_on.is_(None), self.entered_by_end_of_day(outcome.created_at))
        return and_(live, or_(dated, undated))

    def reached(self, kind: str, person_id: SQLColumnExpression[uuid.UUID]) -> ColumnElement[bool]:
        """The person reached outcome `kind` by the date (EXISTS)."""
        outcome = aliased(PersonOutcome)
        return exists().where(outcome.person_id == person_id, outcome.kind == kind,
                              self.outcome_reached(outcome))

    def with_outcome(self, query: Select[uuid.UUID], kind: str) -> Select[uuid.UUID]:
        """Keep the people of `query` who reached outcome `kind` by the date."""
        # One live row per person and kind (uq_person_outcome_live): a join, not EXISTS.
        outcome = aliased(PersonOutcome)
        return query.join(outcome, outcome.person_id == Person.id).where(
            outcome.kind == kind, self.outcome_reached(outcome))

    def _activated_steps(self, step: type[VneidStep]) -> list[ColumnElement[bool]]:
        return [step.step == "activated", step.deleted == false(), step.taken_on <= self.on]

    def activated(self, *, level2: bool = False) -> ColumnElement[bool]:
        """The person has an activated VNeID account by the date (at level 2; EXISTS)."""
        step = aliased(VneidStep)
        # Probe this person's own steps (ix_vneid_step_person). Without statistics
        # SQLite may choose the (step, deleted, taken_on) index instead and walk every
        # activation of the commune for each person: minutes, not milliseconds. Written
        # as an expression (step || ''), the step test cannot use that index; SQLite's
        # documented way to steer a plan, as SQLAlchemy renders no INDEXED BY hint.
        where = [step.person_id == Person.id, step.step.concat("") == "activated",
                 step.deleted == false(), step.taken_on <= self.on]
        if level2:
            where.append(step.level == 2)
        return exists().where(*where)

    def activated_accounts(self) -> Select[uuid.UUID, int]:
        """Everyone with an activated VNeID account by the date: (person_id, level 2?).

        The same people as `activated`, grouped once for the whole commune: cheaper
        than probing the steps of 100,000 people one by one.
        """
        return (
            select(VneidStep.person_id, func.max(flag(VneidStep.level == 2)).label("level2"))
            .where(*self._activated_steps(VneidStep))
            .group_by(VneidStep.person_id)
        )

    def fibre(self) -> ColumnElement[bool]:
        undated = and_(Household.fibre_since.is_(None),
                       self.entered_by_end_of_day(Household.created_at))
        return and_(Household.has_fibre.is_(True),
                    or_(Household.fibre_since <= self.on, undated))

    def sessions_in_month(self) -> ColumnElement[bool]:
        first = self.on.replace(day=1)
        last = self.on.replace(day=calendar.monthrange(self.on.year, self.on.month)[1])
        live = and_(SupportSession.deleted == false(), SupportSession.held_on.between(first, last))
        if self.village_id is None:
            return live
        return and_(live, SupportSession.village_id == self.village_id)


def people_ids(scope: Scope) -> Select[uuid.UUID]:
    return select(Person.id).where(scope.people())
