"""The error a bad merge or diff argument raises."""

from __future__ import annotations


class MergeError(ValueError):
    """A merge or diff that cannot run as asked (mismatched models, unknown method, bad layer range, ...)."""
