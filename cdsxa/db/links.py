"""Lists kept as rows: a session's topics and helpers, a class's trainers and attendees.

Each item of such a list is a travelling record of its own (a child row), so two
PCs editing one list merge item by item: adding an item inserts its row, removing
it soft-deletes the row, and an item removed and added again brings the same row
back. A row's id is derived from its table, parent and item (`link_id`), so two
PCs adding the same item, or the hub and a PC converting the same old JSON list
(migration 0004), make one record rather than two.

The lists keep the order the user gave (`position`). `assign` writes as little
as it can: an unchanged list writes nothing, removing an item touches only its
row, and an item added at the end only its own.
"""

import uuid
from collections.abc import Callable, Hashable, Iterable, Sequence
from itertools import pairwise
from typing import Any, Protocol, TypeVar

from sqlalchemy.engine.interfaces import ExecutionContext

# Never change: ids made from it are already stored (and copied in migration 0004).
LINK_NAMESPACE = uuid.UUID("0d7e4a52-3b61-4f0e-9a57-6f1c2d8e4b90")


def link_id(table: str, parent_id: uuid.UUID, item: object) -> uuid.UUID:
    """The id of the row saying that `item` is in the list of `parent_id`."""
    return uuid.uuid5(LINK_NAMESPACE, f"{table}/{parent_id}/{item}")


def link_id_default(table: str, parent: str, item: str) -> Callable[[ExecutionContext], uuid.UUID]:
    """A column default computing link_id when the row is inserted: by then the
    relationship has filled in the parent's id, whatever order the caller set things in."""

    def default(context: ExecutionContext) -> uuid.UUID:
        values: dict[str, Any] = context.get_current_parameters()  # type: ignore[attr-defined]
        return link_id(table, uuid.UUID(str(values[parent])), values[item])

    return default


class Link(Protocol):
    deleted: bool
    position: int


L = TypeVar("L", bound=Link)
K = TypeVar("K", bound=Hashable)


def live_items(links: Iterable[L], item: Callable[[L], K]) -> list[K]:
    """The list the rows say: live rows in position order (ties by item, so two PCs
    that appended at once still agree)."""
    live = [link for link in links if not link.deleted]
    return [item(link) for link in sorted(live, key=lambda link: (link.position, str(item(link))))]


def assign(links: list[L], items: Sequence[K], item: Callable[[L], K],
           make: Callable[[K, int], L]) -> None:
    """Make the rows in `links` (live and soft-deleted, a loaded relationship) say
    `items` (duplicates dropped, the first kept), writing only what differs."""
    wanted = list(dict.fromkeys(items))
    chosen = set(wanted)
    rows = {item(link): link for link in links}
    for key, link in rows.items():
        if key not in chosen and not link.deleted:
            link.deleted = True
    kept = [rows[key] for key in wanted if key in rows and not rows[key].deleted]
    in_order = all(a.position < b.position for a, b in pairwise(kept))
    if in_order and all(key in rows and not rows[key].deleted for key in wanted[:len(kept)]):
        # The kept rows lead, in their stored order: the rest go after them.
        start = max((link.position for link in kept), default=-1) + 1
        places = {key: start + n for n, key in enumerate(wanted[len(kept):])}
    else:
        places = {key: n for n, key in enumerate(wanted)}
    for key, position in places.items():
        row = rows.get(key)
        if row is None:
            links.append(make(key, position))
            continue
        if row.deleted:
            row.deleted = False
        if row.position != position:
            row.position = position
