"""The error bad metric input raises."""

from __future__ import annotations


class AnalysisError(ValueError):
    """Bad input to a metric (k larger than the sample count, negative lengths, ...)."""
