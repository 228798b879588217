"""Reproducible demo data for a mountain commune (trying the app, benchmarks)."""
