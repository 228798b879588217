"""Sync with the province hub. Today: the local state of what waits to be sent."""
