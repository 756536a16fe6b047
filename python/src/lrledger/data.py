"""Data order indexed by the optimizer step, so a resumed run sees exactly the batches an
uninterrupted one would have seen from that step on."""

from __future__ import annotations

import math
from typing import Any, Dict, List


class StepOrder:
    """Which samples make the batch of each optimizer step.

    Epoch ``e`` visits the ``n`` samples in a permutation drawn from ``(seed, e)`` alone
    (numpy's ``default_rng``), in batches of ``batch_size`` (the last one smaller when
    ``n`` is not a multiple). Step ``s`` is batch ``s % steps_per_epoch`` of epoch
    ``s // steps_per_epoch``. Nothing depends on how many processes the run took::

        order = StepOrder(60000, batch_size=32, seed=7)
        indices = order.indices(step)      # numpy array of sample indices
    """

    def __init__(self, n: int, batch_size: int, seed: int = 0, shuffle: bool = True) -> None:
        if n <= 0:
            raise ValueError(f"StepOrder needs at least one sample, got n={n}")
        if batch_size <= 0:
            raise ValueError(f"batch_size must be > 0, got {batch_size}")
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.steps_per_epoch = math.ceil(n / batch_size)
        self._orders: Dict[int, Any] = {}

    def permutation(self, epoch: int) -> Any:
        """The order of the samples in ``epoch``."""
        order = self._orders.get(epoch)
        if order is None:
            import numpy as np

            if self.shuffle:
                order = np.random.default_rng([self.seed, epoch]).permutation(self.n)
            else:
                order = np.arange(self.n)
            if len(self._orders) > 4:
                self._orders.clear()
            self._orders[epoch] = order
        return order

    def indices(self, step: int) -> Any:
        """The sample indices of the batch used at optimizer step ``step``."""
        epoch, batch = divmod(step, self.steps_per_epoch)
        start = batch * self.batch_size
        return self.permutation(epoch)[start : start + self.batch_size]

    def describe(self) -> Dict[str, Any]:
        """What must stay the same for a resume to continue the same data order."""
        return {"samples": self.n, "batch_size": self.batch_size, "seed": self.seed, "shuffle": self.shuffle}


def take(data: Any, indices: Any) -> Any:
    """``data[indices]`` for an array, or for each array of a list, tuple or dict."""
    if data is None:
        return None
    if isinstance(data, dict):
        return {key: value[indices] for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return type(data)(item[indices] for item in data)
    return data[indices]


def length(data: Any) -> int:
    """The number of samples of an array, or of the first array of a list, tuple or dict."""
    if isinstance(data, dict):
        data = next(iter(data.values()))
    elif isinstance(data, (list, tuple)):
        data = data[0]
    return len(data)


__all__: List[str] = ["StepOrder", "take", "length"]
