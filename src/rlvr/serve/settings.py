"""What a running `rlvr serve` is configured with, validated once at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DEFAULT_TIMEOUT = 2.0
DEFAULT_WORKERS = 8
DEFAULT_MAX_ITEMS = 4096
DEFAULT_MAX_RESPONSE_CHARS = 200_000
# The verifier refuses longer golds anyway; rlvr's task problems are under 5,000 characters.
DEFAULT_MAX_GOLD_CHARS = 2_000
DEFAULT_MAX_PROBLEM_CHARS = 100_000
# 4,096 responses of ~8,000 characters fit with room for JSON escapes.
DEFAULT_MAX_BODY_MB = 64
# Parsed rows (gold answers, task problems) kept for reuse, by approximate size.
DEFAULT_CACHE_MB = 64
# Open connections beyond this evict idle ones; uvicorn answers 503 to requests beyond it.
DEFAULT_MAX_CONNECTIONS = 1000
# Seconds a connection may stay open without a request in progress.
DEFAULT_KEEP_ALIVE = 5.0
# A checker past its own bound by this much is given up on (its thread cannot be killed).
DEADLINE_GRACE = 5.0
# Seconds a one-sample request of a group-based reward is held for the rest of its group.
# OpenRLHF's client gives up on a request after 180 s and sends it again (5 tries), and a
# resent sample takes its held place, so a group may take longer than one try to fill.
DEFAULT_GROUP_TIMEOUT = 600.0


class ServeError(ValueError):
    """Bad server configuration or a bad request; the message says what to fix."""


@dataclass(frozen=True)
class ServeSettings:
    """Server options.

    rewards:            method or recipe name, `"name:weight,..."`, or a list of pairs (for /reward).
    params:             per-method parameters, `{"laser_d": {"monitor_every": 20}}`.
    timeout:            seconds allowed to check one response.
    workers:            threads checking responses in parallel.
    max_items:          most items (or queries) one request may carry.
    max_response_chars: longest response (or query) accepted, in characters.
    max_gold_chars:     longest gold answer accepted, in characters.
    max_problem_chars:  longest problem_json accepted, in characters.
    max_body_mb:        largest request body, in MiB; bigger ones get a 413 before they are read.
    cache_mb:           memory, in MiB (approximate), for parsed rows kept between requests.
    n_samples:          responses per prompt (group-based rewards): consecutive in a request, or
                        collected across one-sample requests of the same prompt and label.
    group_timeout:      seconds a one-sample request waits for the rest of its group.
    prompts_per_step:   prompts per training step (stateful rewards count steps with it).
    max_length:         generation limit in tokens; responses reaching it count as truncated.
    tokenizer:          local tokenizer folder, or a loaded tokenizer, to count response tokens.
    """

    rewards: Any = "correct"
    params: Mapping[str, Mapping[str, Any]] | None = None
    timeout: float = DEFAULT_TIMEOUT
    workers: int = DEFAULT_WORKERS
    max_items: int = DEFAULT_MAX_ITEMS
    max_response_chars: int = DEFAULT_MAX_RESPONSE_CHARS
    max_gold_chars: int = DEFAULT_MAX_GOLD_CHARS
    max_problem_chars: int = DEFAULT_MAX_PROBLEM_CHARS
    max_body_mb: float = DEFAULT_MAX_BODY_MB
    cache_mb: float = DEFAULT_CACHE_MB
    n_samples: int | None = None
    group_timeout: float = DEFAULT_GROUP_TIMEOUT
    prompts_per_step: int | None = None
    max_length: int | None = None
    tokenizer: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if isinstance(self.timeout, bool) or not isinstance(self.timeout, (int, float)) or not 0 < self.timeout <= 600:
            raise ServeError(f"timeout must be a number of seconds in (0, 600], got {self.timeout!r}")
        if isinstance(self.group_timeout, bool) or not isinstance(self.group_timeout, (int, float)) or not 0 < self.group_timeout <= 86400:
            raise ServeError(f"group_timeout must be a number of seconds in (0, 86400], got {self.group_timeout!r}")
        _positive("workers", self.workers)
        _positive("max_items", self.max_items)
        _positive("max_response_chars", self.max_response_chars)
        _positive("max_gold_chars", self.max_gold_chars)
        _positive("max_problem_chars", self.max_problem_chars)
        _megabytes("max_body_mb", self.max_body_mb, minimum=1 / 1024)
        _megabytes("cache_mb", self.cache_mb, minimum=0)
        for name in ("n_samples", "prompts_per_step", "max_length"):
            if getattr(self, name) is not None:
                _positive(name, getattr(self, name))
        if self.n_samples is not None and self.n_samples > self.max_items:
            raise ServeError(f"n_samples ({self.n_samples}) is larger than max_items ({self.max_items}); no request could hold a group")

    @property
    def item_deadline(self) -> float:
        """Seconds after which a response still being checked is given up on as a timeout."""
        return float(self.timeout) + DEADLINE_GRACE


    @property
    def max_body_bytes(self) -> int:
        """The request body limit in bytes."""
        return int(self.max_body_mb * 2**20)


def _megabytes(name: str, value: Any, minimum: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not minimum <= value <= 2**20:
        raise ServeError(f"{name} must be a number of MiB in [{minimum:g}, {2**20}], got {value!r}")


def _positive(name: str, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ServeError(f"{name} must be a whole number >= 1, got {value!r}")
