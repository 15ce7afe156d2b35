"""The one error type of rlvr.decoding."""


class DecodingError(ValueError):
    """Bad decoding arguments (unknown strategy, K < 1, tau <= 0, ...)."""
