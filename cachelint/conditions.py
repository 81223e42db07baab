"""Declarative rule conditions over the model, in three-valued logic.

A condition is ``{all: [...]}``, ``{any: [...]}``, ``{not: ...}`` or a test
``{field: dotted.path, <op>: value}`` with op one of eq, ne, in, not_in, lt, le, gt, ge.
Any test of an UNKNOWN value is UNKNOWN, and a rule fires only when its condition is True, so
no rule fires on what could not be read.
"""

from __future__ import annotations

import operator
from typing import Any

from cachelint.values import UNKNOWN

_OPS = {
    "eq": operator.eq, "ne": operator.ne,
    "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
    "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
}


def resolve(subject: Any, path: str) -> Any:
    value = subject
    for part in path.split("."):
        if value is UNKNOWN:
            return UNKNOWN
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part)
    return value


def evaluate(cond: dict, subject: Any) -> Any:
    """True, False or UNKNOWN."""
    if "all" in cond:
        results = [evaluate(c, subject) for c in cond["all"]]
        if any(r is False for r in results):
            return False
        return True if all(r is True for r in results) else UNKNOWN
    if "any" in cond:
        results = [evaluate(c, subject) for c in cond["any"]]
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else UNKNOWN
    if "not" in cond:
        r = evaluate(cond["not"], subject)
        return UNKNOWN if r is UNKNOWN else not r
    value = resolve(subject, cond["field"])
    if value is UNKNOWN:
        return UNKNOWN
    for name, fn in _OPS.items():
        if name in cond:
            expected = cond[name]
            if name in ("lt", "le", "gt", "ge") and not isinstance(value, (int, float)):
                return False if value is None else UNKNOWN
            try:
                return bool(fn(value, expected))
            except TypeError:
                return UNKNOWN
    raise ValueError(f"condition has no operator: {cond}")


def last_field(cond: dict) -> str | None:
    """The last field a condition tests (depth first, from the end of each ``all``/``any``):
    the value that makes the finding, by convention, and so the one a finding points at."""
    if "field" in cond:
        return cond["field"]
    for key in ("all", "any"):
        if key in cond:
            for c in reversed(cond[key]):
                found = last_field(c)
                if found:
                    return found
    return None
