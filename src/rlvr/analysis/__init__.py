"""rlvr.analysis."""
