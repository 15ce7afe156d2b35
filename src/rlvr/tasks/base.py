"""The task protocol: a family of verifiable problems with a difficulty dial.

A family is one module in `rlvr.tasks.families`: a `Task` subclass decorated with
`@register`, with a dataclass `Config` whose knobs `config_for(difficulty)` derives
monotonically from a difficulty of 1..10. Problems are deterministic: item i depends
only on (family, seed, difficulty, i).
"""

from __future__ import annotations

import hashlib
import random
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from functools import lru_cache
from typing import Any, ClassVar

from rlvr.verify.verdict import Reason, Verdict

MIN_DIFFICULTY = 1
MAX_DIFFICULTY = 10

ANSWER_INSTRUCTION = "Think it through, then give only your final answer inside <answer></answer> tags."


class TaskError(ValueError):
    """Bad arguments to a task (unknown family, difficulty out of range, ...)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One verifiable problem. `answer` always holds one valid solution.

    `metadata` is JSON-serialisable and holds everything `check` needs beyond
    `answer` (the puzzle itself for rule-checked families), plus the difficulty
    knobs that produced it.
    """

    id: str
    task: str
    prompt: str
    answer: str
    difficulty: int
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Problem":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


_THINK_END = re.compile(r"</think>", re.IGNORECASE)
_ANSWER_TAG = re.compile(r"<answer>(.*?)</answer>", re.IGNORECASE | re.DOTALL)
_ANSWER_OPEN = re.compile(r"<answer>", re.IGNORECASE)
_ANSWER_CLOSE = re.compile(r"</answer>", re.IGNORECASE)


def after_thinking(response: str) -> str:
    """The part of `response` after the last `</think>` (all of it when there is none).

    The whole response is read, however long: every scan here is linear, so there is no
    length cut that could silently drop an answer.
    """
    end = 0
    for match in _THINK_END.finditer(response):
        end = match.end()
    return response[end:]


def extract_answer(response: str) -> str | None:
    """The content of the last `<answer>...</answer>` after any `</think>`, stripped.

    Returns None when there is no such tag. Text inside the reasoning block is
    never taken as the answer. The whole response is searched, however long.
    """
    if not isinstance(response, str):
        return None
    text = after_thinking(response)
    # Same pairing as `_ANSWER_TAG.findall(text)[-1]`, but linear: the non-greedy regex rescans
    # to the end for every unclosed <answer>, which is quadratic on hostile input.
    last = None
    position = 0
    while True:
        opening = _ANSWER_OPEN.search(text, position)
        if opening is None:
            break
        closing = _ANSWER_CLOSE.search(text, opening.end())
        if closing is None:
            break
        last = text[opening.end():closing.start()]
        position = closing.end()
    return None if last is None else last.strip()


_INTEGER = re.compile(r"[+-]?\d{1,400}")
_DIGITS = "0123456789"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def mangle_answer(gold: str, rng: random.Random) -> str:
    """`gold` changed just enough to be a different answer of the same shape."""
    text = gold.strip()
    if _INTEGER.fullmatch(text):
        return str(int(text) + rng.choice((-1, 1)) * rng.randint(1, 9))
    positions = [i for i, ch in enumerate(text) if ch.isalnum()]
    if not positions:
        return text + " 0"
    i = rng.choice(positions)
    pool = _DIGITS if text[i].isdigit() else _LETTERS.upper() if text[i].isupper() else _LETTERS
    replacement = rng.choice([ch for ch in pool if ch != text[i].lower() and ch != text[i]])
    return text[:i] + replacement + text[i + 1:]


@lru_cache(maxsize=512)
def _stream_hasher(task: str, seed: int, difficulty: int, digest_size: int = 8) -> Any:
    return hashlib.blake2b(f"{task}|{seed}|{difficulty}|".encode(), digest_size=digest_size)


_MASK64 = (1 << 64) - 1
_GOLDEN64 = 0x9E3779B97F4A7C15
_SLACK_BITS = 32  # a bounded draw needs this many spare bits: bias below 2**-32
_LIGHT_DIGEST_BYTES = 32


class LightRandom(random.Random):
    """A `random.Random` that seeds in O(1), for items that draw only a handful of numbers.

    Seeding a Mersenne Twister mixes 624 words, which costs more than a whole item of a
    family such as `arithmetic`. This generator keeps a pool of random bits: bounded
    draws take `pool mod n` while at least 32 spare bits remain (bias below 2**-32),
    `getrandbits` takes low bits exactly, and an empty pool is refilled 64 bits at a
    time by splitmix64 (Steele, Lea and Flood, 2014). `from_digest` fills the first
    pool straight from a hash digest. Every `random.Random` method (choice, shuffle,
    sample, ...) works on top of it.
    """

    def seed(self, a: Any = None, version: int = 2) -> None:  # noqa: ARG002 - Random's signature
        """Seed from an int, str or bytes (hashed, so nearby seeds give unrelated streams)."""
        if a is None:
            a = random.getrandbits(256)
        if isinstance(a, int):
            key = a.to_bytes(a.bit_length() // 8 + 1, "little", signed=True)
        elif isinstance(a, str):
            key = a.encode()
        elif isinstance(a, (bytes, bytearray)):
            key = bytes(a)
        else:
            raise TypeError(f"LightRandom seeds must be int, str or bytes, not {type(a).__name__}")
        self._load(hashlib.blake2b(key, digest_size=_LIGHT_DIGEST_BYTES).digest())

    @classmethod
    def from_digest(cls, digest: bytes) -> "LightRandom":
        """A generator whose first pool is `digest` (uniformly random bytes, e.g. a blake2b hash)."""
        rng = cls.__new__(cls)
        rng._load(digest)
        return rng

    def _load(self, digest: bytes) -> None:
        self._pool = int.from_bytes(digest, "little")
        self._bits = 8 * len(digest)
        self._state = self._pool >> max(self._bits - 64, 0)  # splitmix64 starts from the top word
        self.gauss_next = None

    def _next64(self) -> int:
        self._state = state = (self._state + _GOLDEN64) & _MASK64
        z = ((state ^ (state >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        return z ^ (z >> 31)

    def _refill(self, bits: int) -> None:
        # The pool may hold a little more than `_bits` (bounded draws count whole bits);
        # dropping the excess keeps it from growing over a long stream.
        self._pool &= (1 << self._bits) - 1
        while self._bits < bits:
            self._pool = (self._pool << 64) | self._next64()
            self._bits += 64

    def getrandbits(self, k: int) -> int:
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        if self._bits < k:
            self._refill(k)
        value = self._pool & ((1 << k) - 1)
        self._pool >>= k
        self._bits -= k
        return value

    def random(self) -> float:
        return self.getrandbits(53) * (1.0 / 9007199254740992.0)

    def _randbelow(self, n: int) -> int:
        width = n.bit_length()
        if self._bits < width + _SLACK_BITS:
            self._refill(width + _SLACK_BITS)
        self._pool, value = divmod(self._pool, n)
        self._bits -= width
        return value

    def getstate(self) -> tuple[Any, ...]:
        return self._pool, self._bits, self._state, self.gauss_next

    def setstate(self, state: tuple[Any, ...]) -> None:
        self._pool, self._bits, self._state, self.gauss_next = state


def item_rng(task: str, seed: int, difficulty: int, index: int, light: bool = False) -> random.Random:
    """A private RNG for one item, so item i never depends on items before it.

    Seeded from blake2b of "task|seed|difficulty|index"; the hasher of the shared prefix is
    reused (hashing is incremental, so the digest is the same as hashing the whole key).
    `light` gives a `LightRandom` over a 256-bit digest (cheap to seed, for items that draw
    only a few numbers) instead of a Mersenne Twister.
    """
    hasher = _stream_hasher(task, seed, difficulty, _LIGHT_DIGEST_BYTES if light else 8).copy()
    hasher.update(str(index).encode())
    digest = hasher.digest()
    return LightRandom.from_digest(digest) if light else random.Random(int.from_bytes(digest, "big"))


class Task(ABC):
    """Base class of a task family.

    Subclasses set `name`, `description`, `answer_format` and `Config`, and
    implement `config_for`, `make` and `check`.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    answer_format: ClassVar[str] = ""
    category: ClassVar[str] = ""
    Config: ClassVar[type]
    # Families whose items draw only a few numbers use LightRandom: seeding a Mersenne
    # Twister would cost more than the rest of the item.
    light_rng: ClassVar[bool] = False
    # The longest one check may legitimately run, when its own bound is longer than the
    # engines' verifier timeout (code families run programs for seconds); hosts that give
    # up on a check past a deadline (rlvr serve) allow at least this long.
    check_seconds: ClassVar[float | None] = None

    def __init__(self, **overrides: Any) -> None:
        # Overrides pin knobs regardless of difficulty (e.g. size=6 for sudoku).
        self.overrides = overrides

    @abstractmethod
    def config_for(self, difficulty: int) -> Any:
        """The family's knobs at this difficulty (monotone in difficulty)."""

    @abstractmethod
    def make(self, rng: random.Random, config: Any) -> tuple[str, str, dict[str, Any]]:
        """Build one problem: (prompt, answer, metadata)."""

    @abstractmethod
    def check(self, problem: Problem, response: str) -> Verdict:
        """Judge a full model response (answer inside <answer></answer>).

        Total: every string gets a `Verdict`, never an exception. The final answer is
        searched in the whole response (after the last `</think>`), however long; the
        answer itself is capped (4,096 characters in most families) before it is parsed.
        """

    def resolved_config(self, difficulty: int) -> Any:
        if not isinstance(difficulty, int) or not MIN_DIFFICULTY <= difficulty <= MAX_DIFFICULTY:
            raise TaskError(f"difficulty must be an integer from {MIN_DIFFICULTY} to {MAX_DIFFICULTY}, got {difficulty!r}")
        config = self.config_for(difficulty)
        if self.overrides:
            if not is_dataclass(config):
                raise TaskError(f"{self.name} takes no knob overrides")
            names = {f.name for f in fields(config)}
            unknown = set(self.overrides) - names
            if unknown:
                raise TaskError(f"{self.name} has no knob(s) {sorted(unknown)}; knobs: {sorted(names)}")
            _check_overrides(self.name, config, self.overrides)
            config = type(config)(**{**asdict(config), **self.overrides})
        return config

    def _config_and_knobs(self, difficulty: int) -> tuple[Any, dict[str, Any]]:
        # Resolved once per difficulty: generation calls this for every item.
        cache = self.__dict__.setdefault("_resolved", {})
        if difficulty not in cache:
            config = self.resolved_config(difficulty)
            # Knobs are flat values, so a shallow read is enough (and much cheaper than asdict).
            knobs = {name: getattr(config, name) for name in _knob_names(type(config))} if is_dataclass(config) else {}
            cache[difficulty] = (config, knobs)
        return cache[difficulty]

    def problem(self, index: int, seed: int = 0, difficulty: int = 5) -> Problem:
        """Item `index` of the stream for (seed, difficulty)."""
        config, knobs = self._config_and_knobs(difficulty)
        rng = item_rng(self.name, seed, difficulty, index, light=self.light_rng)
        if not self.overrides:
            prompt, answer, metadata = self.make(rng, config)
        else:
            try:
                prompt, answer, metadata = self.make(rng, config)
            except TaskError:
                raise
            except Exception as error:  # noqa: BLE001 - a pinned knob the generator cannot honour
                pinned = ", ".join(f"{name}={value!r}" for name, value in sorted(self.overrides.items()))
                raise TaskError(f"{self.name} cannot generate with {pinned}: {type(error).__name__}: {error}"[:300]) from None
        metadata = {**metadata, "knobs": dict(knobs), "seed": seed, "index": index}
        return Problem(
            id=f"{self.name}-d{difficulty}-s{seed}-{index}",
            task=self.name,
            prompt=prompt,
            answer=answer,
            difficulty=difficulty,
            metadata=metadata,
        )

    def generate(self, n: int, seed: int = 0, difficulty: int = 5, start: int = 0) -> Iterator[Problem]:
        """Yield `n` problems deterministically (item i depends only on seed, difficulty and i)."""
        if n < 0:
            raise TaskError(f"n must be >= 0, got {n}")
        for index in range(start, start + n):
            yield self.problem(index, seed=seed, difficulty=difficulty)

    def distinct(self, n: int, seed: int = 0, difficulty: int = 5, max_draws: int | None = None) -> list[Problem]:
        """Up to `n` problems with pairwise different prompts, in stream order.

        Small spaces repeat prompts (difficulty 1 of `arithmetic` has 100 sums), and a repeated
        prompt in an evaluation set only re-weights it. Draws stop after `max_draws` items
        (default 10n + 100, enough to find every item of a 100-item space with probability
        > 0.9999), so fewer than `n` come back when the space is smaller than `n`.
        """
        if n < 0:
            raise TaskError(f"n must be >= 0, got {n}")
        limit = 10 * n + 100 if max_draws is None else max_draws
        if limit < 0:
            raise TaskError(f"max_draws must be >= 0, got {max_draws}")
        found: dict[str, Problem] = {}
        for index in range(limit):
            if len(found) == n:
                break
            problem = self.problem(index, seed=seed, difficulty=difficulty)
            found.setdefault(problem.prompt, problem)
        return list(found.values())

    def score(self, problem: Problem, response: str) -> float:
        return self.check(problem, response).score

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """A wrong answer to `problem`, well-formed where possible (for negative tests).

        The default mangles the gold: an integer moves by a non-zero offset, anything
        else has one character replaced. Families whose puzzles admit several valid
        solutions override this so the result is guaranteed to break a rule.
        """
        return mangle_answer(problem.answer, rng)

    # Helpers for subclasses -------------------------------------------------

    @staticmethod
    def no_answer(detail: str = "no <answer></answer> tag in the response") -> Verdict:
        return Verdict(correct=False, reason=Reason.NO_ANSWER, detail=detail)


def _check_overrides(name: str, config: Any, overrides: dict[str, Any]) -> None:
    """Pinned knobs keep their knob's type, and no knob (none is negative at any level) is pinned below 0."""
    for knob, value in overrides.items():
        default = getattr(config, knob)
        if isinstance(default, bool) or isinstance(value, bool):
            if type(value) is not type(default):
                raise TaskError(f"{name} knob {knob} takes {type(default).__name__}, got {value!r}")
            continue
        if isinstance(default, (int, float)):
            if not isinstance(value, (int, float)) or (isinstance(default, int) and not isinstance(value, int)):
                raise TaskError(f"{name} knob {knob} takes {type(default).__name__}, got {value!r}")
            if default >= 0 and value < 0:
                raise TaskError(f"{name} knob {knob} must be >= 0, got {value!r}")


@lru_cache(maxsize=None)
def _knob_names(config_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(config_type))


_REGISTRY: dict[str, type[Task]] = {}


def register(cls: type[Task]) -> type[Task]:
    """Class decorator: add a family to the registry under `cls.name`."""
    name = getattr(cls, "name", None)
    if not name or not re.fullmatch(r"[a-z0-9_]+", name):
        raise TaskError(f"task class {cls.__name__} needs a lowercase snake_case `name`")
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise TaskError(f"two task families named {name!r}")
    _REGISTRY[name] = cls
    return cls


@lru_cache(maxsize=1)
def _load_families() -> None:
    # Once per process: scanning the package directory costs ~3 ms, and `get` runs for every
    # checked record (`rlvr tasks check`, reward functions).
    import importlib
    import pkgutil

    from rlvr.tasks import families

    for module in pkgutil.iter_modules(families.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{families.__name__}.{module.name}")


def names() -> list[str]:
    """The registered family names, sorted."""
    _load_families()
    return sorted(_REGISTRY)


def get(name: str, **overrides: Any) -> Task:
    """An instance of the family `name`; keyword arguments pin knobs."""
    _load_families()
    try:
        cls = _REGISTRY[name]
    except KeyError:
        raise TaskError(f"unknown task {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None
    return cls(**overrides)
