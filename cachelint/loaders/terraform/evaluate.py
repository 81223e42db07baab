"""Evaluate Terraform expressions as far as they can be known statically."""

from __future__ import annotations

from typing import Any, Protocol

from cachelint.loaders.terraform import functions
from cachelint.loaders.terraform.syntax import (
    BinOp, Call, Cond, ForExpr, GetAttr, Index, Lit, Name, ObjectExpr, Opaque, Splat, Template,
    TupleExpr, UnOp,
)
from cachelint.values import UNKNOWN, Symbol, is_known

MAX_DEPTH = 64
MAX_ITEMS = 10_000


class Lazy(Protocol):
    """A value whose attributes are evaluated on access (a resource, a module instance)."""

    def attribute(self, name: str) -> Any: ...


class Scope(Protocol):
    def lookup(self, name: str) -> Any: ...


class _Overlay:
    def __init__(self, parent: Any, names: dict[str, Any]):
        self.parent = parent
        self.names = names

    def lookup(self, name: str) -> Any:
        if name in self.names:
            return self.names[name]
        return self.parent.lookup(name)


def evaluate(expr: Any, scope: Scope, depth: int = 0) -> Any:
    """Evaluate ``expr`` in ``scope``; whatever cannot be known is UNKNOWN (never an exception)."""
    if depth > MAX_DEPTH:
        return UNKNOWN
    try:
        return _eval(expr, scope, depth + 1)
    except (functions.FunctionError, TypeError, ValueError, KeyError, IndexError,
            AttributeError, ZeroDivisionError, OverflowError, RecursionError):
        return UNKNOWN


def _eval(e: Any, scope: Scope, depth: int) -> Any:  # noqa: C901 - a dispatch over node types
    if isinstance(e, Lit):
        return e.value
    if isinstance(e, Name):
        return scope.lookup(e.name)
    if isinstance(e, GetAttr):
        return get_attr(evaluate(e.obj, scope, depth), e.name)
    if isinstance(e, Index):
        return index(evaluate(e.obj, scope, depth), evaluate(e.key, scope, depth))
    if isinstance(e, Template):
        if len(e.parts) == 1 and not isinstance(e.parts[0], str):
            return evaluate(e.parts[0], scope, depth)
        out = []
        for part in e.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = evaluate(part, scope, depth)
            if not is_known(value) or isinstance(value, (list, dict)):
                return UNKNOWN
            out.append(functions.call("tostring", [value]))
        return "".join(out)
    if isinstance(e, TupleExpr):
        return [evaluate(i, scope, depth) for i in e.items]
    if isinstance(e, ObjectExpr):
        out: dict = {}
        for k, v in e.items:
            key = evaluate(k, scope, depth)
            if not is_known(key):
                return UNKNOWN
            out[functions.call("tostring", [key])] = evaluate(v, scope, depth)
        return out
    if isinstance(e, Cond):
        cond = evaluate(e.cond, scope, depth)
        if cond is True:
            return evaluate(e.then, scope, depth)
        if cond is False:
            return evaluate(e.other, scope, depth)
        # Both branches agreeing is as good as knowing the condition.
        a, b = evaluate(e.then, scope, depth), evaluate(e.other, scope, depth)
        return a if is_known(a) and a == b else UNKNOWN
    if isinstance(e, BinOp):
        return _binop(e.op, e, scope, depth)
    if isinstance(e, UnOp):
        v = evaluate(e.operand, scope, depth)
        if not is_known(v):
            return UNKNOWN
        if e.op == "!":
            return (not v) if isinstance(v, bool) else UNKNOWN
        return -v if isinstance(v, (int, float)) and not isinstance(v, bool) else UNKNOWN
    if isinstance(e, Call):
        return _call(e, scope, depth)
    if isinstance(e, ForExpr):
        return _for(e, scope, depth)
    if isinstance(e, Splat):
        base = evaluate(e.obj, scope, depth)
        if base is UNKNOWN:
            return UNKNOWN
        items = base if isinstance(base, list) else ([] if base is None else [base])
        out = []
        for item in items:
            for kind, arg in e.steps:
                item = get_attr(item, arg) if kind == "attr" else index(
                    item, evaluate(arg, scope, depth))
            out.append(item)
        return out
    if isinstance(e, Opaque):
        return UNKNOWN
    return UNKNOWN


def get_attr(obj: Any, name: str) -> Any:
    if hasattr(obj, "attribute"):
        return obj.attribute(name)
    if isinstance(obj, dict):
        return obj.get(name, UNKNOWN)
    if isinstance(obj, Symbol):
        return Symbol(obj.address, f"{obj.attribute}.{name}")
    return UNKNOWN


def index(obj: Any, key: Any) -> Any:
    if not is_known(key):
        return UNKNOWN
    if hasattr(obj, "item"):
        return obj.item(key)
    if isinstance(obj, list) and isinstance(key, (int, float)) and not isinstance(key, bool):
        i = int(key)
        return obj[i] if 0 <= i < len(obj) else UNKNOWN
    if isinstance(obj, dict):
        return obj.get(functions.call("tostring", [key]), UNKNOWN)
    return UNKNOWN


_ARITH = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
          "/": lambda a, b: a / b, "%": lambda a, b: a % b}
_COMPARE = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b}


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _binop(op: str, e: BinOp, scope: Scope, depth: int) -> Any:
    left = evaluate(e.left, scope, depth)
    if op == "&&" and left is False:
        return False
    if op == "||" and left is True:
        return True
    right = evaluate(e.right, scope, depth)
    if op in ("&&", "||"):
        if op == "&&" and right is False or op == "||" and right is True:
            return right
        if isinstance(left, bool) and isinstance(right, bool):
            return (left and right) if op == "&&" else (left or right)
        return UNKNOWN
    if not is_known(left) or not is_known(right):
        return UNKNOWN
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op in _ARITH:
        left = functions.call("tonumber", [left]) if isinstance(left, str) else left
        right = functions.call("tonumber", [right]) if isinstance(right, str) else right
        if not (_number(left) and _number(right)):
            return UNKNOWN
        result = _ARITH[op](left, right)
        if isinstance(result, float) and result.is_integer() and op != "/":
            return int(result)
        return int(result) if isinstance(result, float) and result.is_integer() else result
    if op in _COMPARE and _number(left) and _number(right):
        return _COMPARE[op](left, right)
    return UNKNOWN


def _call(e: Call, scope: Scope, depth: int) -> Any:
    name = e.name
    if name in ("try", "coalesce"):
        for arg in e.args:
            v = evaluate(arg, scope, depth)
            if v is UNKNOWN:
                # try(): an unknown first argument could succeed or fail; we cannot say.
                return UNKNOWN
            if name == "try" or v not in (None, ""):
                return v
        return UNKNOWN
    if name == "can":
        v = evaluate(e.args[0], scope, depth) if e.args else UNKNOWN
        return True if is_known(v) else UNKNOWN
    if name in ("nonsensitive", "sensitive"):
        return evaluate(e.args[0], scope, depth) if e.args else UNKNOWN
    args = [evaluate(a, scope, depth) for a in e.args]
    if e.expand_last and args:
        last = args.pop()
        if not isinstance(last, list):
            return UNKNOWN
        args.extend(last)
    if name == "coalescelist":
        for a in args:
            if a is UNKNOWN:
                return UNKNOWN
            if a:
                return a
        return UNKNOWN
    if name in ("alltrue", "anytrue"):
        if len(args) != 1 or not isinstance(args[0], list):
            return UNKNOWN
        items = args[0]
        want = name == "anytrue"
        if any(i is want for i in items):
            return want
        return (not want) if all(isinstance(i, bool) for i in items) else UNKNOWN
    return functions.call(name, args)


def _for(e: ForExpr, scope: Scope, depth: int) -> Any:
    coll = evaluate(e.collection, scope, depth)
    if not isinstance(coll, (list, dict)):
        return UNKNOWN
    pairs = list(coll.items()) if isinstance(coll, dict) else list(enumerate(coll))
    if len(pairs) > MAX_ITEMS:
        return UNKNOWN
    result_list: list = []
    result_obj: dict = {}
    for k, v in pairs:
        names = {e.value_var: v}
        if e.key_var:
            names[e.key_var] = k
        inner = _Overlay(scope, names)
        if e.cond is not None:
            c = evaluate(e.cond, inner, depth)
            if c is False:
                continue
            if c is not True:
                return UNKNOWN
        if e.key is None:
            result_list.append(evaluate(e.value, inner, depth))
            continue
        key = evaluate(e.key, inner, depth)
        if not is_known(key):
            return UNKNOWN
        key = functions.call("tostring", [key])
        value = evaluate(e.value, inner, depth)
        if e.grouping:
            result_obj.setdefault(key, []).append(value)
        else:
            result_obj[key] = value
    return result_list if e.key is None else result_obj


def overlay(scope: Scope, names: dict[str, Any]) -> Scope:
    return _Overlay(scope, names)
