"""Per-group statistics over a flattened batch, vectorised with numpy (no per-response loops)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Groups:
    """Dense group ids for a batch: `index[i]` in 0..count-1, `size[g]` responses per group."""

    index: np.ndarray
    size: np.ndarray
    order: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, group: np.ndarray) -> "Groups":
        """Map arbitrary integer group ids to dense ones, 0..count-1 in sorted id order."""
        _, index = np.unique(group, return_inverse=True)
        index = index.reshape(-1)
        size = np.bincount(index)
        order = np.argsort(index, kind="stable")
        starts = np.concatenate(([0], np.cumsum(size)[:-1])) if size.size else np.zeros(0, dtype=np.int64)
        return cls(index=index, size=size, order=order, starts=starts)

    @property
    def count(self) -> int:
        return int(self.size.shape[0])

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of `values` per group."""
        return np.bincount(self.index, weights=values, minlength=self.count)

    def min(self, values: np.ndarray) -> np.ndarray:
        """Minimum per group."""
        if not self.count:
            return np.zeros(0)
        return np.minimum.reduceat(values[self.order], self.starts)

    def max(self, values: np.ndarray) -> np.ndarray:
        """Maximum per group."""
        if not self.count:
            return np.zeros(0)
        return np.maximum.reduceat(values[self.order], self.starts)

    def masked_mean_std(self, values: np.ndarray, mask: np.ndarray, ddof: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean, standard deviation and count of `values[mask]` per group.

        Groups with no masked member get mean 0 and std 0; with `ddof=1` a group with one
        member gets std 0 (there is no spread to measure).
        """
        weights = mask.astype(np.float64)
        count = np.bincount(self.index, weights=weights, minlength=self.count)
        total = np.bincount(self.index, weights=values * weights, minlength=self.count)
        safe = np.maximum(count, 1.0)
        mean = total / safe
        centred = (values - mean[self.index]) * weights
        square = np.bincount(self.index, weights=centred * centred, minlength=self.count)
        denominator = count - ddof
        std = np.sqrt(np.where(denominator > 0, square / np.maximum(denominator, 1.0), 0.0))
        return mean, std, count
