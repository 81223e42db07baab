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

# Stands for a part of a text that could not be evaluated (a variable without a value inside
# "arn:aws:apigateway:${var.region}:..."), where a reader keeps the rest of the text because
# the part it needs may still be read. Never a value on its own: only inside such a text.
UNREAD = "\x00"


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


# --- conversions every loader applies to what it read -------------------------------------


def as_bool(value: Any) -> Any:
    """Terraform booleans may be written as strings ("true")."""
    if value is None or value is UNKNOWN or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return UNKNOWN


def as_int(value: Any) -> Any:
    if value is None or value is UNKNOWN:
        return value
    if isinstance(value, bool):
        return UNKNOWN
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return UNKNOWN
    return UNKNOWN


def as_str(value: Any) -> Any:
    if value is None or value is UNKNOWN or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return UNKNOWN


def as_str_tuple(value: Any) -> Any:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        if not all(isinstance(v, str) for v in value):
            return UNKNOWN
        return tuple(value)
    return UNKNOWN


def as_str_map(value: Any) -> Any:
    """A map read from a source: None when not written, a dict (its unknown values kept as
    they are), or UNKNOWN when it is not a map or its keys could not be read."""
    if value is None or value is UNKNOWN:
        return value
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return dict(value)
    return UNKNOWN


def ref_key(value: Any) -> Any:
    """A linking key for a reference: the address behind a symbol, or the literal value."""
    if isinstance(value, Symbol):
        return value.address
    if is_known(value) and isinstance(value, (str, int)):
        return value
    return None


def pairs(entries: Any, key: str, value: str) -> Any:
    """A list of ``{key: ..., value: ...}`` objects (an ECS container's environment, in either
    source's spelling) as a dict; None: {}; anything else: UNKNOWN. An entry without its value
    keeps the name with an UNKNOWN value."""
    if entries is None:
        return {}
    if not isinstance(entries, list):
        return UNKNOWN
    return {e[key]: e.get(value, UNKNOWN) for e in entries
            if isinstance(e, dict) and isinstance(e.get(key), str)}


def text_or(value: Any, fallback: str) -> str:
    """``value`` if it is a known, non-empty string, else ``fallback`` (a name to show)."""
    return value if isinstance(value, str) and value else fallback
