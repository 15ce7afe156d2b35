"""The built-in reward methods; importing this package registers them."""

from rlvr.rewards.methods import (  # noqa: F401 - imported to register
    correct,
    cosine,
    dapo,
    format_tags,
    group_penalty,
    l1,
    laser,
    laser_d,
    laser_de,
    normalized,
    repetition_penalty,
    thinkprune,
    truncation,
)
