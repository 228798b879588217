"""CĐS Xã: the commune digital transformation app (core package, no Qt)."""

__version__ = "0.1.0"
