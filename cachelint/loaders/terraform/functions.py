"""The Terraform built-in functions cachelint evaluates (pure ones only).

Functions that read the clock or the network, and any function not listed here, evaluate to
UNKNOWN, as do calls with an unknown argument (``try``/``coalesce`` aside). ``file()`` and
``fileexists()`` read through the module scope (see evaluate.py), since only it knows where the
module is and which files it may read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from cachelint.values import UNKNOWN, is_known


class FunctionError(ValueError):
    pass


def _tostring(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float, str)):
        return str(v)
    raise FunctionError(f"cannot convert {type(v).__name__} to string")


def _tonumber(v: Any):
    if isinstance(v, bool):
        raise FunctionError("cannot convert bool to number")
    if isinstance(v, (int, float)):
        return v
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise FunctionError(f"cannot convert {v!r} to number") from None
    return int(f) if f.is_integer() else f


def _tobool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if v in ("true", "false"):
        return v == "true"
    raise FunctionError(f"cannot convert {v!r} to bool")


def _lookup(m: dict, key: str, *default):
    if key in m:
        return m[key]
    if default:
        return default[0]
    raise FunctionError(f"key {key!r} not found")


def _merge(*maps):
    out: dict = {}
    for m in maps:
        if m is None:
            continue
        if not isinstance(m, dict):
            raise FunctionError("merge takes maps")
        out.update(m)
    return out


def _flatten(v):
    out = []
    for item in v:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


def _distinct(v):
    out = []
    for item in v:
        if item not in out:
            out.append(item)
    return out


def _format(fmt: str, *args):
    # Terraform's format is printf-like; %s/%d/%v cover what configurations use.
    out, i, n = [], 0, 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%" and i + 1 < len(fmt):
            verb = fmt[i + 1]
            if verb == "%":
                out.append("%")
            else:
                if n >= len(args):
                    raise FunctionError("format: too few arguments")
                out.append(_tostring(args[n]) if verb in "sdvq" else str(args[n]))
                n += 1
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _range(*args):
    nums = [int(a) for a in args]
    if len(nums) > 3 or not nums:
        raise FunctionError("range takes 1 to 3 arguments")
    result = list(range(*nums))
    if len(result) > 1024:
        raise FunctionError("range too large")
    return result


def _element(lst, idx):
    if not lst:
        raise FunctionError("element of empty list")
    return lst[int(idx) % len(lst)]


def _one(lst):
    if len(lst) == 0:
        return None
    if len(lst) == 1:
        return lst[0]
    raise FunctionError("one: more than one element")


def _jsonencode(v):
    return json.dumps(v, separators=(",", ":"), sort_keys=True)


MAX_DECODED_VALUES = 100_000  # a decoded file (YAML aliases expanded) may hold no more


def _plain(v: Any, budget: list[int] | None = None) -> Any:
    """A decoded document as Terraform values: map keys are strings, numbers stay numbers,
    anything else YAML can express (dates, binary) is its text. YAML aliases are copied, as
    Terraform expands them, within a budget (an alias bomb is an error, not a hang)."""
    budget = budget if budget is not None else [MAX_DECODED_VALUES]
    budget[0] -= 1
    if budget[0] < 0:
        raise FunctionError(f"decoded document holds more than {MAX_DECODED_VALUES} values")
    if isinstance(v, dict):
        return {_tostring(k) if not isinstance(k, str) else k: _plain(x, budget)
                for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x, budget) for x in v]
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _yamldecode(text: str) -> Any:
    import yaml

    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        raise FunctionError(f"yamldecode: {str(exc).splitlines()[0]}") from None
    if not documents:
        return None
    if len(documents) != 1:
        # Terraform accepts exactly one document.
        raise FunctionError("yamldecode: the text must hold exactly one YAML document")
    return _plain(documents[0])


def _index_of(lst, value):
    if value in lst:
        return lst.index(value)
    raise FunctionError("index: value not found")


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "title": lambda s: s.title(),
    "trimspace": lambda s: s.strip(),
    "trim": lambda s, chars: s.strip(chars),
    "trimprefix": lambda s, p: s[len(p):] if s.startswith(p) else s,
    "trimsuffix": lambda s, p: s[: -len(p)] if p and s.endswith(p) else s,
    "startswith": lambda s, p: s.startswith(p),
    "endswith": lambda s, p: s.endswith(p),
    "strcontains": lambda s, p: p in s,
    "replace": lambda s, a, b: s.replace(a, b),
    "substr": lambda s, off, ln: s[int(off):] if int(ln) < 0 else s[int(off):int(off) + int(ln)],
    "split": lambda sep, s: s.split(sep),
    "join": lambda sep, lst: sep.join(_tostring(x) for x in lst),
    "format": _format,
    "concat": lambda *lsts: [x for lst in lsts for x in lst],
    "merge": _merge,
    "lookup": _lookup,
    "length": lambda v: len(v),
    "keys": lambda m: sorted(m.keys()),
    "values": lambda m: [m[k] for k in sorted(m.keys())],
    "contains": lambda lst, v: v in lst,
    "element": _element,
    "index": _index_of,
    "flatten": _flatten,
    "distinct": _distinct,
    "compact": lambda lst: [x for x in lst if x not in (None, "")],
    "reverse": lambda lst: list(reversed(lst)),
    "sort": lambda lst: sorted(lst),
    "zipmap": lambda ks, vs: dict(zip(ks, vs, strict=False)),
    "range": _range,
    "one": _one,
    "slice": lambda lst, a, b: lst[int(a):int(b)],
    "tostring": _tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "tolist": lambda v: list(v),
    "toset": lambda v: _distinct(list(v)),
    "tomap": lambda v: dict(v),
    "max": lambda *a: max(a),
    "min": lambda *a: min(a),
    "abs": lambda a: abs(a),
    "ceil": lambda a: math.ceil(a),
    "floor": lambda a: math.floor(a),
    "signum": lambda a: (a > 0) - (a < 0),
    "jsonencode": _jsonencode,
    "jsondecode": lambda s: _plain(json.loads(s)),
    "yamldecode": lambda s: _yamldecode(s),
    "sum": lambda lst: sum(lst),
}

# Functions whose result depends on a collection's shape, not on its elements: an unknown
# element does not make ``length([x, "a"])`` unknown, as in Terraform.
_SHALLOW = {"length", "keys", "concat", "merge", "flatten", "tolist", "tomap", "reverse",
            "slice", "element", "lookup", "one", "coalescelist", "zipmap", "values"}


def _shallow_known(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    if isinstance(value, list):
        return all(_shallow_known(v) if isinstance(v, list) else True for v in value)
    return is_known(value)


def call(name: str, args: list) -> Any:
    """Apply a pure built-in; UNKNOWN when the function or an argument it needs is not known."""
    name = name.removeprefix("provider::terraform::")
    fn = FUNCTIONS.get(name)
    if fn is None:
        return UNKNOWN
    known = _shallow_known if name in _SHALLOW else is_known
    if not all(known(a) for a in args):
        return UNKNOWN
    try:
        return fn(*args)
    except FunctionError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError,
            OverflowError, RecursionError) as exc:
        raise FunctionError(f"{name}: {exc}") from None
