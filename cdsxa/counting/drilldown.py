"""The records behind a figure: the ids an indicator's numerator or denominator counts.

Built from the same `scope` predicates as the totals, so the list has exactly as
many ids as the figure (the tests check it). Denominators are always the
register's: profile figures have no records behind them.
"""

import uuid

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cdsxa.common import outcomes
from cdsxa.counting.definitions import Definition, Part
from cdsxa.counting.scope import Scope, people_ids
from cdsxa.db.activity import SupportSession
from cdsxa.db.models import Household

Ids = Select[uuid.UUID]


def _aged_14_plus(scope: Scope) -> Ids:
    return people_ids(scope).where(scope.age_group("aged_14_plus"))


def _vneid(scope: Scope, part: Part, level2: bool) -> Ids:
    people = _aged_14_plus(scope)
    return people if part == "denominator" else people.where(scope.activated(level2=level2))


def _outcome(scope: Scope, d: Definition, part: Part) -> Ids:
    assert d.outcome is not None and d.age_group is not None
    people = people_ids(scope).where(scope.age_group(d.age_group))
    return people if part == "denominator" else scope.with_outcome(people, d.outcome)


def _protection(scope: Scope, part: Part) -> Ids:
    owners = scope.with_outcome(people_ids(scope), outcomes.SMARTPHONE.code)
    if part == "denominator":
        return owners
    return scope.with_outcome(owners, outcomes.PROTECTION_SOFTWARE.code)


def _fibre(scope: Scope, part: Part) -> Ids:
    households = select(Household.id).where(scope.households())
    return households if part == "denominator" else households.where(scope.fibre())


def _sessions(scope: Scope, part: Part) -> Ids | None:
    # The session count has no denominator, so nothing stands behind one.
    if part == "denominator":
        return None
    return select(SupportSession.id).where(scope.sessions_in_month())


def ids_query(d: Definition, scope: Scope, part: Part) -> Ids | None:
    """The query of the ids behind one part of one indicator; None for no records."""
    if d.counts == "outcome":
        return _outcome(scope, d, part)
    if d.counts in ("vneid", "vneid_level2"):
        return _vneid(scope, part, level2=d.counts == "vneid_level2")
    if d.counts == "protection":
        return _protection(scope, part)
    if d.counts == "fibre":
        return _fibre(scope, part)
    return _sessions(scope, part)


def ids_behind(session: Session, d: Definition, scope: Scope, part: Part) -> list[uuid.UUID]:
    query = ids_query(d, scope, part)
    return [] if query is None else list(session.scalars(query))
