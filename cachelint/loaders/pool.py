"""The process pool every parser of a scan uses (Terraform files, application code): the same
parse in parallel, so results are identical to a serial run."""

from __future__ import annotations

from collections.abc import Callable

# A pool pays for itself only on enough text (forking and returning parsed files cost).
MIN_FILES = 16
MIN_BYTES = 64 * 1024


class PoolUnavailable(Exception):
    """No pool can run here: the caller parses serially."""


def worth_a_pool(workers: int, count: int, total_bytes: int) -> bool:
    return workers > 1 and count >= MIN_FILES and total_bytes >= MIN_BYTES


def parse_all(worker: Callable, jobs: list, workers: int) -> list[tuple]:
    """``worker(job)`` for every job, in a pool of ``workers`` processes."""
    import concurrent.futures  # imported here: a scan that needs no pool does not pay for it
    import concurrent.futures.process

    try:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(worker, jobs, chunksize=16))
    except (OSError, concurrent.futures.process.BrokenProcessPool) as exc:
        raise PoolUnavailable(str(exc)) from None
