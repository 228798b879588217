"""Protecting citizens' data: the data key, its wraps, and encryption of files."""
