"""The indicators' figures: four aggregate queries over the register.

People (with their VNeID accounts), outcomes, households and sessions are each
read once, with the predicates of `scope` that the drill-down uses too. The
commune-wide and the one-village forms differ only where SQLite needs another
shape to stay fast; the tests check both against the drill-down.
"""

from collections.abc import Mapping
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from cdsxa.common import outcomes
from cdsxa.commune.profile import Population as Figures
from cdsxa.commune.profile import population_figures
from cdsxa.counting.definitions import (
    DEFINITIONS,
    AgeGroup,
    Definition,
    DenominatorSource,
    Indicator,
    percent,
)
from cdsxa.counting.scope import Scope, flag
from cdsxa.db.activity import SupportSession
from cdsxa.db.models import Household, Person, PersonOutcome

AGE_GROUPS: tuple[AgeGroup, ...] = ("adults", "aged_14_plus", "working_age")
Pair = tuple[int, int | None]
VNEID, VNEID_LEVEL2 = "vneid", "vneid_level2"  # people aged 14+ with an activated account


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
        totals[VNEID], totals[VNEID_LEVEL2] = _commune_vneid(session, scope)
    return totals


def _commune_vneid(session: Session, scope: Scope) -> tuple[int, int]:
    """The commune's accounts, grouped once and joined to their people: faster than
    probing the steps of every person, or joining the grouping to the people scan."""
    accounts = scope.activated_accounts().subquery()
    query = (
        select(func.count(), func.coalesce(func.sum(accounts.c.level2), 0))
        .select_from(Person)
        .join(accounts, accounts.c.person_id == Person.id)
        .where(scope.people(), scope.age_group("aged_14_plus"))
    )
    any_level, level2 = session.execute(query).one()
    return any_level, level2


SMARTPHONE_OWNERS = "smartphone_owners"  # of any age: protection's denominator
PROTECTED = "protected"  # smartphone owners with protection software


def _outcome_sums(scope: Scope) -> dict[str, ColumnElement[int]]:
    """What the outcome scan adds up: only the sums some indicator uses."""
    o = PersonOutcome
    sums = {d.id: _total(and_(o.kind == d.outcome, scope.age_group(d.age_group)))
            for d in DEFINITIONS if d.counts == "outcome" and d.outcome and d.age_group}
    sums[SMARTPHONE_OWNERS] = _total(o.kind == outcomes.SMARTPHONE.code)
    sums[PROTECTED] = _total(and_(o.kind == outcomes.PROTECTION_SOFTWARE.code,
                                  scope.reached(outcomes.SMARTPHONE.code, o.person_id)))
    return sums


def outcome_totals(session: Session, scope: Scope) -> dict[str, int]:
    """One pass over the outcomes reached by the date, each joined to its person once.

    One row of sums rather than GROUP BY kind: grouping makes SQLite walk the kind
    index and read the rows out of order, or sort them all. There is one live
    outcome per person and kind (uq_person_outcome_live), so rows are people.
    """
    sums = _outcome_sums(scope)
    query = (
        select(*sums.values())
        .select_from(PersonOutcome)
        .join(Person, Person.id == PersonOutcome.person_id)
        # Commune-wide, read every outcome; for a village, look its people's up.
        .where(scope.people(),
               scope.outcome_reached(PersonOutcome, scanned=scope.village_id is None))
    )
    return dict(zip(sums, session.execute(query).one()))


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
    counts: dict[str, Pair] = {
        "fibre_households": fibre_totals(session, scope),
        "digital_identity_people": (people[VNEID], people["aged_14_plus"]),
        "vneid_level2_people": (people[VNEID_LEVEL2], people["aged_14_plus"]),
        "protection_software_people": (reached[PROTECTED], reached[SMARTPHONE_OWNERS]),
        "support_sessions": (sessions_total(session, scope), None),
    }
    for d in DEFINITIONS:
        if d.counts == "outcome" and d.age_group:
            counts[d.id] = (reached[d.id], people[d.age_group])
    return counts


def figures_for(session: Session, on: date) -> Figures | None:
    """The profile's population figures for `on`'s year, or the latest earlier year."""
    return next((f for f in population_figures(session) if f.year <= on.year), None)


def _indicator(d: Definition, counts: Pair, figures: Figures | None) -> Indicator:
    numerator, denominator = counts
    source: DenominatorSource = "register"
    figure = getattr(figures, d.profile_field) if figures and d.profile_field else None
    if figure is not None:
        denominator, source = figure, "profile"
    return Indicator(d.id, d.label, numerator, denominator, percent(numerator, denominator),
                     source)


def indicators(counts: Mapping[str, Pair], figures: Figures | None) -> list[Indicator]:
    return [_indicator(d, counts[d.id], figures) for d in DEFINITIONS]
