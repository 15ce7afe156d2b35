"""Name -> method class registry, and the default recipes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rlvr.rewards.base import RewardError, RewardMethod

if TYPE_CHECKING:
    from rlvr.rewards.combined import Combined

_METHODS: dict[str, type[RewardMethod]] = {}

# Ready-made rewards: each length method already carries correctness, so a recipe
# never adds "correct" next to one. Weights are relative to the correctness scale.
RECIPES: dict[str, list[tuple[str, float]]] = {
    "correct": [("correct", 1.0)],
    "laser": [("laser", 1.0)],
    "laser_d": [("laser_d", 1.0)],
    "laser_de": [("laser_de", 1.0)],
    "laser_d+format": [("laser_d", 1.0), ("format", 1.0)],
    "kimi": [("group_penalty", 1.0)],
    "l1_exact": [("l1_exact", 1.0)],
    "l1_max": [("l1_max", 1.0)],
    "thinkprune": [("thinkprune", 1.0)],
    "efficiency": [("efficiency", 1.0)],
    "cosine": [("cosine", 1.0)],
    "dapo": [("dapo_overlong", 1.0)],
    "correct+format": [("correct", 1.0), ("format", 1.0)],
}


def register(cls: type[RewardMethod]) -> type[RewardMethod]:
    """Class decorator: make a method available by its `name`."""
    if cls.name in _METHODS and _METHODS[cls.name] is not cls:
        raise RewardError(f"a reward method named {cls.name!r} is already registered")
    _METHODS[cls.name] = cls
    return cls


def _load_builtin() -> None:
    import rlvr.rewards.methods  # noqa: F401 - registers the built-in methods


def names() -> list[str]:
    """Names of every registered method, sorted."""
    _load_builtin()
    return sorted(_METHODS)


def method_class(name: str) -> type[RewardMethod]:
    """The class registered under `name` (RewardError if unknown)."""
    _load_builtin()
    try:
        return _METHODS[name]
    except KeyError:
        raise RewardError(f"unknown reward method {name!r}; choose one of: {', '.join(sorted(_METHODS))}") from None


def get(name: str, **params: Any) -> RewardMethod:
    """A fresh instance of method `name` configured with `params` (its Config fields)."""
    return method_class(name)(**params)


def recipe(name: str) -> "Combined":
    """A default recipe from `RECIPES` as a `Combined` reward."""
    from rlvr.rewards.combined import Combined

    if name not in RECIPES:
        raise RewardError(f"unknown recipe {name!r}; choose one of: {', '.join(RECIPES)}")
    return Combined(RECIPES[name])
