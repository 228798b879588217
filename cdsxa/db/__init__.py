"""Persistence: SQLAlchemy models, the engine, the change log and migrations."""
