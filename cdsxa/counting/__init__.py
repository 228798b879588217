"""Counting services: commune indicators computed from the records, with drill-down.

`cdsxa.counting.indicators` is the entry point (compute, records_behind, breakdowns, CLI);
the modules here hold the definitions (`definitions`), the shared SQL predicates
(`scope`), the aggregate queries (`totals`), the drill-down (`drilldown`) and the
dashboard breakdowns (`breakdowns`).
"""
