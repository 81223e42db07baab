"""Functions and ECS task containers: what runs application code, with its environment."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cachelint.model import Function, Source
from cachelint.values import UNKNOWN, pairs


def task_containers(definitions: Any, keys: tuple[str, str, str, str],
                    source: Callable[[dict], Source], fallback: Callable[[int], str]
                    ) -> list[Function]:
    """A task definition's container definitions -> one Function each: its name (else
    ``fallback(index)``) and its environment. ``keys`` are the source's names for a
    container's name and environment and for an entry's name and value."""
    if not isinstance(definitions, list):
        return []
    name_key, env_key, entry_name, entry_value = keys
    out = []
    for i, container in enumerate(definitions):
        if not isinstance(container, dict):
            continue
        name = container.get(name_key)
        out.append(Function(source=source(container),
                            name=name if isinstance(name, str) else fallback(i),
                            environment=pairs(container.get(env_key), entry_name, entry_value)))
    return out


def replicas(desired_counts: list[Any]) -> Any:
    """How many copies of a task run at once (model.Function.replicas), from the desired counts
    of the services that run it: the largest; UNKNOWN where one is unknown; None where no
    service of the scan runs the task."""
    if not desired_counts:
        return None
    if any(not isinstance(c, int) for c in desired_counts):
        return UNKNOWN
    return max(desired_counts)
