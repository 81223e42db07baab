"""Values that may not be known statically.

*Unknown is not false*: a value that cannot be evaluated (a variable without a default, a data
source, a computed attribute) is ``UNKNOWN``, and every comparison with it is unknown too, so no
rule fires on what cachelint could not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class _Unknown:
    __slots__ = ()
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; test it with is_known()")

    def __reduce__(self):
        return (_Unknown, ())


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True, slots=True)
class Symbol:
    """A computed attribute of another resource (``aws_x.y.id``): unknown as a value, but it
    still names the resource, so loaders can link one resource to another through it."""

    address: str
    attribute: str

    def __str__(self) -> str:
        return f"{self.address}.{self.attribute}"


def is_known(value: Any) -> bool:
    """True if ``value`` (recursively) holds no unknown part."""
    if value is UNKNOWN or isinstance(value, Symbol):
        return False
    if isinstance(value, (list, tuple)):
        return all(is_known(v) for v in value)
    if isinstance(value, dict):
        return all(is_known(v) for v in value.values())
    return True
