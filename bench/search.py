"""Search as you type on the large demo profile (about 105,000 people).

    python bench/search.py [ROUNDS]

Each query is run as the officer types it, one keystroke at a time ("n", "ng",
"ngu", …), ROUNDS times. Prints per query and overall p50/p95 for the search
itself (the first page of 200 rows, what the list shows) and for search plus the
count shown above the list (what the people page runs after typing pauses).
Target (issue): search p95 under 30 ms.
"""

import sys
import time

from common import cli, large_profile, open_bench, summary

from cdsxa.register import search, villages

TYPED = ["nguyen v", "lo thi", "038", "09", "dinh van", "giang a", "+84 91", "hk0012",
         "vi thi hoa"]
LISTED = ["n", "ng", "ngu", "nguyen v", "lo thi", "038", "09"]


def keystrokes(text: str) -> list[str]:
    return [text[:end] for end in range(1, len(text) + 1) if not text[:end].endswith(" ")]


def timed(call: object) -> float:
    started = time.perf_counter()
    call()  # type: ignore[operator]
    return (time.perf_counter() - started) * 1000


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    db = open_bench(large_profile())
    with db.reading(cli()) as session:
        total = search.count_people(session)
        village_id = villages.list_all(session)[3].id
        print(f"profile: {total:,} people".replace(",", "."))
        queries = sorted({q for text in TYPED for q in keystrokes(text)} | set(LISTED))
        # One untimed pass: the first query after opening reads the index from disk.
        for query in queries:
            search.search_people(session, query)
        every_search: list[float] = []
        every_with_count: list[float] = []
        every_in_village: list[float] = []
        for query in LISTED:
            found = search.count_people(session, query)
            page = timed(lambda: search.search_people(session, query))
            print(f"  {query!r:12} {found:>7} found; first page {page:.1f} ms")
        for _ in range(rounds):
            for query in queries:
                every_search.append(timed(lambda: search.search_people(session, query)))
                every_with_count.append(timed(lambda: (search.search_people(session, query),
                                                       search.count_people(session, query))))
                every_in_village.append(timed(lambda: search.search_people(session, query,
                                                                           village_id)))
        print(f"{len(queries)} keystroke queries × {rounds} rounds")
        print(summary("search (first page)", every_search, "ms"))
        print(summary("search + count", every_with_count, "ms"))
        print(summary("search in one village", every_in_village, "ms"))
        slowest = sorted(((timed(lambda: search.search_people(session, q)), q) for q in queries),
                         reverse=True)[:5]
        print("slowest: " + ", ".join(f"{q!r} {ms:.1f} ms" for ms, q in slowest))
    db.close()


if __name__ == "__main__":
    main()
