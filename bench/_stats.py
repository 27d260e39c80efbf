"""Interleaved rounds and their summary: median and spread (p25-p75) of per-round ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    """Median and quartiles of a sample."""

    median: float
    p25: float
    p75: float
    low: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        if not values:
            raise ValueError("no values")
        ordered = sorted(values)
        if len(ordered) == 1:
            only = ordered[0]
            return cls(only, only, only, only, only)
        p25, _, p75 = statistics.quantiles(ordered, n=4, method="inclusive")
        return cls(statistics.median(ordered), p25, p75, ordered[0], ordered[-1])

    def ratio(self) -> str:
        """``1.04x (1.02-1.07)``: median and p25-p75."""
        return f"{self.median:.2f}x ({self.p25:.2f}-{self.p75:.2f})"

    def scaled(self, factor: float, unit: str, digits: int = 1) -> str:
        """``12.3 us (11.0-14.1)``: median and p25-p75 times ``factor``."""
        low, high = self.p25 * factor, self.p75 * factor
        return f"{self.median * factor:.{digits}f} {unit} ({low:.{digits}f}-{high:.{digits}f})"


@dataclass(frozen=True)
class Comparison:
    """A candidate against its baseline: seconds per call of each, and the ratio, per round."""

    baseline: Spread
    candidate: Spread
    ratio: Spread
    #: candidate - baseline seconds per call, per round.
    overhead: Spread
    rounds: int
    calls_per_round: int


#: Calls per alternating chunk inside a round.
CHUNK_CALLS = 10


def _per_call(function: Callable[[], object], calls: int) -> float:
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls


def compare(
    baseline: Callable[[], object], candidate: Callable[[], object], *, rounds: int, calls: int, warm_up: int = 20
) -> Comparison:
    """Time both in alternating chunks of a few calls (A B, then B A, ...), so the drift and bursts of load of a
    shared machine hit both alike.

    The ratio is taken per round (candidate / the baseline of the same round) and then summarised.
    """
    for _ in range(warm_up):
        baseline()
        candidate()
    base_times: list[float] = []
    cand_times: list[float] = []
    chunk = max(1, min(CHUNK_CALLS, calls))
    chunks = max(1, calls // chunk)
    for round_number in range(rounds):
        # Within a round too, short alternating chunks: a burst of load from elsewhere hits both sides.
        base_total = cand_total = 0.0
        for chunk_number in range(chunks):
            if (round_number + chunk_number) % 2 == 0:
                base_total += _per_call(baseline, chunk)
                cand_total += _per_call(candidate, chunk)
            else:
                cand_total += _per_call(candidate, chunk)
                base_total += _per_call(baseline, chunk)
        base_times.append(base_total / chunks)
        cand_times.append(cand_total / chunks)
    return Comparison(
        baseline=Spread.of(base_times),
        candidate=Spread.of(cand_times),
        ratio=Spread.of([c / b for b, c in zip(base_times, cand_times, strict=True)]),
        overhead=Spread.of([c - b for b, c in zip(base_times, cand_times, strict=True)]),
        rounds=rounds,
        calls_per_round=calls,
    )


def verdict(passed: bool) -> str:
    return "met" if passed else "**missed**"
