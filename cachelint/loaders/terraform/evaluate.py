"""Evaluate Terraform expressions as far as they can be known statically."""

from __future__ import annotations

import json
from typing import Any, Protocol

from cachelint.loaders.terraform import functions
from cachelint.loaders.terraform.syntax import (
    BinOp, Call, Cond, ForExpr, GetAttr, Index, Lit, Name, ObjectExpr, Opaque, Splat, Template,
    TupleExpr, UnOp,
)
from cachelint.values import UNKNOWN, UNREAD, Symbol, is_known

MAX_DEPTH = 64
MAX_ITEMS = 10_000


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

    def read_file(self, path: str) -> Any:
        return read_file(self.parent, path)


def read_file(scope: Any, path: str) -> Any:
    """The text of a file a ``file()`` call names, as the scope's module can read it; UNKNOWN
    where the scope reads no files (variable defaults, tfvars) or the file is not there."""
    reader = getattr(scope, "read_file", None)
    return reader(path) if reader is not None else UNKNOWN


class EvalError(Exception):
    """The expression is an error in Terraform too (a missing key, ``coalesce`` of nulls);
    ``try()`` and ``can()`` see it, everything else sees UNKNOWN."""


def evaluate(expr: Any, scope: Scope, depth: int = 0) -> Any:
    """Evaluate ``expr`` in ``scope``; whatever cannot be known is UNKNOWN (never an exception)."""
    try:
        return _ev(expr, scope, depth)
    except EvalError:
        return UNKNOWN


def _ev(expr: Any, scope: Scope, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return UNKNOWN
    try:
        return _eval(expr, scope, depth + 1)
    except EvalError:
        raise
    except RecursionError:
        return UNKNOWN
    except (functions.FunctionError, TypeError, ValueError, KeyError, IndexError,
            AttributeError, ZeroDivisionError, OverflowError) as exc:
        raise EvalError(str(exc)) from None


def _eval(e: Any, scope: Scope, depth: int) -> Any:
    if isinstance(e, Lit):
        return e.value
    if isinstance(e, Name):
        return scope.lookup(e.name)
    if isinstance(e, GetAttr):
        return get_attr(_ev(e.obj, scope, depth), e.name)
    if isinstance(e, Index):
        return index(_ev(e.obj, scope, depth), _ev(e.key, scope, depth))
    if isinstance(e, Template):
        if len(e.parts) == 1 and not isinstance(e.parts[0], str):
            return _ev(e.parts[0], scope, depth)
        out = []
        for part in e.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            value = _ev(part, scope, depth)
            if not is_known(value) or isinstance(value, (list, dict)):
                return UNKNOWN
            out.append(functions.call("tostring", [value]))
        return "".join(out)
    if isinstance(e, TupleExpr):
        return [_ev(i, scope, depth) for i in e.items]
    if isinstance(e, ObjectExpr):
        out: dict = {}
        for k, v in e.items:
            key = _ev(k, scope, depth)
            if not is_known(key):
                return UNKNOWN
            out[functions.call("tostring", [key])] = _ev(v, scope, depth)
        return out
    if isinstance(e, Cond):
        cond = _ev(e.cond, scope, depth)
        if cond is True:
            return _ev(e.then, scope, depth)
        if cond is False:
            return _ev(e.other, scope, depth)
        # Both branches agreeing is as good as knowing the condition.
        try:
            a, b = _ev(e.then, scope, depth), _ev(e.other, scope, depth)
        except EvalError:
            return UNKNOWN
        return a if is_known(a) and a == b else UNKNOWN
    if isinstance(e, BinOp):
        return _binop(e.op, e, scope, depth)
    if isinstance(e, UnOp):
        v = _ev(e.operand, scope, depth)
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
        base = _ev(e.obj, scope, depth)
        if base is UNKNOWN:
            return UNKNOWN
        items = base if isinstance(base, list) else ([] if base is None else [base])
        out = []
        for item in items:
            for kind, arg in e.steps:
                item = get_attr(item, arg) if kind == "attr" else index(
                    item, _ev(arg, scope, depth))
            out.append(item)
        return out
    if isinstance(e, Opaque):
        return UNKNOWN
    return UNKNOWN


def get_attr(obj: Any, name: str) -> Any:
    if hasattr(obj, "attribute"):
        return obj.attribute(name)
    if isinstance(obj, dict):
        if name not in obj:
            raise EvalError(f"object has no attribute {name!r}")
        return obj[name]
    if isinstance(obj, Symbol):
        return Symbol(obj.address, f"{obj.attribute}.{name}")
    if obj is None:
        raise EvalError(f"attribute {name!r} of null")
    if isinstance(obj, (str, int, float, bool, list)):
        raise EvalError(f"attribute {name!r} of a {type(obj).__name__}")
    return UNKNOWN


def index(obj: Any, key: Any) -> Any:
    if obj is UNKNOWN or not is_known(key):
        return UNKNOWN
    if key is None:
        raise EvalError("index is null")
    if obj is None:
        raise EvalError("index into null")
    if isinstance(obj, list):
        if isinstance(key, str) and key.lstrip("-").isdigit():
            key = int(key)
        if not isinstance(key, (int, float)) or isinstance(key, bool):
            raise EvalError(f"list index {key!r}")
        i = int(key)
        if not 0 <= i < len(obj):
            raise EvalError(f"list index {i} out of range")
        return obj[i]
    if isinstance(obj, dict):
        k = functions.call("tostring", [key])
        if k not in obj:
            raise EvalError(f"key {k!r} not found")
        return obj[k]
    return UNKNOWN


_ARITH = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
          "/": lambda a, b: a / b, "%": lambda a, b: a % b}
_COMPARE = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b}


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _binop(op: str, e: BinOp, scope: Scope, depth: int) -> Any:
    left = _ev(e.left, scope, depth)
    if op == "&&" and left is False:
        return False
    if op == "||" and left is True:
        return True
    right = _ev(e.right, scope, depth)
    if op in ("&&", "||"):
        if (op == "&&" and right is False) or (op == "||" and right is True):
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
    if name == "try":
        for arg in e.args:
            try:
                v = _ev(arg, scope, depth)
            except EvalError:
                continue
            # An unknown argument could still succeed or fail: the result is unknown.
            return UNKNOWN if v is UNKNOWN else v
        raise EvalError("try: no argument succeeded")
    if name == "coalesce":
        for arg in e.args:
            v = _ev(arg, scope, depth)
            if v is UNKNOWN or isinstance(v, Symbol):
                return v if isinstance(v, Symbol) else UNKNOWN
            if v not in (None, ""):
                return v
        raise EvalError("coalesce: no non-null argument")
    if name == "can":
        try:
            v = _ev(e.args[0], scope, depth) if e.args else UNKNOWN
        except EvalError:
            return False
        return UNKNOWN if v is UNKNOWN else True
    if name in ("nonsensitive", "sensitive"):
        return _ev(e.args[0], scope, depth) if e.args else UNKNOWN
    if name in ("file", "fileexists") and len(e.args) == 1:
        path = _ev(e.args[0], scope, depth)
        if not isinstance(path, str):
            return UNKNOWN
        text = read_file(scope, path)
        if name == "fileexists":
            # A file not found here may exist where Terraform runs (generated in CI).
            return True if isinstance(text, str) else UNKNOWN
        return text
    args = [_ev(a, scope, depth) for a in e.args]
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
    coll = _ev(e.collection, scope, depth)
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
            c = _ev(e.cond, inner, depth)
            if c is False:
                continue
            if c is not True:
                return UNKNOWN
        if e.key is None:
            result_list.append(_ev(e.value, inner, depth))
            continue
        key = _ev(e.key, inner, depth)
        if not is_known(key):
            return UNKNOWN
        key = functions.call("tostring", [key])
        value = _ev(e.value, inner, depth)
        if e.grouping:
            result_obj.setdefault(key, []).append(value)
        else:
            result_obj[key] = value
    return result_list if e.key is None else result_obj


def overlay(scope: Scope, names: dict[str, Any]) -> Scope:
    return _Overlay(scope, names)


def partial_text(expr: Any, scope: Scope) -> Any:
    """The text of ``expr`` with each part that cannot be evaluated written as UNREAD: for a
    reader that needs only some of a string ("dynamodb:action/GetItem" in a uri whose region
    is a variable). A whole value that is not text is UNKNOWN."""
    value = evaluate(expr, scope)
    if isinstance(value, str):
        return value
    if isinstance(expr, Template):
        out = []
        for part in expr.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            v = evaluate(part, scope)
            known = is_known(v) and not isinstance(v, (list, dict))
            out.append(functions.call("tostring", [v]) if known else UNREAD)
        return "".join(out)
    if isinstance(expr, Call) and expr.name == "jsonencode" and len(expr.args) == 1:
        inner = evaluate(expr.args[0], scope)
        if isinstance(inner, (dict, list)):
            # JSON writes the UNREAD character escaped; the text keeps it as UNREAD.
            text = functions.call("jsonencode", [_unread_leaves(inner)])
            return text.replace(json.dumps(UNREAD)[1:-1], UNREAD)
    return UNKNOWN


def _unread_leaves(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _unread_leaves(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unread_leaves(v) for v in value]
    return value if is_known(value) else UNREAD
