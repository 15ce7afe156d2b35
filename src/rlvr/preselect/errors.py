"""The error a bad PreSelect argument raises."""

from __future__ import annotations


class PreselectError(ValueError):
    """Bad PreSelect input (too few models, a count mismatch, an empty pool, an unreadable file, ...)."""
