"""rlvr.serve."""
