"""rlvr.evaluate."""
