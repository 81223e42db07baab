"""Terraform configuration syntax: blocks, attributes and expression trees with line numbers.

Both native HCL (through python-hcl2's Lark parse tree) and the JSON syntax (``.tf.json``) are
turned into these plain, picklable nodes, so the evaluator never sees a parser artifact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


# --- expressions -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lit:
    value: Any


@dataclass(frozen=True, slots=True)
class Template:
    """A string with interpolations; a lone ``"${x}"`` yields x unconverted, as Terraform does."""

    parts: tuple  # of str | Expr


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class GetAttr:
    obj: Expr
    name: str


@dataclass(frozen=True, slots=True)
class Index:
    obj: Expr
    key: Expr


@dataclass(frozen=True, slots=True)
class Splat:
    """``obj[*].a[0]``: apply ``steps`` (GetAttr/Index with a ``Name('')`` hole) to each element."""

    obj: Expr
    steps: tuple


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple
    expand_last: bool = False


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class UnOp:
    op: str
    operand: Expr


@dataclass(frozen=True, slots=True)
class Cond:
    cond: Expr
    then: Expr
    other: Expr


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    items: tuple  # of (key Expr, value Expr)


@dataclass(frozen=True, slots=True)
class ForExpr:
    key_var: str | None
    value_var: str
    collection: Expr
    key: Expr | None  # set for object results
    value: Expr
    cond: Expr | None
    grouping: bool = False


@dataclass(frozen=True, slots=True)
class Opaque:
    """A construct the evaluator does not model (template directives); always unknown."""

    text: str


Expr = (Lit | Template | Name | GetAttr | Index | Splat | Call | BinOp | UnOp | Cond | TupleExpr
        | ObjectExpr | ForExpr | Opaque)


# --- bodies ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expr: Expr
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    line: int
    end_line: int


@dataclass(frozen=True, slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()

    def blocks_of(self, block_type: str) -> list[Block]:
        return [b for b in self.blocks if b.type == block_type]


@dataclass(frozen=True, slots=True)
class Comment:
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """One parsed ``.tf``/``.tf.json``/``.tfvars`` file."""

    path: str
    body: Body
    comments: tuple[Comment, ...] = ()
    dialect: str = "hcl2"  # "hcl1": Terraform 0.11 syntax read in compatibility mode


# --- references --------------------------------------------------------------------------------


def traversal(expr: Expr) -> tuple[str, ...] | None:
    """``aws_x.name.attr`` -> ("aws_x", "name", "attr"); None if expr is not a static traversal."""
    parts: list[str] = []
    while True:
        if isinstance(expr, GetAttr):
            parts.append(expr.name)
            expr = expr.obj
        elif isinstance(expr, Index):
            expr = expr.obj  # instance keys do not change which resource is meant
        elif isinstance(expr, Name):
            parts.append(expr.name)
            return tuple(reversed(parts))
        else:
            return None


def references(expr: Any) -> list[tuple[str, ...]]:
    """Every static traversal inside an expression tree (``a.b.c`` anywhere in it)."""
    found: list[tuple[str, ...]] = []
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, (GetAttr, Index, Name)):
            path = traversal(node)
            if path is not None:
                found.append(path)
                if isinstance(node, Index):
                    stack.append(node.key)
                continue
        if isinstance(node, (tuple, list)):
            stack.extend(node)
        elif hasattr(node, "__dataclass_fields__"):
            stack.extend(getattr(node, f) for f in node.__dataclass_fields__)
    return found


_INTERP = re.compile(r"(?<![$%])\$\{")


def split_template(text: str, parse_expr) -> Expr:
    """Split a string containing ``${...}`` into a Template; ``parse_expr`` parses one
    expression."""
    if "${" not in text and "%{" not in text:
        return Lit(text)
    if "%{" in text:
        return Opaque(text)
    parts: list = []
    pos = 0
    while True:
        m = _INTERP.search(text, pos)
        if not m:
            break
        if m.start() > pos:
            parts.append(text[pos:m.start()])
        depth, i = 1, m.end()
        while i < len(text) and depth:
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
            i += 1
        if depth:
            return Opaque(text)
        parts.append(parse_expr(text[m.end():i - 1]))
        pos = i
    if pos < len(text):
        parts.append(text[pos:])
    parts = [p.replace("$${", "${") if isinstance(p, str) else p for p in parts]
    return Template(tuple(parts))
