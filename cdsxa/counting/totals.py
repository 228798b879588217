"""The indicators' figures: a few aggregate queries over one commune's register.

People, outcomes (with protection), VNeID steps, households and sessions are each
read once, with the predicates of `scope` that the drill-down uses too. These
functions check no permission and read no setting: the caller (the app's service
cdsxa.counting.indicators, or the province hub) authorises and builds the Scope.

Commune-wide, outcomes and steps are read from their counting indexes alone, by the
person copies on them (cdsxa.db.copies), in index order: no person is looked
up. For one village the village's people are read first and their rows looked up,
a few thousand lookups. The tests check both forms against the drill-down, and
tests/test_counting_plans.py that SQLite keeps to these plans.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, select
from sqlalchemy.orm import Session, aliased

from cdsxa.common import outcomes
from cdsxa.counting.definitions import (
    DEFINITIONS,
    AgeGroup,
    Definition,
    DenominatorSource,
    Indicator,
    percent,
)
from cdsxa.counting.scope import OUTCOME_PERSON, Scope, flag
from cdsxa.db.activity import SupportSession
from cdsxa.db.base import live
from cdsxa.db.models import Household, Person, PersonOutcome, PopulationFigure

AGE_GROUPS: tuple[AgeGroup, ...] = ("adults", "aged_14_plus", "working_age")
# The age groups outcome indicators are counted over.
OUTCOME_AGE_GROUPS: tuple[AgeGroup, ...] = tuple(
    g for g in AGE_GROUPS if any(d.counts == "outcome" and d.age_group == g for d in DEFINITIONS))
Pair = tuple[int, int | None]
Rows = Select[*tuple[Any, ...]]
VNEID, VNEID_LEVEL2 = "vneid", "vneid_level2"  # people aged 14+ with an activated account
SMARTPHONE_OWNERS = "smartphone_owners"  # of any age: protection's denominator
PROTECTED = "protected"  # smartphone owners with protection software


def _total(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(flag(condition)), 0)


def people_totals(session: Session, scope: Scope) -> dict[str, int]:
    """People per age group, and those aged 14+ with an activated VNeID account."""
    aged_14 = scope.age_group("aged_14_plus")
    columns: dict[str, ColumnElement[int]] = {
        name: _total(scope.age_group(name)) for name in AGE_GROUPS}
    if scope.village_id is not None:
        # A village's few thousand people: look each one's steps up.
        columns[VNEID] = _total(and_(aged_14, scope.activated()))
        columns[VNEID_LEVEL2] = _total(and_(aged_14, scope.activated(level2=True)))
    totals = dict(zip(columns, session.execute(
        select(*columns.values()).where(scope.people())).one()))
    if scope.village_id is None:
        totals[VNEID], totals[VNEID_LEVEL2] = commune_vneid(session, scope)
    return totals


def commune_vneid(session: Session, scope: Scope) -> tuple[int, int]:
    """The commune's accounts of people aged 14+, from the steps alone (grouped in
    index order, person by person)."""
    accounts = scope.activated_accounts().subquery()
    query = select(func.count(), func.coalesce(func.sum(accounts.c.level2), 0))
    any_level, level2 = session.execute(query.select_from(accounts)).one()
    return any_level, level2


def _live_outcomes(scope: Scope, outcome: Any) -> ColumnElement[bool]:
    """Commune-wide: the commune's live outcomes of live people, a prefix of the
    counting index. For a village the people (the join) already say all that: the
    outcome side names only `deleted = 0`, so SQLite reads the village's people first
    and probes their outcomes (uq_person_outcome_live), rather than walk the commune's
    outcomes looking each person up (ten times slower)."""
    return scope.outcomes(outcome) if scope.village_id is None else outcome.deleted == false()


def _counted_outcomes(scope: Scope, query: Rows, outcome: Any) -> Rows:
    """The scope's live outcomes reached by the date; for a village, through its people."""
    query = query.where(_live_outcomes(scope, outcome), scope.outcome_reached(outcome))
    if scope.village_id is None:
        return query
    return query.join(Person, Person.id == outcome.person_id).where(scope.people())


def outcome_totals(session: Session, scope: Scope) -> dict[str, dict[str, int]]:
    """Per outcome kind: how many were reached ("all") and by how many people of each
    age group. One live outcome per person and kind (uq_person_outcome_live), so rows
    are people.

    GROUP BY kind reads the counting index in its own order (kind, then person): two
    or three sums per row, where one sum per kind and age group costs twice as much.
    """
    o = PersonOutcome
    sums: dict[str, ColumnElement[int]] = {"all": func.count()}
    sums.update({g: _total(scope.age_group(g, OUTCOME_PERSON)) for g in OUTCOME_AGE_GROUPS})
    query = _counted_outcomes(scope, select(o.kind, *sums.values()).select_from(o), o)
    totals: dict[str, dict[str, int]] = {}
    for row in session.execute(query.group_by(o.kind)):
        totals[row[0]] = dict(zip(sums, row[1:]))
    return totals


def protected_total(session: Session, scope: Scope) -> int:
    """Smartphone owners (of any age) with protection software, both by the date."""
    protection, phone = aliased(PersonOutcome), aliased(PersonOutcome)
    owns_phone = exists().where(_live_outcomes(scope, phone),
                                phone.kind == outcomes.SMARTPHONE.code,
                                phone.person_id == protection.person_id,
                                scope.outcome_reached(phone))
    query = select(func.count()).select_from(protection).where(
        protection.kind == outcomes.PROTECTION_SOFTWARE.code, owns_phone)
    return session.scalar(_counted_outcomes(scope, query, protection)) or 0


def fibre_totals(session: Session, scope: Scope) -> Pair:
    query = select(_total(scope.fibre()), func.count()).where(scope.households())
    with_fibre, households = session.execute(query.select_from(Household)).one()
    return with_fibre, households


def sessions_total(session: Session, scope: Scope) -> int:
    query = select(func.count()).select_from(SupportSession).where(scope.sessions_in_month())
    return session.scalar(query) or 0


def register_counts(session: Session, scope: Scope) -> dict[str, Pair]:
    """(numerator, denominator) of every indicator, both from the register."""
    people = people_totals(session, scope)
    reached = outcome_totals(session, scope)

    def of(kind: str | None, column: str) -> int:
        return reached.get(kind or "", {}).get(column, 0)

    counts: dict[str, Pair] = {
        "fibre_households": fibre_totals(session, scope),
        "digital_identity_people": (people[VNEID], people["aged_14_plus"]),
        "vneid_level2_people": (people[VNEID_LEVEL2], people["aged_14_plus"]),
        "protection_software_people": (protected_total(session, scope),
                                       of(outcomes.SMARTPHONE.code, "all")),
        "support_sessions": (sessions_total(session, scope), None),
    }
    for d in DEFINITIONS:
        if d.counts == "outcome" and d.age_group:
            counts[d.id] = (of(d.outcome, d.age_group), people[d.age_group])
    return counts


def figures_for(session: Session, commune_code: int, on: date) -> PopulationFigure | None:
    """The commune's population figures for `on`'s year, or the latest earlier year."""
    return session.scalars(
        select(PopulationFigure)
        .where(PopulationFigure.commune_code == commune_code, live(PopulationFigure),
               PopulationFigure.year <= on.year)
        .order_by(PopulationFigure.year.desc()).limit(1)).first()


def _indicator(d: Definition, counts: Pair, figures: PopulationFigure | None) -> Indicator:
    numerator, denominator = counts
    source: DenominatorSource = "register"
    figure = getattr(figures, d.profile_field) if figures and d.profile_field else None
    if figure is not None:
        denominator, source = figure, "profile"
    return Indicator(d.id, d.label, numerator, denominator, percent(numerator, denominator),
                     source)


def indicators(counts: Mapping[str, Pair], figures: PopulationFigure | None) -> list[Indicator]:
    return [_indicator(d, counts[d.id], figures) for d in DEFINITIONS]
