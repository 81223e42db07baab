"""Apply a variable's ``type`` constraint to its value, as Terraform does before a module sees it.

What matters for precision is ``optional(T, default)``: an attribute the caller left out is
``null`` (or the default), not missing, so ``var.x.attr == null`` is true rather than an error.
Primitive conversions (``"5"`` to ``5`` for ``number``) follow Terraform's rules.
"""

from __future__ import annotations

from typing import Any

from cachelint.loaders.terraform.syntax import Call, Lit, Name, ObjectExpr, TupleExpr
from cachelint.values import UNKNOWN, Symbol


def convert(value: Any, type_expr: Any, evaluate_default) -> Any:
    """``value`` converted to ``type_expr``; anything it cannot decide is returned unchanged."""
    if value is UNKNOWN or value is None or isinstance(value, Symbol) or type_expr is None:
        return value
    if isinstance(type_expr, Name):
        return _primitive(value, type_expr.name)
    if not isinstance(type_expr, Call) or not type_expr.args:
        return value
    kind, arg = type_expr.name, type_expr.args[0]
    if kind == "optional":
        return convert(value, arg, evaluate_default)
    if kind in ("list", "set") and isinstance(value, list):
        return [convert(v, arg, evaluate_default) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: convert(v, arg, evaluate_default) for k, v in value.items()}
    if kind == "tuple" and isinstance(value, list) and isinstance(arg, TupleExpr):
        return [convert(v, t, evaluate_default) for v, t in zip(value, arg.items, strict=False)] + \
            value[len(arg.items):]
    if kind == "object" and isinstance(value, dict) and isinstance(arg, ObjectExpr):
        out = dict(value)
        for key_expr, attr_type in arg.items:
            if not isinstance(key_expr, Lit):
                continue
            key = str(key_expr.value)
            if key in out:
                out[key] = convert(out[key], attr_type, evaluate_default)
            elif isinstance(attr_type, Call) and attr_type.name == "optional":
                default = None
                if len(attr_type.args) > 1:
                    default = evaluate_default(attr_type.args[1])
                out[key] = convert(default, attr_type.args[0], evaluate_default)
        return out
    return value


def _primitive(value: Any, name: str) -> Any:
    if name == "number" and isinstance(value, str):
        try:
            f = float(value)
        except ValueError:
            return value
        return int(f) if f.is_integer() else f
    if name == "bool" and isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if name == "string" and isinstance(value, bool):
        return "true" if value else "false"
    if name == "string" and isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value
