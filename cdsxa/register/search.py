"""Finding people as the officer types: by name, ID number, phone or household code.

Names are matched on their folded form (case and diacritics ignored, đ → d): every
typed word must begin a word of the name. Digits must begin the ID number or the
phone; a phone typed without its 0 or with +84 is found too. A single token with a
digit also matches the beginning of a household code (Mã hộ).

Order: people whose whole name is what was typed, then names that begin with it,
then the other matches; by name within each. Results come in pages: pass the last
row of a page as `after` to get the next one (keyset paging on the name index).

How it stays fast on 100,000 people: a query that finds few people asks the FTS5
index `person_fts` (migration 0002) for them and sorts them; one that finds many
walks the name index in order, tests each person with plain column expressions and
stops after a page. The FTS5 index also counts matches without reading people.

Both need permission to see personal data; a team member always gets their own
village (asking for another is refused).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    tuple_,
)
from sqlalchemy.orm import Session

from cdsxa.common.digits import ascii_digits_or_none
from cdsxa.common.ids import PersonId, VillageId
from cdsxa.common.text import clean, fold
from cdsxa.db.base import live
from cdsxa.db.models import Household, Person, Village
from cdsxa.security.access import Permission, require, scoped_village

PAGE = 200
# Past this many index matches, walking the name index in order and keeping the
# matches reaches a page sooner than gathering every match and sorting them (the walk
# reads about PAGE × people / matches rows: they cost the same near √(PAGE × 100,000)).
BROAD = 5000
MAX_TOKENS = 8
MAX_QUERY = 100
_LAST = "\U0010ffff"  # sorts after any text: [key, key + _LAST] holds every key it begins

_fts = table("person_fts", column("rowid"), column("person_fts"))
_rowid: ColumnElement[int] = literal_column("person.rowid")
# Unary +: the same value, but no index on person serves it (SQLite's way to steer plans).
_village_of_person: ColumnElement[Any] = literal_column("+person.village_id")
# Word characters as FTS5's unicode61 tokenizer sees them (underscore separates).
_WORD = re.compile(r"[^\W_]+")
_NUMBER_ONLY = re.compile(r"\+?[\d\s.\-()]+")
_PHONE_FIRST = "35789"  # a mobile number is 0 followed by one of these
# Separators that occur in names; replaced by spaces when names are tested row by row.
_NAME_PUNCTUATION = "'’-"


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: PersonId
    full_name: str
    gender: str
    birth: date | int | None  # the date of birth, or the year when only that is known
    id_number: str | None
    phone: str | None
    village: str
    household_code: str | None
    name_key: str  # the sort key (folded name)


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...] = ()  # folded beginnings of name words; all must match
    numbers: tuple[tuple[str, ...], ...] = ()  # per number typed: prefixes, any may match
    code: str | None = None  # a household code prefix
    name: str | None = None  # the folded query, listed first when a name is or begins with it
    blank: bool = False  # nothing typed: everybody matches

    @property
    def finds_nobody(self) -> bool:
        """Something was typed, but nothing searchable (only punctuation, say)."""
        return not (self.blank or self.words or self.numbers or self.code)


def number_prefixes(digits: str) -> tuple[str, ...]:
    """The stored forms a typed number may begin: '912345678' and '+84 912…' are phones
    stored as '0912…'; '038…' begins an ID number or a phone."""
    if digits.startswith("0"):
        return (digits,)
    found = []
    if digits.startswith("84") and len(digits) > 2 and digits[2] in _PHONE_FIRST:
        found.append("0" + digits[2:])
    if len(digits) <= 11:  # a phone or ID number whose leading 0 was dropped (Excel)
        found.append("0" + digits)
    return tuple(found)


def parse(query: str) -> ParsedQuery:
    text = (clean(query) or "")[:MAX_QUERY]
    # Numbers typed in fullwidth or other scripts search as the ASCII they are stored as.
    text = ascii_digits_or_none(text) or text
    if not text:
        return ParsedQuery(blank=True)
    code = text if " " not in text and any(ch.isdigit() for ch in text) else None
    digits = re.sub(r"\D", "", text)
    if digits and _NUMBER_ONLY.fullmatch(text):
        # A phone or ID number typed with spaces or dots is one number, not several.
        prefixes = number_prefixes(digits)
        return ParsedQuery(numbers=(prefixes,) if prefixes else (), code=digits)
    words: list[str] = []
    numbers: list[tuple[str, ...]] = []
    for token in _WORD.findall(fold(text))[:MAX_TOKENS]:
        if token.isdigit():
            numbers.append(number_prefixes(token))
        else:
            words.append(token)
    name = fold(text) if words and not numbers else None
    return ParsedQuery(tuple(words), tuple(n for n in numbers if n), code, name)


def matches(parsed: ParsedQuery, name_key: str, id_number: str | None,
            phone: str | None) -> bool:
    """Whether a person's stored values match, as the index decides (household codes
    aside)."""
    tokens = _WORD.findall(name_key)
    return (all(any(t.startswith(w) for t in tokens) for w in parsed.words)
            and all(any(v and v.startswith(p) for p in prefixes for v in (id_number, phone))
                    for prefixes in parsed.numbers))


# The FTS5 index ---------------------------------------------------------------------------

def _quoted(token: str) -> str:
    # A string in double quotes is always a plain term to FTS5; quotes inside are doubled.
    return '"' + token.replace('"', '""') + '"*'


def fts_expression(parsed: ParsedQuery) -> str | None:
    """The FTS5 MATCH text: every typed word and number must match (as a prefix)."""
    terms = [f"name_key : {_quoted(word)}" for word in parsed.words]
    for prefixes in parsed.numbers:
        choices = " OR ".join(_quoted(p) for p in prefixes)
        terms.append(f"{{id_number phone}} : ({choices})")
    return " AND ".join(terms) or None


def _fts_match(expression: str) -> ColumnElement[bool]:
    return _fts.c.person_fts.op("MATCH")(expression)


def _fts_count(session: Session, expression: str, cap: int | None = None) -> int:
    """Index entries matching (deleted people included); at most cap when given."""
    found = select(_fts.c.rowid).where(_fts_match(expression))
    if cap is not None:
        found = found.limit(cap)
    return session.scalar(select(func.count()).select_from(found.subquery())) or 0


# Conditions -------------------------------------------------------------------------------

def _code_range(prefix: str) -> ColumnElement[bool]:
    return or_(*(Household.code.between(p, p + _LAST) for p in sorted({prefix, prefix.upper()})))


def _households(parsed: ParsedQuery) -> Any:
    return select(Household.id).where(_code_range(parsed.code or ""),
                                      live(Household))


def _row_by_row(parsed: ParsedQuery) -> ColumnElement[bool]:
    """The match as expressions on the person's own columns, which no index serves:
    the planner then keeps walking the name index (the FTS index means the same)."""
    spaced: ColumnElement[str] = Person.name_key.expression
    for mark in _NAME_PUNCTUATION:
        spaced = func.replace(spaced, mark, " ")
    padded = literal(" ") + spaced
    terms = [func.instr(padded, " " + word) > 0 for word in parsed.words]
    for prefixes in parsed.numbers:
        terms.append(or_(*(func.substr(value, 1, len(p)) == p
                           for p in prefixes for value in (Person.id_number, Person.phone))))
    found = and_(*terms) if terms else literal(False)
    if parsed.code:  # tested on the household row joined to each person
        found = or_(found, and_(_code_range(parsed.code), live(Household)))
    return found


def _from_index(parsed: ParsedQuery) -> ColumnElement[bool]:
    """The match through the FTS5 and household-code indexes."""
    choices: list[ColumnElement[bool]] = []
    expression = fts_expression(parsed)
    if expression:
        choices.append(_rowid.in_(select(_fts.c.rowid).where(_fts_match(expression))))
    if parsed.code:
        choices.append(Person.household_id.in_(_households(parsed)))
    return or_(*choices)


def _finds_many(session: Session, parsed: ParsedQuery) -> bool:
    expression = fts_expression(parsed)
    found = _fts_count(session, expression, cap=BROAD + 1) if expression else 0
    if parsed.code and found <= BROAD:
        households = session.scalar(select(func.count()).select_from(
            select(Household.id).where(_code_range(parsed.code)).limit(BROAD).subquery())) or 0
        found += 4 * households  # people per household, about
    return found > BROAD


# Pages ------------------------------------------------------------------------------------

_COLUMNS = (Person.id, Person.full_name, Person.gender, Person.birth_date, Person.birth_year,
            Person.id_number, Person.phone, Village.name, Household.code, Person.name_key)


def _fetch(session: Session, village_id: VillageId | None, where: list[ColumnElement[bool]],
           descending: bool, limit: int, by_name: bool) -> list[PersonRow]:
    order = ((Person.name_key.desc(), Person.id.desc()) if descending
             else (Person.name_key.asc(), Person.id.asc()))
    query = (
        select(*_COLUMNS)
        .select_from(Person)
        # Village by its key for each person, never the people by village: with the
        # planner's statistics SQLite would otherwise start from the 30 villages and sort
        # the whole commune's matches (bench/search.py: '09' 6 -> 93 ms).
        .join(Village, Village.id == _village_of_person)
        .outerjoin(Household, Household.id == Person.household_id)
        .where(live(Person), *where)
        .order_by(*order)
        .limit(limit)
    )
    if village_id is not None:
        # by_name: the name conditions are selective; keep the planner on the name index.
        village = literal_column("+person.village_id", Person.village_id.type) if by_name \
            else Person.village_id
        query = query.where(village == village_id)
    return [
        PersonRow(PersonId(pid), name, gender, born if born is not None else year, number,
                  phone, village, code, key)
        for pid, name, gender, born, year, number, phone, village, code, key
        in session.connection().execute(query)  # Core rows: no ORM loading needed
    ]


def _segments(session: Session, parsed: ParsedQuery,
              in_village: bool) -> Iterator[list[ColumnElement[bool]]]:
    """The groups results are listed in, each as conditions; built lazily, since the
    first page rarely needs the last group."""
    name = parsed.name
    if name is not None:
        yield [Person.name_key == name]
        # In one village, names that begin with a short word ('d', 'lo') are thousands
        # across the commune, of which a village has a thirtieth: reading the village's
        # few thousand people beats walking the commune's names for a page of them
        # (bench/search.py, in one village: 'd' 9.4 -> 6.4 ms). Unary + keeps the
        # planner off the name index.
        key = literal_column("+person.name_key", Person.name_key.type) if in_village \
            else Person.name_key
        yield [key > name, key <= name + _LAST]
    rest: list[ColumnElement[bool]] = []
    if not parsed.blank:
        rest.append(_row_by_row(parsed) if _finds_many(session, parsed)
                    else _from_index(parsed))
    if name is not None:
        rest.append(or_(Person.name_key < name, Person.name_key > name + _LAST))
    yield rest


def _segment_of(parsed: ParsedQuery, name_key: str) -> int:
    if parsed.name is None:
        return 0
    if name_key == parsed.name:
        return 0
    return 1 if name_key.startswith(parsed.name) else 2


def search_people(session: Session, query: str = "", village_id: VillageId | None = None,
                  limit: int = PAGE, after: PersonRow | None = None,
                  descending: bool = False) -> list[PersonRow]:
    """A page of the live people the query finds (everybody when it is empty).

    `after` is the last row of the previous page; `descending` reverses the name
    order within each group. Input of any shape is safe: it is reduced to words and
    digits before it reaches the index.
    """
    require(session, Permission.VIEW_PERSONAL)
    village_id = _scoped(session, village_id)
    parsed = parse(query)
    if parsed.finds_nobody:
        return []
    start = 0 if after is None else _segment_of(parsed, after.name_key)
    rows: list[PersonRow] = []
    for index, where in enumerate(_segments(session, parsed, village_id is not None)):
        if index < start:
            continue
        if index == start and after is not None:
            key, last = tuple_(Person.name_key, Person.id), (after.name_key, after.id)
            where = [*where, key < last if descending else key > last]
        by_name = parsed.name is not None and (index == 0 or (index == 1 and village_id is None))
        rows += _fetch(session, village_id, where, descending, limit - len(rows), by_name)
        if len(rows) >= limit:
            break
    return rows


def _scoped(session: Session, village_id: VillageId | None) -> VillageId | None:
    scoped = scoped_village(session, village_id)
    return None if scoped is None else VillageId(scoped)


# Counting ---------------------------------------------------------------------------------

def count_people(session: Session, query: str = "", village_id: VillageId | None = None) -> int:
    """How many live people the query finds (everybody when it is empty)."""
    require(session, Permission.VIEW_PERSONAL)
    village_id = _scoped(session, village_id)
    parsed = parse(query)
    if parsed.finds_nobody:
        return 0
    counted = select(func.count()).select_from(Person).where(live(Person))
    if parsed.blank:
        pass
    elif village_id is not None:
        # The village's people are few: test each, rather than gather the index's matches.
        if parsed.code:
            counted = counted.outerjoin(Household, Household.id == Person.household_id)
        counted = counted.where(_row_by_row(parsed))
    else:
        return _count_commune_wide(session, parsed)
    if village_id is not None:
        counted = counted.where(Person.village_id == village_id)
    return session.scalar(counted) or 0


def _count_commune_wide(session: Session, parsed: ParsedQuery) -> int:
    """The index's count, less deleted people it still holds, plus people found only
    by their household code."""
    expression = fts_expression(parsed)
    total = 0
    if expression:
        total = _fts_count(session, expression)
        every_village = select(Village.id)  # retired villages too: their people are deleted
        deleted = session.execute(select(Person.name_key, Person.id_number, Person.phone).where(
            Person.village_id.in_(every_village), Person.deleted.is_(True)))
        total -= sum(1 for key, number, phone in deleted if matches(parsed, key, number, phone))
    if parsed.code:
        by_code = select(func.count()).select_from(Person).where(
            live(Person), Person.household_id.in_(_households(parsed)))
        if expression:
            by_code = by_code.where(~_rowid.in_(select(_fts.c.rowid)
                                                .where(_fts_match(expression))))
        total += session.scalar(by_code) or 0
    return total
