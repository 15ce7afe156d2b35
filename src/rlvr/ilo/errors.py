"""The error bad ILO input raises."""

from __future__ import annotations


class IloError(ValueError):
    """Input `rlvr ilo` cannot use (a malformed TSV, too few sentences, a model without hidden states, ...)."""
