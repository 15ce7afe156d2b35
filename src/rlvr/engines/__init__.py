"""rlvr.engines."""
