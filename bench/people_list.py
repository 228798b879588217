"""The people list on the large demo profile (about 105,000 people).

    QT_QPA_PLATFORM=offscreen python bench/people_list.py [RUNS]

Prints the time from asking for the list to its first rows painted (the model's
first page, the view laid out and drawn), the time to scroll to the end (fetchMore
until nothing is left, as the view does while scrolling), and the process's RSS
before, after the first page, and after every row is loaded.
Target (issue): first rows under 200 ms without loading everything into memory.
"""

import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import psutil  # noqa: E402
from common import cli, large_profile, open_bench, summary  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402

from cdsxa.common.formatting import thousands  # noqa: E402
from cdsxa.ui.context import AppContext, Changes  # noqa: E402
from cdsxa.ui.pages.people_page import PeoplePage  # noqa: E402
from cdsxa.ui.people_model import PeopleModel  # noqa: E402


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def first_rows(context: AppContext, app: QApplication) -> tuple[float, PeopleModel, QTableView]:
    started = time.perf_counter()
    model = PeopleModel(context)
    view = QTableView()
    view.setModel(model)
    view.resize(1000, 600)
    model.reload()
    view.show()
    app.processEvents()
    view.viewport().repaint()
    return (time.perf_counter() - started) * 1000, model, view


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    app = QApplication.instance() or QApplication([])
    profile = large_profile()
    db = open_bench(profile)
    context = AppContext(profile, db, cli(), Changes())
    print(f"RSS after opening the profile: {rss_mb():.0f} MB")
    times = []
    for _ in range(runs):
        elapsed, model, view = first_rows(context, app)
        times.append(elapsed)
        view.close()
    print(summary("first rows painted (model + view)", times, "ms"))
    page_times = []
    for _ in range(runs):
        started = time.perf_counter()
        page = PeoplePage(context)
        page.resize(1100, 700)
        page.show()
        app.processEvents()
        page_times.append((time.perf_counter() - started) * 1000)
        page.close()
        page.deleteLater()
    print(summary("people page shown (villages, first page, count)", page_times, "ms"))
    print(f"RSS with the first page loaded: {rss_mb():.0f} MB ({model.rowCount()} rows)")
    started = time.perf_counter()
    pages = 0
    fetch_times = []
    while model.canFetchMore():
        page_started = time.perf_counter()
        model.fetchMore()
        fetch_times.append((time.perf_counter() - page_started) * 1000)
        pages += 1
    elapsed = time.perf_counter() - started
    print(f"scrolled to the end: {thousands(model.rowCount())} rows in {pages} more pages, "
          f"{elapsed:.2f} s")
    print(summary("one more page (fetchMore)", fetch_times, "ms"))
    print(f"RSS with every row loaded: {rss_mb():.0f} MB")
    db.close()


if __name__ == "__main__":
    main()
